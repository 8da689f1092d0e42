import t from 'tap';
import { buildTestApp, gql, gqlOk } from './helper.js';
import { loadServicenamnden } from './support/servicenamnden.js';

// Servicenämnden's real VoR and IKP for 2026 (fixtures/servicenamnden-2026), loaded through the GraphQL API.
const { app } = await buildTestApp(t);

const IKP_RISKS = [30, 38, 39, 42, 43, 51, 53, 55, 57, 58, 62, 63];
const CELLS: Record<string, number[]> = {
  '3,2': [27, 41],
  '3,3': [30, 31, 42, 43, 51, 53, 57, 58, 62, 63],
  '3,4': [38, 39, 55],
  '2,2': [26, 61],
  '2,4': [8, 9, 35, 54, 59, 60, 65, 66],
};

// Subtests run after the top level, so the dry run is checked here, before the real import.
const dry = await loadServicenamnden(app, { dryRun: true });
const afterDry = await gql(app, `{ namnd(code: "SN") { id } }`);
// All top-level awaits come before the first subtest, or tap may end the file early.
const report = await loadServicenamnden(app);
t.test('a dry run reports and writes nothing', async (t) => {
  t.equal(dry.dryRun, true);
  t.equal(dry.created.risks, 70);
  t.equal(afterDry.errors?.[0].extensions.code, 'NOT_FOUND');
});

const PLAN = `{ plan(namndCode: "SN", year: 2026) {
  id status ikpThreshold
  risks { nr likelihood consequence rv band { key label color } inIkp ikpBasis ikpMotivation likelihoodLabel consequenceLabel }
  bandCounts { bands { band { key label } count } total unassessed }
  matrix { likelihood consequence band { key } riskNumbers count }
  ikp { goal { code } process { name } workingMethod { name } control { description } risk { nr } rv controlActivity { description } }
  ruleViolations { rule entityType entityId message }
} }`;

t.test('the import created the whole VoR', async (t) => {
  t.same(report.created, { namnd: 1, plan: 1, goals: 15, processes: report.created.processes, workingMethods: report.created.workingMethods, risks: 70, controls: 12, controlActivities: 12 });
  t.ok(report.created.processes > 10);
});

t.test('70 risks, 69 assessed, bands Kritisk 3 / Medium 64 / Låg 2', async (t) => {
  const { plan } = await gqlOk(app, PLAN);
  t.equal(plan.status, 'DRAFT');
  t.equal(plan.risks.length, 70);
  const counts = Object.fromEntries(plan.bandCounts.bands.map((b: { band: { key: string }; count: number }) => [b.band.key, b.count]));
  t.same(counts, { LAG: 2, MEDIUM: 64, KRITISK: 3 });
  t.equal(plan.bandCounts.total, 69);
  t.equal(plan.bandCounts.unassessed, 1);
  const r70 = plan.risks.find((r: { nr: number }) => r.nr === 70);
  t.match(r70, { likelihood: null, consequence: null, rv: null, band: null, inIkp: false, ikpBasis: 'UNASSESSED' });
  const r38 = plan.risks.find((r: { nr: number }) => r.nr === 38);
  t.match(r38, { rv: 12, band: { key: 'KRITISK', label: 'Kritisk' }, inIkp: true, ikpBasis: 'THRESHOLD', likelihoodLabel: 'Möjlig', consequenceLabel: 'Allvarlig' });
});

t.test('exactly the document’s risks are in the IKP', async (t) => {
  const { plan } = await gqlOk(app, PLAN);
  const inIkp = plan.risks.filter((r: { inIkp: boolean }) => r.inIkp).map((r: { nr: number }) => r.nr);
  t.same(inIkp, IKP_RISKS);
  t.same([...new Set(plan.ikp.map((row: { risk: { nr: number } }) => row.risk.nr))], IKP_RISKS);
  const row38 = plan.ikp.find((row: { risk: { nr: number } }) => row.risk.nr === 38);
  t.match(row38, { goal: { code: '3.1' }, process: { name: 'Objektledning av Kontaktcenterplattformen' }, rv: 12, control: { description: 'Utökad avtalsuppföljning' } });
  const filtered = await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { risks(band: "KRITISK") { nr } ikpOnly: risks(inIkp: true, goalCode: "3.5") { nr } } }`);
  t.same(filtered.plan.risks.map((r: { nr: number }) => r.nr), [38, 39, 55]);
  t.same(filtered.plan.ikpOnly.map((r: { nr: number }) => r.nr), [51, 53, 55, 57, 58, 62, 63]);
});

t.test('every cell of the matrix is as in the document', async (t) => {
  const { plan } = await gqlOk(app, PLAN);
  t.equal(plan.matrix.length, 25);
  t.same(plan.matrix.slice(0, 2).map((c: { likelihood: number; consequence: number }) => [c.likelihood, c.consequence]), [[5, 1], [5, 2]]);
  const other = plan.risks.filter((r: { likelihood: number; consequence: number }) => r.likelihood === 2 && r.consequence === 3).length;
  t.equal(other, 44, '(2,3) holds the other 44');
  for (const cell of plan.matrix) {
    const key = `${cell.likelihood},${cell.consequence}`;
    if (key === '2,3') t.equal(cell.count, 44);
    else t.same(cell.riskNumbers, CELLS[key] ?? [], `cell ${key}`);
    const rv = cell.likelihood * cell.consequence;
    t.equal(cell.band.key, rv <= 4 ? 'LAG' : rv <= 10 ? 'MEDIUM' : 'KRITISK', `band of ${key}`);
  }
});

t.test('risk 31 is a violation until its exclusion is motivated', async (t) => {
  const { plan } = await gqlOk(app, PLAN);
  const r31 = plan.risks.find((r: { nr: number }) => r.nr === 31);
  t.match(r31, { rv: 9, inIkp: false, ikpBasis: 'MOTIVATED_EXCLUSION', ikpMotivation: null });
  t.same(plan.ruleViolations.map((v: { rule: string }) => v.rule), ['R2'], 'the only thing blocking adoption');
  t.match(plan.ruleViolations[0].message, /Risk 31/);
  t.same(report.violations.map((v: { rule: string }) => v.rule), ['R2'], 'the import reported it too');

  const risk = await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { risks { id nr version } } }`);
  const { id, version } = risk.plan.risks.find((r: { nr: number }) => r.nr === 31);
  const motivated = await gqlOk(app, `mutation($input: UpdateRiskInput!) { updateRisk(input: $input) { nr inIkp ikpBasis ikpMotivation version } }`, {
    input: { id, version, ikpOverride: 'EXCLUDE', ikpMotivation: 'Hanteras inom ramen för lokalförsörjningsprocessen.' },
  });
  t.match(motivated.updateRisk, { inIkp: false, ikpBasis: 'MOTIVATED_EXCLUSION', version: version + 1 });
  const after = await gqlOk(app, PLAN);
  t.same(after.plan.ruleViolations, []);
});

t.test('the mandatory process is matched despite the document’s spelling', async (t) => {
  const d = await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { processes { name mandatory goal { code } workingMethods { name mandatory risks { nr } } } } }`);
  const sis = d.plan.processes.filter((p: { mandatory: boolean }) => p.mandatory);
  t.equal(sis.length, 1);
  t.equal(sis[0].goal.code, '3.5');
  const upph = sis[0].workingMethods.find((w: { name: string }) => /upphandling/.test(w.name));
  t.equal(upph.name, 'Informationssäkerhet inom upphandlingsförfarandet');
  t.ok(upph.risks.length > 0);
  t.equal(sis[0].workingMethods.filter((w: { mandatory: boolean }) => w.mandatory).length, 5);
});

t.test('city-wide: all critical risks of 2026, paginated, for readers of every nämnd', async (t) => {
  const Q = `query($after: String) { risks(filter: { year: 2026, band: "KRITISK" }, first: 2, after: $after) {
    nodes { nr rv band { key } plan { namnd { code } } } pageInfo { hasNextPage endCursor } } }`;
  for (const roles of [['auditor'], ['integration'], ['viewer:*'], ['admin']]) {
    const seen: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const d: any = await gqlOk(app, Q, { after }, roles);
      seen.push(...d.risks.nodes.map((n: { nr: number }) => n.nr));
      t.ok(d.risks.nodes.every((n: { band: { key: string }; plan: { namnd: { code: string } } }) => n.band.key === 'KRITISK' && n.plan.namnd.code === 'SN'));
      if (!d.risks.pageInfo.hasNextPage) break;
      after = d.risks.pageInfo.endCursor;
    }
    t.same(seen.sort((a, b) => a - b), [38, 39, 55], roles.join());
  }
  const ikp = await gqlOk(app, `{ risks(filter: { year: 2026, inIkp: true }, first: 100) { nodes { nr } } }`, {}, ['integration']);
  t.equal(ikp.risks.nodes.length, 12);
});
