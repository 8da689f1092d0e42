import type { MercuriusContext } from 'mercurius';
import type { MutationResolvers, Resolvers } from '../../graphql/generated/resolvers-types.js';
import { fresh, freshPlans } from '../../graphql/module.js';
import { originResolver, type PlanTree, type RiskRow, type RiskView } from '../plans/index.js';
import { previousRiskValue } from '../risks/index.js';

type Row = { planId: string };
/** `fn` of the row's plan tree: at once when the request has loaded it (a tree's rows), else when it has. */
const onTree = <R>(row: Row, ctx: MercuriusContext, fn: (t: PlanTree) => R) => ctx.loaders.trees.with(row.planId, fn);

/**
 * A derived field (no arguments). Risks from a plan tree or a city-wide list carry their derived values; a bare row
 * gets them from its plan.
 */
const derived =
  <K extends keyof RiskView>(k: K) =>
  (r: RiskRow | RiskView, _a: Record<PropertyKey, never>, ctx: MercuriusContext) =>
    'ikpBasis' in r ? r[k] : onTree(r, ctx, (t) => t.risksById.get(r.id)![k]);

const mutations: MutationResolvers = {
  createProcess: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.createProcess(ctx, a.input)),
  updateProcess: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.updateProcess(ctx, a.input)),
  deleteProcess: async (_r, a, ctx) => freshPlans(ctx, await ctx.services.vor.deleteProcess(ctx, a.input)),
  createWorkingMethod: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.createWorkingMethod(ctx, a.input)),
  updateWorkingMethod: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.updateWorkingMethod(ctx, a.input)),
  deleteWorkingMethod: async (_r, a, ctx) => freshPlans(ctx, await ctx.services.vor.deleteWorkingMethod(ctx, a.input)),
  createRisk: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.createRisk(ctx, a.input)),
  updateRisk: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.updateRisk(ctx, a.input)),
  deleteRisk: async (_r, a, ctx) => freshPlans(ctx, await ctx.services.vor.deleteRisk(ctx, a.input)),
  createControl: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.createControl(ctx, a.input)),
  updateControl: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.updateControl(ctx, a.input)),
  deleteControl: async (_r, a, ctx) => freshPlans(ctx, await ctx.services.vor.deleteControl(ctx, a.input)),
  createControlActivity: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.createControlActivity(ctx, a.input)),
  updateControlActivity: async (_r, a, ctx) => fresh(ctx, await ctx.services.vor.updateControlActivity(ctx, a.input)),
  deleteControlActivity: async (_r, a, ctx) => freshPlans(ctx, await ctx.services.vor.deleteControlActivity(ctx, a.input)),
};

export const vorResolvers: Resolvers = {
  Mutation: mutations,
  Process: {
    goal: (p, _a, ctx) => onTree(p, ctx, (t) => t.goalsById.get(p.goalId) ?? null),
    mandatory: (p) => p.mandatoryProcessId !== null,
    workingMethods: (p, _a, ctx) => onTree(p, ctx, (t) => t.workingMethodsByProcess.get(p.id) ?? []),
    origin: originResolver((t) => t.processesById),
  },
  WorkingMethod: {
    mandatory: (w) => w.mandatoryWorkingMethodId !== null,
    process: (w, _a, ctx) => onTree(w, ctx, (t) => t.processesById.get(w.processId)!),
    risks: (w, _a, ctx) => onTree(w, ctx, (t) => t.risksByWorkingMethod.get(w.id) ?? []),
    origin: originResolver((t) => t.workingMethodsById),
  },
  Risk: {
    rv: derived('rv'),
    band: derived('band'),
    inIkp: derived('inIkp'),
    ikpBasis: derived('ikpBasis'),
    likelihoodLabel: derived('likelihoodLabel'),
    consequenceLabel: derived('consequenceLabel'),
    previousRv: (r) => previousRiskValue(r),
    plan: (r, _a, ctx) => ctx.loaders.plans.now(r.planId),
    workingMethod: (r, _a, ctx) => onTree(r, ctx, (t) => t.workingMethodsById.get(r.workingMethodId)!),
    process: (r, _a, ctx) => onTree(r, ctx, (t) => t.processOf(t.workingMethodsById.get(r.workingMethodId)!)),
    goal: (r, _a, ctx) => onTree(r, ctx, (t) => t.goalOfProcess(t.processOf(t.workingMethodsById.get(r.workingMethodId)!))),
    controls: (r, _a, ctx) => onTree(r, ctx, (t) => t.controlsByRisk.get(r.id) ?? []),
    origin: originResolver((t) => t.risksById),
  },
  Control: {
    risk: (c, _a, ctx) => onTree(c, ctx, (t) => t.risksById.get(c.riskId)!),
    activities: (c, _a, ctx) => onTree(c, ctx, (t) => t.activitiesByControl.get(c.id) ?? []),
    origin: originResolver((t) => t.controlsById),
  },
  ControlActivity: {
    control: (a, _a, ctx) => onTree(a, ctx, (t) => t.controlsById.get(a.controlId)!),
    origin: originResolver((t) => t.activitiesById),
  },
};
