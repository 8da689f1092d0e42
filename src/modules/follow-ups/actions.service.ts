import { updateVersioned } from '../../db/versioned.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { AppError, NotFoundError, ValidationError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { parseInput } from '../../lib/validate.js';
import { applyTransition, checkTransition, type Machine } from '../../lib/state-machine.js';
import { dueBeforePlanYear } from './deadlines.js';
import { inputs } from './follow-ups.inputs.js';
import { FOLLOW_UP_TABLES, followUpRepository } from './follow-ups.repository.js';
import { planForActions } from './plan-access.js';

type ActionStatus = 'PLANNED' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED';

export const ACTION_MACHINE: Machine<ActionStatus, 'start' | 'complete' | 'cancel'> = {
  start: { from: ['PLANNED'], to: () => 'IN_PROGRESS' },
  complete: { from: ['IN_PROGRESS'], to: () => 'DONE' },
  cancel: { from: ['PLANNED', 'IN_PROGRESS'], to: () => 'CANCELLED' },
};

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
  async function transition(ctx: RequestContext, name: 'start' | 'complete' | 'cancel', input: { id: string; version: number; reason?: string | null }) {
    return db.transaction(async (tx) => {
      const row = await followUpRepository.action(tx, input.id);
      if (!row) throw new NotFoundError('Action', input.id);
      const plan = await planForActions(tx, ctx, row.planId);
      const to = checkTransition(ACTION_MACHINE, 'action', name, row, input.version);
      const after = await applyTransition(tx, FOLLOW_UP_TABLES.actions, 'Action', row, input.version, to, name === 'cancel' ? { statusReason: input.reason } : {});
      await recordAudit(tx, ctx, {
        action: `action.${name}`,
        entityType: 'Action',
        entityId: row.id,
        namndCode: plan.namndCode,
        plan,
        entityVersion: after.version,
        fromState: row.status,
        toState: to,
        reason: input.reason ?? null,
        eventData: { followUpId: row.followUpId },
      });
      return after;
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

    start: (ctx: RequestContext, raw: unknown) => transition(ctx, 'start', parseInput(inputs.actionTransition, raw)),
    complete: (ctx: RequestContext, raw: unknown) => transition(ctx, 'complete', parseInput(inputs.actionTransition, raw)),
    cancel: (ctx: RequestContext, raw: unknown) => transition(ctx, 'cancel', parseInput(inputs.cancelAction, raw)),
  };
}

export type ActionService = ReturnType<typeof createActionService>;
