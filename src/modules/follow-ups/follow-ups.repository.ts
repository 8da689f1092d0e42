import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { actions, assessments, followUps, planDecisions } from '../../db/schema/index.js';

export type FollowUpRow = typeof followUps.$inferSelect;
export type ActionRow = typeof actions.$inferSelect;
export type AssessmentRow = typeof assessments.$inferSelect;
export type PlanDecisionRow = typeof planDecisions.$inferSelect;

export interface PlanFollowUpRows {
  followUps: FollowUpRow[];
  actions: ActionRow[];
  assessments: AssessmentRow[];
}

export const followUpRepository = {
  /** Follow-up data of many plans in three statements. */
  async forPlans(db: DbOrTx, planIds: readonly string[]): Promise<PlanFollowUpRows> {
    const ids = [...planIds];
    const [f, a, s] = await Promise.all([
      db.select().from(followUps).where(inArray(followUps.planId, ids)).orderBy(asc(followUps.period), asc(followUps.createdAt)),
      db.select().from(actions).where(inArray(actions.planId, ids)).orderBy(asc(actions.plannedYear), asc(actions.dueDate), asc(actions.createdAt)),
      db.select().from(assessments).where(inArray(assessments.planId, ids)),
    ]);
    return { followUps: f, actions: a, assessments: s };
  },
  /** Decisions carry a whole snapshot each: loaded only when asked for. */
  decisionsFor(db: DbOrTx, planIds: readonly string[]): Promise<PlanDecisionRow[]> {
    return db.select().from(planDecisions).where(inArray(planDecisions.planId, [...planIds])).orderBy(desc(planDecisions.adoptedAt));
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
};

/** Period deadlines (tertialrapport 1 per 30 April, 2 per 31 August, verksamhetsberättelse per 31 December), Stockholm time. */
export function periodDeadline(year: number, period: 'T1' | 'T2' | 'VB'): Date {
  const end = { T1: `${year}-04-30T23:59:59.999+02:00`, T2: `${year}-08-31T23:59:59.999+02:00`, VB: `${year}-12-31T23:59:59.999+01:00` }[period];
  return new Date(end);
}

/** The action states that are still open: carried over by the rollover, counted and listed by the reports. */
export const OPEN_ACTION_STATUSES = ['PLANNED', 'IN_PROGRESS'] as const;
export const isOpenAction = (a: Pick<ActionRow, 'status'>) => (OPEN_ACTION_STATUSES as readonly string[]).includes(a.status);

/** Overdue is derived: an open action past its due date. */
export function isOverdue(a: Pick<ActionRow, 'status' | 'dueDate'>, today = new Date().toISOString().slice(0, 10)): boolean {
  return isOpenAction(a) && !!a.dueDate && a.dueDate < today;
}
