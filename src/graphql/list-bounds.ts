import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rawRows } from '../db/raw.js';

/** The least an unpaged list is assumed to hold, however small the data is today. */
export const MIN_LIST_SIZE = 50;
/** How long the measured bound is reused; a plan that grows meanwhile is counted at the next refresh. */
export const LIST_BOUND_TTL_MS = 30_000;

/** A plan's collections and the GraphQL type of their rows: every list of these inside one plan is bounded by the measure. */
export const PLAN_ROW_TYPES = {
  processes: 'Process',
  working_methods: 'WorkingMethod',
  risks: 'Risk',
  controls: 'Control',
  control_activities: 'ControlActivity',
  follow_ups: 'FollowUp',
  actions: 'Action',
} as const;
const PLAN_TABLES = Object.keys(PLAN_ROW_TYPES);

const perPlan = (table: string, planIds?: string[]) =>
  sql`(select coalesce(max(n), 0) from (select count(*) as n from ${sql.raw(table)}${planIds ? sql` where plan_id in (${planIds.length ? sql.join(planIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`null`})` : sql``} group by plan_id) t)`;

/**
 * The largest unpaged list the API can return: the most rows any one plan has in any of its collections, the most
 * goals of any year, or the number of nämnder. Measured in one statement when the app is ready and every
 * LIST_BOUND_TTL_MS, and after every GraphQL mutation (before its answer is sent) for the plans it touched; reads only use the figure,
 * so a read's statements never depend on when it was measured.
 */
export function createListBounds(db: Db) {
  let value = MIN_LIST_SIZE;
  /** Without plan ids: every plan, and the figure may shrink. With them: only those plans, and it can only grow. */
  const measure = async (planIds?: string[]) => {
    const tables = PLAN_TABLES.map((t) => perPlan(t, planIds));
    const [row] = await rawRows<{ n: number | string }>(db, sql`select greatest(
      ${sql.join(tables, sql`, `)},
      (select count(*) from namnder),
      (select coalesce(max(n), 0) from (select count(*) as n from goals group by year) g)) as n`);
    const measured = Math.max(MIN_LIST_SIZE, Number(row?.n ?? 0));
    value = planIds ? Math.max(value, measured) : measured;
    return value;
  };
  return {
    largestList: (): number => value,
    /** Measures again; a database that does not answer keeps the last figure (never below MIN_LIST_SIZE). */
    refresh: (): Promise<number> => measure().catch(() => value),
    /**
     * After a write: only the plans it touched can have grown (and the small city-wide lists), so only they are
     * counted, by index, instead of grouping every table of the database after every mutation.
     */
    refreshTouched: (touched: TouchedPlans): Promise<number> =>
      touched.plans.size || touched.cityWide ? measure([...touched.plans]).catch(() => value) : Promise.resolve(value),
  };
}

/** What the audited writes of one request touched (collected by recordAudit when the context carries it). */
export interface TouchedPlans {
  plans: Set<string>;
  cityWide: boolean;
}

export const touchedPlans = (): TouchedPlans => ({ plans: new Set(), cityWide: false });

export type ListBounds = ReturnType<typeof createListBounds>;
