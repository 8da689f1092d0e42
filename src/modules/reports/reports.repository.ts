import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { actions, assessments, followUps, mandatoryProcesses, namnder } from '../../db/schema/index.js';

export type FollowUpRow = typeof followUps.$inferSelect;
export type ActionRow = typeof actions.$inferSelect;
export type AssessmentRow = typeof assessments.$inferSelect;
export type NamndRow = typeof namnder.$inferSelect;
export type MandatoryProcessName = Pick<typeof mandatoryProcesses.$inferSelect, 'id' | 'name' | 'aliases'>;

export interface PlanFollowUpRows {
  namnd: NamndRow | undefined;
  followUps: FollowUpRow[];
  actions: ActionRow[];
  assessment: AssessmentRow | undefined;
  mandatoryProcesses: MandatoryProcessName[];
}

export const reportRepository = {
  /** What a report needs beyond the VoR/IKP: five statements, whatever the size of the plan. */
  async followUpRows(db: DbOrTx, plan: { id: string; namndId: string }): Promise<PlanFollowUpRows> {
    const [namndRows, followUpRows, actionRows, assessmentRows, mandatoryRows] = await Promise.all([
      db.select().from(namnder).where(eq(namnder.id, plan.namndId)),
      db.select().from(followUps).where(eq(followUps.planId, plan.id)).orderBy(asc(followUps.period), asc(followUps.createdAt)),
      db.select().from(actions).where(eq(actions.planId, plan.id)),
      db.select().from(assessments).where(eq(assessments.planId, plan.id)),
      db.select({ id: mandatoryProcesses.id, name: mandatoryProcesses.name, aliases: mandatoryProcesses.aliases }).from(mandatoryProcesses),
    ]);
    return { namnd: namndRows[0], followUps: followUpRows, actions: actionRows, assessment: assessmentRows[0], mandatoryProcesses: mandatoryRows };
  },
};
