import { and, asc, count, desc, eq, getTableName, gt, inArray, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { fromJsonRows, jsonRowsSql, renderedOnce } from '../../db/json-rows.js';
import { preparedRows, rawRows } from '../../db/raw.js';
import { ALL } from '../../auth/actor.js';
import type { RiskFilter } from '../risks/index.js';
import { riskColumnsSql } from '../risks/index.js';
import { followUpJsonFields, followUpRowsFromJson, type PlanFollowUpRows } from '../follow-ups/index.js';
import type { DbOrTx } from '../../db/client.js';
import { actions, assessments, controlActivities, controls, followUps, goals, namnder, planDecisions, plans, processes, risks, workingMethods } from '../../db/schema/index.js';

export type PlanRow = typeof plans.$inferSelect;
export type PlanWithNamnd = PlanRow & { namndCode: string };
export type ProcessRow = typeof processes.$inferSelect;
export type WorkingMethodRow = typeof workingMethods.$inferSelect;
export type RiskRow = typeof risks.$inferSelect;
export type ControlRow = typeof controls.$inferSelect;
export type ControlActivityRow = typeof controlActivities.$inferSelect;
export type GoalRow = typeof goals.$inferSelect;
export type PlanDecisionRow = typeof planDecisions.$inferSelect;

/** For the versioned-update and transition helpers, which take the table they write. */
export const PLANS_TABLE = plans;

export interface PlanContentRows {
  plans: PlanWithNamnd[];
  goals: GoalRow[];
  processes: ProcessRow[];
  workingMethods: WorkingMethodRow[];
  risks: RiskRow[];
  controls: ControlRow[];
  activities: ControlActivityRow[];
}

const planWithNamnd = { ...getPlanColumns(), namndCode: namnder.code };
function getPlanColumns() {
  const { id, namndId, year, status, ikpThreshold, matrix, decisionDate, decisionReference, originPlanId, version, createdAt, updatedAt } = plans;
  return { id, namndId, year, status, ikpThreshold, matrix, decisionDate, decisionReference, originPlanId, version, createdAt, updatedAt };
}

/** The tables that hang off a plan. */
const PLAN_CONTENT = { processes, workingMethods, risks, controls, controlActivities, followUps, actions, assessments, decisions: planDecisions };
export type PlanContentKind = keyof typeof PLAN_CONTENT;

/** The content of the plans whose ids `ids` selects (a subquery), as json columns of one select. */
function contentFields(ids: SQL): SQL {
  const inPlans = (t: { planId: AnyColumn }) => sql`${t.planId} in ${ids}`;
  return sql`${jsonRowsSql({ table: plans, where: sql`${plans.id} in ${ids}`, orderBy: [plans.year], extra: { namndCode: sql`${namnder.code}` }, join: sql`join ${namnder} on ${namnder.id} = ${plans.namndId}` })} as plans,
    ${jsonRowsSql({ table: goals, where: sql`${goals.year} in (select ${plans.year} from ${plans} where ${plans.id} in ${ids})`, orderBy: [goals.code] })} as goals,
    ${jsonRowsSql({ table: processes, where: inPlans(processes), orderBy: [processes.sortOrder, processes.createdAt] })} as processes,
    ${jsonRowsSql({ table: workingMethods, where: inPlans(workingMethods), orderBy: [workingMethods.sortOrder, workingMethods.createdAt] })} as "workingMethods",
    ${jsonRowsSql({ table: risks, where: inPlans(risks), orderBy: [risks.nr] })} as risks,
    ${jsonRowsSql({ table: controls, where: inPlans(controls), orderBy: [controls.sortOrder, controls.createdAt] })} as controls,
    ${jsonRowsSql({ table: controlActivities, where: inPlans(controlActivities), orderBy: [controlActivities.sortOrder, controlActivities.createdAt] })} as activities`;
}

function contentOf(row: Record<string, unknown>): PlanContentRows {
  return {
    plans: fromJsonRows(plans, row.plans),
    goals: fromJsonRows(goals, row.goals),
    processes: fromJsonRows(processes, row.processes),
    workingMethods: fromJsonRows(workingMethods, row.workingMethods),
    risks: fromJsonRows(risks, row.risks),
    controls: fromJsonRows(controls, row.controls),
    activities: fromJsonRows(controlActivities, row.activities),
  };
}

// The plans are named once, in a CTE every json column reads.
const TARGET = sql`(select id from target)`;
const CONTENT_SQL = renderedOnce((ids) => sql`with target as (select unnest(${ids}::uuid[]) as id) select ${contentFields(TARGET)}`);
const byNamndYear = (code: SQL, y: SQL) =>
  sql`with target as (select ${plans.id} as id from ${plans} join ${namnder} on ${namnder.id} = ${plans.namndId} where ${namnder.code} = ${code} and ${plans.year} = ${y}::int)`;
const BUNDLE_SQL = renderedOnce((code, y) => sql`${byNamndYear(code, y)} select ${contentFields(TARGET)}`, 2);
const BUNDLE_WITH_FOLLOW_UPS_SQL = renderedOnce((code, y) => sql`${byNamndYear(code, y)} select ${contentFields(TARGET)}, ${followUpJsonFields(TARGET)}`, 2);

// The city-wide page's rows as json, from the CTE `page` (id, plan_id, namnd_id): no parameters, rendered once.
const PAGE_ROWS_SQL = renderedOnce(() => sql`
  ${jsonRowsSql({ table: risks, where: sql`${risks.id} in (select id from page)`, orderBy: [risks.id] })} as risks,
  ${jsonRowsSql({ table: plans, where: sql`${plans.id} in (select plan_id from page)`, orderBy: [plans.year], extra: { namndCode: sql`${namnder.code}` }, join: sql`join ${namnder} on ${namnder.id} = ${plans.namndId}` })} as plans,
  ${jsonRowsSql({ table: namnder, where: sql`${namnder.id} in (select namnd_id from page)`, orderBy: [namnder.code] })} as namnder`, 0);

const rowWithPlanSql = new WeakMap<PgTable, (...values: unknown[]) => SQL>();

export const planRepository = {
  async find(db: DbOrTx, where: SQL, lock?: 'update' | 'share'): Promise<PlanWithNamnd | undefined> {
    const q = db.select(planWithNamnd).from(plans).innerJoin(namnder, eq(namnder.id, plans.namndId)).where(where);
    const [row] = await (lock ? q.for(lock, { of: plans }) : q);
    return row;
  },
  byId: (db: DbOrTx, id: string, lock?: 'update' | 'share') => planRepository.find(db, eq(plans.id, id), lock),
  /** A row of a plan's content and its plan, in one statement (its text rendered once per table). */
  async rowWithPlan<R>(db: DbOrTx, table: PgTable & { id: AnyColumn; planId: AnyColumn }, id: string): Promise<{ row: R; plan: PlanWithNamnd } | undefined> {
    let q = rowWithPlanSql.get(table);
    if (!q) {
      q = renderedOnce((p) => sql`select ${jsonRowsSql({ table, where: sql`${table.id} = ${p}::uuid`, orderBy: [] })} as row,
        ${jsonRowsSql({ table: plans, where: sql`${plans.id} = (select ${table.planId} from ${table} where ${table.id} = ${p}::uuid)`, orderBy: [], extra: { namndCode: sql`${namnder.code}` }, join: sql`join ${namnder} on ${namnder.id} = ${plans.namndId}` })} as plan`);
      rowWithPlanSql.set(table, q);
    }
    const [found] = await preparedRows<{ row: unknown; plan: unknown }>(db, q(id));
    const [row] = fromJsonRows<R>(table, found?.row);
    const [plan] = fromJsonRows<PlanWithNamnd>(plans, found?.plan);
    return row && plan ? { row, plan } : undefined;
  },
  byNamndYear: (db: DbOrTx, code: string, year: number) => planRepository.find(db, and(eq(namnder.code, code), eq(plans.year, year))!),

  /** Plans the actor may read, filtered, keyset-paginated by (year, nämnd code). */
  page(
    db: DbOrTx,
    f: { readable: typeof ALL | string[]; year?: number | null; namndCodes?: string[] | null; status?: string | null; after: { year: number; namndCode: string } | null },
    limit: number,
  ): Promise<PlanWithNamnd[]> {
    const conds: SQL[] = [];
    if (f.readable !== ALL) conds.push(inArray(namnder.code, f.readable.length ? f.readable : ['']));
    if (f.namndCodes?.length) conds.push(inArray(namnder.code, f.namndCodes.map((c) => c.toUpperCase())));
    if (f.year) conds.push(eq(plans.year, f.year));
    if (f.status) conds.push(eq(plans.status, f.status as 'DRAFT'));
    if (f.after) conds.push(or(gt(plans.year, f.after.year), and(eq(plans.year, f.after.year), gt(namnder.code, f.after.namndCode)))!);
    return planRepository.list(db, and(...conds), limit);
  },
  byIds: (db: DbOrTx, ids: readonly string[]) => planRepository.list(db, inArray(plans.id, [...ids]), ids.length),
  /** Plans rolled over from any of these, by year. */
  rolledOverFrom: (db: DbOrTx, originPlanIds: readonly string[]) => planRepository.list(db, inArray(plans.originPlanId, [...originPlanIds]), 10_000),

  list(db: DbOrTx, where: SQL | undefined, limit: number): Promise<PlanWithNamnd[]> {
    return db
      .select(planWithNamnd)
      .from(plans)
      .innerJoin(namnder, eq(namnder.id, plans.namndId))
      .where(where)
      .orderBy(asc(plans.year), asc(namnder.code))
      .limit(limit);
  },

  /**
   * The city-wide risk list: the risk filter's SQL mirror, the actor's nämnder, keyset after a risk id. One statement
   * gives the page's risks and the plans and nämnder they belong to (for their derived values and `plan { namnd }`).
   */
  async cityRisks(
    db: DbOrTx,
    f: RiskFilter & { readable: typeof ALL | string[]; namndCodes?: string[] | null; year?: number | null; after: string | null },
    limit: number,
  ): Promise<{ risks: RiskRow[]; plans: PlanWithNamnd[]; namnder: (typeof namnder.$inferSelect)[] }> {
    const conds: SQL[] = [];
    // Lists as one array parameter: the statement's text then depends only on which filters are given, so it can
    // be a prepared statement (a bounded number of texts).
    if (f.readable !== ALL) conds.push(sql`${namnder.code} = any(${sql.param([...f.readable])}::text[])`);
    if (f.namndCodes?.length) conds.push(sql`${namnder.code} = any(${sql.param([...f.namndCodes])}::text[])`);
    if (f.year) conds.push(eq(plans.year, f.year));
    conds.push(...riskColumnsSql.filter(f));
    if (f.goalCode) conds.push(eq(goals.code, f.goalCode));
    if (f.after) conds.push(gt(risks.id, f.after));
    // A year names ~1/10 of the plans: its risks are fetched per plan by index (LATERAL, kept from being flattened
    // by OFFSET 0) instead of scanning every risk, which the planner prefers from its row estimates. Halves the page.
    const source = f.year
      ? sql`${plans} cross join lateral (select * from ${risks} where ${risks.planId} = ${plans.id} offset 0) as ${sql.identifier(getTableName(risks))}`
      : sql`${risks} join ${plans} on ${plans.id} = ${risks.planId}`;
    // The nämnd and the goal (three joins away; every risk has one) are joined only when a filter needs them.
    const withNamnd = f.readable !== ALL || !!f.namndCodes?.length ? sql` join ${namnder} on ${namnder.id} = ${plans.namndId}` : sql``;
    const withGoal = f.goalCode
      ? sql` join ${workingMethods} on ${workingMethods.id} = ${risks.workingMethodId} join ${processes} on ${processes.id} = ${workingMethods.processId}
        join ${goals} on ${goals.id} = ${processes.goalId}`
      : sql``;
    const page = sql`select ${risks.id} as id, ${risks.planId} as plan_id, ${plans.namndId} as namnd_id from ${source}${withNamnd}${withGoal}
      ${conds.length ? sql`where ${and(...conds)}` : sql``} order by ${risks.id} limit ${limit}`;
    const [row] = await preparedRows<{ risks: unknown; plans: unknown; namnder: unknown }>(
      db,
      sql`with page as (${page}) select ${PAGE_ROWS_SQL()}`,
    );
    return { risks: fromJsonRows(risks, row.risks), plans: fromJsonRows(plans, row.plans), namnder: fromJsonRows(namnder, row.namnder) };
  },

  async insert(db: DbOrTx, values: typeof plans.$inferInsert): Promise<PlanRow> {
    const [row] = await db.insert(plans).values(values).returning();
    return row;
  },
  async setOrigin(db: DbOrTx, planId: string, originPlanId: string): Promise<void> {
    await db.update(plans).set({ originPlanId }).where(eq(plans.id, planId));
  },
  async insertProcess(db: DbOrTx, values: typeof processes.$inferInsert): Promise<ProcessRow> {
    const [row] = await db.insert(processes).values(values).returning();
    return row;
  },
  async insertWorkingMethods(db: DbOrTx, values: (typeof workingMethods.$inferInsert)[]): Promise<WorkingMethodRow[]> {
    return values.length ? db.insert(workingMethods).values(values).returning() : [];
  },

  /** How much a plan holds, per table (what its deletion takes with it). */
  async contentCounts(db: DbOrTx, planId: string): Promise<Record<PlanContentKind, number>> {
    const out = {} as Record<PlanContentKind, number>;
    for (const [kind, table] of Object.entries(PLAN_CONTENT) as [PlanContentKind, (typeof PLAN_CONTENT)[PlanContentKind]][]) {
      const [row] = await db.select({ n: count() }).from(table).where(eq(table.planId, planId));
      out[kind] = Number(row.n);
    }
    return out;
  },
  /** Deletes a plan at the version read; its content goes with it (ON DELETE CASCADE, tombstones by trigger). */
  async deleteVersioned(db: DbOrTx, id: string, version: number): Promise<boolean> {
    return (await db.delete(plans).where(and(eq(plans.id, id), eq(plans.version, version))).returning({ id: plans.id })).length > 0;
  },

  async insertDecision(db: DbOrTx, values: typeof planDecisions.$inferInsert): Promise<void> {
    await db.insert(planDecisions).values(values);
  },
  /** Decisions carry a whole snapshot each: loaded only when asked for. */
  decisionsFor(db: DbOrTx, planIds: readonly string[]): Promise<PlanDecisionRow[]> {
    return db.select().from(planDecisions).where(inArray(planDecisions.planId, [...planIds])).orderBy(desc(planDecisions.adoptedAt));
  },
  /** Plans of a year (one nämnd's, when given), for the rollover. */
  ofYear(db: DbOrTx, year: number, namndCode?: string | null): Promise<PlanWithNamnd[]> {
    return planRepository.list(db, and(eq(plans.year, year), namndCode ? eq(namnder.code, namndCode) : undefined), 10_000);
  },
  byNamndIdYear: (db: DbOrTx, namndId: string, year: number, lock?: 'update' | 'share') => planRepository.find(db, and(eq(plans.namndId, namndId), eq(plans.year, year))!, lock),

  /** A whole plan (or many): one statement, whatever the size of the plans (each table as a json array). */
  async content(db: DbOrTx, planIds: readonly string[]): Promise<PlanContentRows> {
    if (!planIds.length) return { plans: [], goals: [], processes: [], workingMethods: [], risks: [], controls: [], activities: [] };
    const [row] = await preparedRows<Record<string, unknown>>(db, CONTENT_SQL([...planIds]));
    return contentOf(row);
  },
  /** A nämnd's plan of a year with its whole content (and its follow-up data when asked), in one statement. */
  async bundleByNamndYear(db: DbOrTx, code: string, y: number, withFollowUps: boolean): Promise<{ content: PlanContentRows; followUps: PlanFollowUpRows | null }> {
    const [row] = await preparedRows<Record<string, unknown>>(db, (withFollowUps ? BUNDLE_WITH_FOLLOW_UPS_SQL : BUNDLE_SQL)(code, y));
    return { content: contentOf(row), followUps: withFollowUps ? followUpRowsFromJson(row) : null };
  },
};
