import type { MercuriusContext } from 'mercurius';
import type { MutationResolvers, Resolvers } from '../../graphql/generated/resolvers-types.js';
import { fresh, freshPlans } from '../../graphql/module.js';
import { originResolver, type RiskRow, type RiskView } from '../plans/index.js';
import { previousRiskValue } from '../risks/index.js';

type Row = { planId: string };
const tree = (row: Row, ctx: MercuriusContext) => ctx.loaders.trees.load(row.planId);

/** Risks from a plan tree or a city-wide list carry their derived values; a bare row gets them from its plan. */
async function view(r: RiskRow | RiskView, ctx: MercuriusContext): Promise<RiskView> {
  return 'ikpBasis' in r ? r : (await tree(r, ctx)).risksById.get(r.id)!;
}
/** A derived field (no arguments); its result is checked against the field where it is used. */
const derived = <K extends keyof RiskView>(k: K) => async (r: RiskRow, _a: Record<PropertyKey, never>, ctx: MercuriusContext) => (await view(r, ctx))[k];

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
    goal: async (p, _a, ctx) => (await tree(p, ctx)).goalsById.get(p.goalId) ?? null,
    mandatory: (p) => p.mandatoryProcessId !== null,
    workingMethods: async (p, _a, ctx) => (await tree(p, ctx)).workingMethodsByProcess.get(p.id) ?? [],
    origin: originResolver((t) => t.processesById),
  },
  WorkingMethod: {
    mandatory: (w) => w.mandatoryWorkingMethodId !== null,
    process: async (w, _a, ctx) => (await tree(w, ctx)).processesById.get(w.processId)!,
    risks: async (w, _a, ctx) => (await tree(w, ctx)).risksByWorkingMethod.get(w.id) ?? [],
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
    plan: (r, _a, ctx) => ctx.loaders.plans.load(r.planId),
    workingMethod: async (r, _a, ctx) => (await tree(r, ctx)).workingMethodsById.get(r.workingMethodId)!,
    process: async (r, _a, ctx) => {
      const t = await tree(r, ctx);
      return t.processOf(t.workingMethodsById.get(r.workingMethodId)!);
    },
    goal: async (r, _a, ctx) => {
      const t = await tree(r, ctx);
      return t.goalOfProcess(t.processOf(t.workingMethodsById.get(r.workingMethodId)!));
    },
    controls: async (r, _a, ctx) => (await tree(r, ctx)).controlsByRisk.get(r.id) ?? [],
    origin: originResolver((t) => t.risksById),
  },
  Control: {
    risk: async (c, _a, ctx) => (await tree(c, ctx)).risksById.get(c.riskId)!,
    activities: async (c, _a, ctx) => (await tree(c, ctx)).activitiesByControl.get(c.id) ?? [],
    origin: originResolver((t) => t.controlsById),
  },
  ControlActivity: {
    control: async (a, _a, ctx) => (await tree(a, ctx)).controlsById.get(a.controlId)!,
    origin: originResolver((t) => t.activitiesById),
  },
};
