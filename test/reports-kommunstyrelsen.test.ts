import fs from 'node:fs';
import t from 'tap';
import { eq } from 'drizzle-orm';
import { assessments, followUps, plans } from '../src/db/schema/index.js';
import { buildTestApp, gqlOk, token } from './helper.js';
import { attr, elements, tagProblems, textOf } from './support/report-parse.js';

// Kommunstyrelsen's real follow-up 2024 (seed 004, fixtures/kommunstyrelsen-2024). The plan is built with the GraphQL
// create mutations; the follow-ups, the decision and the assessment are written directly, since their life-cycle
// mutations live in another module. The document gives no risk values: each risk is set at 3 × 3 (RV 9, in the IKP).
const ks = JSON.parse(fs.readFileSync(new URL('../fixtures/kommunstyrelsen-2024/uppfoljning.json', import.meta.url), 'utf8')) as {
  namnd: string;
  year: number;
  analys: string;
  processes: { goal: string; goalTitle: string; process: string; rows: { arbetssatt: string; systematiskKontroll: string; kontrollaktivitet: string; resultat: string }[] }[];
};

const { app } = await buildTestApp(t);
const db = app.database.db;
const one = async (query: string, input: Record<string, unknown>) => Object.values(await gqlOk(app, query, { i: input }))[0] as { id: string };

await gqlOk(app, `mutation($i: CreateNamndInput!) { createNamnd(input: $i) { id } }`, { i: { code: 'KS', name: ks.namnd, forvaltning: 'Stadsledningskontoret' } });
const goalIds = new Map<string, string>();
for (const p of ks.processes) {
  if (!goalIds.has(p.goal)) goalIds.set(p.goal, (await one(`mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }`, { year: 2024, code: p.goal, title: p.goalTitle })).id);
}
const created = (await gqlOk(app, `mutation { createPlan(input: { namndCode: "KS", year: 2024 }) { id processes { id name workingMethods { id name } } } }`)).createPlan;
const activityByText = new Map<string, string>();
for (const p of ks.processes) {
  // The mandatory process and its working methods come with the plan; the others are created.
  const existing = created.processes.find((x: { name: string }) => x.name === p.process);
  const processId = existing?.id ?? (await one(`mutation($i: CreateProcessInput!) { createProcess(input: $i) { id } }`, { planId: created.id, goalId: goalIds.get(p.goal), name: p.process })).id;
  const wms = new Map<string, string>((existing?.workingMethods ?? []).map((w: { id: string; name: string }) => [w.name, w.id]));
  const controls = new Map<string, string>();
  for (const row of p.rows) {
    if (!wms.has(row.arbetssatt)) wms.set(row.arbetssatt, (await one(`mutation($i: CreateWorkingMethodInput!) { createWorkingMethod(input: $i) { id } }`, { processId, name: row.arbetssatt })).id);
    if (!controls.has(row.systematiskKontroll)) {
      const risk = await one(`mutation($i: CreateRiskInput!) { createRisk(input: $i) { id } }`, {
        workingMethodId: wms.get(row.arbetssatt),
        title: `Brister i: ${row.systematiskKontroll}`,
        likelihood: 3,
        consequence: 3,
      });
      controls.set(row.systematiskKontroll, (await one(`mutation($i: CreateControlInput!) { createControl(input: $i) { id } }`, { riskId: risk.id, description: row.systematiskKontroll })).id);
    }
    const activity = await one(`mutation($i: CreateControlActivityInput!) { createControlActivity(input: $i) { id } }`, {
      controlId: controls.get(row.systematiskKontroll),
      description: row.kontrollaktivitet,
      periods: ['VB'],
    });
    activityByText.set(row.kontrollaktivitet, activity.id);
  }
}
await db.update(plans).set({ status: 'ADOPTED', decisionDate: '2023-12-13', decisionReference: '§ 12, KS 2023/1234' }).where(eq(plans.id, created.id));
await db.insert(followUps).values(
  ks.processes.flatMap((p) =>
    p.rows.map((row) => ({
      planId: created.id,
      controlActivityId: activityByText.get(row.kontrollaktivitet)!,
      period: 'VB' as const,
      status: 'REPORTED' as const,
      outcome: 'NO_DEVIATION' as const,
      resultText: row.resultat,
      reportedAt: new Date('2025-01-31T10:00:00Z'),
      reportedBy: 'ks-sekreterare',
    })),
  ),
);
await db.insert(assessments).values({ planId: created.id, level: 'TILLRACKLIG', analysis: ks.analys, assessedBy: 'ks-sekreterare' });

const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token(['viewer:KS'])}` } });
const rowCount = ks.processes.reduce((n, p) => n + p.rows.length, 0);

t.test('follow-up.html: the assessment and analysis, then per goal and process every activity with its result', async (t) => {
  const res = await get('/api/v1/reports/plans/KS/2024/follow-up.html');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-disposition'], /filename="uppfoljning-KS-2024\.html"/);
  const page = res.body;
  t.same(tagProblems(page, { html: true }), [], 'well-formed');
  const all = textOf(page);
  t.match(all, 'Uppföljning av intern kontroll 2024 Kommunstyrelsen');
  t.match(all, 'Status Fastställd Beslut 2023-12-13, § 12, KS 2023/1234');
  t.match(all, `Bedömning av nämndens interna kontroll Tillräcklig Analys ${ks.analys}`, 'assessment, then the analysis word for word');
  t.equal(attr(elements(page, 'p', 'assessment-level')[0], 'data-level'), 'TILLRACKLIG');
  const vb = textOf(/<tr data-period="VB">[\s\S]*?<\/tr>/.exec(page)![0]);
  t.equal(vb, `Verksamhetsberättelse ${rowCount} ${rowCount} ${rowCount} 0 0`, 'VB: all reported, no deviation');
  t.match(all, 'Öppna åtgärder: 0 av 0.');

  const sections = elements(page, 'section', 'goal');
  t.same(sections.map((s) => textOf(s).split(' ')[0]), ['3.4', '3.5'], 'goals in code order');
  for (const p of ks.processes) {
    const section = sections.find((s) => textOf(s).startsWith(`${p.goal} ${p.goalTitle}`))!;
    t.ok(section, `goal ${p.goal}`);
    const processPart = section.slice(section.indexOf(`Process: ${p.process}`));
    t.ok(processPart.length < section.length, `process ${p.process} under ${p.goal}`);
    const table = elements(processPart, 'table', 'follow-up')[0];
    for (const row of p.rows) {
      const tr = elements(table, 'tr', 'activity').find((r) => attr(r, 'data-activity') === activityByText.get(row.kontrollaktivitet))!;
      t.ok(tr, `activity "${row.kontrollaktivitet}" in its process`);
      const text = textOf(tr);
      t.match(text, `${row.arbetssatt} ${row.systematiskKontroll}`);
      t.match(text, `${row.kontrollaktivitet}`);
      t.match(text, `Verksamhetsberättelse: Ingen avvikelse ${row.resultat}`, 'the result, word for word');
      t.equal(attr(elements(tr, 'div', 'result')[0], 'data-outcome'), 'NO_DEVIATION');
    }
  }
  t.equal(elements(page, 'tr', 'activity').length, rowCount, 'one row per control activity');
});

t.test('vor.html: decision, matrix and the IKP of Kommunstyrelsen', async (t) => {
  const page = (await get('/api/v1/reports/plans/KS/2024/vor.html')).body;
  t.same(tagProblems(page, { html: true }), [], 'well-formed');
  t.match(textOf(page), 'Status Fastställd Beslut 2023-12-13, § 12, KS 2023/1234');
  const ikp = elements(page, 'tr', 'ikp-row');
  t.equal(ikp.length, rowCount, 'one IKP row per control activity');
  for (const p of ks.processes) for (const row of p.rows) t.ok(ikp.some((r) => textOf(r).includes(row.kontrollaktivitet)), row.kontrollaktivitet);
  // Four of the five mandatory working methods have no risk in this plan: the VoR says so.
  t.equal((page.match(/Ingen oönskad händelse registrerad/g) ?? []).length, 4);
});

t.test('risk-matrix.svg: all risks in cell (3,3)', async (t) => {
  const svg = (await get('/api/v1/reports/plans/KS/2024/risk-matrix.svg')).body;
  t.match(svg, /<g class="cell" data-likelihood="3" data-consequence="3" data-band="MEDIUM" data-count="4">/);
  t.match(textOf(svg.slice(svg.indexOf('<g class="legend">'))), 'Kritisk 0 Medium 4 Låg 0 Totalt: 4');
  t.notMatch(svg, /Ej bedömda/, 'no unassessed risk, no such line');
});

t.test('ledningens-genomgang: the security process of Kommunstyrelsen with its VB outcome', async (t) => {
  const page = (await get('/api/v1/reports/ledningens-genomgang/KS/2024.html')).body;
  t.same(tagProblems(page, { html: true }), [], 'well-formed');
  const sisRow = ks.processes.find((p) => p.process === 'Systematiskt informationssäkerhetsarbete')!.rows[0];
  const ikp = elements(page, 'tr', 'ikp-row');
  t.equal(ikp.length, 1);
  t.match(textOf(ikp[0]), `Behörighetshantering ${sisRow.systematiskKontroll}`);
  t.match(textOf(ikp[0]), `Verksamhetsberättelse: Ingen avvikelse ${sisRow.resultat}`);
  t.equal(elements(page, 'tr', 'working-method-empty').length, 4, 'the four working methods without an assessed risk stand out');
  t.match(textOf(page), 'Inga öppna åtgärder.');
  const years = elements(page, 'section', 'year');
  t.same(years.map((y) => textOf(y).split(' Inga')[0]), ['Under 2024 ska stadsledningskontoret', 'Under 2025 ska stadsledningskontoret', 'Under 2026 ska stadsledningskontoret']);
  t.notOk(page.includes('Inköp och avtalstrohet'), 'other processes are not part of the review');
});
