import { date, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './columns.js';
import { namnder } from './namnder.js';
import type { RiskMatrix } from './json-types.js';

export const planStatus = pgEnum('plan_status', ['DRAFT', 'ADOPTED', 'CLOSED']);

/** One nämnd's VoR + IKP for one year; keeps the matrix and threshold in force. */
export const plans = pgTable(
  'plans',
  {
    id: id(),
    namndId: uuid('namnd_id')
      .notNull()
      .references(() => namnder.id),
    year: integer('year').notNull(),
    status: planStatus('status').notNull().default('DRAFT'),
    ikpThreshold: integer('ikp_threshold').notNull().default(9),
    matrix: jsonb('matrix').$type<RiskMatrix>().notNull(),
    decisionDate: date('decision_date'),
    decisionReference: text('decision_reference'),
    originPlanId: uuid('origin_plan_id'),
    version: version(),
    ...timestamps,
  },
  (t) => [unique('plans_namnd_year_unique').on(t.namndId, t.year)],
);

/** Immutable record of each adoption: the VoR/IKP as decided. */
export const planDecisions = pgTable('plan_decisions', {
  id: id(),
  planId: uuid('plan_id')
    .notNull()
    .references(() => plans.id, { onDelete: 'cascade' }),
  decisionDate: date('decision_date').notNull(),
  reference: text('reference').notNull(),
  adoptedBy: text('adopted_by').notNull(),
  adoptedAt: timestamp('adopted_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  snapshot: jsonb('snapshot').notNull(),
});
