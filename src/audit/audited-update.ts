import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { fromJsonRows, jsonRowsSql } from '../db/json-rows.js';
import { rawRows } from '../db/raw.js';
import type { Versioned } from '../db/versioned.js';
import { auditedChangeSql, chainOf, isFirstEventRace, type AuditInput, type RequestContext } from './audit-log.js';

export interface AuditedUpdate<T extends Versioned> {
  table: T;
  id: string;
  /** The version the client read; the change applies only to it. */
  version: number;
  patch: Record<string, unknown>;
  /** A further condition for the change, evaluated in the statement (e.g. its plan is still a draft, share-locked). */
  guard?: SQL;
  /** The audit event; its entity version is the row's new one. */
  audit: Omit<AuditInput, 'entityVersion'>;
  /** True when `db` is not inside a transaction: the statement is the whole transaction. */
  ownTransaction: boolean;
}

/**
 * A versioned update, its audit event, its domain event and the chain head in one statement (one round trip, as
 * the raw-SQL limit does it). Returns the row after the change, or undefined when none changed: the version was
 * stale, the row is gone or the guard failed; the caller says which.
 */
export async function auditedUpdate<T extends Versioned>(db: DbOrTx, ctx: RequestContext, u: AuditedUpdate<T>): Promise<T['$inferSelect'] | undefined> {
  // drizzle cannot type set() for a table known only by its constraint; the patch holds T's own columns.
  const change = db
    .update(u.table)
    .set({ ...u.patch, version: sql`${u.table.version} + 1`, updatedAt: new Date() } as never)
    .where(and(eq(u.table.id, u.id), eq(u.table.version, u.version), u.guard))
    .returning();
  const after = sql`select ${jsonRowsSql({ table: u.table, where: sql`true`, orderBy: [], from: sql`r` })} as rows`;
  const run = async () => {
    // An update adds no rows: no list grows, so the list bounds are not counted again.
    const statement = auditedChangeSql(ctx, { ...u.audit, entityVersion: u.version + 1 }, change.getSQL(), after, false);
    const [row] = await rawRows<{ rows: unknown }>(db, statement);
    return fromJsonRows<T['$inferSelect']>(u.table, row?.rows)[0];
  };
  if (!u.ownTransaction) {
    // Inside a transaction a failed statement cannot be retried: make sure the chain has begun first.
    await db.execute(sql`insert into audit_chain_heads (chain, seq, hash) values (${chainOf(u.audit.namndCode)}, 0, '') on conflict (chain) do nothing`);
    return run();
  }
  try {
    return await run();
  } catch (err) {
    if (isFirstEventRace(err)) return run();
    throw err;
  }
}
