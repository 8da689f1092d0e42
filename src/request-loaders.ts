import DataLoader from 'dataloader';
import { SettledLoader } from './lib/settled-loader.js';
import { groupBy } from './lib/collections.js';
import type { Actor } from './auth/actor.js';
import type { Services } from './services.js';
import type { DeadlineCalendar, PlanFollowUpRows, PlanTree, PlanWithNamnd } from './modules/index.js';

/**
 * Per-request batching: every plan a query touches is loaded with one fixed set of statements,
 * so the statement count does not grow with the size of the answer (no N+1).
 */
export function createRequestLoaders(services: Services) {
  // A plan's own row, for fields that need nothing else: a city-wide list's `plan { … }` must not load the whole
  // tree of every plan on the page. A loaded tree primes it, so inside a tree it costs no statement.
  const plans = new SettledLoader<string, PlanWithNamnd>((ids) => services.plans.rowsByIds(ids));
  const followUps = new SettledLoader<string, PlanFollowUps>(async (ids) => perPlan(ids, await services.followUps.forPlans(ids)));
  const trees = new SettledLoader<string, PlanTree>(async (ids) => {
    const loaded = await services.plans.trees(ids);
    for (const t of loaded) if (!(t instanceof Error)) plans.prime(t.plan.id, t.plan);
    return loaded;
  });
  return {
    plans,
    trees,
    /** A plan loaded whole by its resolver: its row, its tree and (when loaded with it) its follow-up data. */
    primeTree(tree: PlanTree, rows: PlanFollowUpRows | null) {
      plans.prime(tree.plan.id, tree.plan);
      trees.prime(tree.plan.id, tree);
      if (rows) followUps.prime(tree.plan.id, perPlan([tree.plan.id], rows)[0]);
    },
    /** Plans rolled over from a plan (Plan.nextPlan); they prime the plan rows. */
    nextPlans: new DataLoader<string, PlanWithNamnd[]>(async (ids) => {
      const lists = await services.plans.rolledOverFrom(ids);
      for (const p of lists.flat()) plans.prime(p.id, p);
      return lists;
    }),
    namnder: new SettledLoader<string, Awaited<ReturnType<Services['namnder']['byIds']>>[number]>(async (ids) => {
      const rows = await services.namnder.byIds(ids);
      return ids.map((id) => rows.find((r) => r.id === id) ?? new Error(`Nämnd ${id} not found`));
    }),
    followUps,
    // Period deadlines by year (master data): every follow-up's dueDate, late and overdue in one statement.
    deadlines: new DataLoader<number, DeadlineCalendar>(async (years) => {
      const calendar = await services.deadlines.calendar(years);
      return years.map(() => calendar);
    }),
    decisions: new DataLoader<string, Awaited<ReturnType<Services['planLifecycle']['decisionsFor']>>>(async (ids) => {
      const rows = await services.planLifecycle.decisionsFor(ids);
      return ids.map((id) => rows.filter((r) => r.planId === id));
    }),
    mandatory: new DataLoader<number, Awaited<ReturnType<Services['goals']['mandatoryProcesses']>>>((years) =>
      Promise.all(years.map((y) => services.goals.mandatoryProcesses(y))),
    ),
  };
}

type PlanFollowUps = PlanFollowUpRows & {
  /** A control activity's follow-ups, for ControlActivity.followUps. */
  byActivity: Map<string, PlanFollowUpRows['followUps']>;
};

/** Follow-up data of many plans, split per plan. */
function perPlan(ids: readonly string[], rows: PlanFollowUpRows): PlanFollowUps[] {
  const f = groupBy(rows.followUps, (r) => r.planId), a = groupBy(rows.actions, (r) => r.planId), s = groupBy(rows.assessments, (r) => r.planId);
  return ids.map((id) => {
    const followUps = f.get(id) ?? [];
    return { followUps, actions: a.get(id) ?? [], assessments: s.get(id) ?? [], byActivity: groupBy(followUps, (r) => r.controlActivityId) };
  });
}

export type RequestLoaders = ReturnType<typeof createRequestLoaders>;

/** What every resolver is given (the GraphQL plugin builds it per request from app.ts). */
declare module 'mercurius' {
  interface MercuriusContext {
    actor: Actor;
    requestId: string;
    services: Services;
    loaders: RequestLoaders;
  }
}
