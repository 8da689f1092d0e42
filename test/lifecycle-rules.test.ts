import t from 'tap';
import { buildTestApp, codeOf, gql, gqlOk, token } from './helper.js';
import { buildKommunstyrelsen } from './support/kommunstyrelsen.js';

// Every invalid transition and every role that may not act is refused; concurrent transitions: exactly one wins.
const { app } = await buildTestApp(t);
const editor = token(['editor:KS'], 'eva');
const approver = token(['approver:KS'], 'anders');
const { planId } = await buildKommunstyrelsen(app, editor, approver);

const planState = async () => (await gqlOk(app, `{ planById(id: "${planId}") { status version followUps { id status version period } actions { id status version } } }`)).planById;
const M = {
  adopt: `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { status version } }`,
  reopen: `mutation($i: ReasonInput!) { reopenPlan(input: $i) { status version } }`,
  close: `mutation($i: VersionInput!) { closePlan(input: $i) { status version } }`,
  start: `mutation($i: VersionInput!) { startFollowUp(input: $i) { status version } }`,
  report: `mutation($i: ReportFollowUpInput!) { reportFollowUp(input: $i) { status version late } }`,
  reopenFu: `mutation($i: ReasonInput!) { reopenFollowUp(input: $i) { status version } }`,
  action: `mutation($i: CreateActionInput!) { createAction(input: $i) { id status version overdue } }`,
  startAction: `mutation($i: ActionTransitionInput!) { startAction(input: $i) { status version } }`,
  completeAction: `mutation($i: ActionTransitionInput!) { completeAction(input: $i) { status version } }`,
  cancelAction: `mutation($i: ReasonInput!) { cancelAction(input: $i) { status version statusReason } }`,
  assess: `mutation($i: SetAssessmentInput!) { setAssessment(input: $i) { level version } }`,
};
const adoptInput = (version: number) => ({ i: { id: planId, version, decisionDate: '2024-01-25', decisionReference: '§ 1' } });

t.test('draft: what may not happen yet', async (t) => {
  const p = await planState();
  t.equal(codeOf(await gql(app, M.close, { i: { id: planId, version: p.version } }, approver)), 'INVALID_TRANSITION');
  const reopen = await gql(app, M.reopen, { i: { id: planId, version: p.version, reason: 'x' } }, approver);
  t.equal(codeOf(reopen), 'INVALID_TRANSITION');
  t.same(reopen.errors![0].extensions.allowed, ['adopt']);
  t.equal(codeOf(await gql(app, M.assess, { i: { planId, level: 'TILLRACKLIG', analysis: 'x' } }, editor)), 'PLAN_NOT_ADOPTED');
  for (const who of [editor, token(['viewer:KS']), token(['approver:SN']), token(['auditor']), token(['integration'])]) {
    t.equal(codeOf(await gql(app, M.adopt, adoptInput(p.version), who)), 'FORBIDDEN');
  }
  const bad = await gql(app, M.adopt, { i: { id: planId, version: p.version, decisionDate: '2024-13-45', decisionReference: '§ 1' } }, approver);
  t.equal(codeOf(bad), 'VALIDATION_FAILED');
});

t.test('adoption is refused while rules are violated, with the list', async (t) => {
  const d = await gqlOk(app, `{ planById(id: "${planId}") { processes { workingMethods { id name } } } }`);
  const wm = d.planById.processes[0].workingMethods[0];
  const risk = (await gqlOk(app, `mutation($i: CreateRiskInput!) { createRisk(input: $i) { id version } }`, { i: { workingMethodId: wm.id, nr: 99, title: 'Utan kontroll', likelihood: 4, consequence: 4 } }, editor)).createRisk;
  const p = await planState();
  const refused = await gql(app, M.adopt, adoptInput(p.version), approver);
  t.equal(codeOf(refused), 'PLAN_RULES_VIOLATED');
  t.same((refused.errors![0].extensions.violations as { rule: string; entityId: string }[]).map((v) => [v.rule, v.entityId]), [['R4', risk.id]]);
  t.equal((await planState()).status, 'DRAFT');
  await gqlOk(app, `mutation($i: DeleteVersionedInput!) { deleteRisk(input: $i) }`, { i: { id: risk.id, version: risk.version } }, editor);
});

t.test('two concurrent adoptions: exactly one succeeds, the other gets CONFLICT', async (t) => {
  const p = await planState();
  const results = await Promise.all([gql(app, M.adopt, adoptInput(p.version), approver), gql(app, M.adopt, adoptInput(p.version), approver)]);
  const codes = results.map((r) => codeOf(r) ?? 'OK').sort();
  t.same(codes, ['CONFLICT', 'OK']);
  const decisions = await gqlOk(app, `{ planById(id: "${planId}") { status decisions { reference } } }`);
  t.equal(decisions.planById.status, 'ADOPTED');
  t.equal(decisions.planById.decisions.length, 1, 'one decision recorded');
});

t.test('adopted: the VoR is frozen, follow-up transitions are checked', async (t) => {
  const d = await gqlOk(app, `{ planById(id: "${planId}") { risks { id version } } }`);
  const frozen = await gql(app, `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id } }`, { i: { id: d.planById.risks[0].id, version: d.planById.risks[0].version, title: 'Ändrad' } }, editor);
  t.equal(codeOf(frozen), 'PLAN_NOT_EDITABLE');
  const p = await planState();
  const f = p.followUps[0];
  const early = await gql(app, M.report, { i: { id: f.id, version: f.version, outcome: 'NO_DEVIATION', resultText: 'ok' } }, editor);
  t.equal(codeOf(early), 'INVALID_TRANSITION', 'report needs IN_PROGRESS first');
  t.same(early.errors![0].extensions.allowed, ['start']);
  t.equal(codeOf(await gql(app, M.start, { i: { id: f.id, version: f.version } }, token(['viewer:KS']))), 'FORBIDDEN');
  t.equal(codeOf(await gql(app, M.start, { i: { id: f.id, version: f.version } }, token(['editor:SN']))), 'FORBIDDEN');
  // Two concurrent starts: one wins.
  const both = await Promise.all([gql(app, M.start, { i: { id: f.id, version: f.version } }, editor), gql(app, M.start, { i: { id: f.id, version: f.version } }, editor)]);
  t.same(both.map((r) => codeOf(r) ?? 'OK').sort(), ['CONFLICT', 'OK']);
  const v = f.version + 1;
  t.equal(codeOf(await gql(app, M.report, { i: { id: f.id, version: v, outcome: 'NOT_PERFORMED', resultText: 'Ej gjord' } }, editor)), 'VALIDATION_FAILED', 'not performed needs an explanation');
  t.equal(codeOf(await gql(app, M.report, { i: { id: f.id, version: v, outcome: 'DEVIATION', resultText: 'Fel hittades' } }, editor)), 'ACTION_REQUIRED');
  const r = await gqlOk(app, M.report, { i: { id: f.id, version: v, outcome: 'NOT_PERFORMED', resultText: 'Ej gjord', explanation: 'Personalbrist' } }, editor);
  t.equal(r.reportFollowUp.status, 'REPORTED');
  t.equal(r.reportFollowUp.late, true, 'reported after 31 December 2024');
  t.equal(codeOf(await gql(app, M.reopenFu, { i: { id: f.id, version: v + 1, reason: '' } }, editor)), 'VALIDATION_FAILED', 'reopen needs a reason');
  const re = await gqlOk(app, M.reopenFu, { i: { id: f.id, version: v + 1, reason: 'Kompletteras' } }, editor);
  t.equal(re.reopenFollowUp.status, 'IN_PROGRESS');
  const hist = await gqlOk(app, `{ planById(id: "${planId}") { followUps { id history { action fromState toState reason actor } } } }`);
  const h = hist.planById.followUps.find((x: { id: string }) => x.id === f.id).history;
  t.same(h.map((e: { action: string }) => e.action), ['followUp.start', 'followUp.report', 'followUp.reopen']);
  t.match(h[2], { fromState: 'REPORTED', toState: 'IN_PROGRESS', reason: 'Kompletteras', actor: 'eva' });
});

t.test('actions: PLANNED → IN_PROGRESS → DONE, or CANCELLED with a reason; overdue is derived', async (t) => {
  const a = (await gqlOk(app, M.action, { i: { planId, title: 'Uppdatera lokal anvisning', owner: 'ISAM', dueDate: '2024-03-01', plannedYear: 2024, tags: ['NIS2: styrning'] } }, editor)).createAction;
  t.match(a, { status: 'PLANNED', overdue: true });
  t.equal(codeOf(await gql(app, M.completeAction, { i: { id: a.id, version: 1 } }, editor)), 'INVALID_TRANSITION');
  t.equal(codeOf(await gql(app, M.cancelAction, { i: { id: a.id, version: 1, reason: '  ' } }, editor)), 'VALIDATION_FAILED');
  const c = await gqlOk(app, M.cancelAction, { i: { id: a.id, version: 1, reason: 'Ersatt av central anvisning' } }, editor);
  t.match(c.cancelAction, { status: 'CANCELLED', statusReason: 'Ersatt av central anvisning' });
  t.equal(codeOf(await gql(app, M.startAction, { i: { id: a.id, version: 2 } }, editor)), 'INVALID_TRANSITION', 'cancelled is final');
  t.equal(codeOf(await gql(app, M.action, { i: { planId, title: 'x' } }, token(['viewer:KS']))), 'FORBIDDEN');
});

t.test('close needs the assessment and every VB follow-up; reopen needs a reason and an approver', async (t) => {
  let p = await planState();
  const refused = await gql(app, M.close, { i: { id: planId, version: p.version } }, approver);
  t.equal(codeOf(refused), 'PLAN_NOT_CLOSABLE');
  t.ok((refused.errors![0].extensions.missing as string[]).length === 2);
  for (const f of p.followUps) {
    let version = f.version;
    if (f.status === 'NOT_STARTED') version = (await gqlOk(app, M.start, { i: { id: f.id, version } }, editor)).startFollowUp.version;
    if (f.status !== 'REPORTED') await gqlOk(app, M.report, { i: { id: f.id, version, outcome: 'NO_DEVIATION', resultText: 'Genomförd utan anmärkning' } }, editor);
  }
  await gqlOk(app, M.assess, { i: { planId, level: 'I_HUVUDSAK_TILLRACKLIG', analysis: 'Bedömning' } }, editor);
  t.equal(codeOf(await gql(app, M.assess, { i: { planId, level: 'TILLRACKLIG', analysis: 'Ny' } }, editor)), 'VALIDATION_FAILED', 'revising needs the version');
  const revised = await gqlOk(app, M.assess, { i: { planId, version: 1, level: 'TILLRACKLIG', analysis: 'Reviderad' } }, editor);
  t.same(revised.setAssessment, { level: 'TILLRACKLIG', version: 2 });
  p = await planState();
  t.equal(codeOf(await gql(app, M.close, { i: { id: planId, version: p.version } }, editor)), 'FORBIDDEN', 'an editor may not close');
  const closed = await gqlOk(app, M.close, { i: { id: planId, version: p.version } }, approver);
  t.equal(closed.closePlan.status, 'CLOSED');
  t.equal(codeOf(await gql(app, M.adopt, adoptInput(closed.closePlan.version), approver)), 'INVALID_TRANSITION');
  t.equal(codeOf(await gql(app, M.reopen, { i: { id: planId, version: closed.closePlan.version, reason: 'Rättelse' } }, editor)), 'FORBIDDEN');
  t.equal(codeOf(await gql(app, M.reopen, { i: { id: planId, version: closed.closePlan.version, reason: '' } }, approver)), 'VALIDATION_FAILED');
  const r1 = await gqlOk(app, M.reopen, { i: { id: planId, version: closed.closePlan.version, reason: 'Rättelse av bedömning' } }, approver);
  t.equal(r1.reopenPlan.status, 'ADOPTED');
  const r2 = await gqlOk(app, M.reopen, { i: { id: planId, version: r1.reopenPlan.version, reason: 'Ny risk ska in' } }, token(['admin']));
  t.equal(r2.reopenPlan.status, 'DRAFT');
  const d = await gqlOk(app, `{ planById(id: "${planId}") { decisions { reference snapshot } history { action fromState toState reason } } }`);
  t.equal(d.planById.decisions.length, 1, 'the decision stays after a reopen');
  const { sql } = await import('drizzle-orm');
  await t.rejects(app.database.db.execute(sql`update plan_decisions set reference = 'ändrad'`), 'the database refuses to rewrite a decision');
  const reopens = d.planById.history.filter((e: { action: string }) => e.action === 'plan.reopen');
  t.same(reopens.map((e: { fromState: string; toState: string; reason: string }) => [e.fromState, e.toState, e.reason]), [['CLOSED', 'ADOPTED', 'Rättelse av bedömning'], ['ADOPTED', 'DRAFT', 'Ny risk ska in']]);
});
