import t, { type Test } from 'tap';
import { buildTestApp, codeOf, gql, gqlOk, QUIET, token } from './helper.js';
import { buildKommunstyrelsen } from './support/kommunstyrelsen.js';
import { csvRecords } from './csv-parse.js';
import { actions } from '../src/db/schema/index.js';
import { emitDueEvents } from '../src/modules/follow-ups/due-job.js';

// Issue 14.1: carrying an action over to the next year is a transition. Kommunstyrelsen's 2024 year with open
// actions, rolled over while still running and again once closed: each real action is open in exactly one place.
const { app, database, queries } = await buildTestApp(t, QUIET);
const db = database.db;
const editor = token(['editor:KS'], 'eva');
const approver = token(['approver:KS'], 'anders');
const { planId: ks2024 } = await buildKommunstyrelsen(app, editor, approver);

const M = {
  adopt: `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { version } }`,
  close: `mutation($i: VersionInput!) { closePlan(input: $i) { status version } }`,
  reopen: `mutation($i: ReasonInput!) { reopenPlan(input: $i) { status version } }`,
  createAction: `mutation($i: CreateActionInput!) { createAction(input: $i) { id version } }`,
  updateAction: `mutation($i: UpdateActionInput!) { updateAction(input: $i) { id } }`,
  startAction: `mutation($i: ActionTransitionInput!) { startAction(input: $i) { id version } }`,
  completeAction: `mutation($i: ActionTransitionInput!) { completeAction(input: $i) { id version } }`,
  cancelAction: `mutation($i: ReasonInput!) { cancelAction(input: $i) { id version } }`,
  rollover: `mutation($i: RolloverInput!) { rollover(input: $i) { failed namnder { planId error { code } counts { actions { created skipped } } } } }`,
};
const planVersion = async (id: string) => (await gqlOk(app, `{ planById(id: "${id}") { version } }`)).planById.version as number;
await gqlOk(app, M.adopt, { i: { id: ks2024, version: await planVersion(ks2024), decisionDate: '2024-01-25', decisionReference: '§ 12' } }, approver);

// Two open actions (one started), one done, one cancelled; all due in 2024, so open ones are overdue by now.
const create = async (planId: string, title: string, extra: Record<string, unknown> = {}) =>
  (await gqlOk(app, M.createAction, { i: { planId, title, ...extra } }, editor)).createAction as { id: string; version: number };
const planned = await create(ks2024, 'Uppdatera rutin för behörighetsgenomgång', { owner: 'IT-chef', dueDate: '2024-10-31', tags: ['LG'] });
const started0 = await create(ks2024, 'Utbilda handläggare i informationsklassning', { dueDate: '2024-11-30', plannedYear: 2025 });
const started = (await gqlOk(app, M.startAction, { i: { id: started0.id, version: started0.version } }, editor)).startAction;
const done0 = await create(ks2024, 'Avslutad åtgärd', { dueDate: '2024-05-31' });
const done1 = (await gqlOk(app, M.startAction, { i: { id: done0.id, version: done0.version } }, editor)).startAction;
await gqlOk(app, M.completeAction, { i: { id: done0.id, version: done1.version } }, editor);
const cancelled = await create(ks2024, 'Struken åtgärd', { dueDate: '2024-05-31' });
await gqlOk(app, M.cancelAction, { i: { id: cancelled.id, version: cancelled.version, reason: 'Ersatt' } }, editor);
const openIds = [planned.id, started.id].sort();

const fus = (await gqlOk(app, `{ planById(id: "${ks2024}") { followUps { id version } } }`)).planById.followUps;
for (const f of fus) {
  const s = await gqlOk(app, `mutation($i: VersionInput!) { startFollowUp(input: $i) { version } }`, { i: { id: f.id, version: f.version } }, editor);
  await gqlOk(app, `mutation($i: ReportFollowUpInput!) { reportFollowUp(input: $i) { id } }`, { i: { id: f.id, version: s.startFollowUp.version, outcome: 'NO_DEVIATION', resultText: 'Genomförd' } }, editor);
}
await gqlOk(app, `mutation($i: SetAssessmentInput!) { setAssessment(input: $i) { id } }`, { i: { planId: ks2024, level: 'TILLRACKLIG', analysis: 'Tillräcklig' } }, editor);

const ACTION = `id title status version originActionId owner dueDate plannedYear tags overdue
  carriedFrom { id status } carriedTo { id status originActionId }`;
interface ActionView {
  id: string;
  title: string;
  status: string;
  version: number;
  originActionId: string | null;
  overdue: boolean;
  owner: string | null;
  dueDate: string | null;
  plannedYear: number | null;
  tags: string[];
  carriedFrom: { id: string; status: string } | null;
  carriedTo: { id: string; status: string; originActionId: string } | null;
}
const planView = async (year: number) =>
  (await gqlOk(app, `{ plan(namndCode: "KS", year: ${year}) { id status followUpSummary { openActions overdueActions } actions { ${ACTION} } } }`, {}, ['viewer:KS'])).plan as {
    id: string;
    status: string;
    followUpSummary: { openActions: number; overdueActions: number };
    actions: ActionView[];
  };
const rollover = async () => (await gqlOk(app, M.rollover, { i: { fromYear: 2024, toYear: 2025, namndCode: 'KS' } })).rollover;
const auditOf = async (action: string) =>
  (await gqlOk(app, `query($f: AuditEventFilter) { auditEvents(filter: $f, first: 100) { nodes { action entityId fromState toState reason changes } } }`, { f: { action } }, ['auditor'])).auditEvents.nodes as {
    action: string;
    entityId: string;
    fromState: string | null;
    toState: string | null;
    reason: string | null;
    changes: { after?: Record<string, unknown> } | null;
  }[];
const overdueEvents = async () =>
  ((await gqlOk(app, `{ domainEvents(limit: 1000, types: ["action.overdue"]) { events { entityId data } } }`, {}, ['viewer:KS'])).domainEvents.events as { entityId: string; data: { day: string } }[]);
const exportRows = async () =>
  (await app.inject({ url: '/api/v1/exports/actions.json?namnd=KS', headers: { authorization: `Bearer ${token('integration')}` } })).json().value as {
    action_id: string;
    plan_id: string;
    year: number;
    status: string;
    status_label: string;
    origin_action_id: string | null;
    carried_to_action_id: string | null;
  }[];
const report = async (t: Test, url: string) => {
  const res = await app.inject({ url, headers: { authorization: `Bearer ${token(['viewer:KS'])}` } });
  t.equal(res.statusCode, 200, url);
  return res.body;
};
const openInReport = (body: string) => Number(/<strong class="open-actions">(\d+)<\/strong>/.exec(body)?.[1]);

// The links are batched: the statements of a request do not grow with the number of carried actions.
const LINKS = `{ plan(namndCode: "KS", year: 2024) { actions { id carriedTo { id carriedFrom { id carriedTo { id } } } } } }`;
async function linkStatements() {
  queries.length = 0;
  const d = await gqlOk(app, LINKS, {}, ['viewer:KS']);
  return { n: queries.length, carried: d.plan.actions.filter((a: { carriedTo: unknown }) => a.carriedTo).length };
}
let linksAtFirst = { n: 0, carried: 0 };

let ks2025 = '';
let copyOf = new Map<string, string>();

await t.test('rolled over while the old year still runs: copies in the new draft, originals CARRIED_OVER', async (t) => {
  // Before: the due job sees the two open actions once.
  t.equal(await emitDueEvents(db, '2024-12-15', 0), 2);
  const r = await rollover();
  t.equal(r.failed, 0);
  t.same(r.namnder[0].counts.actions, { created: 2, skipped: 0 });
  ks2025 = r.namnder[0].planId;

  const old = await planView(2024);
  t.equal(old.status, 'ADOPTED', 'the old year goes on');
  const next = await planView(2025);
  t.equal(next.id, ks2025);
  const originals = old.actions.filter((a) => openIds.includes(a.id));
  t.same(originals.map((a) => a.status), ['CARRIED_OVER', 'CARRIED_OVER']);
  t.same(old.actions.filter((a) => !openIds.includes(a.id)).map((a) => a.status).sort(), ['CANCELLED', 'DONE'], 'done and cancelled stay');
  t.same(next.actions.map((a) => a.originActionId).sort(), openIds, 'one copy of each open action');
  copyOf = new Map(next.actions.map((a) => [a.originActionId!, a.id]));

  // Linked both ways.
  for (const o of originals) {
    t.equal(o.carriedTo?.id, copyOf.get(o.id), `${o.title}: carriedTo`);
    t.equal(o.carriedTo?.originActionId, o.id);
    t.equal(o.carriedFrom, null);
    t.equal(o.overdue, false, 'a carried-over action is not overdue where it was');
    t.equal(o.version, (o.id === started.id ? started.version : planned.version) + 1);
  }
  for (const c of next.actions) {
    t.same(c.carriedFrom, { id: c.originActionId, status: 'CARRIED_OVER' });
    t.equal(c.carriedTo, null);
    t.equal(c.overdue, true, 'the copy is the one to keep working on, and it is late');
  }
  const copyOfStarted = next.actions.find((a) => a.originActionId === started.id)!;
  t.match(copyOfStarted, { status: 'IN_PROGRESS', title: 'Utbilda handläggare i informationsklassning', plannedYear: 2025, dueDate: '2024-11-30' });
  t.match(next.actions.find((a) => a.originActionId === planned.id), { status: 'PLANNED', owner: 'IT-chef', tags: ['LG'] });

  // Counted once: the summary of each year, and the due job.
  t.same(old.followUpSummary, { openActions: 0, overdueActions: 0 });
  t.same(next.followUpSummary, { openActions: 2, overdueActions: 2 });
  t.equal(await emitDueEvents(db, '2025-01-15', 0), 2, 'one action.overdue per real action, not per copy');
  const day = (await overdueEvents()).filter((e) => e.data.day === '2025-01-15');
  t.same(day.map((e) => e.entityId).sort(), [...copyOf.values()].sort(), 'for the copies');
  linksAtFirst = await linkStatements();
  t.equal(linksAtFirst.carried, 2);
});

await t.test('audited on both plans', async (t) => {
  const carry = await auditOf('action.carryOver');
  t.same(carry.map((e) => e.entityId).sort(), openIds);
  for (const e of carry) {
    t.match(e, { fromState: e.entityId === started.id ? 'IN_PROGRESS' : 'PLANNED', toState: 'CARRIED_OVER', reason: 'rollover to 2025' });
    t.equal(e.changes?.after?.carriedTo, copyOf.get(e.entityId));
  }
  const creates = (await auditOf('action.create')).filter((e) => [...copyOf.values()].includes(e.entityId));
  t.equal(creates.length, 2);
  for (const e of creates) t.match(e, { reason: 'rollover from 2024', changes: { after: { planId: ks2025 } } });
  t.same(creates.map((e) => e.changes?.after?.carriedFrom).sort(), openIds);

  // The history of each, and the outgoing events name the plan each belongs to.
  const hist = (await gqlOk(app, `{ plan(namndCode: "KS", year: 2024) { actions { id history { action } } } }`, {}, ['auditor'])).plan.actions;
  t.same(hist.find((a: { id: string }) => a.id === planned.id).history.map((h: { action: string }) => h.action), ['action.create', 'action.carryOver']);
  const events = (await gqlOk(app, `{ domainEvents(limit: 1000, types: ["action.carryOver", "action.create"]) { events { type entityId data } } }`, {}, ['viewer:KS'])).domainEvents.events;
  const carried = events.filter((e: { type: string }) => e.type === 'action.carryOver');
  t.equal(carried.length, 2);
  for (const e of carried) t.match(e.data, { planId: ks2024, year: 2024, fromState: /PLANNED|IN_PROGRESS/, toState: 'CARRIED_OVER', carriedTo: copyOf.get(e.entityId) });
  const copies = events.filter((e: { type: string; entityId: string }) => e.type === 'action.create' && [...copyOf.values()].includes(e.entityId));
  for (const e of copies) t.match(e.data, { planId: ks2025, year: 2025, carriedFrom: /.+/ });
});

await t.test('a carried-over action is not changed any more: the copy is', async (t) => {
  const o = (await planView(2024)).actions.find((a) => a.id === planned.id)!;
  const update = await gql(app, M.updateAction, { i: { id: o.id, version: o.version, title: 'Ändrad' } }, editor);
  t.equal(codeOf(update), 'ACTION_CARRIED_OVER');
  t.equal(update.errors![0].extensions.carriedTo, copyOf.get(o.id));
  t.equal(codeOf(await gql(app, M.startAction, { i: { id: o.id, version: o.version } }, editor)), 'ACTION_CARRIED_OVER');
  t.equal(codeOf(await gql(app, M.cancelAction, { i: { id: o.id, version: o.version, reason: 'x' } }, editor)), 'ACTION_CARRIED_OVER');
  const s = (await planView(2024)).actions.find((a) => a.id === started.id)!;
  t.equal(codeOf(await gql(app, M.completeAction, { i: { id: s.id, version: s.version } }, editor)), 'ACTION_CARRIED_OVER');
  t.equal((await planView(2024)).actions.find((a) => a.id === planned.id)!.version, o.version, 'unchanged');
  // The copy is a normal action.
  const copy = (await planView(2025)).actions.find((a) => a.id === copyOf.get(planned.id))!;
  t.ok((await gqlOk(app, M.updateAction, { i: { id: copy.id, version: copy.version, owner: 'CISO' } }, editor)).updateAction);
  // A user cannot carry over: there is no such mutation, and a refusal does not offer it.
  const copyNow = (await planView(2025)).actions.find((a) => a.id === copyOf.get(planned.id))!;
  const refused = await gql(app, M.completeAction, { i: { id: copyNow.id, version: copyNow.version } }, editor);
  t.equal(codeOf(refused), 'INVALID_TRANSITION');
  t.same(refused.errors![0].extensions.allowed, ['start', 'cancel']);
});

const snapshot = async () => {
  const [a, b] = [await planView(2024), await planView(2025)];
  return [...a.actions, ...b.actions].map((x) => [x.id, x.status, x.version]).sort();
};

await t.test('re-running the rollover creates nothing and transitions nothing', async (t) => {
  const before = await snapshot();
  const audits = (await auditOf('action.carryOver')).length + (await auditOf('action.create')).length;
  const r = await rollover();
  t.same(r.namnder[0], { planId: ks2025, error: null, counts: { actions: { created: 0, skipped: 2 } } });
  t.same(await snapshot(), before);
  t.equal((await auditOf('action.carryOver')).length + (await auditOf('action.create')).length, audits, 'no new action events');
});

await t.test('the old year closed: still counted once, in GraphQL, the reports, the exports and the due job', async (t) => {
  const closed = (await gqlOk(app, M.close, { i: { id: ks2024, version: await planVersion(ks2024) } }, approver)).closePlan;
  t.equal(closed.status, 'CLOSED');
  t.same((await planView(2024)).followUpSummary, { openActions: 0, overdueActions: 0 });
  t.same((await planView(2025)).followUpSummary, { openActions: 2, overdueActions: 2 });

  const fu2024 = await report(t, '/api/v1/reports/plans/KS/2024/follow-up.html');
  t.equal(openInReport(fu2024), 0, '2024 follow-up report: no open action');
  t.match(fu2024, /av 4\. Överförda till en senare års plan: <strong class="carried-actions">2<\/strong>/);
  t.match(fu2024, /data-status="CARRIED_OVER"[\s\S]*Överförd/, 'listed as Överförd');
  t.equal(openInReport(await report(t, '/api/v1/reports/plans/KS/2025/follow-up.html')), 2, '2025 follow-up report: the copies');

  // Ledningens genomgång: the open-actions table and the three-year plan each list a real action once.
  const lg2024 = await report(t, '/api/v1/reports/ledningens-genomgang/KS/2024.html');
  t.match(lg2024, /Inga öppna åtgärder/);
  t.notMatch(lg2024, /Utbilda handläggare i informationsklassning/, 'carried over: planned on in 2025’s plan, not in 2024’s');
  const lg2025 = await report(t, '/api/v1/reports/ledningens-genomgang/KS/2025.html');
  t.equal(lg2025.match(/<tr class="action"/g)?.length, 2, '2025: both open');
  t.equal(lg2025.match(/Utbilda handläggare i informationsklassning/g)?.length, 2, 'in the open table and under 2025, once each');

  const rows = await exportRows();
  t.equal(rows.length, 6);
  t.equal(rows.filter((r) => r.status === 'PLANNED' || r.status === 'IN_PROGRESS').length, 2, 'open in one place');
  t.same(rows.filter((r) => r.plan_id === ks2025).map((r) => r.origin_action_id).sort(), openIds);
  for (const id of openIds) {
    const r = rows.find((x) => x.action_id === id)!;
    t.match(r, { year: 2024, status: 'CARRIED_OVER', status_label: 'Överförd', carried_to_action_id: copyOf.get(id) });
  }
  t.ok(rows.filter((r) => !openIds.includes(r.action_id)).every((r) => r.carried_to_action_id === null));
  const csv = (await app.inject({ url: '/api/v1/exports/actions.csv?namnd=KS', headers: { authorization: `Bearer ${token('integration')}` } })).body;
  const { header, records } = csvRecords(csv);
  t.equal(header.at(-1), 'carried_to_action_id');
  t.same(records.filter((r) => r.status === 'CARRIED_OVER').map((r) => [r.action_id, r.carried_to_action_id]).sort(), openIds.map((id) => [id, copyOf.get(id)]));

  t.equal(await emitDueEvents(db, '2025-02-01', 0), 2);
  t.same((await overdueEvents()).filter((e) => e.data.day === '2025-02-01').map((e) => e.entityId).sort(), [...copyOf.values()].sort());

  const r = await rollover();
  t.same(r.namnder[0], { planId: ks2025, error: null, counts: { actions: { created: 0, skipped: 2 } } }, 'again after closing: nothing');
});

await t.test('a closed source plan: carrying over is the one change it takes', async (t) => {
  // Reopened for a late action, closed again, then rolled over.
  const reopened = (await gqlOk(app, M.reopen, { i: { id: ks2024, version: await planVersion(ks2024), reason: 'Sen åtgärd' } }, approver)).reopenPlan;
  t.equal(reopened.status, 'ADOPTED');
  const late = await create(ks2024, 'Sen åtgärd', { dueDate: '2024-12-31' });
  t.equal((await gqlOk(app, M.close, { i: { id: ks2024, version: await planVersion(ks2024) } }, approver)).closePlan.status, 'CLOSED');
  t.equal(codeOf(await gql(app, M.updateAction, { i: { id: late.id, version: late.version, title: 'x' } }, editor)), 'PLAN_NOT_EDITABLE', 'users: a closed year is final');
  t.equal(codeOf(await gql(app, M.createAction, { i: { planId: ks2024, title: 'x' } }, editor)), 'PLAN_NOT_EDITABLE');

  const r = await rollover();
  t.same(r.namnder[0], { planId: ks2025, error: null, counts: { actions: { created: 1, skipped: 2 } } });
  const old = await planView(2024);
  t.equal(old.status, 'CLOSED');
  const lateNow = old.actions.find((a) => a.id === late.id)!;
  t.equal(lateNow.status, 'CARRIED_OVER');
  t.equal(lateNow.carriedTo?.status, 'PLANNED');
  t.same(old.followUpSummary, { openActions: 0, overdueActions: 0 });
  const next = await planView(2025);
  t.equal(next.actions.length, 3);
  t.same(next.followUpSummary, { openActions: 3, overdueActions: 3 });
  t.equal((await auditOf('action.carryOver')).filter((e) => e.entityId === late.id).length, 1);
  t.equal(codeOf(await gql(app, M.startAction, { i: { id: late.id, version: lateNow.version } }, editor)), 'PLAN_NOT_EDITABLE', 'closed, and carried over');

  t.equal((await rollover()).namnder[0].counts.actions.created, 0, 'and again: nothing');
});

await t.test('an original an older rollover copied but left open is ended, without a second copy', async (t) => {
  // The state the rollover left before issue 14: the copy exists, the original is still open.
  const [orig] = await db.insert(actions).values({ planId: ks2024, title: 'Dubblerad åtgärd', status: 'IN_PROGRESS', dueDate: '2024-06-30' }).returning();
  const [copy] = await db.insert(actions).values({ planId: ks2025, originActionId: orig.id, title: 'Dubblerad åtgärd', status: 'IN_PROGRESS', dueDate: '2024-06-30' }).returning();
  t.equal((await planView(2024)).followUpSummary.openActions, 1, 'doubled before');
  const r = await rollover();
  t.same(r.namnder[0].counts.actions, { created: 0, skipped: 4 });
  const old = (await planView(2024)).actions.find((a) => a.id === orig.id)!;
  t.match(old, { status: 'CARRIED_OVER', carriedTo: { id: copy.id } });
  t.equal((await planView(2024)).followUpSummary.openActions, 0);
  t.equal((await planView(2025)).actions.length, 4);
  t.match((await auditOf('action.carryOver')).find((e) => e.entityId === orig.id), { fromState: 'IN_PROGRESS', toState: 'CARRIED_OVER', changes: { after: { carriedTo: copy.id } } });
});

await t.test('carriedTo / carriedFrom: no N+1', async (t) => {
  const now = await linkStatements();
  t.equal(now.carried, 4, 'twice as many carried actions as at the first rollover');
  t.equal(now.n, linksAtFirst.n, `${now.n} statements, as with ${linksAtFirst.carried}`);
});
