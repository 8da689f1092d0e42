import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { fromJsonRows, jsonRowsSql, renderedOnce } from '../db/json-rows.js';
import { preparedRows } from '../db/raw.js';
import type { Versioned } from '../db/versioned.js';
import { APPEND_ARITY, appendParams, auditedChangeSql, beginChain, chainOf, isFirstEventRace, preparedAudit, type AuditInput, type RequestContext } from './audit-log.js';

/** A condition of one value, named (the name is part of the cached statement's shape). */
export interface UpdateGuard {
  name: string;
  value: unknown;
  sql: (param: SQL) => SQL;
}

export interface AuditedUpdate<T extends Versioned> {
  table: T;
  id: string;
  /** The version the client read; the change applies only to it. */
  version: number;
  patch: Record<string, unknown>;
  /** A further condition for the change, evaluated in the statement (e.g. its plan is still a draft, share-locked), of one value. */
  guard?: UpdateGuard;
  /** The audit event; its entity version is the row's new one. */
  audit: Omit<AuditInput, 'entityVersion'>;
  /** True when `db` is not inside a transaction: the statement is the whole transaction. */
  ownTransaction: boolean;
}

type Statement = (...values: unknown[]) => SQL;
const statements = new Map<string, Statement>();

/**
 * The statement of one shape (table, columns set, guard, published), rendered to text once: a write is then only
 * its values, not hundreds of SQL chunks built and rendered per request.
 */
function statementFor(table: Versioned, keys: string[], guard: UpdateGuard | undefined, publish: boolean): Statement {
  const shape = `${getTableName(table)}|${keys.join(',')}|${guard?.name ?? ''}|${publish}`;
  let s = statements.get(shape);
  if (s) return s;
  const cols = getTableColumns(table);
  const arity = keys.length + 3 + (guard ? 1 : 0) + APPEND_ARITY;
  s = renderedOnce((...p) => {
    const sets = keys.map((k, i) => sql`${sql.identifier(cols[k].name)} = ${p[i]}`);
    const [updatedAt, id, version] = p.slice(keys.length, keys.length + 3);
    const guarded = guard ? sql` and ${guard.sql(p[keys.length + 3])}` : sql``;
    const change = sql`update ${table} set ${sql.join([...sets, sql`${sql.identifier(table.version.name)} = ${table.version} + 1`, sql`${sql.identifier(table.updatedAt.name)} = ${updatedAt}::timestamptz`], sql`, `)}
      where ${table.id} = ${id}::uuid and ${table.version} = ${version}::int${guarded} returning *`;
    const after = sql`select ${jsonRowsSql({ table, where: sql`true`, orderBy: [], from: sql`r` })} as rows`;
    return auditedChangeSql(publish, appendParams(p.slice(arity - APPEND_ARITY)), change, after);
  }, arity);
  statements.set(shape, s);
  return s;
}

/**
 * A versioned update, its audit event, its domain event and the chain head in one statement (one round trip, as
 * the raw-SQL limit does it). Returns the row after the change, or undefined when none changed: the version was
 * stale, the row is gone or the guard failed; the caller says which.
 */
export async function auditedUpdate<T extends Versioned>(db: DbOrTx, ctx: RequestContext, u: AuditedUpdate<T>): Promise<T['$inferSelect'] | undefined> {
  const cols = getTableColumns(u.table);
  const keys = Object.keys(u.patch).sort();
  const run = async () => {
    // An update adds no rows: no list grows, so the list bounds are not counted again.
    const audit = preparedAudit(ctx, { ...u.audit, entityVersion: u.version + 1 }, false);
    const values = [
      ...keys.map((k) => (u.patch[k] == null ? null : cols[k].mapToDriverValue(u.patch[k]))),
      new Date().toISOString(),
      u.id,
      u.version,
      ...(u.guard ? [u.guard.value] : []),
      ...audit.values,
    ];
    const [row] = await preparedRows<{ rows: unknown }>(db, statementFor(u.table, keys, u.guard, audit.publish)(...values));
    return fromJsonRows<T['$inferSelect']>(u.table, row?.rows)[0];
  };
  if (!u.ownTransaction) {
    // Inside a transaction a failed statement cannot be retried: make sure the chain has begun first.
    await beginChain(db, chainOf(u.audit.namndCode));
    return run();
  }
  try {
    return await run();
  } catch (err) {
    if (isFirstEventRace(err)) return run();
    throw err;
  }
}
