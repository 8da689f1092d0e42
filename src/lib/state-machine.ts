import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client.js';
import { AppError, ConflictError } from '../errors.js';

/** A named transition: the states it may start from, and the state it leads to. */
export interface Transition<S extends string> {
  from: readonly S[];
  to: (from: S) => S;
}

export type Machine<S extends string, T extends string> = Record<T, Transition<S>>;

export function allowedFrom<S extends string, T extends string>(machine: Machine<S, T>, state: S): T[] {
  return (Object.keys(machine) as T[]).filter((t) => machine[t].from.includes(state));
}

/**
 * Refuses a transition on a stale read (CONFLICT: someone else moved first), then one that does not start from the
 * current state (INVALID_TRANSITION, naming the ones that do).
 */
export function checkTransition<S extends string, T extends string>(
  machine: Machine<S, T>,
  entity: string,
  name: T,
  row: { id: string; status: S; version: number },
  sentVersion: number,
): S {
  const state = row.status;
  if (row.version !== sentVersion) {
    throw new ConflictError(`The ${entity} was changed by someone else: it is at version ${row.version}, you sent ${sentVersion}; read it again`, { currentVersion: row.version, state });
  }
  if (!machine[name].from.includes(state)) {
    const allowed = allowedFrom(machine, state);
    throw new AppError(
      'INVALID_TRANSITION',
      `Cannot ${name} a ${state} ${entity}; from ${state} ${allowed.length ? `the allowed transitions are: ${allowed.join(', ')}` : 'no transition is allowed'}`,
      409,
      { entity, transition: name, state, allowed },
    );
  }
  return machine[name].to(state);
}

export type Stateful = PgTable & { id: PgColumn; version: PgColumn; status: PgColumn; updatedAt: PgColumn };

/**
 * Applies a checked transition only if nobody changed the row since it was read: the status and the version
 * are both in the WHERE clause, so of two concurrent callers exactly one wins and the other gets CONFLICT.
 */
export async function applyTransition<T extends Stateful>(
  tx: DbOrTx,
  table: T,
  entity: string,
  row: { id: string; version: number; status: string },
  sentVersion: number,
  to: string,
  patch: Record<string, unknown> = {},
): Promise<T['$inferSelect']> {
  if (row.version !== sentVersion) {
    throw new ConflictError(`${entity} ${row.id} was changed by someone else: it is at version ${row.version}, you sent ${sentVersion}`, { currentVersion: row.version });
  }
  // drizzle cannot type set() and returning() for a table known only by its constraint; the row is T's own.
  const rows = (await tx
    .update(table)
    .set({ ...patch, status: to, version: sql`${table.version} + 1`, updatedAt: new Date() } as never)
    .where(and(eq(table.id, row.id), eq(table.version, sentVersion), inArray(table.status, [row.status])))
    .returning()) as unknown as T['$inferSelect'][];
  if (!rows.length) throw new ConflictError(`${entity} ${row.id} was changed concurrently; read it again`);
  return rows[0];
}
