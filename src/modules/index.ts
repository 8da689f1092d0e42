// The one list of modules. The app, the GraphQL schema, the services and the background loops are all built by
// iterating over it; its order is the order of the printed schema (schema.graphql).
import { auditModule } from '../audit/index.js';
import { cityModule } from './city/index.js';
import { eventsModule } from '../events/index.js';
import { exportsModule } from './exports/index.js';
import { followUpsModule } from './follow-ups/index.js';
import { goalsModule } from './goals/index.js';
import { importsModule } from './imports/index.js';
import { namnderModule } from './namnder/index.js';
import { plansModule } from './plans/index.js';
import { reportsModule } from './reports/index.js';
import { rolloverModule } from './rollover/index.js';
import { vorModule } from './vor/index.js';
import { webhooksModule } from './webhooks/index.js';

export const modules = [
  auditModule,
  namnderModule,
  goalsModule,
  plansModule,
  vorModule,
  importsModule,
  followUpsModule,
  rolloverModule,
  webhooksModule,
  eventsModule,
  cityModule,
  exportsModule,
  reportsModule,
] as const;

export type { PlanTree, PlanWithNamnd } from './plans/index.js';
export type { DeadlineCalendar, PlanFollowUpRows } from './follow-ups/index.js';
