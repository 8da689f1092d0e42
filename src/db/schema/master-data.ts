import { integer, jsonb, pgTable, smallint, text, unique, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './columns.js';
import type { RiskMatrix } from './json-types.js';

/** KF:s mål for one year: city-wide master data. */
export const goals = pgTable(
  'goals',
  {
    id: id(),
    year: integer('year').notNull(),
    code: text('code').notNull(),
    title: text('title').notNull(),
    inriktningsmal: smallint('inriktningsmal'),
    version: version(),
    ...timestamps,
  },
  (t) => [unique('goals_year_code_unique').on(t.year, t.code)],
);

/** City-wide mandatory processes (R5), with the spellings documents use. */
export const mandatoryProcesses = pgTable('mandatory_processes', {
  id: id(),
  name: text('name').notNull().unique(),
  aliases: text('aliases').array().notNull().default([]),
  goalCode: text('goal_code').notNull(),
  fromYear: integer('from_year').notNull(),
  toYear: integer('to_year'),
  version: version(),
  ...timestamps,
});

export const mandatoryWorkingMethods = pgTable(
  'mandatory_working_methods',
  {
    id: id(),
    mandatoryProcessId: uuid('mandatory_process_id')
      .notNull()
      .references(() => mandatoryProcesses.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    aliases: text('aliases').array().notNull().default([]),
    sortOrder: integer('sort_order').notNull().default(0),
    ...timestamps,
  },
  (t) => [unique('mandatory_wm_process_name_unique').on(t.mandatoryProcessId, t.name)],
);

/** Singleton settings row(s), e.g. the city's default risk matrix. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<RiskMatrix | Record<string, unknown>>().notNull(),
  version: version(),
  ...timestamps,
});
