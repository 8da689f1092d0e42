import type { MercuriusContext, MercuriusLoaders } from 'mercurius';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import { fresh } from '../../graphql/module.js';
import type { ActionRow, FollowUpRow } from './follow-ups.repository.js';

const data = (planId: string, ctx: MercuriusContext) => ctx.loaders.followUps.load(planId);
// The year alone needs only the plan row, not the whole VoR tree; the year's deadlines are one batched statement.
const yearOf = async (f: FollowUpRow, ctx: MercuriusContext) => (await ctx.loaders.plans.load(f.planId)).year;
const deadlinesOf = async (f: FollowUpRow, ctx: MercuriusContext) => {
  const year = await yearOf(f, ctx);
  return [year, await ctx.loaders.deadlines.load(year)] as const;
};

/** Follow-up data is read again after a write in the same request. */
function after<T extends { id: string; planId: string }>(ctx: MercuriusContext, row: T): T {
  ctx.loaders.followUps.clear(row.planId);
  return fresh(ctx, row, row.planId);
}

export const followUpsResolvers: Resolvers = {
  Query: {
    periodDeadlines: (_r, a, ctx) => ctx.services.deadlines.list(ctx, a.year),
  },
  Mutation: {
    setPeriodDeadline: async (_r, a, ctx) => {
      const row = await ctx.services.deadlines.set(ctx, a.input);
      ctx.loaders.deadlines.clear(row.year);
      return row;
    },
    startFollowUp: async (_r, a, ctx) => after(ctx, await ctx.services.followUps.start(ctx, a.input)),
    reportFollowUp: async (_r, a, ctx) => after(ctx, await ctx.services.followUps.report(ctx, a.input)),
    reopenFollowUp: async (_r, a, ctx) => after(ctx, await ctx.services.followUps.reopen(ctx, a.input)),
    createAction: async (_r, a, ctx) => after(ctx, await ctx.services.actions.create(ctx, a.input)),
    updateAction: async (_r, a, ctx) => after(ctx, await ctx.services.actions.update(ctx, a.input)),
    startAction: async (_r, a, ctx) => after(ctx, await ctx.services.actions.start(ctx, a.input)),
    completeAction: async (_r, a, ctx) => after(ctx, await ctx.services.actions.complete(ctx, a.input)),
    cancelAction: async (_r, a, ctx) => after(ctx, await ctx.services.actions.cancel(ctx, a.input)),
    setAssessment: async (_r, a, ctx) => after(ctx, await ctx.services.assessments.set(ctx, a.input)),
  },
  Plan: {
    followUps: async (p, a, ctx) =>
      (await data(p.id, ctx)).followUps.filter((f) => (!a.period || f.period === a.period) && (!a.status || f.status === a.status)),
    actions: async (p, a, ctx) =>
      (await data(p.id, ctx)).actions.filter((x) => (!a.status || x.status === a.status) && (a.overdue == null || ctx.services.followUps.overdue(x) === a.overdue)),
    assessment: async (p, _a, ctx) => (await data(p.id, ctx)).assessments[0] ?? null,
    followUpSummary: async (p, _a, ctx) => ctx.services.followUps.summary(await data(p.id, ctx), p.year, await ctx.loaders.deadlines.load(p.year)),
  },
  ControlActivity: {
    followUps: (c, _a, ctx) => ctx.loaders.followUps.with(c.planId, (d) => d.byActivity.get(c.id) ?? []),
  },
  FollowUp: {
    dueDate: async (f, _a, ctx) => ctx.services.followUps.dueDate(f, ...(await deadlinesOf(f, ctx))),
    late: async (f, _a, ctx) => ctx.services.followUps.late(f, ...(await deadlinesOf(f, ctx))),
    overdue: async (f, _a, ctx) => ctx.services.followUps.followUpOverdue(f, ...(await deadlinesOf(f, ctx))),
    controlActivity: (f, _a, ctx) => ctx.loaders.trees.with(f.planId, (t) => t.activitiesById.get(f.controlActivityId)!),
    actions: async (f, _a, ctx) => (await data(f.planId, ctx)).actions.filter((x) => x.followUpId === f.id),
  },
  Action: {
    overdue: (a, _x, ctx) => ctx.services.followUps.overdue(a),
    followUp: async (a, _x, ctx) => (a.followUpId ? ((await data(a.planId, ctx)).followUps.find((f) => f.id === a.followUpId) ?? null) : null),
  },
};

/** Action.carriedFrom / carriedTo: one statement each per request, however many actions are asked for. */
export const actionLinkLoaders: MercuriusLoaders[string] = {
  carriedFrom: async (queries: { obj: ActionRow }[], ctx: MercuriusContext) => {
    const rows = await ctx.services.actions.byIds([...new Set(queries.flatMap((q) => (q.obj.originActionId ? [q.obj.originActionId] : [])))]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return queries.map((q) => (q.obj.originActionId ? (byId.get(q.obj.originActionId) ?? null) : null));
  },
  carriedTo: async (queries: { obj: ActionRow }[], ctx: MercuriusContext) => {
    const rows = await ctx.services.actions.copiesOf([...new Set(queries.map((q) => q.obj.id))]);
    // The first copy: since CARRIED_OVER there is only one (an older rollover could make one per later year).
    const byOrigin = new Map<string, ActionRow>();
    for (const r of rows) if (!byOrigin.has(r.originActionId!)) byOrigin.set(r.originActionId!, r);
    return queries.map((q) => byOrigin.get(q.obj.id) ?? null);
  },
};
