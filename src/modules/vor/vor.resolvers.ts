import type { IResolvers, MercuriusContext } from 'mercurius';
import { fresh } from '../../graphql/module.js';
import type { ControlActivityRow, ControlRow, ProcessRow, RiskRow, RiskView, WorkingMethodRow } from '../plans/index.js';
import { previousRiskValue } from '../risks/index.js';

type Input = { input: unknown };
type Row = { planId: string };
const tree = (row: Row, ctx: MercuriusContext) => ctx.loaders.trees.load(row.planId);

/** Risks from a plan tree or a city-wide list carry their derived values; a bare row gets them from its plan. */
async function view(r: RiskRow | RiskView, ctx: MercuriusContext): Promise<RiskView> {
  return 'ikpBasis' in r ? r : (await tree(r, ctx)).risksById.get(r.id)!;
}
const derived = <K extends keyof RiskView>(k: K) => async (r: RiskRow, _a: unknown, ctx: MercuriusContext) => (await view(r, ctx))[k];

const mutations = [
  'Process', 'WorkingMethod', 'Risk', 'Control', 'ControlActivity',
].flatMap((entity) => {
  const svc = (ctx: MercuriusContext) => ctx.services.vor as unknown as Record<string, (c: MercuriusContext, i: unknown) => Promise<Row & { id: string }>>;
  return [
    [`create${entity}`, async (_r: unknown, a: Input, ctx: MercuriusContext) => fresh(ctx, await svc(ctx)[`create${entity}`](ctx, a.input))],
    [`update${entity}`, async (_r: unknown, a: Input, ctx: MercuriusContext) => fresh(ctx, await svc(ctx)[`update${entity}`](ctx, a.input))],
    [`delete${entity}`, async (_r: unknown, a: Input, ctx: MercuriusContext) => {
      const ok = await svc(ctx)[`delete${entity}`](ctx, a.input);
      ctx.loaders.trees.clearAll();
      ctx.loaders.plans.clearAll();
      return ok;
    }],
  ] as const;
});

export const vorResolvers: IResolvers = {
  Mutation: Object.fromEntries(mutations),
  Process: {
    goal: async (p: ProcessRow, _a, ctx) => (await tree(p, ctx)).goalsById.get(p.goalId) ?? null,
    mandatory: (p: ProcessRow) => p.mandatoryProcessId !== null,
    workingMethods: async (p: ProcessRow, _a, ctx) => (await tree(p, ctx)).workingMethodsByProcess.get(p.id) ?? [],
  },
  WorkingMethod: {
    mandatory: (w: WorkingMethodRow) => w.mandatoryWorkingMethodId !== null,
    process: async (w: WorkingMethodRow, _a, ctx) => (await tree(w, ctx)).processesById.get(w.processId),
    risks: async (w: WorkingMethodRow, _a, ctx) => (await tree(w, ctx)).risksByWorkingMethod.get(w.id) ?? [],
  },
  Risk: {
    rv: derived('rv'),
    band: derived('band'),
    inIkp: derived('inIkp'),
    ikpBasis: derived('ikpBasis'),
    likelihoodLabel: derived('likelihoodLabel'),
    consequenceLabel: derived('consequenceLabel'),
    previousRv: (r: RiskRow) => previousRiskValue(r),
    plan: (r: RiskRow, _a, ctx) => ctx.loaders.plans.load(r.planId),
    workingMethod: async (r: RiskRow, _a, ctx) => (await tree(r, ctx)).workingMethodsById.get(r.workingMethodId),
    process: async (r: RiskRow, _a, ctx) => {
      const t = await tree(r, ctx);
      return t.processOf(t.workingMethodsById.get(r.workingMethodId)!);
    },
    goal: async (r: RiskRow, _a, ctx) => {
      const t = await tree(r, ctx);
      return t.goalOfProcess(t.processOf(t.workingMethodsById.get(r.workingMethodId)!));
    },
    controls: async (r: RiskRow, _a, ctx) => (await tree(r, ctx)).controlsByRisk.get(r.id) ?? [],
  },
  Control: {
    risk: async (c: ControlRow, _a, ctx) => (await tree(c, ctx)).risksById.get(c.riskId),
    activities: async (c: ControlRow, _a, ctx) => (await tree(c, ctx)).activitiesByControl.get(c.id) ?? [],
  },
  ControlActivity: {
    control: async (a: ControlActivityRow, _a, ctx) => (await tree(a, ctx)).controlsById.get(a.controlId),
  },
};
