import t from 'tap';
import { buildTestApp, codeOf, gql, gqlOk } from './helper.js';
import { buildPlan, CREATE_RISK } from './support/plan-builder.js';

// Issue 14.4: the mandatory process "Systematiskt informationssäkerhetsarbete" and its five working methods, kept whole.
const { app } = await buildTestApp(t);
const { plan, goal35, goal11, process: ordinary, mandatory } = await buildPlan(app, 'MP');
const editor = ['editor:MP'];
const approver = ['approver:MP'];

const M = {
  process: `mutation($i: CreateProcessInput!) { createProcess(input: $i) { id name mandatory version } }`,
  updateProcess: `mutation($i: UpdateProcessInput!) { updateProcess(input: $i) { id name mandatory version } }`,
  deleteProcess: `mutation($i: DeleteVersionedInput!) { deleteProcess(input: $i) }`,
  wm: `mutation($i: CreateWorkingMethodInput!) { createWorkingMethod(input: $i) { id name mandatory version } }`,
  updateWm: `mutation($i: UpdateWorkingMethodInput!) { updateWorkingMethod(input: $i) { id name mandatory version } }`,
  deleteWm: `mutation($i: DeleteVersionedInput!) { deleteWorkingMethod(input: $i) }`,
};
const planContent = async () =>
  (await gqlOk(app, `query($id: ID!) { planById(id: $id) { processes { id name mandatory version workingMethods { id name mandatory version } } ruleViolations { rule entityType message } } }`, { id: plan.id })).planById;
const sisProcess = async () => (await planContent()).processes.find((p: { mandatory: boolean }) => p.mandatory);

t.test('what createPlan creates is audited like any create', async (t) => {
  const events = await gqlOk(
    app,
    `{ domainEvents(limit: 500, types: ["process.create", "workingMethod.create"]) { events { type entityType entityId entityVersion data } } }`,
  );
  const ofPlan = events.domainEvents.events.filter((e: { data: { planId?: string } }) => e.data.planId === plan.id);
  const ids = (type: string) => ofPlan.filter((e: { type: string }) => e.type === type).map((e: { entityId: string }) => e.entityId).sort();
  t.same(ids('process.create'), [mandatory.id, ordinary.id].sort(), 'the mandatory process and the one created after it');
  t.same(
    mandatory.workingMethods.map((w: { id: string }) => w.id).sort().every((id: string) => ids('workingMethod.create').includes(id)),
    true,
    'each of the five mandatory working methods',
  );
  t.ok(ofPlan.every((e: { entityVersion: number; data: { year: number } }) => e.entityVersion === 1 && e.data.year === 2026), 'with plan, year and entity version');

  const { planById } = await gqlOk(app, `query($id: ID!) { planById(id: $id) { processes { id mandatory history { action actor changes } workingMethods { name history { action changes } } } } }`, { id: plan.id });
  const sis = planById.processes.find((p: { id: string }) => p.id === mandatory.id);
  t.equal(sis.mandatory, true);
  t.match(sis.history, [{ action: 'process.create', changes: { after: { name: 'Systematiskt informationssäkerhetsarbete', goalId: goal35.id } } }]);
  t.equal(sis.workingMethods.length, 5);
  for (const w of sis.workingMethods) t.match(w.history, [{ action: 'workingMethod.create', changes: { after: { name: w.name } } }], w.name);
  const trail = await gqlOk(app, `{ auditEvents(first: 50, filter: { namndCode: "MP" }) { nodes { action entityId } } }`, {}, ['auditor']);
  const actions = trail.auditEvents.nodes.map((e: { action: string }) => e.action);
  t.ok(actions.indexOf('plan.create') >= 0 && actions.filter((a: string) => a === 'workingMethod.create').length >= 5);
});

t.test('a plan cannot hold a second process matching a mandatory entry, by name or alias, however spelled', async (t) => {
  for (const name of ['Systematiskt informationssäkerhetsarbete', '  systematiskt   INFORMATIONSSÄKERHETSARBETE ', 'Systematiskt informationssäkerhetsarbete (SIS)', 'systematiskt informationssäkerhetsarbete.']) {
    const r = await gql(app, M.process, { i: { planId: plan.id, goalId: goal11.id, name } }, editor);
    t.equal(codeOf(r), 'MANDATORY_ALREADY_PRESENT', JSON.stringify(name));
    t.equal(r.errors?.[0].extensions.existingId, mandatory.id);
  }
  // Nor can an existing process be renamed into one.
  const other = (await gqlOk(app, M.process, { i: { planId: plan.id, goalId: goal11.id, name: 'Informationshantering' } }, editor)).createProcess;
  t.equal(other.mandatory, false);
  const renamed = await gql(app, M.updateProcess, { i: { id: other.id, version: other.version, name: 'SYSTEMATISKT informationssäkerhetsarbete (sis)' } }, editor);
  t.equal(codeOf(renamed), 'MANDATORY_ALREADY_PRESENT');
  t.equal((await planContent()).processes.filter((p: { mandatory: boolean }) => p.mandatory).length, 1, 'still one');
});

t.test('a working method matching a mandatory name or alias under the mandatory process is mandatory', async (t) => {
  // The admin removes "Incidenthantering"; an editor adds it back under an alias: it is the mandatory one again.
  const sis = await sisProcess();
  const incident = sis.workingMethods.find((w: { name: string }) => w.name === 'Incidenthantering');
  t.equal(codeOf(await gql(app, M.deleteWm, { i: { id: incident.id, version: incident.version } }, editor)), 'MANDATORY_PROTECTED', 'an editor may not delete it');
  t.equal((await gqlOk(app, M.deleteWm, { i: { id: incident.id, version: incident.version } })).deleteWorkingMethod, true, 'an admin may');
  t.ok((await planContent()).ruleViolations.some((v: { rule: string; message: string }) => v.rule === 'R5' && /Incidenthantering" of .* is missing/.test(v.message)));

  const alias = (await gqlOk(app, M.wm, { i: { processId: sis.id, name: 'hantering av  informationssäkerhetsincidenter' } }, editor)).createWorkingMethod;
  t.equal(alias.mandatory, true, 'linked to the catalogue entry through its alias');
  t.notOk((await planContent()).ruleViolations.some((v: { message: string }) => /Incidenthantering" of/.test(v.message)), 'R5 finds it again');
  t.equal(codeOf(await gql(app, M.wm, { i: { processId: sis.id, name: 'Incidenthanteringsprocess' } }, editor)), 'MANDATORY_ALREADY_PRESENT', 'but not a second one');

  // Under an ordinary process the same name is just a name.
  const elsewhere = (await gqlOk(app, M.wm, { i: { processId: ordinary.id, name: 'Incidenthantering' } }, editor)).createWorkingMethod;
  t.equal(elsewhere.mandatory, false);
  // An editor's own working method under the mandatory process, renamed to a mandatory name, becomes mandatory.
  const own = (await gqlOk(app, M.wm, { i: { processId: sis.id, name: 'Loggning' } }, editor)).createWorkingMethod;
  t.equal(own.mandatory, false);
  t.equal(codeOf(await gql(app, M.updateWm, { i: { id: own.id, version: own.version, name: 'Behörighetshantering' } }, editor)), 'MANDATORY_ALREADY_PRESENT');
  const renamed = (await gqlOk(app, M.updateWm, { i: { id: own.id, version: own.version, name: 'Loggning och spårbarhet' } }, editor)).updateWorkingMethod;
  t.equal(renamed.mandatory, false);
  const moved = (await gqlOk(app, M.updateWm, { i: { id: elsewhere.id, version: elsewhere.version, processId: sis.id, name: 'Ny rutin' } }, editor)).updateWorkingMethod;
  t.equal(moved.mandatory, false, 'moved under the mandatory process with an ordinary name: ordinary');
});

t.test('editors cannot rename, move or delete the mandatory process and working methods; admins can, audited', async (t) => {
  const sis = await sisProcess();
  const klass = sis.workingMethods.find((w: { name: string }) => w.name === 'Informationsklassning');
  for (const [doc, i, what] of [
    [M.updateProcess, { id: sis.id, version: sis.version, name: 'Informationssäkerhet' }, 'rename the process'],
    [M.updateProcess, { id: sis.id, version: sis.version, goalId: goal11.id }, 'move the process'],
    [M.deleteProcess, { id: sis.id, version: sis.version }, 'delete the process'],
    [M.updateWm, { id: klass.id, version: klass.version, name: 'Klassning' }, 'rename a working method'],
    [M.updateWm, { id: klass.id, version: klass.version, processId: ordinary.id }, 'move a working method'],
  ] as const) {
    for (const roles of [editor, approver]) {
      const r = await gql(app, doc, { i }, roles);
      t.equal(codeOf(r), 'MANDATORY_PROTECTED', `${roles[0]}: ${what}`);
      t.equal(r.statusCode, 200);
    }
  }
  t.equal((await sisProcess()).name, 'Systematiskt informationssäkerhetsarbete', 'nothing changed');
  // The order is the editors' to change.
  const reordered = (await gqlOk(app, M.updateWm, { i: { id: klass.id, version: klass.version, sortOrder: 9 } }, editor)).updateWorkingMethod;
  t.equal(reordered.mandatory, true);

  const renamed = (await gqlOk(app, M.updateWm, { i: { id: klass.id, version: reordered.version, name: 'Informationsklassning och skydd' } })).updateWorkingMethod;
  t.match(renamed, { name: 'Informationsklassning och skydd', mandatory: true }, 'an admin renames it; it stays the mandatory one');
  const hist = await gqlOk(app, `{ auditEvents(first: 10, filter: { entityId: "${klass.id}" }) { nodes { action actor changes } } }`, {}, ['auditor']);
  t.ok(hist.auditEvents.nodes.some((e: { action: string; changes: { name?: { after: string } } }) => e.action === 'workingMethod.update' && e.changes.name?.after === 'Informationsklassning och skydd'));
  const proc = (await gqlOk(app, M.updateProcess, { i: { id: sis.id, version: sis.version, name: 'Systematiskt informationssäkerhetsarbete (SIS)' } })).updateProcess;
  t.equal(proc.mandatory, true);
});

t.test('R5 stays the check at adoption', async (t) => {
  const sis = await sisProcess();
  let nr = 100;
  for (const w of sis.workingMethods.filter((w: { mandatory: boolean }) => w.mandatory)) {
    await gqlOk(app, CREATE_RISK, { i: { workingMethodId: w.id, nr: nr++, title: `Risk inom ${w.name}`, likelihood: 2, consequence: 2 } }, editor);
  }
  const { planById } = await gqlOk(app, `query($id: ID!) { planById(id: $id) { version ruleViolations { rule } } }`, { id: plan.id });
  t.same(planById.ruleViolations, [], 'five mandatory working methods, one of them re-created under an alias, each assessed');
  const adopted = await gqlOk(app, `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { status } }`, { i: { id: plan.id, version: planById.version, decisionDate: '2026-01-29', decisionReference: '§ 3' } }, approver);
  t.equal(adopted.adoptPlan.status, 'ADOPTED');
});
