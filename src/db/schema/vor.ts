import { index, integer, pgEnum, pgTable, smallint, text, unique, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './columns.js';
import { goals, mandatoryProcesses, mandatoryWorkingMethods } from './master-data.js';
import { plans } from './plans.js';

export const ikpOverride = pgEnum('ikp_override', ['INCLUDE', 'EXCLUDE']);
export const period = pgEnum('period', ['T1', 'T2', 'VB']);

// plan_id is repeated on every level so that a whole plan is one indexed scan per table (no N+1, cheap exports).
export const processes = pgTable(
  'processes',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    goalId: uuid('goal_id')
      .notNull()
      .references(() => goals.id),
    name: text('name').notNull(),
    mandatoryProcessId: uuid('mandatory_process_id').references(() => mandatoryProcesses.id),
    sortOrder: integer('sort_order').notNull().default(0),
    originId: uuid('origin_id'),
    version: version(),
    ...timestamps,
  },
  (t) => [index('processes_plan_idx').on(t.planId), index('processes_updated_idx').on(t.updatedAt), index('processes_created_idx').on(t.createdAt)],
);

export const workingMethods = pgTable(
  'working_methods',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    processId: uuid('process_id')
      .notNull()
      .references(() => processes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mandatoryWorkingMethodId: uuid('mandatory_working_method_id').references(() => mandatoryWorkingMethods.id),
    sortOrder: integer('sort_order').notNull().default(0),
    originId: uuid('origin_id'),
    version: version(),
    ...timestamps,
  },
  (t) => [index('working_methods_plan_idx').on(t.planId), index('working_methods_process_idx').on(t.processId), index('working_methods_updated_idx').on(t.updatedAt), index('working_methods_created_idx').on(t.createdAt)],
);

export const risks = pgTable(
  'risks',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    workingMethodId: uuid('working_method_id')
      .notNull()
      .references(() => workingMethods.id, { onDelete: 'cascade' }),
    nr: integer('nr').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    likelihood: smallint('likelihood'),
    consequence: smallint('consequence'),
    ikpOverride: ikpOverride('ikp_override'),
    ikpMotivation: text('ikp_motivation'),
    previousLikelihood: smallint('previous_likelihood'),
    previousConsequence: smallint('previous_consequence'),
    originId: uuid('origin_id'),
    version: version(),
    ...timestamps,
  },
  (t) => [
    // R6 in the database too, so that two concurrent writers cannot both take a number.
    unique('risks_plan_nr_unique').on(t.planId, t.nr),
    index('risks_working_method_idx').on(t.workingMethodId),
    // Exports filter on updated_at (Power BI incremental refresh).
    index('risks_updated_idx').on(t.updatedAt),
    index('risks_created_idx').on(t.createdAt),
    // The risk-matrix-cells export's change time per plan is one index lookup.
    index('risks_plan_updated_idx').on(t.planId, t.updatedAt),
  ],
);

/** Systematisk kontroll. */
export const controls = pgTable(
  'controls',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    riskId: uuid('risk_id')
      .notNull()
      .references(() => risks.id, { onDelete: 'cascade' }),
    description: text('description').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    originId: uuid('origin_id'),
    version: version(),
    ...timestamps,
  },
  (t) => [index('controls_plan_idx').on(t.planId), index('controls_risk_idx').on(t.riskId), index('controls_updated_idx').on(t.updatedAt), index('controls_created_idx').on(t.createdAt)],
);

/** Kontrollaktivitet. */
export const controlActivities = pgTable(
  'control_activities',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    controlId: uuid('control_id')
      .notNull()
      .references(() => controls.id, { onDelete: 'cascade' }),
    description: text('description').notNull(),
    responsible: text('responsible'),
    periods: period('periods').array().notNull().default(['T1', 'T2', 'VB']),
    frequency: text('frequency'),
    sortOrder: integer('sort_order').notNull().default(0),
    originId: uuid('origin_id'),
    version: version(),
    ...timestamps,
  },
  (t) => [index('control_activities_plan_idx').on(t.planId), index('control_activities_control_idx').on(t.controlId), index('control_activities_updated_idx').on(t.updatedAt), index('control_activities_created_idx').on(t.createdAt)],
);
