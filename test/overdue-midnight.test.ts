import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { createDueJob } from '../src/modules/follow-ups/due-job.js';
import type { Clock } from '../src/lib/clock.js';
import { rawRows } from '../src/db/raw.js';
import { createTestDatabase, gqlOk, QUIET, testConfig } from './helper.js';
import { buildPlan } from './support/plan-builder.js';

// GraphQL's `overdue` and the due job's action.overdue read one clock and one calendar (Stockholm's): around local
// midnight they agree. The bug was GraphQL comparing with the UTC date.
const tdb = await createTestDatabase(t);
let at = new Date('2026-05-01T21:30:00Z');
const clock: Clock = { now: () => new Date(at) };
const app = await buildApp(testConfig(QUIET), { database: tdb.database, clock });
t.teardown(() => app.close());

const { plan } = await buildPlan(app, 'SN');
const action = (await gqlOk(app, `mutation($i: CreateActionInput!) { createAction(input: $i) { id } }`, { i: { planId: plan.id, title: 'Åtgärd', dueDate: '2026-05-01' } })).createAction;
const job = createDueJob(tdb.database.db, { intervalMs: 3_600_000, soonDays: 14, clock }, app.log);
t.teardown(() => job.stop());

const overdueInGraphql = async () => {
  const d = await gqlOk(app, `{ planById(id: "${plan.id}") { actions { id overdue } overdueOnly: actions(overdue: true) { id } followUpSummary { overdueActions } } }`);
  return { field: d.planById.actions[0].overdue, filtered: d.planById.overdueOnly.length, summary: d.planById.followUpSummary.overdueActions };
};
const overdueEvents = async () =>
  (await rawRows<{ n: number | string }>(tdb.database.db, sql`select count(*) as n from domain_events where type = 'action.overdue' and entity_id = ${action.id}`))[0].n;

t.test('23:30 on the due date in Stockholm (21:30 UTC): not overdue anywhere', async (t) => {
  at = new Date('2026-05-01T21:30:00Z');
  t.same(await overdueInGraphql(), { field: false, filtered: 0, summary: 0 });
  await job.runOnce();
  t.equal(Number(await overdueEvents()), 0, 'no action.overdue event');
});

t.test('00:30 the next day in Stockholm (still 1 May in UTC): overdue in GraphQL and in the event', async (t) => {
  at = new Date('2026-05-01T22:30:00Z');
  t.same(await overdueInGraphql(), { field: true, filtered: 1, summary: 1 });
  await job.runOnce();
  t.equal(Number(await overdueEvents()), 1, 'one action.overdue event');
  const [event] = await rawRows<{ data: { day: string; planId: string; year: number } }>(tdb.database.db, sql`select data from domain_events where type = 'action.overdue'`);
  t.match(event.data, { day: '2026-05-02', planId: plan.id, year: 2026 });
});
