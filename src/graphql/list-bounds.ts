import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rawRows } from '../db/raw.js';

/** The least an unpaged list is assumed to hold, however small the data is today. */
export const MIN_LIST_SIZE = 50;
/** How long the measured bound is reused; a plan that grows meanwhile is counted at the next refresh. */
export const LIST_BOUND_TTL_MS = 30_000;

const perPlan = (table: string) => sql.raw(`(select coalesce(max(n), 0) from (select count(*) as n from ${table} group by plan_id) t)`);

/**
 * The largest unpaged list the API can return: the most rows any one plan has in any of its collections, the most
 * goals of any year, or the number of nämnder. Measured in one statement when the app is ready, after every GraphQL
 * mutation (before its answer is sent) and at most every LIST_BOUND_TTL_MS otherwise; reads only use the figure,
 * so a read's statements never depend on when it was measured.
 */
export function createListBounds(db: Db) {
  let value = MIN_LIST_SIZE;
  const measure = async () => {
    const tables = ['processes', 'working_methods', 'risks', 'controls', 'control_activities', 'follow_ups', 'actions'].map(perPlan);
    const [row] = await rawRows<{ n: number | string }>(db, sql`select greatest(
      ${sql.join(tables, sql`, `)},
      (select count(*) from namnder),
      (select coalesce(max(n), 0) from (select count(*) as n from goals group by year) g)) as n`);
    value = Math.max(MIN_LIST_SIZE, Number(row?.n ?? 0));
    return value;
  };
  return {
    largestList: (): number => value,
    /** Measures again; a database that does not answer keeps the last figure (never below MIN_LIST_SIZE). */
    refresh: (): Promise<number> => measure().catch(() => value),
  };
}

export type ListBounds = ReturnType<typeof createListBounds>;
