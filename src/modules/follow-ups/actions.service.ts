import { updateVersioned } from '../../db/versioned.js';
import { recordAudit, diff, type AuditInput, type RequestContext } from '../../audit/audit-log.js';
import type { DbOrTx } from '../../db/client.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { parseInput } from '../../lib/validate.js';
import { auditedTransition } from '../../audit/audited-transition.js';
import type { Machine } from '../../lib/state-machine.js';
import { dueBeforePlanYear, isOpenAction } from './deadlines.js';
import { inputs } from './follow-ups.inputs.js';
import { FOLLOW_UP_TABLES, followUpRepository, type ActionRow } from './follow-ups.repository.js';
import { planForActions } from './plan-access.js';

type ActionStatus = 'PLANNED' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'CARRIED_OVER';
type UserTransition = 'start' | 'complete' | 'cancel';

/**
 * carryOver is no user mutation: only the rollover performs it (carryOverActions), and it is the one change an
 * adopted or closed plan's actions still take. CARRIED_OVER is final, the copy in the next year goes on.
 */
export const ACTION_MACHINE: Machine<ActionStatus, UserTransition | 'carryOver'> = {
  start: { from: ['PLANNED'], to: () => 'IN_PROGRESS' },
  complete: { from: ['IN_PROGRESS'], to: () => 'DONE' },
  cancel: { from: ['PLANNED', 'IN_PROGRESS'], to: () => 'CANCELLED' },
  carryOver: { from: ['PLANNED', 'IN_PROGRESS'], to: () => 'CARRIED_OVER' },
};
// What users may do: an INVALID_TRANSITION names only these.
const { carryOver: _rolloverOnly, ...USER_MACHINE } = ACTION_MACHINE;

/** A carried-over action is kept on as its copy in the next year's plan; the original is history. */
async function refuseCarriedOver(tx: DbOrTx, row: ActionRow) {
  if (row.status !== 'CARRIED_OVER') return;
  const [copy] = await followUpRepository.actionsByOrigins(tx, [row.id]);
  throw new AppError('ACTION_CARRIED_OVER', `The action was carried over to next year's plan${copy ? ` as action ${copy.id}` : ''}: change that one`, 409, { carriedTo: copy?.id ?? null });
}

/**
 * The rollover's part of the actions: each open action of the old plan gets its copy in the new plan (unless it
 * has one already, from an earlier run) and ends as CARRIED_OVER, both audited, in the caller's transaction, so a
 * real action is open in exactly one place. `skip`: ids an earlier run carried whose copy is gone; left alone.
 * Statements: a fixed few for all actions, plus the audit events (one per change, as for any write).
 */
export async function carryOverActions(
  tx: DbOrTx,
  ctx: RequestContext,
  from: { id: string; year: number; namndCode: string },
  to: { id: string; year: number },
  skip: ReadonlySet<string>,
): Promise<{ created: number; skipped: number; carriedIds: string[] }> {
  const rows = await followUpRepository.openOrCarriedActions(tx, from.id);
  const open = rows.filter(isOpenAction);
  const copyOf = new Map((await followUpRepository.actionsByOrigins(tx, open.map((a) => a.id))).map((c) => [c.originActionId!, c.id]));
  const toCopy = open.filter((a) => !copyOf.has(a.id) && !skip.has(a.id));
  const copies = await followUpRepository.insertActions(
    tx,
    toCopy.map((a) => ({ planId: to.id, originActionId: a.id, title: a.title, description: a.description, owner: a.owner, dueDate: a.dueDate, plannedYear: a.plannedYear, tags: a.tags, status: a.status })),
  );
  for (const c of copies) copyOf.set(c.originActionId!, c.id);
  // Also an original an older version of the rollover copied but left open.
  const carried = open.filter((a) => copyOf.has(a.id));
  const moved = await followUpRepository.carryOver(tx, carried.map((a) => a.id));
  if (moved.length !== carried.length) throw new ConflictError('An action of the old plan changed during the rollover; run it again');

  // Each action's own event, on the plan it is in, from the rows as written.
  const audit = (row: ActionRow, plan: { id: string; year: number }, input: Pick<AuditInput, 'action' | 'fromState' | 'reason' | 'changes' | 'eventData'>) =>
    recordAudit(tx, ctx, { ...input, entityType: 'Action', entityId: row.id, namndCode: from.namndCode, plan, entityVersion: row.version, toState: row.status });
  for (const c of copies) {
    const carriedFrom = c.originActionId!;
    await audit(c, to, { action: 'action.create', reason: `rollover from ${from.year}`, changes: { after: { ...c, carriedFrom } }, eventData: { followUpId: null, carriedFrom } });
  }
  const before = new Map(carried.map((a) => [a.id, a.status]));
  for (const a of moved) {
    const carriedTo = copyOf.get(a.id)!;
    await audit(a, from, { action: 'action.carryOver', fromState: before.get(a.id), reason: `rollover to ${to.year}`, changes: { after: { carriedTo } }, eventData: { followUpId: a.followUpId, carriedTo } });
  }
  // Skipped: found carried already (by an earlier run), or left out on purpose.
  return { created: copies.length, skipped: rows.length - copies.length, carriedIds: toCopy.map((a) => a.id) };
}

/** An action due before its plan's year began cannot be the plan's: refused, with the field that says so. */
function requireDueInPlanYear(dueDate: string | null | undefined, plan: { year: number; namndCode: string }) {
  if (!dueBeforePlanYear(dueDate, plan.year)) return;
  const message = `before 1 January ${plan.year}, the start of the plan's year`;
  throw new AppError('DUE_DATE_BEFORE_PLAN_YEAR', `An action of the ${plan.namndCode} plan for ${plan.year} cannot be due ${dueDate}: ${message}`, 422, {
    fields: [{ path: 'input.dueDate', message }],
  });
}

/** Åtgärder: on a plan, or answering a deviating follow-up; kept by the nämnd's editors until the year is closed. */
export function createActionService({ db }: ServiceDeps) {
  async function transition(ctx: RequestContext, name: UserTransition, input: { id: string; version: number; reason?: string | null }) {
    return db.transaction(async (tx) => {
      const row = await followUpRepository.action(tx, input.id);
      if (!row) throw new NotFoundError('Action', input.id);
      const plan = await planForActions(tx, ctx, row.planId);
      await refuseCarriedOver(tx, row);
      return auditedTransition(tx, ctx, {
        machine: USER_MACHINE,
        name,
        entityType: 'Action',
        label: 'action',
        actionPrefix: 'action',
        table: FOLLOW_UP_TABLES.actions,
        row,
        version: input.version,
        namndCode: plan.namndCode,
        plan,
        reason: input.reason ?? null,
        prepare: async () => ({ patch: name === 'cancel' ? { statusReason: input.reason } : {} }),
        describe: () => ({ eventData: { followUpId: row.followUpId } }),
      });
    });
  }

  return {
    async create(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.createAction, raw);
      return db.transaction(async (tx) => {
        const plan = await planForActions(tx, ctx, input.planId);
        requireDueInPlanYear(input.dueDate, plan);
        if (input.followUpId) {
          const f = await followUpRepository.followUp(tx, input.followUpId);
          if (!f || f.planId !== plan.id) throw new ValidationError('followUpId must be a follow-up of the same plan', [{ path: 'input.followUpId', message: 'not a follow-up of this plan' }]);
        }
        const row = await followUpRepository.insertAction(tx, { ...input, tags: input.tags ?? [] });
        await recordAudit(tx, ctx, {
          action: 'action.create',
          entityType: 'Action',
          entityId: row.id,
          namndCode: plan.namndCode,
          plan,
          entityVersion: row.version,
          toState: row.status,
          changes: { after: row },
          eventData: { followUpId: row.followUpId },
        });
        return row;
      });
    },

    async update(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.updateAction, raw);
      return db.transaction(async (tx) => {
        const before = await followUpRepository.action(tx, input.id);
        if (!before) throw new NotFoundError('Action', input.id);
        const plan = await planForActions(tx, ctx, before.planId);
        await refuseCarriedOver(tx, before);
        requireDueInPlanYear(input.dueDate, plan);
        const { id, version: v, ...patch } = input;
        const after = await updateVersioned(tx, FOLLOW_UP_TABLES.actions, 'Action', id, v, Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)));
        await recordAudit(tx, ctx, {
          action: 'action.update',
          entityType: 'Action',
          entityId: id,
          namndCode: plan.namndCode,
          plan,
          entityVersion: after.version,
          changes: diff(before, after, ['title', 'description', 'owner', 'dueDate', 'plannedYear', 'tags']),
          eventData: { followUpId: after.followUpId },
        });
        return after;
      });
    },

    // Action.carriedFrom / carriedTo, batched by the request's loaders.
    byIds: (ids: readonly string[]) => followUpRepository.actionsByIds(db, ids),
    copiesOf: (ids: readonly string[]) => followUpRepository.actionsByOrigins(db, ids),

    start: (ctx: RequestContext, raw: unknown) => transition(ctx, 'start', parseInput(inputs.actionTransition, raw)),
    complete: (ctx: RequestContext, raw: unknown) => transition(ctx, 'complete', parseInput(inputs.actionTransition, raw)),
    cancel: (ctx: RequestContext, raw: unknown) => transition(ctx, 'cancel', parseInput(inputs.cancelAction, raw)),
  };
}

export type ActionService = ReturnType<typeof createActionService>;
