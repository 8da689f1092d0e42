import t from 'tap';
import { actions, assessments, followUps } from '../src/db/schema/index.js';
import { buildTestApp, gqlOk, token } from './helper.js';
import { buildPlan } from './support/plan-builder.js';
import { svgCells, tagProblems, textOf } from './support/report-parse.js';

// Every piece of user text a report shows, set to markup: it must come out as text, never as markup.
const { app } = await buildTestApp(t);
const db = app.database.db;
const evil = (where: string) => `<script>alert("${where}")</script> & 'quote' <img src=x onerror=alert(1)>`;
// Band labels are at most 60 characters.
const BAND = `<script>"b"&'</script>`;
const one = async (query: string, input: Record<string, unknown>) => Object.values(await gqlOk(app, query, { i: input }))[0] as { id: string; version: number };

const { plan, wm, process, mandatory } = await buildPlan(app, 'XSS');
const namnd = (await gqlOk(app, `{ namnd(code: "XSS") { id version } }`)).namnd;
await one(`mutation($i: UpdateNamndInput!) { updateNamnd(input: $i) { id version } }`, { id: namnd.id, version: namnd.version, name: evil('namnd'), forvaltning: evil('forvaltning') });
await one(`mutation($i: UpdateProcessInput!) { updateProcess(input: $i) { id version } }`, { id: process.id, version: 1, name: evil('process') });
await one(`mutation($i: UpdateWorkingMethodInput!) { updateWorkingMethod(input: $i) { id version } }`, { id: wm.id, version: 1, name: evil('wm') });
await one(`mutation($i: UpdatePlanSettingsInput!) { updatePlanSettings(input: $i) { id version } }`, {
  id: plan.id,
  version: plan.version,
  matrix: {
    bands: [
      { key: 'LAG', label: BAND, color: '#70AD47' },
      { key: 'HOG', label: 'Hög', color: '#C00000' },
    ],
    cells: [1, 2, 3, 4, 5].map((l) => [1, 2, 3, 4, 5].map((c) => (l * c >= 10 ? 'HOG' : 'LAG'))),
  },
});
// A control character (not allowed in XML) in a title must not break the SVG.
const risk = await one(`mutation($i: CreateRiskInput!) { createRisk(input: $i) { id version } }`, {
  workingMethodId: wm.id,
  title: `${evil('risk')}\u0007`,
  description: evil('description'),
  likelihood: 2,
  consequence: 2,
  ikpOverride: 'INCLUDE',
  ikpMotivation: evil('motivation'),
});
const control = await one(`mutation($i: CreateControlInput!) { createControl(input: $i) { id } }`, { riskId: risk.id, description: evil('control') });
const activity = await one(`mutation($i: CreateControlActivityInput!) { createControlActivity(input: $i) { id } }`, {
  controlId: control.id,
  description: evil('activity'),
  responsible: evil('responsible'),
  frequency: evil('frequency'),
});
// And a security risk, so that Ledningens genomgång has rows too.
const sisWm = mandatory.workingMethods[0];
const sisRisk = await one(`mutation($i: CreateRiskInput!) { createRisk(input: $i) { id } }`, { workingMethodId: sisWm.id, title: evil('sis-risk'), likelihood: 4, consequence: 4 });
const sisControl = await one(`mutation($i: CreateControlInput!) { createControl(input: $i) { id } }`, { riskId: sisRisk.id, description: evil('sis-control') });
const sisActivity = await one(`mutation($i: CreateControlActivityInput!) { createControlActivity(input: $i) { id } }`, { controlId: sisControl.id, description: evil('sis-activity') });
const [fu, sisFu] = await db
  .insert(followUps)
  .values([
    { planId: plan.id, controlActivityId: activity.id, period: 'T1', status: 'REPORTED', outcome: 'DEVIATION', resultText: evil('result'), explanation: evil('explanation') },
    { planId: plan.id, controlActivityId: sisActivity.id, period: 'T2', status: 'REPORTED', outcome: 'NOT_PERFORMED', resultText: evil('sis-result'), explanation: evil('sis-explanation') },
  ])
  .returning();
await db.insert(actions).values([
  { planId: plan.id, followUpId: fu.id, title: evil('action'), description: evil('action-description'), owner: evil('owner'), tags: [evil('tag')], dueDate: '2026-09-30' },
  { planId: plan.id, followUpId: sisFu.id, title: evil('sis-action'), owner: evil('sis-owner'), tags: [evil('sis-tag')], plannedYear: 2026 },
  { planId: plan.id, title: evil('plan-action'), plannedYear: 2027, status: 'CANCELLED', statusReason: evil('reason') },
  { planId: plan.id, title: evil('plan-action-2'), plannedYear: 2027, status: 'DONE', statusReason: evil('done') },
]);
await db.insert(assessments).values({ planId: plan.id, level: 'INTE_TILLRACKLIG', analysis: evil('analysis'), assessedBy: 'x' });

const REPORTS = ['plans/XSS/2026/risk-matrix.svg', 'plans/XSS/2026/vor.html', 'plans/XSS/2026/follow-up.html', 'ledningens-genomgang/XSS/2026.html'];
const SHOWN: Record<string, string[]> = {
  'plans/XSS/2026/risk-matrix.svg': ['namnd'],
 'plans/XSS/2026/vor.html': ['namnd', 'process', 'wm', 'risk', 'description', 'motivation', 'control', 'activity', 'responsible', 'frequency', 'sis-risk', 'sis-control', 'sis-activity'],
  'plans/XSS/2026/follow-up.html': ['namnd', 'process', 'wm', 'risk', 'control', 'activity', 'responsible', 'result', 'explanation', 'action', 'action-description', 'owner', 'tag', 'analysis', 'plan-action', 'reason', 'sis-result', 'sis-explanation', 'sis-action', 'sis-owner', 'sis-tag'],
  'ledningens-genomgang/XSS/2026.html': ['namnd', 'forvaltning', 'sis-risk', 'sis-control', 'sis-activity', 'sis-result', 'sis-explanation', 'sis-action', 'sis-owner', 'sis-tag', 'plan-action-2', 'done'],
};

for (const report of REPORTS) {
  t.test(`${report}: user text is escaped`, async (t) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/reports/${report}`, headers: { authorization: `Bearer ${token('viewer:XSS')}` } });
    t.equal(res.statusCode, 200);
    const body = res.body;
    t.notMatch(body, /<script/i, 'no script element');
    t.notMatch(body, /<img/i, 'no injected element');
    t.notMatch(body, /<[^>]*\sonerror=/i, 'no injected attribute');
    t.notMatch(body, /\u0007/, 'no control character');
    t.same(tagProblems(body, { html: report.endsWith('.html') }), [], 'still well-formed');
    const text = textOf(body);
    for (const where of SHOWN[report]) t.ok(text.includes(evil(where)), `${where} is shown as text`);
    if (/risk-matrix|vor/.test(report)) t.ok(text.includes(BAND), 'the band label is shown as text');
    t.match(body, /&lt;script&gt;alert\(&quot;namnd&quot;\)&lt;\/script&gt; &amp; &#39;quote&#39;/);
    if (report.endsWith('.svg')) t.equal(svgCells(body).get('2,2')!.texts[0], BAND.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!));
  });
}
