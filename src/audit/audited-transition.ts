import type { DbOrTx } from '../db/client.js';
import { applyTransition, checkTransition, type Machine, type Stateful } from '../lib/state-machine.js';
import { recordAudit, type AuditInput, type RequestContext } from './audit-log.js';

export interface TransitionSpec<S extends string, N extends string, T extends Stateful> {
  machine: Machine<S, N>;
  name: N;
  /** Entity type as the audit trail names it (Plan, FollowUp, Action); the action is `<prefix>.<name>`. */
  entityType: string;
  /** How messages name it: 'plan', 'follow-up', 'action'. */
  label: string;
  actionPrefix: string;
  table: T;
  row: { id: string; status: S; version: number };
  version: number;
  namndCode: string;
  plan: { id: string; year: number };
  reason?: string | null;
  /** Runs after the check and before the change (e.g. adoption's rules, snapshot and follow-ups). */
  prepare?: () => Promise<{ patch?: Record<string, unknown>; changes?: Record<string, unknown> }>;
  /** What the audit and domain event say beyond the envelope, from the row after the change. */
  describe?: (after: T['$inferSelect']) => Pick<AuditInput, 'changes' | 'eventData'>;
}

/**
 * Every life-cycle transition (plan, follow-up, action) the same way: version and from-state checked, the row moved
 * only if nobody else moved it, and its audit event with from- and to-state, in the caller's transaction.
 */
export async function auditedTransition<S extends string, N extends string, T extends Stateful>(tx: DbOrTx, ctx: RequestContext, spec: TransitionSpec<S, N, T>): Promise<T['$inferSelect']> {
  const { row, version } = spec;
  const to = checkTransition(spec.machine, spec.label, spec.name, row, version);
  const extra = spec.prepare ? await spec.prepare() : {};
  const after = await applyTransition(tx, spec.table, spec.entityType, row, version, to, extra.patch);
  const described = spec.describe?.(after) ?? {};
  await recordAudit(tx, ctx, {
    action: `${spec.actionPrefix}.${spec.name}`,
    entityType: spec.entityType,
    entityId: row.id,
    namndCode: spec.namndCode,
    plan: spec.plan,
    entityVersion: (after as { version: number }).version,
    fromState: row.status,
    toState: to,
    reason: spec.reason ?? null,
    changes: described.changes ?? extra.changes ?? null,
    eventData: described.eventData,
  });
  return after;
}
