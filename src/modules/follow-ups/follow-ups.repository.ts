import { and, asc, eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { actions, assessments, followUps, namnder, periodDeadlines, plans } from '../../db/schema/index.js';
import { preparedRows, rawRows } from '../../db/raw.js';
import { fromJsonRows, jsonRowsSql, renderedOnce } from '../../db/json-rows.js';
import { insertDomainEvents } from '../../events/outbox.js';
import { OPEN_ACTION_STATUSES, openActionStatusesSql, periodDeadlineSql, type Period } from './deadlines.js';

export type FollowUpRow = typeof followUps.$inferSelect;
export type ActionRow = typeof actions.$inferSelect;
export type AssessmentRow = typeof assessments.$inferSelect;
export type PeriodDeadlineRow = typeof periodDeadlines.$inferSelect;

/** The plan a follow-up, action or assessment belongs to, as far as their rules need it. */
export interface PlanRef {
  id: string;
  year: number;
  status: 'DRAFT' | 'ADOPTED' | 'CLOSED';
  namndCode: string;
}

export interface PlanFollowUpRows {
  followUps: FollowUpRow[];
  actions: ActionRow[];
  assessments: AssessmentRow[];
}

/** For the versioned-update and transition helpers, which take the table they write. */
export const FOLLOW_UP_TABLES = { followUps, actions, assessments };

/** Follow-up data of the plans whose ids `ids` selects (a subquery), as json columns of one select. */
export function followUpJsonFields(ids: SQL): SQL {
  const inPlans = (t: { planId: AnyColumn }) => sql`${t.planId} in ${ids}`;
  return sql`${jsonRowsSql({ table: followUps, where: inPlans(followUps), orderBy: [followUps.period, followUps.createdAt] })} as "followUps",
    ${jsonRowsSql({ table: actions, where: inPlans(actions), orderBy: [actions.plannedYear, actions.dueDate, actions.createdAt] })} as actions,
    ${jsonRowsSql({ table: assessments, where: inPlans(assessments), orderBy: [assessments.createdAt] })} as assessments`;
}

/** The rows of followUpJsonFields' columns. */
export function followUpRowsFromJson(row: Record<string, unknown>): PlanFollowUpRows {
  return { followUps: fromJsonRows(followUps, row.followUps), actions: fromJsonRows(actions, row.actions), assessments: fromJsonRows(assessments, row.assessments) };
}

const FOLLOW_UPS_SQL = renderedOnce((ids) => sql`with target as (select unnest(${ids}::uuid[]) as id) select ${followUpJsonFields(sql`(select id from target)`)}`);

export const followUpRepository = {
  /** Follow-up data of many plans in one statement (each table as a json array). */
  async forPlans(db: DbOrTx, planIds: readonly string[]): Promise<PlanFollowUpRows> {
    if (!planIds.length) return { followUps: [], actions: [], assessments: [] };
    const [row] = await preparedRows<Record<string, unknown>>(db, FOLLOW_UPS_SQL([...planIds]));
    return followUpRowsFromJson(row);
  },
  /** The moved deadlines of these years, in one statement. */
  deadlines(db: DbOrTx, years: readonly number[]): Promise<PeriodDeadlineRow[]> {
    if (!years.length) return Promise.resolve([]);
    return db.select().from(periodDeadlines).where(inArray(periodDeadlines.year, [...new Set(years)])).orderBy(asc(periodDeadlines.year), asc(periodDeadlines.period));
  },
  /** The year's row for a period, locked for the write. */
  async deadline(db: DbOrTx, year: number, period: Period): Promise<PeriodDeadlineRow | undefined> {
    const [row] = await db.select().from(periodDeadlines).where(and(eq(periodDeadlines.year, year), eq(periodDeadlines.period, period))).for('update');
    return row;
  },
  async saveDeadline(db: DbOrTx, year: number, period: Period, deadline: string): Promise<PeriodDeadlineRow> {
    const [row] = await db
      .insert(periodDeadlines)
      .values({ year, period, deadline })
      .onConflictDoUpdate({ target: [periodDeadlines.year, periodDeadlines.period], set: { deadline, version: sql`${periodDeadlines.version} + 1`, updatedAt: new Date() } })
      .returning();
    return row;
  },
  /**
   * A moved deadline changes the exported due_date and late of the year's follow-ups in that period: their
   * updated_at moves, so an incremental refresh picks them up (as 0005's triggers do for a plan's threshold).
   */
  async touchFollowUps(db: DbOrTx, year: number, period: Period): Promise<number> {
    const rows = await db
      .update(followUps)
      .set({ updatedAt: sql`greatest(now(), ${followUps.updatedAt} + interval '1 millisecond')` })
      .where(and(eq(followUps.period, period), inArray(followUps.planId, db.select({ id: plans.id }).from(plans).where(eq(plans.year, year)))))
      .returning({ id: followUps.id });
    return rows.length;
  },
  /** The plan row, locked for the rest of the transaction, so its status cannot change under the write. */
  async plan(db: DbOrTx, planId: string): Promise<PlanRef | undefined> {
    const [row] = await db
      .select({ id: plans.id, year: plans.year, status: plans.status, namndCode: namnder.code })
      .from(plans)
      .innerJoin(namnder, eq(namnder.id, plans.namndId))
      .where(eq(plans.id, planId))
      .for('update', { of: plans });
    return row;
  },
  /** Creates the missing follow-ups (a re-adoption keeps those already there); returns how many were created. */
  async insertMissing(db: DbOrTx, values: (typeof followUps.$inferInsert)[]): Promise<number> {
    if (!values.length) return 0;
    return (await db.insert(followUps).values(values).onConflictDoNothing().returning({ id: followUps.id })).length;
  },
  async actionCount(db: DbOrTx, followUpId: string): Promise<number> {
    const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(actions).where(eq(actions.followUpId, followUpId));
    return n;
  },
  async insertAction(db: DbOrTx, values: typeof actions.$inferInsert): Promise<ActionRow> {
    const [row] = await db.insert(actions).values(values).returning();
    return row;
  },
  async insertAssessment(db: DbOrTx, values: typeof assessments.$inferInsert): Promise<AssessmentRow> {
    const [row] = await db.insert(assessments).values(values).returning();
    return row;
  },
  /**
   * The rollover's actions of a plan: the open ones and those already carried over. Locked: they are copied and
   * ended as CARRIED_OVER, no user transition may slip in between.
   */
  openOrCarriedActions(db: DbOrTx, planId: string): Promise<ActionRow[]> {
    return db
      .select()
      .from(actions)
      .where(and(eq(actions.planId, planId), inArray(actions.status, [...OPEN_ACTION_STATUSES, 'CARRIED_OVER'])))
      .for('update');
  },
  async insertActions(db: DbOrTx, values: (typeof actions.$inferInsert)[]): Promise<ActionRow[]> {
    return values.length ? db.insert(actions).values(values).returning() : [];
  },
  /** One statement for many actions (Action.carriedFrom). */
  actionsByIds(db: DbOrTx, ids: readonly string[]): Promise<ActionRow[]> {
    return ids.length ? db.select().from(actions).where(inArray(actions.id, [...ids])) : Promise.resolve([]);
  },
  /** The copies the rollover made of these actions, in any plan (Action.carriedTo). */
  actionsByOrigins(db: DbOrTx, originIds: readonly string[]): Promise<ActionRow[]> {
    return originIds.length ? db.select().from(actions).where(inArray(actions.originActionId, [...originIds])).orderBy(asc(actions.createdAt)) : Promise.resolve([]);
  },
  /** Ends open actions as CARRIED_OVER in one statement; returns those it moved (a moved-on one is not returned). */
  carryOver(db: DbOrTx, ids: string[]): Promise<ActionRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return db
      .update(actions)
      .set({ status: 'CARRIED_OVER', version: sql`${actions.version} + 1`, updatedAt: new Date() })
      .where(and(inArray(actions.id, ids), inArray(actions.status, [...OPEN_ACTION_STATUSES])))
      .returning();
  },
  async followUp(db: DbOrTx, id: string): Promise<FollowUpRow | undefined> {
    const [row] = await db.select().from(followUps).where(eq(followUps.id, id));
    return row;
  },
  async action(db: DbOrTx, id: string): Promise<ActionRow | undefined> {
    const [row] = await db.select().from(actions).where(eq(actions.id, id));
    return row;
  },
  async assessment(db: DbOrTx, planId: string): Promise<AssessmentRow | undefined> {
    const [row] = await db.select().from(assessments).where(eq(assessments.planId, planId));
    return row;
  },

  /**
   * The due job's one statement, for every plan whatever its status: what GraphQL, the reports and the exports call
   * overdue (an unreported follow-up of a closed year, an open action never carried over) is announced too. Safe on any number of replicas, because the marker row's primary key decides
   * who emits, in the same statement that writes the event, so two replicas racing on one item serialise on that
   * key and the second inserts nothing.
   */
  async emitDueEvents(tx: DbOrTx, day: string, soonDays: number): Promise<number> {
    const deadline = periodDeadlineSql(sql.raw('p.year'), sql.raw('f.period::text'));
    const rows = await rawRows<{ n: number | string }>(tx, sql`
      with fu as (
        select f.id, f.plan_id, p.year, f.period::text as period, f.status::text as status, f.version, n.code, ${deadline} as deadline
        from follow_ups f join plans p on p.id = f.plan_id join namnder n on n.id = p.namnd_id
        where f.status <> 'REPORTED'
      ), cand as (
        select case when deadline < ${day}::date then 'followUp.overdue' else 'followUp.due' end as kind,
          'FollowUp' as entity_type, id, code, version,
          jsonb_build_object('planId', plan_id, 'year', year, 'period', period, 'status', status, 'deadline', deadline) as data
        from fu where deadline <= ${day}::date + ${soonDays}::int
        union all
        select 'action.overdue', 'Action', a.id, n.code, a.version,
          jsonb_build_object('planId', a.plan_id, 'year', p.year, 'followUpId', a.follow_up_id, 'status', a.status::text, 'dueDate', a.due_date)
        from actions a join plans p on p.id = a.plan_id join namnder n on n.id = p.namnd_id
        where a.status in (${openActionStatusesSql}) and a.due_date < ${day}::date
      ), marked as (
        insert into scheduled_event_markers (kind, entity_id, day)
        select kind, id, ${day}::date from cand
        on conflict do nothing
        returning kind, entity_id
      ), emitted as (
        ${insertDomainEvents(sql`select c.kind, c.code, c.entity_type, c.id::text, c.version, now(), c.data || jsonb_build_object('day', ${day}::text)
        from cand c join marked m on m.kind = c.kind and m.entity_id = c.id
        order by c.code, c.kind, c.id`)}
        returning 1
      )
      select count(*) as n from emitted`);
    // Markers only need to outlive the day they guard.
    await tx.execute(sql`delete from scheduled_event_markers where day < ${day}::date - 7`);
    return Number(rows[0].n);
  },
};
