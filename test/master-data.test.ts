import t from 'tap';
import { buildTestApp, codeOf, gql, gqlOk } from './helper.js';

const { app } = await buildTestApp(t);

t.test('the migration seeds the mandatory process with its five working methods and aliases', async (t) => {
  const d = await gqlOk(app, `{ mandatoryProcesses(year: 2026) { name goalCode fromYear workingMethods { name aliases } } }`, {}, ['viewer:*']);
  t.equal(d.mandatoryProcesses.length, 1);
  t.match(d.mandatoryProcesses[0], { name: 'Systematiskt informationssäkerhetsarbete', goalCode: '3.5', fromYear: 2024 });
  t.same(d.mandatoryProcesses[0].workingMethods.map((w: { name: string }) => w.name), [
    'Behörighetshantering',
    'Implementering av lokal anvisning',
    'Incidenthantering',
    'Informationsklassning',
    'Informationssäkerhet inom upphandlingsförfarandet',
  ]);
  t.ok(d.mandatoryProcesses[0].workingMethods[4].aliases.includes('Informationssäkerhet inom upphandlingsförfarande'));
  t.same((await gqlOk(app, `{ mandatoryProcesses(year: 2023) { name } }`)).mandatoryProcesses, []);
});

t.test('goals: admin only, unique per year, code validated, refused delete while in use', async (t) => {
  const CREATE = `mutation($i: CreateGoalInput!) { createGoal(input: $i) { id code inriktningsmal version } }`;
  t.equal(codeOf(await gql(app, CREATE, { i: { year: 2026, code: '3.5', title: 'Hög beredskap' } }, ['approver:*'])), 'FORBIDDEN');
  const g = (await gqlOk(app, CREATE, { i: { year: 2026, code: '3.5', title: 'Hög beredskap och stark rådighet' } })).createGoal;
  t.match(g, { code: '3.5', inriktningsmal: 3, version: 1 });
  t.equal(codeOf(await gql(app, CREATE, { i: { year: 2026, code: '3.5', title: 'Igen' } })), 'CONFLICT');
  t.equal(codeOf(await gql(app, CREATE, { i: { year: 2026, code: 'tre', title: 'x' } })), 'VALIDATION_FAILED');
  const u = await gqlOk(app, `mutation($i: UpdateGoalInput!) { updateGoal(input: $i) { title version } }`, { i: { id: g.id, version: 1, title: 'Ny titel' } });
  t.same(u.updateGoal, { title: 'Ny titel', version: 2 });
  await gqlOk(app, `mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }`);
  await gqlOk(app, `mutation { createPlan(input: { namndCode: "SN", year: 2026 }) { id } }`);
  t.equal(codeOf(await gql(app, `mutation($i: DeleteInput!) { deleteGoal(input: $i) }`, { i: { id: g.id } })), 'GOAL_IN_USE');
  const missing = await gql(app, `mutation { createPlan(input: { namndCode: "SN", year: 2031 }) { id } }`);
  t.equal(codeOf(missing), 'GOAL_MISSING', 'a plan needs the goal its mandatory process belongs under');
});

t.test('an admin changes the mandatory processes; plans get them and R5 follows', async (t) => {
  const SET = `mutation($i: MandatoryProcessInput!) { setMandatoryProcess(input: $i) { name toYear workingMethods { name } } }`;
  const input = { name: 'Systematiskt arbete mot oegentligheter', goalCode: '3.5', fromYear: 2027, workingMethods: [{ name: 'Riskanalys' }, { name: 'Visselblåsarfunktion', aliases: ['Visselblåsning'] }] };
  t.equal(codeOf(await gql(app, SET, { i: input }, ['approver:*'])), 'FORBIDDEN');
  t.equal(codeOf(await gql(app, SET, { i: { ...input, toYear: 2020 } })), 'VALIDATION_FAILED');
  const d = await gqlOk(app, SET, { i: input });
  t.equal(d.setMandatoryProcess.workingMethods.length, 2);
  await gqlOk(app, `mutation { createGoal(input: { year: 2027, code: "3.5", title: "Hög beredskap" }) { id } }`);
  const plan = await gqlOk(app, `mutation { createPlan(input: { namndCode: "SN", year: 2027 }) { processes { name mandatory } ruleViolations { rule message } } }`);
  t.equal(plan.createPlan.processes.length, 2);
  t.ok(plan.createPlan.processes.every((p: { mandatory: boolean }) => p.mandatory));
  t.equal(plan.createPlan.ruleViolations.filter((v: { rule: string }) => v.rule === 'R5').length, 7, '5 + 2 working methods without assessed risks');
  const replaced = await gqlOk(app, SET, { i: { ...input, toYear: 2027, workingMethods: [{ name: 'Riskanalys' }] } });
  t.same(replaced.setMandatoryProcess, { name: input.name, toYear: 2027, workingMethods: [{ name: 'Riskanalys' }] });
  const hist = await gqlOk(app, `{ auditEvents(filter: { entityType: "MandatoryProcess" }) { nodes { action } } }`, {}, ['auditor']);
  t.same(hist.auditEvents.nodes.map((e: { action: string }) => e.action), ['mandatoryProcess.create', 'mandatoryProcess.update']);
});

t.test('default matrix: admin sets it, new plans take it, existing plans keep theirs', async (t) => {
  const before = await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { riskMatrix { cells } } }`);
  const cells = Array.from({ length: 5 }, (_, l) => Array.from({ length: 5 }, (_, c) => ((l + 1) * (c + 1) >= 8 ? 'HOG' : 'LAG')));
  const matrix = { bands: [{ key: 'LAG', label: 'Låg', color: '#70AD47' }, { key: 'HOG', label: 'Hög', color: '#C00000' }], cells };
  t.equal(codeOf(await gql(app, `mutation($i: RiskMatrixInput!) { setDefaultMatrix(input: $i) { bands { key } } }`, { i: matrix }, ['approver:*'])), 'FORBIDDEN');
  const bad = await gql(app, `mutation($i: RiskMatrixInput!) { setDefaultMatrix(input: $i) { bands { key } } }`, { i: { ...matrix, bands: [{ key: 'LAG', label: 'Låg', color: 'green' }] } });
  t.equal(codeOf(bad), 'VALIDATION_FAILED');
  await gqlOk(app, `mutation($i: RiskMatrixInput!) { setDefaultMatrix(input: $i) { bands { key } } }`, { i: matrix });
  t.same((await gqlOk(app, `{ defaultMatrix { cells } }`)).defaultMatrix.cells, cells);
  const after = await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { riskMatrix { cells } } }`);
  t.same(after.plan.riskMatrix.cells, before.plan.riskMatrix.cells, 'an existing plan is never re-scored');
  await gqlOk(app, `mutation { createGoal(input: { year: 2028, code: "3.5", title: "Hög beredskap" }) { id } }`);
  const fresh = await gqlOk(app, `mutation { createPlan(input: { namndCode: "SN", year: 2028 }) { riskMatrix { cells } } }`);
  t.same(fresh.createPlan.riskMatrix.cells, cells);
});
