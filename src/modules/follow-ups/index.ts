// Follow-up, actions and the assessment: the public face of this module.
import type { DbOrTx } from '../../db/client.js';
import { historyLoader } from '../../graphql/module.js';
import { defineModule } from '../../lib/app-module.js';
import { createActionService } from './actions.service.js';
import { actionLinkLoaders } from './follow-ups.resolvers.js';
import { createAssessmentService } from './assessments.service.js';
import { createDeadlineService } from './deadlines.service.js';
import { createDueJob } from './due-job.js';
import { followUpRepository } from './follow-ups.repository.js';
import { followUpsResolvers } from './follow-ups.resolvers.js';
import { followUpsTypeDefs } from './follow-ups.schema.js';
import { createFollowUpService } from './follow-ups.service.js';

export {
  DEFAULT_CALENDAR,
  exportSqlDeadlines,
  isFollowUpOverdue,
  isLate,
  isOpenAction,
  isOverdue,
  OPEN_ACTION_STATUSES,
  pastDeadline,
  PERIOD_ENDS,
  PERIODS,
  periodDeadlineDate,
  periodDeadlineSql,
  reportedLate,
  summarize,
  TIME_ZONE,
  today,
  type DeadlineCalendar,
  type FollowUpSummary,
  type Period,
} from './deadlines.js';
export type { ActionRow, AssessmentRow, FollowUpRow, PlanFollowUpRows } from './follow-ups.repository.js';
export { followUpJsonFields, followUpRowsFromJson } from './follow-ups.repository.js';

/** The moved period deadlines of these years as a calendar, in one statement (reports, exports). */
export { calendarOf as deadlineCalendarFor, type PeriodDeadlineView } from './deadlines.service.js';

/** For the plan's adoption: the IKP's follow-ups, creating only those missing; returns how many were created. */
export const createMissingFollowUps = (tx: DbOrTx, wanted: { planId: string; controlActivityId: string; period: 'T1' | 'T2' | 'VB' }[]) =>
  followUpRepository.insertMissing(tx, wanted);

/** For closing the plan's year: what is still missing (the assessment, unreported VB follow-ups). */
export async function closingBlockers(tx: DbOrTx, planId: string): Promise<{ missing: string[]; openFollowUpIds: string[] }> {
  const data = await followUpRepository.forPlans(tx, [planId]);
  const missing: string[] = [];
  if (!data.assessments.length) missing.push('the year’s assessment');
  const open = data.followUps.filter((f) => f.period === 'VB' && f.status !== 'REPORTED');
  if (open.length) missing.push(`${open.length} VB follow-up(s) not reported`);
  return { missing, openFollowUpIds: open.map((f) => f.id) };
}

/** For the rollover: open actions are copied into the new plan and end as CARRIED_OVER in the old one. */
export { carryOverActions } from './actions.service.js';
/** Follow-ups, actions and assessments of many plans in a fixed number of statements (the city overview). */
export const followUpRowsOf = (db: DbOrTx, planIds: readonly string[]) => followUpRepository.forPlans(db, planIds);

export const followUpsModule = defineModule({
  name: 'followUps',
  typeDefs: followUpsTypeDefs,
  resolvers: followUpsResolvers,
  loaders: {
    ...Object.fromEntries(['FollowUp', 'Assessment', 'PeriodDeadline'].map((t) => [t, { history: historyLoader(t) }])),
    Action: { history: historyLoader('Action'), ...actionLinkLoaders },
  },
  services: { followUps: createFollowUpService, actions: createActionService, assessments: createAssessmentService, deadlines: createDeadlineService },
  loops: ({ db, clock, config, log }) =>
    config.DUE_JOB_ENABLED ? [createDueJob(db, { intervalMs: config.DUE_JOB_INTERVAL_MS, soonDays: config.DUE_SOON_DAYS, clock }, log)] : [],
});
