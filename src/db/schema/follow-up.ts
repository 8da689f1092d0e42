import { date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './columns.js';
import { plans } from './plans.js';
import { controlActivities, period } from './vor.js';

export const followUpStatus = pgEnum('follow_up_status', ['NOT_STARTED', 'IN_PROGRESS', 'REPORTED']);
export const followUpOutcome = pgEnum('follow_up_outcome', ['NO_DEVIATION', 'DEVIATION', 'NOT_PERFORMED']);
// CARRIED_OVER: the rollover continued it in the next year's plan (origin_action_id of the copy points here).
export const actionStatus = pgEnum('action_status', ['PLANNED', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'CARRIED_OVER']);
export const assessmentLevel = pgEnum('assessment_level', [
  'TILLRACKLIG',
  'I_HUVUDSAK_TILLRACKLIG',
  'INTE_TILLRACKLIG',
]);

/** Uppföljning: one control activity in one period. */
export const followUps = pgTable(
  'follow_ups',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    controlActivityId: uuid('control_activity_id')
      .notNull()
      .references(() => controlActivities.id, { onDelete: 'cascade' }),
    period: period('period').notNull(),
    status: followUpStatus('status').notNull().default('NOT_STARTED'),
    outcome: followUpOutcome('outcome'),
    resultText: text('result_text'),
    explanation: text('explanation'),
    reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }),
    reportedBy: text('reported_by'),
    version: version(),
    ...timestamps,
  },
  (t) => [
    unique('follow_ups_activity_period_unique').on(t.controlActivityId, t.period),
    index('follow_ups_plan_idx').on(t.planId),
    index('follow_ups_updated_idx').on(t.updatedAt),
    index('follow_ups_created_idx').on(t.createdAt),
  ],
);

/** Åtgärd: from a deviation, or planned directly on a plan (e.g. a three-year security plan). */
export const actions = pgTable(
  'actions',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    followUpId: uuid('follow_up_id').references(() => followUps.id, { onDelete: 'set null' }),
    originActionId: uuid('origin_action_id'),
    title: text('title').notNull(),
    description: text('description'),
    owner: text('owner'),
    dueDate: date('due_date'),
    plannedYear: integer('planned_year'),
    tags: text('tags').array().notNull().default([]),
    status: actionStatus('status').notNull().default('PLANNED'),
    statusReason: text('status_reason'),
    version: version(),
    ...timestamps,
  },
  (t) => [index('actions_plan_idx').on(t.planId), index('actions_follow_up_idx').on(t.followUpId), index('actions_origin_action_idx').on(t.originActionId), index('actions_updated_idx').on(t.updatedAt), index('actions_created_idx').on(t.createdAt)],
);

/** Bedömning av nämndens interna kontroll. */
export const assessments = pgTable('assessments', {
  id: id(),
  planId: uuid('plan_id')
    .notNull()
    .unique()
    .references(() => plans.id, { onDelete: 'cascade' }),
  level: assessmentLevel('level').notNull(),
  analysis: text('analysis').notNull(),
  assessedBy: text('assessed_by').notNull(),
  version: version(),
  ...timestamps,
});

/** Master data: a follow-up period's deadline in one year, where the city moved it; other years keep the default. */
export const periodDeadlines = pgTable(
  'period_deadlines',
  {
    year: integer('year').notNull(),
    period: period('period').notNull(),
    deadline: date('deadline').notNull(),
    version: version(),
    ...timestamps,
  },
  (t) => [primaryKey({ name: 'period_deadlines_pkey', columns: [t.year, t.period] })],
);
