import type { IResolvers, MercuriusContext } from 'mercurius';
import type { PlanWithNamnd } from './plans.repository.js';
import { ruleViolations } from './rule-violations.js';
import { matchesRiskFilter } from '../risks/risk-matrix.js';

type Input = { input: unknown };
type Page = { first: number; after?: string | null };
const tree = (p: { id: string }, ctx: MercuriusContext) => ctx.loaders.trees.load(p.id);

/** After a write, the request's cached plan must be read again. */
export function fresh<T extends { planId?: string; id: string }>(ctx: MercuriusContext, row: T, planId = row.planId ?? row.id): T {
  ctx.loaders.trees.clear(planId);
  ctx.loaders.plans.clear(planId);
  return row;
}

export const plansResolvers: IResolvers = {
  Query: {
    plan: (_r, a: { namndCode: string; year: number }, ctx) => ctx.services.plans.get(ctx, a.namndCode, a.year),
    planById: (_r, a: { id: string }, ctx) => ctx.services.plans.byId(ctx, a.id),
    plans: (_r, a: { filter?: Record<string, unknown> } & Page, ctx) => ctx.services.plans.list(ctx, a.filter ?? {}, a),
    risks: (_r, a: { filter?: unknown } & Page, ctx) => ctx.services.plans.cityRisks(ctx, a.filter, a),
  },
  Mutation: {
    createPlan: async (_r, a: Input, ctx) => fresh(ctx, await ctx.services.plans.create(ctx, a.input)),
    updatePlanSettings: async (_r, a: Input, ctx) => fresh(ctx, await ctx.services.plans.updateSettings(ctx, a.input)),
  },
  Plan: {
    namnd: (p: PlanWithNamnd, _a, ctx) => ctx.loaders.namnder.load(p.namndId),
    riskMatrix: (p: PlanWithNamnd) => p.matrix,
    goals: async (p: PlanWithNamnd, _a, ctx) => (await tree(p, ctx)).goals,
    processes: async (p: PlanWithNamnd, _a, ctx) => (await tree(p, ctx)).processes,
    risks: async (p: PlanWithNamnd, a: { band?: string; inIkp?: boolean; goalCode?: string }, ctx) => {
      const t = await tree(p, ctx);
      return t.risks.filter((r) => matchesRiskFilter(r, a.goalCode ? t.goalOfProcess(t.processOf(t.workingMethodsById.get(r.workingMethodId)!))?.code : null, a));
    },
    ikp: async (p: PlanWithNamnd, _a, ctx) => (await tree(p, ctx)).ikp(),
    matrix: async (p: PlanWithNamnd, _a, ctx) => (await tree(p, ctx)).matrixCells(),
    bandCounts: async (p: PlanWithNamnd, _a, ctx) => (await tree(p, ctx)).bandCounts(),
    ruleViolations: async (p: PlanWithNamnd, _a, ctx) => {
      const [t, mandatory] = await Promise.all([tree(p, ctx), ctx.loaders.mandatory.load(p.year)]);
      return ruleViolations(t, mandatory);
    },
  },
};
