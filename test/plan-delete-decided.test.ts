import t from 'tap';
import { buildTestApp, codeOf, gql, gqlOk, token } from './helper.js';
import { buildPlan, CREATE_RISK } from './support/plan-builder.js';
import { DATASETS, keyOf, type DatasetName } from '../src/modules/exports/export-datasets.js';
import { defaultMatrix } from '../src/modules/risks/risk-matrix.js';
import { rawRows } from '../src/db/raw.js';
import { sql } from 'drizzle-orm';

// Issue 14.6 (a draft plan can be deleted) and 14.7 (PlanDecision.asDecided: the plan as decided, typed).
const { app, database } = await buildTestApp(t);
const approver = (code: string) => [`approver:${code}`];

type Row = Record<string, unknown>;
async function rows(url: string): Promise<Row[]> {
  const out: Row[] = [];
  let next: string | null = url;
  while (next) {
    const res = await app.inject({ url: next.replace(/^https?:\/\/[^/]+/, ''), headers: { authorization: `Bearer ${token(['admin'])}` } });
    if (res.statusCode !== 200) throw new Error(`${next}: ${res.statusCode} ${res.body}`);
    const page = res.json() as { value: Row[]; nextLink: string | null };
    out.push(...page.value);
    next = page.nextLink;
  }
  return out;
}

const M = {
  control: `mutation($i: CreateControlInput!) { createControl(input: $i) { id version } }`,
  activity: `mutation($i: CreateControlActivityInput!) { createControlActivity(input: $i) { id version } }`,
  action: `mutation($i: CreateActionInput!) { createAction(input: $i) { id } }`,
  adopt: `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { version status } }`,
  reopen: `mutation($i: ReasonInput!) { reopenPlan(input: $i) { version status } }`,
  delete: `mutation($i: DeletePlanInput!) { deletePlan(input: $i) }`,
};
const planVersion = async (id: string) => (await gqlOk(app, `query($id: ID!) { planById(id: $id) { version } }`, { id })).planById.version as number;

/** A plan that passes R1–R6: the mandatory working methods assessed, one IKP risk controlled, more risks of every kind. */
async function adoptable(code: string) {
  const built = await buildPlan(app, code);
  let nr = 1;
  for (const w of built.mandatory.workingMethods) await gqlOk(app, CREATE_RISK, { i: { workingMethodId: w.id, nr: nr++, title: `Risk inom ${w.name}`, likelihood: 2, consequence: 2 } });
  const ikpRisk = (await gqlOk(app, CREATE_RISK, { i: { workingMethodId: built.wm.id, nr: 20, title: 'Felaktiga utbetalningar', likelihood: 3, consequence: 4 } })).createRisk;
  const control = (await gqlOk(app, M.control, { i: { riskId: ikpRisk.id, description: 'Attestordning' } })).createControl;
  await gqlOk(app, M.activity, { i: { controlId: control.id, description: 'Stickprov av 20 utbetalningar', responsible: 'Controller', periods: ['T1', 'VB'] } });
  await gqlOk(app, CREATE_RISK, { i: { workingMethodId: built.wm.id, nr: 21, title: 'Avtal saknas', likelihood: 4, consequence: 4, ikpOverride: 'EXCLUDE', ikpMotivation: 'Hanteras i upphandlingsprojektet' } });
  await gqlOk(app, CREATE_RISK, { i: { workingMethodId: built.wm.id, nr: 22, title: 'Ej bedömd risk' } });
  await gqlOk(app, M.action, { i: { planId: built.plan.id, title: 'Ny attestrutin', tags: ['LG', 'IT'] } });
  return { ...built, ikpRisk, control };
}

t.test('deletePlan: a draft goes with all its content, audited, every row in the deletions export', async (t) => {
  const { plan } = await adoptable('DP');
  const input = { id: plan.id, version: await planVersion(plan.id), reason: 'Testplan skapad av misstag' };
  for (const roles of [['editor:DP'], ['viewer:DP'], ['approver:KS'], ['auditor']]) {
    t.equal(codeOf(await gql(app, M.delete, { i: input }, roles)), 'FORBIDDEN', roles[0]);
  }
  t.equal(codeOf(await gql(app, M.delete, { i: { ...input, version: input.version + 1 } }, approver('DP'))), 'CONFLICT');
  t.equal(codeOf(await gql(app, M.delete, { i: { ...input, reason: '  ' } }, approver('DP'))), 'VALIDATION_FAILED', 'a reason is required');

  const datasets: DatasetName[] = ['plans', 'processes', 'working-methods', 'risks', 'controls', 'control-activities', 'follow-ups', 'actions', 'assessments', 'risk-matrix-cells', 'action-tags', 'control-activity-periods'];
  const before = new Map<DatasetName, string[]>();
  for (const ds of datasets) before.set(ds, (await rows(`/api/v1/exports/${ds}.json?namnd=DP`)).map((r) => keyOf(DATASETS[ds], r)).sort());
  t.ok(before.get('processes')!.length === 2 && before.get('working-methods')!.length === 6 && before.get('risks')!.length === 8, 'the plan has content');
  t.equal(before.get('action-tags')!.length, 2);
  const since = new Date(Date.now() - 1).toISOString();

  t.equal((await gqlOk(app, M.delete, { i: input }, approver('DP'))).deletePlan, true);
  t.equal(codeOf(await gql(app, `query($id: ID!) { planById(id: $id) { id } }`, { id: plan.id })), 'NOT_FOUND');
  t.equal((await gqlOk(app, `{ plan(namndCode: "DP", year: 2026) { id } }`)).plan, null);

  const gone = await rows(`/api/v1/exports/deletions.json?updatedSince=${since}&namnd=DP`);
  for (const ds of datasets) {
    t.same(gone.filter((d) => d.dataset === ds).map((d) => d.row_id).sort(), before.get(ds), `${ds}: every row has its tombstone`);
    t.same(await rows(`/api/v1/exports/${ds}.json?namnd=DP`), [], `${ds}: nothing left`);
  }
  t.ok(gone.every((d) => d.namnd_code === 'DP' && d.year === 2026 && d.plan_id === plan.id), 'each with its nämnd, year and plan');

  const trail = await gqlOk(app, `{ auditEvents(filter: { entityId: "${plan.id}", action: "plan.delete" }) { nodes { actor reason fromState changes } } }`, {}, ['auditor']);
  t.equal(trail.auditEvents.nodes.length, 1);
  t.match(trail.auditEvents.nodes[0], {
    reason: 'Testplan skapad av misstag',
    fromState: 'DRAFT',
    changes: { before: { year: 2026, counts: { processes: 2, workingMethods: 6, risks: 8, controls: 1, controlActivities: 1, followUps: 0, actions: 1, assessments: 0, decisions: 0 } } },
  });
  const events = await gqlOk(app, `{ domainEvents(limit: 500, types: ["plan.delete"]) { events { entityId entityVersion data } } }`);
  t.match(events.domainEvents.events, [{ entityId: plan.id, entityVersion: input.version, data: { planId: plan.id, year: 2026 } }]);
  // The nämnd can start over.
  t.ok((await gqlOk(app, `mutation { createPlan(input: { namndCode: "DP", year: 2026 }) { id } }`, {}, approver('DP'))).createPlan.id);
});

const SELECTION = `year ikpThreshold riskMatrix { bands { key label color } cells }
  processes { name goal { code } workingMethods { name risks { nr title likelihood likelihoodLabel consequence consequenceLabel rv band { key label color } inIkp ikpBasis ikpMotivation goal { code }
    controls { description activities { description responsible periods } } } } }
  risks { nr rv band { key } inIkp }
  ikpRisks: risks(inIkp: true) { nr }
  ikp { goal { code } process { name } workingMethod { name } risk { nr title } rv control { description } controlActivity { description responsible periods } }
  bandCounts { bands { band { key } count } total unassessed }`;

let adoptedId = '';
let decided: Row = {};
await t.test('asDecided: the VoR and IKP as decided, with the field names of Plan', async (t) => {
  const { plan } = await adoptable('AD');
  adoptedId = plan.id;
  const draft = (await gqlOk(app, `query($id: ID!) { planById(id: $id) { ${SELECTION} } }`, { id: plan.id })).planById;
  await gqlOk(app, M.adopt, { i: { id: plan.id, version: await planVersion(plan.id), decisionDate: '2026-01-29', decisionReference: '§ 12' } }, approver('AD'));
  const { planById } = await gqlOk(app, `query($id: ID!) { planById(id: $id) { decisions { decisionDate reference asDecided { decisionDate decisionReference namndCode ${SELECTION} } } } }`, { id: plan.id });
  t.equal(planById.decisions.length, 1);
  const { decisionDate, decisionReference, namndCode, ...asDecided } = planById.decisions[0].asDecided;
  t.same({ decisionDate, decisionReference, namndCode }, { decisionDate: '2026-01-29', decisionReference: '§ 12', namndCode: 'AD' });
  t.same(asDecided, draft, 'the same answer as Plan gave for what was adopted');
  t.same(asDecided.ikpRisks, [{ nr: 20 }]);
  t.match(asDecided.risks.find((r: { nr: number }) => r.nr === 21), { rv: 16, band: { key: 'KRITISK' }, inIkp: false });
  t.match(asDecided.risks.find((r: { nr: number }) => r.nr === 22), { rv: null, band: null, inIkp: false });
  decided = asDecided;
});

await t.test('after a reopen and changes, asDecided still shows what was decided', async (t) => {
  const reopened = (await gqlOk(app, M.reopen, { i: { id: adoptedId, version: await planVersion(adoptedId), reason: 'Ny bedömning' } }, approver('AD'))).reopenPlan;
  t.equal(reopened.status, 'DRAFT');
  const { planById } = await gqlOk(app, `query($id: ID!) { planById(id: $id) { processes { id name mandatory } risks { id nr version } } }`, { id: adoptedId });
  const r20 = planById.risks.find((r: { nr: number }) => r.nr === 20);
  await gqlOk(app, `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id } }`, { i: { id: r20.id, version: r20.version, likelihood: 1, title: 'Ändrad titel' } });
  const r22 = planById.risks.find((r: { nr: number }) => r.nr === 22);
  await gqlOk(app, `mutation($i: DeleteVersionedInput!) { deleteRisk(input: $i) }`, { i: { id: r22.id, version: r22.version } });
  const avtal = planById.processes.find((p: { mandatory: boolean }) => !p.mandatory);
  await gqlOk(app, `mutation($i: UpdateProcessInput!) { updateProcess(input: $i) { id } }`, { i: { id: avtal.id, version: 1, name: 'Nytt processnamn' } });
  await gqlOk(app, `mutation($i: UpdatePlanSettingsInput!) { updatePlanSettings(input: $i) { id } }`, { i: { id: adoptedId, version: await planVersion(adoptedId), ikpThreshold: 16 } });

  const now = (await gqlOk(app, `query($id: ID!) { planById(id: $id) { ${SELECTION} decisions { asDecided { ${SELECTION} } } } }`, { id: adoptedId })).planById;
  const { decisions, ...today } = now;
  t.notSame(today, decided, "today's plan has changed");
  t.equal(today.ikpThreshold, 16);
  t.same(decisions[0].asDecided, decided, 'the decision has not');
  t.match(decisions[0].asDecided.risks.find((r: { nr: number }) => r.nr === 20), { rv: 12, inIkp: true });

  // A second adoption adds a decision; the first stays as it was.
  const rv20 = today.risks.find((r: { nr: number }) => r.nr === 20);
  t.match(rv20, { rv: 4, inIkp: false });
  await gqlOk(app, M.adopt, { i: { id: adoptedId, version: await planVersion(adoptedId), decisionDate: '2026-03-26', decisionReference: '§ 40' } }, approver('AD'));
  const after = (await gqlOk(app, `query($id: ID!) { planById(id: $id) { decisions { reference asDecided { ikpThreshold risks { nr title rv inIkp } } } } }`, { id: adoptedId })).planById.decisions;
  t.same(after.map((d: { reference: string }) => d.reference), ['§ 40', '§ 12'], 'newest first');
  t.match(after[0].asDecided, { ikpThreshold: 16 });
  t.match(after[0].asDecided.risks.find((r: { nr: number }) => r.nr === 20), { title: 'Ändrad titel', rv: 4, inIkp: false });
  t.match(after[1].asDecided.risks.find((r: { nr: number }) => r.nr === 20), { title: 'Felaktiga utbetalningar', rv: 12, inIkp: true });
});

await t.test('a snapshot without derived values is derived from its own matrix and threshold', async (t) => {
  // An older snapshot kept only the values: rv, band and IKP come from the matrix and threshold stored with it.
  const matrix = defaultMatrix();
  matrix.cells[2][3] = 'LAG';
  const snapshot = {
    year: 2026,
    namndCode: 'AD',
    ikpThreshold: 10,
    matrix,
    processes: [
      {
        name: 'Ekonomiprocessen',
        goal: '1.1',
        workingMethods: [
          {
            name: 'Utbetalningar',
            risks: [
              { nr: 1, title: 'Över tröskeln', likelihood: 3, consequence: 4, ikpMotivation: null, controls: [{ description: 'Attest', activities: [{ description: 'Stickprov', responsible: null, periods: ['VB'] }] }] },
              { nr: 2, title: 'Undantagen', likelihood: 5, consequence: 5, ikpBasis: 'MOTIVATED_EXCLUSION', ikpMotivation: 'Annan plan', controls: [] },
              { nr: 3, title: 'Ej bedömd', likelihood: null, consequence: null, ikpMotivation: null, controls: [] },
            ],
          },
        ],
      },
    ],
  };
  await rawRows(database.db, sql`insert into plan_decisions (plan_id, decision_date, reference, adopted_by, snapshot, adopted_at)
    values (${adoptedId}, '2025-12-01', '§ 1', 'migrerad', ${JSON.stringify(snapshot)}::jsonb, '2025-12-01T10:00:00Z') returning id`);
  const decisions = (await gqlOk(app, `query($id: ID!) { planById(id: $id) { decisions { reference asDecided { ikpThreshold risks { nr rv band { key } inIkp ikpBasis } ikp { risk { nr } controlActivity { description } } bandCounts { total unassessed } } } } }`, { id: adoptedId })).planById.decisions;
  const old = decisions.find((d: { reference: string }) => d.reference === '§ 1').asDecided;
  t.same(old.risks, [
    { nr: 1, rv: 12, band: { key: 'LAG' }, inIkp: true, ikpBasis: 'THRESHOLD' },
    { nr: 2, rv: 25, band: { key: 'KRITISK' }, inIkp: false, ikpBasis: 'MOTIVATED_EXCLUSION' },
    { nr: 3, rv: null, band: null, inIkp: false, ikpBasis: 'UNASSESSED' },
  ]);
  t.same(old.ikp, [{ risk: { nr: 1 }, controlActivity: { description: 'Stickprov' } }]);
  t.same(old.bandCounts, { total: 2, unassessed: 1 });
});

await t.test('an adopted plan, or one adopted before, cannot be deleted', async (t) => {
  const i = { id: adoptedId, version: await planVersion(adoptedId), reason: 'Fel' };
  const adopted = await gql(app, M.delete, { i }, approver('AD'));
  t.equal(codeOf(adopted), 'PLAN_NOT_DRAFT');
  t.match(adopted.errors?.[0].extensions, { status: 'ADOPTED' });
  await gqlOk(app, M.reopen, { i: { ...i, reason: 'Ändring' } }, approver('AD'));
  const reopened = await gql(app, M.delete, { i: { ...i, version: await planVersion(adoptedId) } });
  t.equal(codeOf(reopened), 'PLAN_NOT_DRAFT', 'a reopened draft keeps its decisions, so it stays');
  t.match(reopened.errors?.[0].extensions, { status: 'DRAFT', decisions: 3 });
  t.ok((await gqlOk(app, `query($id: ID!) { planById(id: $id) { id } }`, { id: adoptedId })).planById.id);
  t.equal(codeOf(await gql(app, M.delete, { i: { id: '00000000-0000-4000-8000-000000000000', version: 1, reason: 'Finns inte' } })), 'NOT_FOUND');
});
