import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildTestApp, gqlOk } from './helper.js';
import { emitDueEvents } from '../src/modules/follow-ups/due-job.js';
import { stockholmDate } from '../src/modules/follow-ups/deadlines.js';
import { rawRows } from '../src/db/raw.js';

const { app, database } = await buildTestApp(t, { WEBHOOKS_ENABLED: 'false', SUBSCRIPTIONS_ENABLED: 'false', DUE_JOB_ENABLED: 'false' });
const db = database.db;
const one = async <T>(q: ReturnType<typeof sql>) => (await rawRows<T>(db, q))[0];

// The follow-up services are not here yet: a minimal adopted plan is written directly.
const sn = (await gqlOk(app, `mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }`)).createNamnd;
const goal = await one<{ id: string }>(sql`insert into goals (year, code, title) values (2026, '3.5', 'Mål') returning id`);
const plan = await one<{ id: string }>(sql`insert into plans (namnd_id, year, status, matrix) values (${sn.id}, 2026, 'ADOPTED', '{}'::jsonb) returning id`);
const proc = await one<{ id: string }>(sql`insert into processes (plan_id, goal_id, name) values (${plan.id}, ${goal.id}, 'P') returning id`);
const wm = await one<{ id: string }>(sql`insert into working_methods (plan_id, process_id, name) values (${plan.id}, ${proc.id}, 'W') returning id`);
const risk = await one<{ id: string }>(sql`insert into risks (plan_id, working_method_id, nr, title) values (${plan.id}, ${wm.id}, 1, 'R') returning id`);
const control = await one<{ id: string }>(sql`insert into controls (plan_id, risk_id, description) values (${plan.id}, ${risk.id}, 'C') returning id`);
const ca = await one<{ id: string }>(sql`insert into control_activities (plan_id, control_id, description) values (${plan.id}, ${control.id}, 'A') returning id`);
const fu = async (period: string, status: string) =>
  (await one<{ id: string }>(sql`insert into follow_ups (plan_id, control_activity_id, period, status) values (${plan.id}, ${ca.id}, ${period}::period, ${status}::follow_up_status) returning id`)).id;
const t1 = await fu('T1', 'IN_PROGRESS');
const t2 = await fu('T2', 'NOT_STARTED');
const action = async (due: string, status: string) =>
  (await one<{ id: string }>(sql`insert into actions (plan_id, title, due_date, status) values (${plan.id}, 'Åtgärd', ${due}::date, ${status}::action_status) returning id`)).id;
const late = await action('2026-04-01', 'IN_PROGRESS');
await action('2026-04-01', 'DONE');
await action('2026-05-01', 'PLANNED');

const feed = async () => (await gqlOk(app, '{ domainEvents(limit: 1000) { events { type namndCode entityType entityId data } } }', {}, ['viewer:SN'])).domainEvents.events;

t.test('due follow-ups and overdue actions become events once per day', async (t) => {
  t.equal(await emitDueEvents(db, '2026-04-20', 14), 2);
  const events = (await feed()).filter((e: { type: string }) => e.type !== 'namnd.create');
  t.same(
    events.map((e: { type: string; entityId: string }) => [e.type, e.entityId]).sort(),
    [['action.overdue', late], ['followUp.due', t1]].sort(),
  );
  const due = events.find((e: { type: string }) => e.type === 'followUp.due');
  t.match(due, { namndCode: 'SN', entityType: 'FollowUp', data: { planId: plan.id, period: 'T1', status: 'IN_PROGRESS', deadline: '2026-04-30', day: '2026-04-20' } });

  t.equal(await emitDueEvents(db, '2026-04-20', 14), 0, 'the same day again: nothing new');
  // Two replicas racing on the same day: together they emit each item once.
  const [a, b] = await Promise.all([emitDueEvents(db, '2026-04-21', 14), emitDueEvents(db, '2026-04-21', 14)]);
  t.equal(a + b, 2);
  t.equal(await emitDueEvents(db, '2026-05-02', 14), 3, 'next days: T1 overdue, both open actions overdue');
  t.equal(await emitDueEvents(db, '2026-08-20', 0), 3, 'T1 and both actions still overdue; T2 not due within 0 days');
  t.equal(await emitDueEvents(db, '2026-08-20', 11), 1, 'T2 (31 August) is due within 11 days');
  const last = (await feed()).at(-1);
  t.match(last, { type: 'followUp.due', entityId: t2, data: { period: 'T2', deadline: '2026-08-31' } });
});

t.test('reported follow-ups are quiet; a closed plan is not, since its open items are still overdue everywhere else', async (t) => {
  await db.execute(sql`update plans set status = 'CLOSED'`);
  const open = await one<{ id: string }>(sql`select id from follow_ups where status <> 'REPORTED' and period = 'T1' limit 1`);
  t.ok(open, 'an unreported T1 follow-up');
  t.ok((await emitDueEvents(db, '2026-09-02', 14)) > 0, 'overdue on the closed plan, as GraphQL says');
  await db.execute(sql`update follow_ups set status = 'REPORTED'`);
  await db.execute(sql`update actions set status = 'DONE'`);
  t.equal(await emitDueEvents(db, '2026-09-03', 14), 0, 'reported follow-ups and done actions are quiet');
});

t.test('the day is the Stockholm calendar day', async (t) => {
  t.equal(stockholmDate(new Date('2026-04-29T22:30:00Z')), '2026-04-30');
  t.equal(stockholmDate(new Date('2026-12-31T22:59:00Z')), '2026-12-31');
});
