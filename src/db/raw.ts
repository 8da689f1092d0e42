import crypto from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

/** Runs hand-written SQL on either driver and returns its rows (both drivers answer `{ rows }`). */
export async function rawRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const dialect = new PgDialect();
const names = new Map<string, string>();
const MAX_NAMED = 500;

/**
 * rawRows for a statement whose text is fixed (renderedOnce): sent as a named prepared statement, so PostgreSQL
 * parses and plans it once per connection instead of on every request (planning the plan tree's statement took as
 * long as running it). Only fixed texts come here, so the number of names stays small; past MAX_NAMED a text runs
 * unnamed. PGlite runs it as any other statement.
 */
export async function preparedRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const q = dialect.sqlToQuery(query);
  let name = names.get(q.sql);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `ik_${crypto.createHash('sha1').update(q.sql).digest('hex').slice(0, 24)}`;
    names.set(q.sql, name);
  }
  const result = (await db._.session.prepareQuery(q, undefined, name, false).execute()) as { rows: T[] };
  return result.rows;
}
