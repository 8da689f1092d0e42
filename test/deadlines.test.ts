import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { createDueJob } from '../src/modules/follow-ups/due-job.js';
import type { Clock } from '../src/lib/clock.js';
import { rawRows } from '../src/db/raw.js';
import { codeOf, createTestDatabase, gql, gqlOk, QUIET, testConfig, token } from './helper.js';
import { adoptablePlan, type Admin } from './authz/fixture.js';

// Deadlines are defined once (src/modules/follow-ups/deadlines.ts) and moved per year as master data: GraphQL, the
// follow-up report, the follow-ups export and the due job show the same dueDate, late and overdue, by one injected
// clock on the Stockholm calendar, around local midnight and across the daylight-saving changes of 2026
// (29 March: 02:00 → 03:00; 25 October: 03:00 → 02:00).
const tdb = await createTestDatabase(t);
let at = new Date('2026-02-01T09:00:00Z');
const clock: Clock = { now: () => new Date(at) };
const app = await buildApp(testConfig(QUIET), { database: tdb.database, clock });
t.teardown(() => app.close());
const db = tdb.database.db;
const admin: Admin = (q, v) => gqlOk(app, q, v);
const editor = ['editor:SN'];

// SN 2026, adopted: one IKP control with two activities, each followed up in T1, T2 and VB (six follow-ups).
await admin('mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }');
const planId = await adoptablePlan(admin, 'SN', 2026, 1, 2);
const { version } = (await admin(`{ planById(id: "${planId}") { version } }`)).planById;
await admin('mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { id } }', { i: { id: planId, version, decisionDate: '2026-01-29', decisionReference: '§ 3' } });
const job = createDueJob(db, { intervalMs: 3_600_000, soonDays: 14, clock }, app.log);
t.teardown(() => job.stop());

type Derived = { dueDate: string; late: boolean; overdue: boolean };
type FollowUp = Derived & { id: string; period: 'T1' | 'T2' | 'VB'; version: number; activity: string };

const graphql = async () => {
  const d = await gqlOk(app, `{ planById(id: "${planId}") { followUps { id period version dueDate late overdue controlActivity { id } } followUpSummary { late overdueFollowUps } } }`);
  const followUps: FollowUp[] = d.planById.followUps.map((f: FollowUp & { controlActivity: { id: string } }) => ({ ...f, activity: f.controlActivity.id }));
  return { followUps, summary: d.planById.followUpSummary };
};
const fu = async (period: string, n: number) => (await graphql()).followUps.filter((f) => f.period === period).sort((a, b) => a.activity.localeCompare(b.activity))[n];

const exported = async (query = '') => {
  const res = await app.inject({ url: `/api/v1/exports/follow-ups.json?top=1000${query}`, headers: { authorization: `Bearer ${token('admin')}` } });
  if (res.statusCode !== 200) throw new Error(`export: ${res.statusCode} ${res.body}`);
  return res.json().value as Record<string, unknown>[];
};

/** dueDate, late and overdue of one follow-up, read through every door at the clock's current time. */
async function everywhere(f: { id: string; period: string; activity: string }) {
  const g = (await graphql()).followUps.find((x) => x.id === f.id)!;
  const e = (await exported()).find((x) => x.follow_up_id === f.id)!;
  const html = (await app.inject({ url: '/api/v1/reports/plans/SN/2026/follow-up.html', headers: { authorization: `Bearer ${token('admin')}` } })).body;
  const row = html.split('<tr class="activity"').find((s) => s.includes(`data-activity="${f.activity}"`))!;
  const result = row.split('<div class="result"').find((s) => s.startsWith(` data-period="${f.period}"`))!;
  const [, dueDate, late, overdue] = /data-due-date="([^"]+)" data-late="(\w+)" data-overdue="(\w+)"/.exec(result)!;
  return {
    graphql: { dueDate: g.dueDate, late: g.late, overdue: g.overdue },
    export: { dueDate: e.due_date, late: e.late, overdue: e.overdue },
    report: { dueDate, late: late === 'true', overdue: overdue === 'true' },
  };
}
const agree = (d: Derived) => ({ graphql: d, export: d, report: d });

/** The due job's latest event about a follow-up today: its kind and the deadline it names. */
async function dueEvent(id: string) {
  await job.runOnce();
  const rows = await rawRows<{ type: string; data: { deadline: string; day: string } }>(
    db,
    sql`select type, data from domain_events where entity_id = ${id} and type like 'followUp.%' order by id desc limit 1`,
  );
  return rows[0] ? { type: rows[0].type, deadline: rows[0].data.deadline, day: rows[0].data.day } : null;
}

const MOVE = `mutation($i: SetPeriodDeadlineInput!) { setPeriodDeadline(input: $i) { id year period deadline isDefault version history { action reason changes } } }`;
const move = (period: string, deadline: string) => gqlOk(app, MOVE, { i: { year: 2026, period, deadline, reason: 'Kommunstyrelsen flyttade rapporteringen' } });

t.test('by default: 30 April, 31 August, 31 December of the plan year, not late, not overdue', async (t) => {
  const { followUps } = await graphql();
  t.equal(followUps.length, 6);
  t.same(Object.fromEntries(followUps.map((f) => [f.period, f.dueDate])), { T1: '2026-04-30', T2: '2026-08-31', VB: '2026-12-31' });
  t.same(await everywhere(await fu('T1', 0)), agree({ dueDate: '2026-04-30', late: false, overdue: false }));
  const d = await gqlOk(app, '{ periodDeadlines(year: 2026) { id period deadline isDefault version } }');
  t.same(d.periodDeadlines, [
    { id: '2026-T1', period: 'T1', deadline: '2026-04-30', isDefault: true, version: 0 },
    { id: '2026-T2', period: 'T2', deadline: '2026-08-31', isDefault: true, version: 0 },
    { id: '2026-VB', period: 'VB', deadline: '2026-12-31', isDefault: true, version: 0 },
  ]);
});

t.test('period deadlines are admin master data, audited, in range', async (t) => {
  t.equal(codeOf(await gql(app, '{ periodDeadlines(year: 2026) { deadline } }', {}, editor)), 'FORBIDDEN');
  t.equal(codeOf(await gql(app, MOVE, { i: { year: 2026, period: 'T1', deadline: '2026-03-28', reason: 'x' } }, editor)), 'FORBIDDEN');
  t.equal(codeOf(await gql(app, MOVE, { i: { year: 2026, period: 'T1', deadline: '2025-12-31', reason: 'x' } })), 'DEADLINE_OUT_OF_RANGE');
  t.equal(codeOf(await gql(app, MOVE, { i: { year: 2026, period: 'T1', deadline: '2026-02-30', reason: 'x' } })), 'VALIDATION_FAILED');
  t.equal((await graphql()).followUps.find((f) => f.period === 'T1')!.dueDate, '2026-04-30', 'nothing moved');
});

t.test('a moved deadline (T1 to 28 March, the eve of summer time) moves dueDate everywhere and the rows’ updated_at', async (t) => {
  at = new Date('2026-03-20T10:00:00Z');
  const t1 = await fu('T1', 0);
  const before = new Date().toISOString();
  const moved = (await move('T1', '2026-03-28')).setPeriodDeadline;
  t.match(moved, { id: '2026-T1', deadline: '2026-03-28', isDefault: false, version: 1 });
  t.match(moved.history, [{ action: 'periodDeadline.set', reason: 'Kommunstyrelsen flyttade rapporteringen', changes: { before: { deadline: '2026-04-30' }, after: { deadline: '2026-03-28' } } }]);
  t.same(await everywhere(t1), agree({ dueDate: '2026-03-28', late: false, overdue: false }));
  const changed = await exported(`&updatedSince=${encodeURIComponent(before)}`);
  t.same(changed.map((r) => r.period).sort(), ['T1', 'T1'], 'exactly the two T1 follow-ups changed: an incremental refresh sees the new due_date');
  t.same(await dueEvent(t1.id), { type: 'followUp.due', deadline: '2026-03-28', day: '2026-03-20' }, 'the due job reads the same deadline');
});

t.test('28 March 23:59:59 in Stockholm (22:59:59 UTC, winter time): not overdue anywhere', async (t) => {
  at = new Date('2026-03-28T22:59:59Z');
  const t1 = await fu('T1', 0);
  t.same(await everywhere(t1), agree({ dueDate: '2026-03-28', late: false, overdue: false }));
  t.equal((await graphql()).summary.overdueFollowUps, 0);
  t.match(await dueEvent(t1.id), { type: 'followUp.due', day: '2026-03-28' });
});

t.test('29 March 00:00 in Stockholm (23:00 UTC on the 28th): overdue everywhere, and the due job says so', async (t) => {
  at = new Date('2026-03-28T23:00:00Z');
  const t1 = await fu('T1', 0);
  t.same(await everywhere(t1), agree({ dueDate: '2026-03-28', late: false, overdue: true }));
  t.equal((await graphql()).summary.overdueFollowUps, 2, 'both T1 follow-ups');
  t.same(await dueEvent(t1.id), { type: 'followUp.overdue', deadline: '2026-03-28', day: '2026-03-29' });
});

const report = async (f: FollowUp) => {
  await gqlOk(app, 'mutation($i: VersionInput!) { startFollowUp(input: $i) { id } }', { i: { id: f.id, version: f.version } }, editor);
  await gqlOk(app, 'mutation($i: ReportFollowUpInput!) { reportFollowUp(input: $i) { id } }', { i: { id: f.id, version: f.version + 1, outcome: 'NO_DEVIATION', resultText: 'Utfört' } }, editor);
};

t.test('reported after the deadline day: late, no longer overdue; moving the deadline later makes it on time', async (t) => {
  at = new Date('2026-03-29T08:00:00Z');
  const t1 = await fu('T1', 0);
  await report(t1);
  t.same(await everywhere(t1), agree({ dueDate: '2026-03-28', late: true, overdue: false }));
  t.equal((await graphql()).summary.late, 1);
  await move('T1', '2026-03-31');
  t.same(await everywhere(t1), agree({ dueDate: '2026-03-31', late: false, overdue: false }));
  t.same(await everywhere(await fu('T1', 1)), agree({ dueDate: '2026-03-31', late: false, overdue: false }), 'the unreported one is not overdue any more');
  t.same((await graphql()).summary, { late: 0, overdueFollowUps: 0 });
});

t.test('T2 moved to 25 October, the day winter time returns (a 25-hour day)', async (t) => {
  at = new Date('2026-10-25T21:30:00Z');
  await move('T2', '2026-10-25');
  // 23:30 in Stockholm (+01:00 since 03:00 that night): still the deadline day, though 2:00 past it were it summer time.
  at = new Date('2026-10-25T22:30:00Z');
  const [onTime, open] = [await fu('T2', 0), await fu('T2', 1)];
  await report(onTime);
  t.same(await everywhere(onTime), agree({ dueDate: '2026-10-25', late: false, overdue: false }), 'reported 23:30 on the day: on time');
  at = new Date('2026-10-25T22:59:59Z');
  t.same(await everywhere(open), agree({ dueDate: '2026-10-25', late: false, overdue: false }));
  t.match(await dueEvent(open.id), { type: 'followUp.due', deadline: '2026-10-25', day: '2026-10-25' });
  at = new Date('2026-10-25T23:00:00Z');
  t.same(await everywhere(open), agree({ dueDate: '2026-10-25', late: false, overdue: true }));
  t.same(await dueEvent(open.id), { type: 'followUp.overdue', deadline: '2026-10-25', day: '2026-10-26' });
  // Moved again: the same instant is before the deadline in every door, and the due job names the new date.
  await move('T2', '2026-10-31');
  t.same(await everywhere(open), agree({ dueDate: '2026-10-31', late: false, overdue: false }));
  t.same(await dueEvent(open.id), { type: 'followUp.due', deadline: '2026-10-31', day: '2026-10-26' });
});

t.test('setting the date a period already has changes no follow-up', async (t) => {
  const before = new Date().toISOString();
  const r = (await move('VB', '2026-12-31')).setPeriodDeadline;
  t.match(r, { deadline: '2026-12-31', isDefault: false, version: 1 });
  t.same(await exported(`&updatedSince=${encodeURIComponent(before)}`), [], 'no row changed');
});

t.test('the ETag of a dataset with overdue changes with the Stockholm date, not within a day', async (t) => {
  const etag = async (dataset: string) => (await app.inject({ url: `/api/v1/exports/${dataset}.json`, headers: { authorization: `Bearer ${token('admin')}` } })).headers.etag;
  at = new Date('2026-10-26T10:00:00Z');
  const morning = { f: await etag('follow-ups'), a: await etag('actions'), r: await etag('risks') };
  at = new Date('2026-10-26T22:59:00Z');
  t.same({ f: await etag('follow-ups'), a: await etag('actions'), r: await etag('risks') }, morning, 'the same Stockholm day: unchanged');
  at = new Date('2026-10-26T23:00:00Z');
  const next = { f: await etag('follow-ups'), a: await etag('actions'), r: await etag('risks') };
  t.not(next.f, morning.f, 'follow-ups: a new day may change overdue');
  t.not(next.a, morning.a, 'actions too');
  t.equal(next.r, morning.r, 'risks have nothing derived from the date');
});

t.test('loading deadlines costs one statement per request, not one per follow-up', async (t) => {
  const count = async (fields: string) => {
    tdb.queries.length = 0;
    await gqlOk(app, `{ planById(id: "${planId}") { followUps { id ${fields} } } }`);
    return tdb.queries.length;
  };
  const plain = await count('');
  const derived = await count('dueDate late overdue');
  t.ok(derived - plain <= 2, `six follow-ups: ${derived - plain} statement(s) more (the plan row and the year’s deadlines, once each)`);
});

t.test('an action due before its plan’s year is refused; in the year, accepted', async (t) => {
  at = new Date('2026-11-01T10:00:00Z');
  const CREATE = 'mutation($i: CreateActionInput!) { createAction(input: $i) { id version dueDate } }';
  const UPDATE = 'mutation($i: UpdateActionInput!) { updateAction(input: $i) { id version dueDate } }';
  const refused = await gql(app, CREATE, { i: { planId, title: 'För tidig', dueDate: '2025-12-31' } }, editor);
  t.equal(codeOf(refused), 'DUE_DATE_BEFORE_PLAN_YEAR');
  t.match(refused.errors![0].extensions, { fields: [{ path: 'input.dueDate' }] });
  const a = (await gqlOk(app, CREATE, { i: { planId, title: 'I tid', dueDate: '2026-01-01' } }, editor)).createAction;
  t.equal(a.dueDate, '2026-01-01');
  t.equal(codeOf(await gql(app, UPDATE, { i: { id: a.id, version: a.version, dueDate: '2024-06-30' } }, editor)), 'DUE_DATE_BEFORE_PLAN_YEAR');
  const u = (await gqlOk(app, UPDATE, { i: { id: a.id, version: a.version, title: 'Ny titel' } }, editor)).updateAction;
  t.match(u, { version: a.version + 1, dueDate: '2026-01-01' }, 'the refused update wrote nothing');
  const res = await app.inject({ url: '/api/v1/exports/actions.json', headers: { authorization: `Bearer ${token('admin')}` } });
  t.same(res.json().value.map((r: { title: string; overdue: boolean }) => [r.title, r.overdue]), [['Ny titel', true]], 'the export says overdue, as of today');
});
