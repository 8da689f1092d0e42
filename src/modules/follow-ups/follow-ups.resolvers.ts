import type { IResolvers, MercuriusContext } from 'mercurius';
import type { PlanWithNamnd } from '../plans/plans.repository.js';
import { fresh } from '../plans/plans.resolvers.js';
import { isOpenAction, isOverdue, periodDeadline, type ActionRow, type FollowUpRow } from './follow-ups.repository.js';

type Input = { input: unknown };
const data = (planId: string, ctx: MercuriusContext) => ctx.loaders.followUps.load(planId);
const late = (f: FollowUpRow, year: number) => !!f.reportedAt && f.reportedAt > periodDeadline(year, f.period);
// The year alone needs only the plan row, not the whole VoR tree.
const yearOf = async (f: FollowUpRow, ctx: MercuriusContext) => (await ctx.loaders.plans.load(f.planId)).year;

/** Follow-up data is read again after a write in the same request. */
function after<T extends { planId: string }>(ctx: MercuriusContext, row: T): T {
  ctx.loaders.followUps.clear(row.planId);
  return fresh(ctx, row as T & { id: string }, row.planId);
}

function planAfter(ctx: MercuriusContext, plan: PlanWithNamnd): PlanWithNamnd {
  ctx.loaders.followUps.clear(plan.id);
  ctx.loaders.decisions.clear(plan.id);
  return fresh(ctx, plan, plan.id);
}

const svc = (ctx: MercuriusContext) => ctx.services.followUps;

export const followUpsResolvers: IResolvers = {
  Mutation: {
    adoptPlan: async (_r, a: Input, ctx) => planAfter(ctx, await svc(ctx).adoptPlan(ctx, a.input)),
    reopenPlan: async (_r, a: Input, ctx) => planAfter(ctx, await svc(ctx).reopenPlan(ctx, a.input)),
    closePlan: async (_r, a: Input, ctx) => planAfter(ctx, await svc(ctx).closePlan(ctx, a.input)),
    startFollowUp: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).startFollowUp(ctx, a.input)),
    reportFollowUp: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).reportFollowUp(ctx, a.input)),
    reopenFollowUp: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).reopenFollowUp(ctx, a.input)),
    createAction: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).createAction(ctx, a.input)),
    updateAction: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).updateAction(ctx, a.input)),
    startAction: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).startAction(ctx, a.input)),
    completeAction: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).completeAction(ctx, a.input)),
    cancelAction: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).cancelAction(ctx, a.input)),
    setAssessment: async (_r, a: Input, ctx) => after(ctx, await svc(ctx).setAssessment(ctx, a.input)),
  },
  Plan: {
    followUps: async (p: PlanWithNamnd, a: { period?: string; status?: string }, ctx) =>
      (await data(p.id, ctx)).followUps.filter((f) => (!a.period || f.period === a.period) && (!a.status || f.status === a.status)),
    actions: async (p: PlanWithNamnd, a: { status?: string; overdue?: boolean }, ctx) =>
      (await data(p.id, ctx)).actions.filter((x) => (!a.status || x.status === a.status) && (a.overdue == null || isOverdue(x) === a.overdue)),
    assessment: async (p: PlanWithNamnd, _a, ctx) => (await data(p.id, ctx)).assessments[0] ?? null,
    decisions: (p: PlanWithNamnd, _a, ctx) => ctx.loaders.decisions.load(p.id),
    followUpSummary: async (p: PlanWithNamnd, _a, ctx) => {
      const d = await data(p.id, ctx);
      return {
        followUps: d.followUps.length,
        reported: d.followUps.filter((f) => f.status === 'REPORTED').length,
        deviations: d.followUps.filter((f) => f.outcome === 'DEVIATION').length,
        notPerformed: d.followUps.filter((f) => f.outcome === 'NOT_PERFORMED').length,
        late: d.followUps.filter((f) => late(f, p.year)).length,
        openActions: d.actions.filter(isOpenAction).length,
        overdueActions: d.actions.filter((x) => isOverdue(x)).length,
      };
    },
  },
  ControlActivity: {
    followUps: async (c: { id: string; planId: string }, _a, ctx) => (await data(c.planId, ctx)).followUps.filter((f) => f.controlActivityId === c.id),
  },
  FollowUp: {
    dueDate: async (f: FollowUpRow, _a, ctx) => periodDeadline(await yearOf(f, ctx), f.period).toISOString().slice(0, 10),
    late: async (f: FollowUpRow, _a, ctx) => late(f, await yearOf(f, ctx)),
    controlActivity: async (f: FollowUpRow, _a, ctx) => (await ctx.loaders.trees.load(f.planId)).activitiesById.get(f.controlActivityId),
    actions: async (f: FollowUpRow, _a, ctx) => (await data(f.planId, ctx)).actions.filter((x) => x.followUpId === f.id),
  },
  Action: {
    overdue: (a: ActionRow) => isOverdue(a),
    followUp: async (a: ActionRow, _x, ctx) => (a.followUpId ? ((await data(a.planId, ctx)).followUps.find((f) => f.id === a.followUpId) ?? null) : null),
  },
};
