import type { Tx } from '../../db/client.js';
import { recordAudit, type RequestContext } from '../../audit/audit-log.js';
import { requireEdit } from '../../auth/authorize.js';
import { AppError, NotFoundError, ValidationError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { parseInput } from '../../lib/validate.js';
import { auditedTransition } from '../../audit/audited-transition.js';
import type { Machine } from '../../lib/state-machine.js';
import { isFollowUpOverdue, isLate, isOverdue, periodDeadlineDate, summarize, today, type DeadlineCalendar } from './deadlines.js';
import { inputs } from './follow-ups.inputs.js';
import { FOLLOW_UP_TABLES, followUpRepository, type ActionRow, type FollowUpRow, type PlanFollowUpRows } from './follow-ups.repository.js';
import { planFor, requireAdopted } from './plan-access.js';

type FollowUpStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'REPORTED';

export const FOLLOW_UP_MACHINE: Machine<FollowUpStatus, 'start' | 'report' | 'reopen'> = {
  start: { from: ['NOT_STARTED'], to: () => 'IN_PROGRESS' },
  report: { from: ['IN_PROGRESS'], to: () => 'REPORTED' },
  reopen: { from: ['REPORTED'], to: () => 'IN_PROGRESS' },
};

/** Uppföljning: one control activity in one period, started and reported on an adopted plan. */
export function createFollowUpService({ db, clock }: ServiceDeps) {
  async function transition(
    ctx: RequestContext,
    name: 'start' | 'report' | 'reopen',
    input: { id: string; version: number },
    why: string | null = null,
    patchFor?: (tx: Tx, row: FollowUpRow) => Promise<Record<string, unknown>>,
  ) {
    return db.transaction(async (tx) => {
      const row = await followUpRepository.followUp(tx, input.id);
      if (!row) throw new NotFoundError('FollowUp', input.id);
      const plan = await planFor(tx, row.planId);
      requireEdit(ctx.actor, plan.namndCode);
      requireAdopted(plan, 'A follow-up');
      return auditedTransition(tx, ctx, {
        machine: FOLLOW_UP_MACHINE,
        name,
        entityType: 'FollowUp',
        label: 'follow-up',
        actionPrefix: 'followUp',
        table: FOLLOW_UP_TABLES.followUps,
        row,
        version: input.version,
        namndCode: plan.namndCode,
        plan,
        reason: why,
        prepare: async () => ({ patch: patchFor ? await patchFor(tx, row) : {} }),
        describe: (after) => ({
          changes: name === 'report' ? { outcome: after.outcome, resultText: after.resultText, explanation: after.explanation } : null,
          eventData: { period: row.period, outcome: after.outcome ?? null, controlActivityId: row.controlActivityId },
        }),
      });
    });
  }

  return {
    start: (ctx: RequestContext, raw: unknown) => transition(ctx, 'start', parseInput(inputs.startFollowUp, raw)),
    reopen: (ctx: RequestContext, raw: unknown) => {
      const input = parseInput(inputs.reopenFollowUp, raw);
      return transition(ctx, 'reopen', input, input.reason);
    },

    async report(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.reportFollowUp, raw);
      if (input.outcome === 'NOT_PERFORMED' && !input.explanation) {
        throw new ValidationError('A control activity that was not performed needs an explanation', [{ path: 'input.explanation', message: 'required when outcome is NOT_PERFORMED' }]);
      }
      return transition(ctx, 'report', input, null, async (tx, row) => {
        if (input.outcome === 'DEVIATION' && (await followUpRepository.actionCount(tx, row.id)) === 0) {
          throw new AppError('ACTION_REQUIRED', 'A deviation needs at least one action: create it with createAction(followUpId) first', 409);
        }
        return { outcome: input.outcome, resultText: input.resultText, explanation: input.explanation, reportedAt: clock.now(), reportedBy: ctx.actor.sub };
      });
    },

    forPlans: (planIds: readonly string[]) => followUpRepository.forPlans(db, planIds),

    // Derived values, by this app's clock, the Stockholm calendar and the year's deadlines (deadlines.ts).
    dueDate: (f: FollowUpRow, year: number, calendar?: DeadlineCalendar) => periodDeadlineDate(year, f.period, calendar),
    late: (f: FollowUpRow, year: number, calendar?: DeadlineCalendar) => isLate(f, year, calendar),
    followUpOverdue: (f: FollowUpRow, year: number, calendar?: DeadlineCalendar) => isFollowUpOverdue(f, year, today(clock), calendar),
    overdue: (a: ActionRow) => isOverdue(a, today(clock)),
    summary: (rows: Pick<PlanFollowUpRows, 'followUps' | 'actions'>, year: number, calendar?: DeadlineCalendar) =>
      summarize(rows.followUps, rows.actions, year, today(clock), calendar),
  };
}

export type FollowUpService = ReturnType<typeof createFollowUpService>;
