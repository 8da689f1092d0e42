import t from 'tap';
import { buildTestApp, codeOf, gql, gqlOk } from './helper.js';
import { adoptablePlan, goalsOf, type Admin } from './authz/fixture.js';
import { vorRow } from './authz/matrix.js';

// Two ways around a role's limits that the authorization matrix's fixtures do not reach, found while building it.
const { app } = await buildTestApp(t, { WEBHOOKS_ENABLED: 'false', DUE_JOB_ENABLED: 'false' });
const admin: Admin = (q, v = {}) => gqlOk(app, q, v);
await admin('mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }');
const IMPORT = 'mutation($i: ImportVorInput!) { importVor(input: $i) { planId created { plan risks } } }';
const planOf = async (year: number) => (await admin(`{ plan(namndCode: "SN", year: ${year}) { id } }`)).plan;

t.test('an editor cannot create a plan by importing into a year that has none (creating plans is an approver’s)', async (t) => {
  await goalsOf(admin, 2030);
  for (const dryRun of [false, true]) {
    const r = await gql(app, IMPORT, { i: { namndCode: 'SN', year: 2030, dryRun, rows: [vorRow(1)] } }, ['editor:SN']);
    t.equal(codeOf(r), 'FORBIDDEN', `dryRun ${dryRun}`);
  }
  t.equal(await planOf(2030), null, 'no plan was created');
  const approver = await gql(app, IMPORT, { i: { namndCode: 'SN', year: 2030, rows: [vorRow(1)] } }, ['approver:SN']);
  t.same(approver.data.importVor.created, { plan: 1, risks: 1 }, 'an approver may');
  const editor = await gql(app, IMPORT, { i: { namndCode: 'SN', year: 2030, rows: [vorRow(2)] } }, ['editor:SN']);
  t.same(editor.data.importVor.created, { plan: 0, risks: 1 }, 'and the editor then imports into it');
});

t.test('an action of a closed plan cannot be changed, as it cannot be created or moved', async (t) => {
  const id = await adoptablePlan(admin, 'SN', 2031, 0);
  const v = async () => (await admin(`{ planById(id: "${id}") { version } }`)).planById.version;
  await admin('mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { id } }', { i: { id, version: await v(), decisionDate: '2031-01-29', decisionReference: '§ 3' } });
  const action = (await admin('mutation($i: CreateActionInput!) { createAction(input: $i) { id version } }', { i: { planId: id, title: 'Ny rutin' } })).createAction;
  await admin('mutation($i: SetAssessmentInput!) { setAssessment(input: $i) { id } }', { i: { planId: id, level: 'TILLRACKLIG', analysis: 'Tillräcklig' } });
  await admin('mutation($i: VersionInput!) { closePlan(input: $i) { status } }', { i: { id, version: await v() } });
  for (const roles of [['editor:SN'], ['admin']]) {
    const r = await gql(app, 'mutation($i: UpdateActionInput!) { updateAction(input: $i) { title } }', { i: { ...action, title: 'Ändrad efter stängning' } }, roles);
    t.equal(codeOf(r), 'PLAN_NOT_EDITABLE', roles[0]);
  }
  const after = await admin(`{ planById(id: "${id}") { actions { title version } } }`);
  t.same(after.planById.actions, [{ title: 'Ny rutin', version: 1 }], 'the action is as it was');
});
