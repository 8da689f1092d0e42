import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildTestApp, gqlOk, QUIET, token } from './helper.js';
import { rawRows } from '../src/db/raw.js';
import { buildKommunstyrelsen } from './support/kommunstyrelsen.js';
import { loadServicenamnden } from './support/servicenamnden.js';

// Every audited write goes through one helper: its domain event carries the same envelope as its audit event
// (type = action, entity type, id, nämnd, version) and, for what belongs to a plan, the plan id and year.
const { app, database } = await buildTestApp(t, QUIET);
const editor = token(['editor:KS'], 'eva');
const approver = token(['approver:KS'], 'anders');

const { planId } = await buildKommunstyrelsen(app, editor, approver);
await loadServicenamnden(app);
const tree = async () => (await gqlOk(app, `{ planById(id: "${planId}") { version processes { workingMethods { risks { id version controls { id version } } } } followUps { id version } } }`)).planById;

let p = await tree();
const risk = p.processes[0].workingMethods[0].risks[0];
await gqlOk(app, `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id } }`, { i: { id: risk.id, version: risk.version, title: 'Ny rubrik' } }, editor);
await gqlOk(app, `mutation($i: UpdatePlanSettingsInput!) { updatePlanSettings(input: $i) { id } }`, { i: { id: planId, version: p.version, ikpThreshold: 9 } }, editor);
p = await tree();
await gqlOk(app, `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { id } }`, { i: { id: planId, version: p.version, decisionDate: '2024-01-25', decisionReference: '§ 1' } }, approver);
p = await tree();
const fu = p.followUps[0];
await gqlOk(app, `mutation($i: VersionInput!) { startFollowUp(input: $i) { id } }`, { i: { id: fu.id, version: fu.version } }, editor);
const action = (await gqlOk(app, `mutation($i: CreateActionInput!) { createAction(input: $i) { id version } }`, { i: { planId, followUpId: fu.id, title: 'Åtgärd', dueDate: '2024-06-30' } }, editor)).createAction;
const updated = (await gqlOk(app, `mutation($i: UpdateActionInput!) { updateAction(input: $i) { id version } }`, { i: { id: action.id, version: action.version, owner: 'Eva' } }, editor)).updateAction;
await gqlOk(app, `mutation($i: ActionTransitionInput!) { startAction(input: $i) { id } }`, { i: { id: updated.id, version: updated.version } }, editor);
await gqlOk(app, `mutation($i: ReportFollowUpInput!) { reportFollowUp(input: $i) { id } }`, { i: { id: fu.id, version: fu.version + 1, outcome: 'DEVIATION', resultText: 'Brister' } }, editor);
await gqlOk(app, `mutation($i: SetAssessmentInput!) { setAssessment(input: $i) { id } }`, { i: { planId, level: 'TILLRACKLIG', analysis: 'Bra' } }, editor);
await gqlOk(app, `mutation { rollover(input: { fromYear: 2024, toYear: 2025 }) { created } }`);

const PLAN_SCOPED = new Set(['Plan', 'Process', 'WorkingMethod', 'Risk', 'Control', 'ControlActivity', 'FollowUp', 'Action', 'Assessment']);
// A rollover run is not an entity with a version; everything else is.
const UNVERSIONED = new Set(['rollover.run']);

t.test('every emitted event type carries the full envelope, the same as its audit event', async (t) => {
  const events = await rawRows<{ type: string; namnd_code: string | null; entity_type: string; entity_id: string; entity_version: number | null; data: Record<string, unknown>; audit_namnd: string | null; audit_entity_type: string | null }>(
    database.db,
    sql`select e.type, e.namnd_code, e.entity_type, e.entity_id, e.entity_version, e.data,
          (select a.namnd_code from audit_events a where a.action = e.type and a.entity_id = e.entity_id order by a.id desc limit 1) as audit_namnd,
          (select a.entity_type from audit_events a where a.action = e.type and a.entity_id = e.entity_id order by a.id desc limit 1) as audit_entity_type
        from domain_events e order by e.id`,
  );
  const types = new Set(events.map((e) => e.type));
  for (const expected of ['namnd.create', 'goal.create', 'plan.create', 'process.create', 'risk.create', 'risk.update', 'risk.import', 'control.import', 'plan.adopt', 'followUp.start', 'followUp.report', 'action.create', 'action.update', 'action.start', 'assessment.create', 'plan.rollover', 'rollover.run']) {
    t.ok(types.has(expected), `${expected} was emitted`);
  }
  const broken: string[] = [];
  for (const e of events) {
    const problems: string[] = [];
    if (e.audit_entity_type !== e.entity_type) problems.push('no audit event with the same type, entity type and id');
    if (e.audit_namnd !== e.namnd_code) problems.push(`nämnd ${e.namnd_code} vs audit ${e.audit_namnd}`);
    if (!UNVERSIONED.has(e.type) && typeof e.entity_version !== 'number') problems.push('no entity version');
    if (PLAN_SCOPED.has(e.entity_type)) {
      if (typeof e.data.planId !== 'string') problems.push('no planId');
      if (typeof e.data.year !== 'number') problems.push('no year');
      if (!e.namnd_code) problems.push('no nämnd');
    }
    if (problems.length) broken.push(`${e.type} ${e.entity_id}: ${problems.join(', ')}`);
  }
  t.same(broken, [], `${events.length} events, ${types.size} types`);
});
