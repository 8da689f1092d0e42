import t from 'tap';
import { actions, followUps } from '../src/db/schema/index.js';
import { QUIET, buildTestApp, gqlOk, token } from './helper.js';
import { buildPlan } from './support/plan-builder.js';
import { attr, elements, svgCells, tagProblems, textOf } from './support/report-parse.js';
import { loadServicenamnden, snVor } from './support/servicenamnden.js';

// The reports drawn from Servicenämnden's real VoR and IKP 2026 (seed 001), loaded through the GraphQL API.
const { app, queries } = await buildTestApp(t, QUIET);
await loadServicenamnden(app);

const BASE = '/api/v1/reports';
const get = (url: string, roles: string[] | null = ['viewer:SN']) =>
  app.inject({ method: 'GET', url, headers: roles ? { authorization: `Bearer ${token(roles)}` } : {} });

const IKP_RISKS = [30, 38, 39, 42, 43, 51, 53, 55, 57, 58, 62, 63];
const SIS_RISKS = [51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 70];
const SIS_IKP = [51, 53, 55, 57, 58, 62, 63];

/** WCAG contrast of two #RRGGBB colours, computed here independently of the renderer. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

t.test('risk-matrix.svg: every risk number in its cell, in band colours, with the Swedish axes and the counts', async (t) => {
  const res = await get(`${BASE}/plans/SN/2026/risk-matrix.svg`);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^image\/svg\+xml; charset=utf-8/);
  t.match(res.headers['content-security-policy'], /default-src 'none'/);
  t.match(res.headers['content-disposition'], /filename="riskmatris-SN-2026\.svg"/);
  const svg = res.body;
  t.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'));
  t.same(tagProblems(svg), [], 'well-formed');

  const cells = svgCells(svg);
  t.equal(cells.size, 25);
  for (let l = 1; l <= 5; l++) {
    for (let c = 1; c <= 5; c++) {
      const cell = cells.get(`${l},${c}`)!;
      const expected = snVor.risks.filter((r) => r.sannolikhet === l && r.konsekvens === c).map((r) => r.nr);
      t.same(cell.numbers, expected, `cell (${l},${c}) holds exactly its risks`);
      const rv = l * c;
      const band = rv <= 4 ? 'LAG' : rv <= 10 ? 'MEDIUM' : 'KRITISK';
      t.equal(cell.band, band, `band of (${l},${c})`);
      t.equal(cell.fill, { LAG: '#70AD47', MEDIUM: '#FFC000', KRITISK: '#C00000' }[band]);
      // Greyscale printing keeps luminance, so contrast is what keeps the numbers readable; the band is also written out.
      for (const ink of cell.inkColors) t.ok(contrast(ink, cell.fill) >= 4.5, `text on (${l},${c}) has contrast ≥ 4.5`);
      t.ok(cell.texts.includes({ LAG: 'Låg', MEDIUM: 'Medium', KRITISK: 'Kritisk' }[band]), `(${l},${c}) names its band in text`);
      t.ok(cell.texts.includes(`RV ${rv}`));
    }
  }
  t.equal(cells.get('2,3')!.numbers.length, 44, 'cell (2,3) wraps its 44 numbers');
  t.ok(elements(svg, 'text', 'nr').length > 2, 'numbers are wrapped over several lines');
  t.notMatch(svg, /class="more"/, 'nothing is left out');

  // The drawing: consequence grows to the right, likelihood grows upwards, the grid has no gaps.
  const a = cells.get('1,1')!;
  for (const cell of cells.values()) {
    t.equal(cell.x, a.x + (cell.consequence - 1) * a.width, `x of (${cell.likelihood},${cell.consequence})`);
    t.equal(cell.y, a.y - (cell.likelihood - 1) * a.height, `y of (${cell.likelihood},${cell.consequence})`);
  }
  const labels = ['Osannolikt', 'Mindre sannolikt', 'Möjlig', 'Sannolikt', 'Mycket sannolikt'];
  const conseq = ['Försumbar', 'Lindrig', 'Kännbar', 'Allvarlig', 'Mycket allvarlig'];
  for (let v = 1; v <= 5; v++) {
    const row = new RegExp(`<g class="likelihood-label" data-likelihood="${v}"><text x="[\\d.]+" y="([\\d.]+)"[^>]*>${v}</text><text[^>]*>${labels[v - 1]}</text></g>`).exec(svg);
    t.ok(row, `likelihood ${v} ${labels[v - 1]}`);
    const y = Number(row![1]);
    t.ok(y > cells.get(`${v},1`)!.y && y < cells.get(`${v},1`)!.y + a.height, `label ${v} beside its row`);
    const col = new RegExp(`<g class="consequence-label" data-consequence="${v}"><text x="([\\d.]+)"[^>]*>${v}</text><text[^>]*>${conseq[v - 1]}</text></g>`).exec(svg);
    t.ok(col, `consequence ${v} ${conseq[v - 1]}`);
    t.equal(Number(col![1]), cells.get(`1,${v}`)!.x + a.width / 2, `label ${v} under its column`);
  }
  t.match(svg, />Sannolikhet</);
  t.match(svg, />Konsekvens</);

  const legend = textOf(svg.slice(svg.indexOf('<g class="legend">')));
  t.equal(legend, 'Kritisk 3 Medium 64 Låg 2 Totalt: 69 Ej bedömda: 1', 'counts as the document prints them, most severe first');
  t.match(svg, /<title id="[^"]+">Riskmatris Servicenämnden 2026<\/title>/);
});

t.test('vor.html: the VoR grouped by goal, process and working method, then the IKP', async (t) => {
  const res = await get(`${BASE}/plans/SN/2026/vor.html`);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html; charset=utf-8/);
  const page = res.body;
  t.same(tagProblems(page, { html: true }), [], 'well-formed');
  t.match(page, /<html lang="sv">/);
  t.match(page, /@media print/);
  t.notMatch(page, /<script/i);
  t.match(textOf(page), 'Väsentlighets- och riskanalys samt internkontrollplan 2026 Servicenämnden');
  t.match(textOf(page), 'Status Utkast Beslut Inte fastställd');
  t.equal(svgCells(page).size, 25, 'the matrix is inline');

  const vor = elements(page, 'table', 'vor')[0];
  const rows = elements(vor, 'tr', 'risk');
  t.same(rows.map((r) => Number(attr(r, 'data-nr'))).sort((a, b) => a - b), snVor.risks.map((r) => r.nr).sort((a, b) => a - b), 'all 70 risks, once each');
  const goalOrder = elements(vor, 'tr', 'goal').map((g) => textOf(g).split(' ')[0]);
  t.same(goalOrder, [...goalOrder].sort((a, b) => Number(a.split('.')[0]) - Number(b.split('.')[0]) || Number(a.split('.')[1]) - Number(b.split('.')[1])), 'goals in code order');
  const byNr = new Map(rows.map((r) => [Number(attr(r, 'data-nr')), textOf(r)]));
  for (const r of snVor.risks) {
    const row = byNr.get(r.nr)!;
    t.match(row, r.title.replace(/\s+/g, ' '), `risk ${r.nr} title`);
    if (r.rv !== null) t.match(row, ` ${r.rv} `, `risk ${r.nr} RV`);
  }
  t.match(byNr.get(1), '1 Risk för att felaktig information/regelverk utlämnas till berörd person 2. Mindre sannolikt 3. Kännbar 6 Medium Nej, endast VoR');
  t.match(byNr.get(38), '3. Möjlig 4. Allvarlig 12 Kritisk Ja');
  t.match(byNr.get(31), 'Nej, motiverat: motivering saknas', 'RV 9 but not in the IKP: the missing motivation shows');
  t.match(byNr.get(70), 'Ej bedömd');
  // Each goal section starts the row group of its processes with the goal's code.
  const goal35 = elements(vor, 'tbody', 'goal').find((b) => textOf(b).startsWith('3.5 '))!;
  t.ok(elements(goal35, 'tr', 'risk').some((r) => attr(r, 'data-nr') === '51'), 'risk 51 is under goal 3.5');

  const ikpRows = elements(page, 'tr', 'ikp-row');
  t.same(ikpRows.map((r) => Number(attr(r, 'data-nr'))), IKP_RISKS, 'the IKP: one row per control activity, in goal order');
  for (const row of ikpRows) {
    const nr = Number(attr(row, 'data-nr'));
    const r = snVor.risks.find((x) => x.nr === nr)!;
    const text = textOf(row);
    t.match(text, r.kontroll!.systematiskKontroll.replace(/\s+/g, ' '), `control of ${nr}`);
    t.match(text, r.kontroll!.kontrollaktivitet.replace(/\s+/g, ' '), `activity of ${nr}`);
    t.match(text, r.arbetssatt.replace(/\s+/g, ' '));
    t.match(text, ` ${r.rv} `);
  }
});

t.test('follow-up.html before any follow-up: every IKP activity, nothing reported, no assessment yet', async (t) => {
  const res = await get(`${BASE}/plans/SN/2026/follow-up.html`);
  t.equal(res.statusCode, 200);
  const page = res.body;
  t.same(tagProblems(page, { html: true }), [], 'well-formed');
  t.same(elements(page, 'tr', 'activity').map((r) => Number(attr(r, 'data-nr'))), IKP_RISKS);
  t.match(textOf(page), 'Nämnden har ännu inte gjort någon bedömning för 2026.');
  t.equal(elements(page, 'tr', 'activity').filter((r) => textOf(r).includes('Ingen uppföljning registrerad')).length, 12);
});

t.test('ledningens-genomgang: the security process, its IKP controls and outcomes, open actions and three years of plans', async (t) => {
  const db = app.database.db;
  const { plan } = await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { id ikp { risk { nr } controlActivity { id } } } }`);
  const activity = (nr: number) => plan.ikp.find((r: { risk: { nr: number } }) => r.risk.nr === nr).controlActivity.id;
  const [sisDeviation, otherDeviation] = await db
    .insert(followUps)
    .values([
      { planId: plan.id, controlActivityId: activity(62), period: 'T1', status: 'REPORTED', outcome: 'DEVIATION', resultText: 'Rutinen kommunicerades inte.' },
      { planId: plan.id, controlActivityId: activity(38), period: 'T1', status: 'REPORTED', outcome: 'DEVIATION', resultText: 'Leverantören svarade inte.' },
    ])
    .returning();
  // The three-year plan of seed 003 (section 3), as actions decided on the plan.
  await db.insert(actions).values([
    { planId: plan.id, title: 'Revidering av lokal anvisning för informationssäkerhet', plannedYear: 2026, owner: 'ISAM', tags: ['NIS2'] },
    { planId: plan.id, title: 'Öva enligt kontinuitetsplaner', plannedYear: 2026, status: 'IN_PROGRESS' },
    { planId: plan.id, title: 'Granska hur väl lokal rutin för regelbundna informationsklassningar följs', plannedYear: 2027 },
    { planId: plan.id, title: 'Identifiera och genomföra ytterligare åtgärder som krävs för NIS2', plannedYear: 2027, tags: ['NIS2', 'Riskhantering'] },
    { planId: plan.id, title: 'Öva utifrån kontinuitetsplaner', plannedYear: 2028 },
    { planId: plan.id, title: 'Inventera klassningar igen', plannedYear: 2029 },
    { planId: plan.id, title: 'Avbruten översyn', plannedYear: 2027, status: 'CANCELLED', statusReason: 'Ersatt' },
    { planId: plan.id, title: 'Ta fram incidentrutin', dueDate: '2026-06-30', followUpId: sisDeviation.id, owner: 'Avdelningschef' },
    { planId: plan.id, title: 'Påminn leverantören', dueDate: '2026-05-31', followUpId: otherDeviation.id },
  ]);

  const res = await get(`${BASE}/ledningens-genomgang/SN/2026.html`);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-disposition'], /filename="ledningens-genomgang-SN-2026\.html"/);
  const page = res.body;
  t.same(tagProblems(page, { html: true }), [], 'well-formed');
  t.match(textOf(page), 'Informationssäkerhet – Ledningens genomgång år 2026 Servicenämnden');
  t.same(elements(elements(page, 'table', 'sis-risks')[0], 'tr', 'risk').map((r) => Number(attr(r, 'data-nr'))).sort((a, b) => a - b), SIS_RISKS);
  const ikp = elements(page, 'tr', 'ikp-row');
  t.same(ikp.map((r) => Number(attr(r, 'data-nr'))), SIS_IKP);
  t.match(textOf(ikp[SIS_IKP.indexOf(62)]), 'Tertialrapport 1: Avvikelse Rutinen kommunicerades inte. Ta fram incidentrutin');

  const open = elements(page, 'table', 'open-actions')[0];
  const openTitles = elements(open, 'tr', 'action').map((r) => textOf(r));
  t.ok(openTitles.some((x) => x.startsWith('Ta fram incidentrutin') && x.includes('Avvikelse, Tertialrapport 1')), 'the SIS deviation’s action is open');
  t.notOk(openTitles.some((x) => x.includes('Påminn leverantören')), 'an action from another process is not information security');
  t.notOk(openTitles.some((x) => x.includes('Avbruten')), 'a cancelled action is not open');

  const years = elements(page, 'section', 'year');
  t.same(years.map((y) => attr(y, 'data-year')), ['2026', '2027', '2028']);
  const titles = (y: string) => elements(y, 'li', 'action').map((li) => textOf(li.replace(/<br>[\s\S]*$/, '')));
  t.same(titles(years[0]), ['Revidering av lokal anvisning för informationssäkerhet', 'Öva enligt kontinuitetsplaner', 'Ta fram incidentrutin']);
  t.same(titles(years[1]), ['Granska hur väl lokal rutin för regelbundna informationsklassningar följs', 'Identifiera och genomföra ytterligare åtgärder som krävs för NIS2']);
  t.same(titles(years[2]), ['Öva utifrån kontinuitetsplaner']);
  t.match(textOf(years[1]), 'NIS2 Riskhantering', 'tags are shown');
  t.match(textOf(years[0]), 'Ansvarig: ISAM · planerat 2026 · Planerad');
  t.notOk(years.some((y) => y.includes('Inventera klassningar igen')), '2029 is beyond the three years');
  t.ok(openTitles.some((x) => x.startsWith('Inventera klassningar igen')), 'but it is open');
});

t.test('access: same rules as reading the plan, problem+json errors', async (t) => {
  const urls = ['plans/SN/2026/risk-matrix.svg', 'plans/SN/2026/vor.html', 'plans/SN/2026/follow-up.html', 'ledningens-genomgang/SN/2026.html'];
  for (const u of urls) {
    const none = await get(`${BASE}/${u}`, null);
    t.equal(none.statusCode, 401, `${u} without a token`);
    t.match(none.json(), { code: 'UNAUTHENTICATED', status: 401 });
    const other = await get(`${BASE}/${u}`, ['viewer:KS', 'editor:KS']);
    t.equal(other.statusCode, 403, `${u} for another nämnd`);
    t.match(other.headers['content-type'], /application\/problem\+json/);
    t.match(other.json(), { code: 'FORBIDDEN', type: 'urn:internkontroll:error:FORBIDDEN' });
    t.notMatch(other.body, /Servicenämnden/);
    for (const roles of [['viewer:*'], ['auditor'], ['integration'], ['admin'], ['editor:sn']]) {
      t.equal((await get(`${BASE}/${u}`, roles)).statusCode, 200, `${u} for ${roles}`);
    }
    const missing = await get(`${BASE}/${u.replace('2026', '2031')}`);
    t.equal(missing.statusCode, 404, `${u} for a year without a plan`);
    t.match(missing.json(), { code: 'NOT_FOUND', status: 404 });
    const bad = await get(`${BASE}/${u.replace('2026', '20x6')}`);
    t.equal(bad.statusCode, 400, `${u} with a bad year`);
    t.match(bad.json(), { code: 'VALIDATION_FAILED' });
  }
  t.equal((await get(`${BASE}/plans/NOPE/2026/vor.html`, ['admin'])).statusCode, 404, 'unknown nämnd');
});

t.test('a report costs the same number of statements for 70 risks as for one', async (t) => {
  const small = await buildPlan(app, 'TINY');
  await gqlOk(app, `mutation($i: CreateRiskInput!) { createRisk(input: $i) { id } }`, { i: { workingMethodId: small.wm.id, title: 'En risk', likelihood: 4, consequence: 4 } });
  const count = async (code: string, report: string) => {
    queries.length = 0;
    const res = await get(`${BASE}/${report.replace('CODE', code)}`, ['admin']);
    t.equal(res.statusCode, 200);
    return queries.length;
  };
  for (const report of ['plans/CODE/2026/follow-up.html', 'ledningens-genomgang/CODE/2026.html', 'plans/CODE/2026/vor.html']) {
    const big = await count('SN', report);
    t.equal(await count('TINY', report), big, `${report}: ${big} statements either way`);
    t.ok(big <= 14, `${report}: a fixed handful (${big})`);
  }
});
