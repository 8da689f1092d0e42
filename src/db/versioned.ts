import { and, eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';
import { ConflictError, NotFoundError } from '../errors.js';

export type Versioned = PgTable & { id: PgColumn; version: PgColumn; updatedAt: PgColumn };

/**
 * Optimistic concurrency: the update applies only to the version the client read.
 * A stale version is a CONFLICT that says which version is current.
 */
export async function updateVersioned<T extends Versioned>(
  tx: DbOrTx,
  table: T,
  entity: string,
  id: string,
  expectedVersion: number,
  patch: Partial<T['$inferInsert']>,
): Promise<T['$inferSelect']> {
  // drizzle cannot type set() and returning() for a table known only by its constraint; the row is T's own.
  const rows = (await tx
    .update(table)
    .set({ ...patch, version: sql`${table.version} + 1`, updatedAt: new Date() } as never)
    .where(and(eq(table.id, id), eq(table.version, expectedVersion)))
    .returning()) as unknown as T['$inferSelect'][];
  if (rows.length) return rows[0];
  return refuseStale(tx, table, entity, id, expectedVersion);
}

/** Why a versioned change applied to no row: NOT_FOUND when the row is gone, else CONFLICT with the current version. */
export async function refuseStale(tx: DbOrTx, table: Versioned, entity: string, id: string, expectedVersion: number): Promise<never> {
  const current = (await tx.select({ version: table.version }).from(table as PgTable).where(eq(table.id, id))) as { version: number }[];
  if (!current.length) throw new NotFoundError(entity, id);
  throw new ConflictError(
    `${entity} ${id} was changed by someone else: it is at version ${current[0].version}, you sent ${expectedVersion}. Read it again and retry.`,
    { currentVersion: current[0].version, sentVersion: expectedVersion },
  );
}

