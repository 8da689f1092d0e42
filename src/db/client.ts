import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';

export type Schema = typeof schema;
/** Either driver's database, by what both share (each driver's own result type is cast to it once, below). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Every repository function takes either the database or the caller's transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** A database round trip; throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Present in embedded mode: the raw PGlite instance (migrations, dumps). */
  pglite?: PGlite;
  pool?: pg.Pool;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  /** Embedded mode: a folder, or undefined for an in-memory database (tests). */
  dataDir?: string;
  poolMax?: number;
  /** Called for every SQL statement drizzle sends (tests count them to catch N+1). */
  onQuery?: (sql: string) => void;
}

// node-postgres returns bigint and numeric as strings; our bigints (ids, positions) fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  const logger = opts.onQuery ? { logQuery: (q: string) => opts.onQuery!(q) } : undefined;

  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolMax ?? 10,
      // Fail fast when the database is gone, so requests get SERVICE_UNAVAILABLE instead of hanging.
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
    });
    // A client losing its connection must not crash the process, idle or checked out between two statements of a
    // transaction: its pending query fails, and the pool discards it when it is released.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
    return {
      kind: 'postgres',
      db,
      pool,
      async ping() {
        await pool.query('select 1');
      },
      async close() {
        await pool.end();
      },
    };
  }

  let lock: DataDirLock | undefined;
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    lock = acquireDataDirLock(opts.dataDir);
  }
  try {
    const pglite = opts.dataDir ? new PGlite(path.join(opts.dataDir, 'pg')) : new PGlite();
    await pglite.waitReady;
    const db = drizzlePglite(pglite, { schema, logger }) as unknown as Db;
    return {
      kind: 'pglite',
      db,
      pglite,
      async ping() {
        await db.execute(sql`select 1`);
      },
      async close() {
        await pglite.close();
        lock?.release();
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}
