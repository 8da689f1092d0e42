import t from 'tap';
import { buildTestApp, gqlOk, token } from './helper.js';
import { buildKommunstyrelsen, ksDoc } from './support/kommunstyrelsen.js';

// Kommunstyrelsen's 2024 follow-up (fixtures/kommunstyrelsen-2024) replayed through the GraphQL API:
// build and adopt the plan, report every control activity with the document's results, assess, close.
const { app } = await buildTestApp(t);
const editor = token(['editor:KS'], 'eva.editor');
const approver = token(['approver:KS'], 'anders.approver');
const { planId, activities } = await buildKommunstyrelsen(app, editor, approver);

const PLAN = `query { plan(namndCode: "KS", year: 2024) { id version status ruleViolations { rule message }
  followUps { id period status version outcome resultText late controlActivity { id description } actions { title status } }
  followUpSummary { followUps reported deviations openActions }
  assessment { level analysis } decisions { reference decisionDate snapshot } } }`;

t.test('the replay', async (t) => {
  let plan = (await gqlOk(app, PLAN, {}, editor)).plan;
  t.same(plan.ruleViolations, [], 'nothing blocks adoption');
  const adopted = await gqlOk(app, `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { status version decisionDate decisionReference } }`,
    { i: { id: planId, version: plan.version, decisionDate: '2024-01-25', decisionReference: 'KS 2023/1234, § 12' } }, approver);
  t.match(adopted.adoptPlan, { status: 'ADOPTED', decisionDate: '2024-01-25', decisionReference: 'KS 2023/1234, § 12' });

  plan = (await gqlOk(app, PLAN, {}, editor)).plan;
  t.equal(plan.followUps.length, 5, 'one VB follow-up per control activity');
  t.equal(plan.decisions.length, 1);
  t.equal(plan.decisions[0].snapshot.processes.length, 3);

  for (const f of plan.followUps) {
    const { row } = activities.find((a) => a.id === f.controlActivity.id)!;
    const started = await gqlOk(app, `mutation($i: VersionInput!) { startFollowUp(input: $i) { status version } }`, { i: { id: f.id, version: f.version } }, editor);
    t.equal(started.startFollowUp.status, 'IN_PROGRESS');
    // "Mindre avvikelser har kommunicerats …": a deviation, with the action that answered it.
    const deviation = /avvikelser/i.test(row.resultat);
    if (deviation) {
      const a = await gqlOk(app, `mutation($i: CreateActionInput!) { createAction(input: $i) { id version status } }`,
        { i: { planId, followUpId: f.id, title: 'Avvikelser kommuniceras till berörda och fakturor korrigeras', owner: 'Controller', dueDate: '2024-12-31' } }, editor);
      const s = await gqlOk(app, `mutation($i: ActionTransitionInput!) { startAction(input: $i) { version } }`, { i: { id: a.createAction.id, version: 1 } }, editor);
      await gqlOk(app, `mutation($i: ActionTransitionInput!) { completeAction(input: $i) { status } }`, { i: { id: a.createAction.id, version: s.startAction.version } }, editor);
    }
    const reported = await gqlOk(app, `mutation($i: ReportFollowUpInput!) { reportFollowUp(input: $i) { status outcome resultText reportedBy } }`,
      { i: { id: f.id, version: started.startFollowUp.version, outcome: deviation ? 'DEVIATION' : 'NO_DEVIATION', resultText: row.resultat } }, editor);
    t.match(reported.reportFollowUp, { status: 'REPORTED', resultText: row.resultat, reportedBy: 'eva.editor' });
  }

  const assessed = await gqlOk(app, `mutation($i: SetAssessmentInput!) { setAssessment(input: $i) { level analysis assessedBy } }`,
    { i: { planId, level: 'TILLRACKLIG', analysis: ksDoc.analys } }, editor);
  t.match(assessed.setAssessment, { level: 'TILLRACKLIG', analysis: ksDoc.analys });

  plan = (await gqlOk(app, PLAN, {}, editor)).plan;
  t.match(plan.followUpSummary, { followUps: 5, reported: 5, deviations: 3, openActions: 0 }, "three results report minor deviations");
  const closed = await gqlOk(app, `mutation($i: VersionInput!) { closePlan(input: $i) { status } }`, { i: { id: planId, version: plan.version } }, approver);
  t.equal(closed.closePlan.status, 'CLOSED');

  // The audit trail lists every step in order, with actor and states.
  const trail = await gqlOk(app, `{ auditEvents(first: 500, filter: { namndCode: "KS" }) { nodes { action actor fromState toState reason entityType } } }`, {}, ['auditor']);
  const steps = trail.auditEvents.nodes.filter((e: { action: string }) => /^(plan|followUp|assessment|action)\./.test(e.action));
  const names = steps.map((e: { action: string }) => e.action);
  t.equal(names[0], 'plan.create');
  t.equal(names.indexOf('plan.adopt'), 1, 'adopted right after creation (VoR edits are separate entities)');
  t.equal(names[names.length - 1], 'plan.close');
  t.equal(names.filter((n: string) => n === 'followUp.report').length, 5);
  t.ok(names.indexOf('assessment.create') > names.lastIndexOf('followUp.report'));
  t.match(steps.find((e: { action: string }) => e.action === 'plan.adopt'), { actor: 'anders.approver', fromState: 'DRAFT', toState: 'ADOPTED' });
  t.match(steps.find((e: { action: string }) => e.action === 'followUp.report'), { actor: 'eva.editor', fromState: 'IN_PROGRESS', toState: 'REPORTED' });
  t.match(steps.find((e: { action: string }) => e.action === 'plan.close'), { actor: 'anders.approver', fromState: 'ADOPTED', toState: 'CLOSED' });
  const verify = await gqlOk(app, `{ verifyAuditTrail { ok } }`, {}, ['auditor']);
  t.equal(verify.verifyAuditTrail.ok, true);
});
