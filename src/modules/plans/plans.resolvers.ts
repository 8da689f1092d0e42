import type { MercuriusContext } from 'mercurius';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import type { PlanWithNamnd } from './plans.repository.js';
import { ruleViolations } from './rule-violations.js';
import { nextPlanOf, previousPlanOf, previousTreeOf } from './plan-links.js';
import { changesSincePreviousYear } from './year-changes.js';
import { fresh, freshPlans } from '../../graphql/module.js';
import { matchesRiskFilter } from '../risks/index.js';
import { decidedPlan } from './decided-plan.js';
import { requestedFields } from '../../graphql/lookahead.js';

const tree = (p: { id: string }, ctx: MercuriusContext) => ctx.loaders.trees.load(p.id);
/** Plan fields answered from its tree, and fields anywhere below that read its follow-up data. */
const TREE_FIELDS = ['goals', 'processes', 'risks', 'ikp', 'matrix', 'bandCounts', 'ruleViolations', 'changesSincePreviousYear'];
const FOLLOW_UP_FIELDS = ['followUps', 'actions', 'assessment', 'followUpSummary'];

function planAfter(ctx: MercuriusContext, plan: PlanWithNamnd): PlanWithNamnd {
  ctx.loaders.followUps.clear(plan.id);
  ctx.loaders.decisions.clear(plan.id);
  return fresh(ctx, plan, plan.id);
}

export const plansResolvers: Resolvers = {
  Query: {
    // Asked for its tree, the plan comes with it (and its follow-up data, when asked too) in one statement.
    plan: async (_r, a, ctx, info) => {
      const top = requestedFields(info, false);
      if (!TREE_FIELDS.some((f) => top.has(f))) return ctx.services.plans.get(ctx, a.namndCode, a.year);
      const all = requestedFields(info, true);
      const found = await ctx.services.plans.getTree(ctx, a.namndCode, a.year, FOLLOW_UP_FIELDS.some((f) => all.has(f)));
      if (!found) return null;
      ctx.loaders.primeTree(found.tree, found.followUps);
      return found.tree.plan;
    },
    planById: (_r, a, ctx) => ctx.services.plans.byId(ctx, a.id),
    plans: (_r, a, ctx) => ctx.services.plans.list(ctx, a.filter ?? {}, a),
    risks: async (_r, a, ctx) => {
      const page = await ctx.services.plans.cityRisks(ctx, a.filter, a);
      for (const p of page.plans) ctx.loaders.plans.prime(p.id, p);
      for (const n of page.namnder) ctx.loaders.namnder.prime(n.id, n);
      return page;
    },
  },
  Mutation: {
    createPlan: async (_r, a, ctx) => fresh(ctx, await ctx.services.plans.create(ctx, a.input)),
    deletePlan: async (_r, a, ctx) => freshPlans(ctx, await ctx.services.plans.delete(ctx, a.input)),
    updatePlanSettings: async (_r, a, ctx) => fresh(ctx, await ctx.services.plans.updateSettings(ctx, a.input)),
    adoptPlan: async (_r, a, ctx) => planAfter(ctx, await ctx.services.planLifecycle.adopt(ctx, a.input)),
    reopenPlan: async (_r, a, ctx) => planAfter(ctx, await ctx.services.planLifecycle.reopen(ctx, a.input)),
    closePlan: async (_r, a, ctx) => planAfter(ctx, await ctx.services.planLifecycle.close(ctx, a.input)),
  },
  PlanDecision: {
    asDecided: (d) => decidedPlan(d),
  },
  DecidedPlan: {
    risks: (p, a) => p.risks.filter((r) => matchesRiskFilter(r, r.goal?.code, a)),
  },
  Plan: {
    namnd: (p, _a, ctx) => ctx.loaders.namnder.now(p.namndId),
    riskMatrix: (p) => p.matrix,
    goals: (p, _a, ctx) => ctx.loaders.trees.with(p.id, (t) => t.goals),
    processes: (p, _a, ctx) => ctx.loaders.trees.with(p.id, (t) => t.processes),
    risks: async (p, a, ctx) => {
      const t = await tree(p, ctx);
      return t.risks.filter((r) => matchesRiskFilter(r, a.goalCode ? t.goalOfProcess(t.processOf(t.workingMethodsById.get(r.workingMethodId)!))?.code : null, a));
    },
    decisions: (p, _a, ctx) => ctx.loaders.decisions.load(p.id),
    ikp: async (p, _a, ctx) => (await tree(p, ctx)).ikp(),
    matrix: async (p, _a, ctx) => (await tree(p, ctx)).matrixCells(),
    bandCounts: async (p, _a, ctx) => (await tree(p, ctx)).bandCounts(),
    ruleViolations: async (p, _a, ctx) => {
      const [t, mandatory] = await Promise.all([tree(p, ctx), ctx.loaders.mandatory.load(p.year)]);
      return ruleViolations(t, mandatory);
    },
    previousPlan: (p, _a, ctx) => previousPlanOf(ctx, p),
    nextPlan: (p, _a, ctx) => nextPlanOf(ctx, p),
    changesSincePreviousYear: async (p, _a, ctx) => {
      const [t, previous] = await Promise.all([tree(p, ctx), previousTreeOf(ctx, p)]);
      return changesSincePreviousYear(t, previous);
    },
  },
};
