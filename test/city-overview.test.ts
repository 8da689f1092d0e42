import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { normalizeName } from '../src/modules/plans/index.js';
import { createTestDatabase, gql, gqlOk, codeOf, QUIET, testConfig, token } from './helper.js';
import { buildKommunstyrelsen } from './support/kommunstyrelsen.js';
import { IMPORT, loadServicenamnden, snRows } from './support/servicenamnden.js';
import { svgCells, tagProblems, textOf, elements, attr } from './support/report-parse.js';

// The city overview (issue 18): every figure must equal what the plan's own GraphQL fields say, for Servicenämnden
// 2026 (an imported draft), Kommunstyrelsen 2024 (adopted, followed up, assessed, rolled over into 2025), generated
// nämnder and a nämnd without a plan. The clock is fixed, so "overdue" is the same on every run.
const TODAY = '2026-09-15';
const clock = { now: () => new Date(`${TODAY}T10:00:00+02:00`) };

async function appWithClock(tt: Parameters<typeof createTestDatabase>[0]) {
  const tdb = await createTestDatabase(tt);
  const app = await buildApp(testConfig(QUIET), { database: tdb.database, clock });
  tt.teardown(() => app.close());
  return { app, queries: tdb.queries };
}

const { app } = await appWithClock(t);
const editor = token(['editor:KS'], 'eva');
const approver = token(['approver:KS'], 'anders');

// Kommunstyrelsen 2024: adopted, one follow-up reported with a deviation and an open action past its due date,
// the assessment, then the rollover carries the open action into 2025.
const { planId: ks2024 } = await buildKommunstyrelsen(app, editor, approver);
const ksPlan = async () => (await gqlOk(app, `{ planById(id: "${ks2024}") { version followUps { id version } } }`)).planById;
let p = await ksPlan();
await gqlOk(app, `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { id } }`, { i: { id: ks2024, version: p.version, decisionDate: '2024-01-25', decisionReference: '§ 1' } }, approver);
p = await ksPlan();
const fu = p.followUps[0];
await gqlOk(app, `mutation($i: VersionInput!) { startFollowUp(input: $i) { id } }`, { i: { id: fu.id, version: fu.version } }, editor);
await gqlOk(app, `mutation($i: CreateActionInput!) { createAction(input: $i) { id } }`, { i: { planId: ks2024, followUpId: fu.id, title: 'Åtgärd', dueDate: '2024-06-30' } }, editor);
await gqlOk(app, `mutation($i: ReportFollowUpInput!) { reportFollowUp(input: $i) { id } }`, { i: { id: fu.id, version: fu.version + 1, outcome: 'DEVIATION', resultText: 'Brister' } }, editor);
await gqlOk(app, `mutation($i: SetAssessmentInput!) { setAssessment(input: $i) { id } }`, { i: { planId: ks2024, level: 'I_HUVUDSAK_TILLRACKLIG', analysis: 'Brister i två kontroller' } }, editor);
await gqlOk(app, `mutation { rollover(input: { fromYear: 2024, toYear: 2025 }) { created } }`);
// In 2025 one risk is valued higher: from 3 × 3 (Medium) to 5 × 3 (Kritisk), a move up since the year before.
const ks2025 = (await gqlOk(app, `{ plan(namndCode: "KS", year: 2025) { risks { id nr version likelihood consequence } } }`)).plan;
const moved = ks2025.risks[0];
await gqlOk(app, `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id } }`, { i: { id: moved.id, version: moved.version, likelihood: 5 } }, editor);

// Servicenämnden 2026 (a draft with risk 31's rule violation), generated nämnder and one without a plan.
await loadServicenamnden(app);
const small = (nrs: string[]) => snRows().filter((r) => nrs.includes(r.nr));
await gqlOk(app, IMPORT, { input: { namndCode: 'G1', namndName: 'Genererad ett', year: 2026, rows: small(['51', '53', '60', '61', '62']) } });
await gqlOk(app, IMPORT, { input: { namndCode: 'G2', namndName: 'Genererad två', year: 2026, rows: small(['38', '39', '55', '8']) } });
await gqlOk(app, `mutation { createNamnd(input: { code: "UT", name: "Utan plan" }) { id } }`);

const OVERVIEW = `query($y: Int!) { cityOverview(year: $y) {
  year
  namnder { namnd { code name } plan { id } planStatus decisionDate decisionReference adoptionLate followUpLate assessment analysisWritten
    bandCounts { bands { band { key } count } total unassessed } ikpRisks ikpRows
    followUpSummary { followUps reported deviations notPerformed late openActions overdueActions }
    periods { period followUps reported deviations notPerformed late overdue }
    overdueFollowUps openActions overdueActions carriedOverActions ruleViolations { rule entityType entityId message } }
  totals { namnder withPlan withoutPlan statuses { status count } adoptionLate followUpLate assessments { level label count } notAssessed analysisWritten
    bands { band { key } count } assessedRisks unassessedRisks ikpRisks ikpRows
    followUpSummary { followUps reported deviations notPerformed late openActions overdueActions }
    periods { period followUps reported deviations notPerformed late overdue }
    overdueFollowUps openActions overdueActions carriedOverActions ruleViolations }
  mandatoryProcess { name missing { code } workingMethods { name risks bands { band { key } count } unassessedRisks assessed assessedBy { code } inIkp inIkpBy { code } missing { code } } }
  commonRisks { kind process workingMethod namndCount namnder { code } criticalRisks }
  comparison { previousYear assessmentsChanged risksMoved namnder { namnd { code } previousAssessment assessment assessmentChanged movedRisks { nr title previousNr previousBand { key } band { key } direction } } }
} }`;

const PLAN = `query($c: String!, $y: Int!) { plan(namndCode: $c, year: $y) {
  status decisionDate decisionReference
  bandCounts { bands { band { key } count } total unassessed }
  ikp { risk { nr } }
  followUpSummary { followUps reported deviations notPerformed late openActions overdueActions }
  followUps { period status outcome late dueDate }
  actions { id status overdue }
  assessment { level analysis }
  ruleViolations { rule entityType entityId message }
  processes { name workingMethods { name } }
  risks { nr inIkp band { key } process { name } workingMethod { name } }
} }`;

type Row = Record<string, any>;
const overview = async (y: number, roles: string[] = ['admin']) => (await gqlOk(app, OVERVIEW, { y }, roles)).cityOverview;
const planOf = async (code: string, y: number) => (await gqlOk(app, PLAN, { c: code, y })).plan;

/** The row's figures as the plan's own fields give them. */
function expectedRow(plan: Row | null) {
  if (!plan) return null;
  const fus = plan.followUps as Row[];
  const periods = ['T1', 'T2', 'VB'].map((period) => {
    const of = fus.filter((f) => f.period === period);
    return {
      period,
      followUps: of.length,
      reported: of.filter((f) => f.status === 'REPORTED').length,
      deviations: of.filter((f) => f.outcome === 'DEVIATION').length,
      notPerformed: of.filter((f) => f.outcome === 'NOT_PERFORMED').length,
      late: of.filter((f) => f.late).length,
      overdue: of.filter((f) => f.status !== 'REPORTED' && TODAY > f.dueDate).length,
    };
  });
  return {
    planStatus: plan.status,
    decisionDate: plan.decisionDate,
    decisionReference: plan.decisionReference,
    bandCounts: plan.bandCounts,
    ikpRows: plan.ikp.length,
    ikpRisks: new Set(plan.ikp.map((r: Row) => r.risk.nr)).size,
    followUpSummary: plan.followUpSummary,
    periods,
    overdueFollowUps: periods.reduce((n, x) => n + x.overdue, 0),
    openActions: plan.actions.filter((a: Row) => ['PLANNED', 'IN_PROGRESS'].includes(a.status)).length,
    overdueActions: plan.actions.filter((a: Row) => a.overdue).length,
    assessment: plan.assessment?.level ?? null,
    analysisWritten: !!plan.assessment?.analysis.trim(),
    ruleViolations: plan.status === 'DRAFT' ? plan.ruleViolations : [],
    adoptionLate: plan.status === 'DRAFT',
  };
}

const plansByYear = new Map<number, Map<string, Row | null>>();
async function plansOf(y: number, codes: string[]) {
  const m = new Map<string, Row | null>();
  for (const c of codes) m.set(c, await planOf(c, y));
  plansByYear.set(y, m);
  return m;
}

for (const y of [2024, 2025, 2026]) {
  t.test(`${y}: each nämnd's row equals its plan's own figures`, async (t) => {
    const o = await overview(y);
    t.equal(o.year, y);
    t.same(o.namnder.map((r: Row) => r.namnd.code), ['G1', 'G2', 'KS', 'SN', 'UT'], 'every nämnd, also those without a plan');
    const plans = await plansOf(y, o.namnder.map((r: Row) => r.namnd.code));
    for (const row of o.namnder as Row[]) {
      const plan = plans.get(row.namnd.code)!;
      const want = expectedRow(plan);
      if (!want) {
        t.equal(row.plan, null, `${row.namnd.code}: no plan`);
        t.equal(row.planStatus, null);
        t.equal(row.bandCounts, null);
        t.equal(row.adoptionLate, true, `${row.namnd.code}: no plan in a year that has begun is late`);
        t.equal(row.ikpRisks + row.openActions + row.overdueFollowUps + row.ruleViolations.length, 0);
        continue;
      }
      for (const [k, v] of Object.entries(want)) t.same(row[k], v, `${row.namnd.code} ${y}: ${k}`);
      t.equal(row.followUpLate, want.overdueFollowUps > 0);
      t.equal(row.carriedOverActions, row.namnd.code === 'KS' && y === 2024 ? 1 : 0, `${row.namnd.code} ${y}: carried-over actions`);
    }
  });
}

t.test('known figures: Servicenämnden 2026 and Kommunstyrelsen 2024', async (t) => {
  const sn = (await overview(2026)).namnder.find((r: Row) => r.namnd.code === 'SN');
  t.same(Object.fromEntries(sn.bandCounts.bands.map((b: Row) => [b.band.key, b.count])), { LAG: 2, MEDIUM: 64, KRITISK: 3 });
  t.equal(sn.ikpRisks, 12);
  t.equal(sn.planStatus, 'DRAFT');
  t.ok(sn.ruleViolations.some((v: Row) => v.rule === 'R2'), "risk 31's missing motivation is still open");
  const ks = (await overview(2024)).namnder.find((r: Row) => r.namnd.code === 'KS');
  t.equal(ks.planStatus, 'ADOPTED');
  t.equal(ks.decisionDate, '2024-01-25');
  t.equal(ks.assessment, 'I_HUVUDSAK_TILLRACKLIG');
  t.equal(ks.analysisWritten, true);
  t.equal(ks.adoptionLate, false);
  t.equal(ks.followUpSummary.deviations, 1);
  // The action due 2024-06-30 was carried over to 2025 by the rollover: open (and overdue) there, once, not here.
  t.equal(ks.overdueActions, 0, 'the carried action is not open in 2024');
  t.equal(ks.openActions, 0);
  t.ok(ks.overdueFollowUps > 0, 'the 2024 follow-ups not reported are overdue');
  t.equal(ks.carriedOverActions, 1);
  const ks25 = (await overview(2025)).namnder.find((r: Row) => r.namnd.code === 'KS');
  t.equal(ks25.overdueActions, 1, 'the copy of the action due 2024-06-30 is open and overdue in 2025');
  t.same(ks.ruleViolations, [], 'an adopted plan has no open violations to list');
});

t.test('totals are the sums of the rows, with the distribution of assessments', async (t) => {
  for (const y of [2024, 2026]) {
    const o = await overview(y);
    const rows = o.namnder as Row[];
    const sum = (f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0);
    const tot = o.totals;
    t.equal(tot.namnder, rows.length);
    t.equal(tot.withPlan, rows.filter((r) => r.plan).length);
    t.equal(tot.withoutPlan, rows.filter((r) => !r.plan).length);
    for (const s of tot.statuses) t.equal(s.count, rows.filter((r) => r.planStatus === s.status).length, `${y} ${s.status}`);
    for (const a of tot.assessments) t.equal(a.count, rows.filter((r) => r.assessment === a.level).length, `${y} ${a.level}`);
    t.equal(tot.notAssessed, rows.filter((r) => !r.assessment).length);
    for (const b of tot.bands) t.equal(b.count, sum((r) => r.bandCounts?.bands.find((x: Row) => x.band.key === b.band.key)?.count ?? 0), `${y} band ${b.band.key}`);
    for (const k of ['ikpRisks', 'ikpRows', 'overdueFollowUps', 'openActions', 'overdueActions', 'carriedOverActions']) t.equal(tot[k], sum((r) => r[k]), `${y} ${k}`);
    for (const k of Object.keys(tot.followUpSummary)) t.equal(tot.followUpSummary[k], sum((r) => r.followUpSummary[k]), `${y} followUpSummary.${k}`);
    tot.periods.forEach((pp: Row, i: number) => {
      for (const k of ['followUps', 'reported', 'deviations', 'notPerformed', 'late', 'overdue']) t.equal(pp[k], sum((r) => r.periods[i][k]), `${y} ${pp.period}.${k}`);
    });
    t.equal(tot.ruleViolations, sum((r) => r.ruleViolations.length));
    t.equal(tot.adoptionLate, rows.filter((r) => r.adoptionLate).length);
    t.equal(tot.assessedRisks, sum((r) => r.bandCounts?.total ?? 0));
  }
  const t24 = (await overview(2024)).totals;
  t.same(t24.assessments.map((a: Row) => [a.level, a.label, a.count]), [['TILLRACKLIG', 'Tillräcklig', 0], ['I_HUVUDSAK_TILLRACKLIG', 'I huvudsak tillräcklig', 1], ['INTE_TILLRACKLIG', 'Inte tillräcklig', 0]]);
});

t.test('the mandatory process: who assessed each working method agrees with rule R5 of each plan', async (t) => {
  const o = await overview(2026);
  const plans = plansByYear.get(2026) ?? (await plansOf(2026, o.namnder.map((r: Row) => r.namnd.code)));
  t.equal(o.mandatoryProcess.length, 1);
  const mp = o.mandatoryProcess[0];
  t.equal(mp.name, 'Systematiskt informationssäkerhetsarbete');
  t.equal(mp.workingMethods.length, 5);
  t.same(mp.missing.map((n: Row) => n.code), ['KS', 'UT'], 'the nämnder without a 2026 plan');
  for (const w of mp.workingMethods as Row[]) {
    const assessed = w.assessedBy.map((n: Row) => n.code);
    const missing = w.missing.map((n: Row) => n.code);
    t.same([...assessed, ...missing].sort(), ['G1', 'G2', 'KS', 'SN', 'UT'], `${w.name}: every nämnd either assessed it or misses it`);
    t.equal(w.assessed, assessed.length);
    t.equal(w.inIkp, w.inIkpBy.length);
    for (const [code, plan] of plans) {
      if (!plan) {
        t.ok(missing.includes(code), `${code} without a plan misses ${w.name}`);
        continue;
      }
      const r5 = plan.ruleViolations.some((v: Row) => v.rule === 'R5' && normalizeName(v.message).includes(normalizeName(w.name)));
      t.equal(missing.includes(code), r5, `${code}: ${w.name} missing exactly when R5 says so`);
    }
    t.equal(w.bands.reduce((n: number, b: Row) => n + b.count, 0) + w.unassessedRisks, w.risks, `${w.name}: every risk counted once`);
  }
  t.ok(mp.workingMethods.every((w: Row) => w.assessedBy.some((n: Row) => n.code === 'SN')), 'Servicenämnden assessed all five (one spelled by its alias)');
});

t.test('common risks: the processes and working methods rated Kritisk, with their nämnder', async (t) => {
  const o = await overview(2026);
  const plans = plansByYear.get(2026)!;
  const want = new Map<string, Set<string>>();
  for (const [code, plan] of plans) {
    for (const r of (plan?.risks ?? []) as Row[]) {
      if (r.band?.key !== 'KRITISK') continue;
      for (const key of [`PROCESS|${normalizeName(r.process.name)}`, `WORKING_METHOD|${normalizeName(r.process.name)}|${normalizeName(r.workingMethod.name)}`]) {
        want.set(key, (want.get(key) ?? new Set()).add(code));
      }
    }
  }
  t.ok(want.size > 0);
  t.equal(o.commonRisks.length, want.size);
  for (const c of o.commonRisks as Row[]) {
    const key = c.kind === 'PROCESS' ? `PROCESS|${normalizeName(c.process)}` : `WORKING_METHOD|${normalizeName(c.process)}|${normalizeName(c.workingMethod)}`;
    t.same(c.namnder.map((n: Row) => n.code).sort(), [...(want.get(key) ?? [])].sort(), key);
    t.equal(c.namndCount, c.namnder.length);
  }
  const counts = o.commonRisks.map((c: Row) => c.namndCount);
  t.same(counts, [...counts].sort((a, b) => b - a), 'most nämnder first');
  t.equal(o.commonRisks[0].namndCount, 2, 'SN and G2 share risks 38, 39 and 55');
});

t.test('year over year: assessments that changed and risks that moved band, linked by origin', async (t) => {
  const o = await overview(2025);
  t.equal(o.comparison.previousYear, 2024);
  const ks = o.comparison.namnder.find((n: Row) => n.namnd.code === 'KS');
  t.equal(ks.previousAssessment, 'I_HUVUDSAK_TILLRACKLIG');
  t.equal(ks.assessment, null);
  t.equal(ks.assessmentChanged, false, 'not yet assessed is no change of judgement');
  t.same(ks.movedRisks.map((m: Row) => [m.nr, m.previousBand.key, m.band.key, m.direction]), [[moved.nr, 'MEDIUM', 'KRITISK', 'UP']]);
  t.equal(o.comparison.risksMoved, 1);
  t.equal(o.comparison.namnder.length, 1, 'only nämnder with a plan in both years');
  const o26 = await overview(2026);
  t.same(o26.comparison.namnder, [], 'no 2026 plan came from 2025');
});

t.test('access: city-wide readers see every nämnd, nämnd roles only theirs', async (t) => {
  for (const roles of [['admin'], ['auditor'], ['integration'], ['viewer:*']]) {
    const o = await overview(2026, roles);
    t.equal(o.namnder.length, 5, roles.join());
  }
  const sn = await overview(2026, ['viewer:SN']);
  t.same(sn.namnder.map((r: Row) => r.namnd.code), ['SN']);
  t.equal(sn.totals.namnder, 1);
  t.notOk(JSON.stringify(sn).includes('"G2"'), 'nothing of another nämnd, also not in common risks or the mandatory process');
  const two = await overview(2026, ['editor:KS', 'viewer:G1']);
  t.same(two.namnder.map((r: Row) => r.namnd.code), ['G1', 'KS']);
  const none = await gql(app, OVERVIEW, { y: 2026 }, []);
  t.equal(codeOf(none), 'FORBIDDEN');
  t.equal(codeOf(await gql(app, OVERVIEW, { y: 2026 }, null)), 'UNAUTHENTICATED');
  t.equal(codeOf(await gql(app, OVERVIEW, { y: 1999 })), 'VALIDATION_FAILED');
});

const getAs = (url: string, roles: string[] | null) => app.inject({ method: 'GET', url, headers: roles ? { authorization: `Bearer ${token(roles)}` } : {} });

t.test('the city report: the same figures, printable, escaped', async (t) => {
  const o = await overview(2026);
  const res = await getAs('/api/v1/reports/city/2026.html', ['auditor']);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.match(res.headers['content-security-policy'], /default-src 'none'/);
  const doc = res.body;
  t.same(tagProblems(doc, { html: true }), []);
  t.match(textOf(doc), /Stadens interna kontroll 2026/);
  t.match(doc, /@page \{ size: A4/);
  const rows = elements(doc, 'tr', 'namnd');
  t.same(rows.map((r) => attr(r, 'data-namnd')), o.namnder.map((r: Row) => r.namnd.code));
  for (const row of o.namnder as Row[]) {
    const tr = rows.find((r) => attr(r, 'data-namnd') === row.namnd.code)!;
    const cell = (cls: string) => textOf(elements(tr, 'td', `num ${cls}`)[0] ?? '');
    t.equal(cell('ikp'), String(row.ikpRisks), `${row.namnd.code} IKP`);
    t.equal(cell('open-actions'), String(row.openActions));
    t.equal(cell('violations'), String(row.ruleViolations.length));
    t.match(textOf(elements(tr, 'td', 'plan-status')[0]), row.plan ? /Utkast|Fastställd|Avslutad/ : /Ingen plan/);
  }
  const totals = elements(doc, 'table', 'facts totals')[0];
  t.match(textOf(elements(totals, 'tr', 'ikp-risks')[0]), new RegExp(`${o.totals.ikpRisks}$`));
  t.match(textOf(elements(totals, 'tr', 'violations')[0]), new RegExp(`${o.totals.ruleViolations}$`));
  // The late list: every nämnd whose adoption or follow-up is late, and no other.
  const late = [...doc.matchAll(/<li data-namnd="([^"]+)"/g)].map((m) => m[1]);
  t.same(late, o.namnder.filter((r: Row) => r.adoptionLate || r.followUpLate).map((r: Row) => r.namnd.code));
  t.ok(late.includes('UT') && late.includes('SN'));
  // The city-wide matrix of the mandatory process: its cells hold every assessed risk under it.
  const svg = /<svg[\s\S]*?<\/svg>/.exec(doc)![0];
  const cells = svgCells(svg);
  const inCells = [...cells.values()].reduce((n, c) => n + c.numbers.length, 0);
  // Expected from the plans themselves: every risk under the mandatory process (all its working methods).
  const sis = [...plansByYear.get(2026)!.values()].flatMap((plan) => ((plan?.risks ?? []) as Row[]).filter((r) => normalizeName(r.process.name) === normalizeName(o.mandatoryProcess[0].name)));
  t.ok(sis.length > 0);
  t.equal(inCells, sis.filter((r) => r.band).length, 'every assessed risk of the process is in the matrix');
  t.equal(elements(doc, 'tr', 'city-risk').length, sis.length, 'and in the numbered list');
  // A nämnd role sees only its own nämnd; no token is refused.
  const sn = await getAs('/api/v1/reports/city/2026.html', ['viewer:SN']);
  t.same(elements(sn.body, 'tr', 'namnd').map((r) => attr(r, 'data-namnd')), ['SN']);
  t.equal((await getAs('/api/v1/reports/city/2026.html', null)).statusCode, 401);
  t.equal((await getAs('/api/v1/reports/city/2026.html', [])).statusCode, 403);
  t.equal((await getAs('/api/v1/reports/city/20x6.html', ['admin'])).statusCode, 400);
});

t.test('user text in the report is escaped', async (t) => {
  await gqlOk(app, `mutation { createNamnd(input: { code: "XS", name: "<script>alert(1)</script>" }) { id } }`);
  const res = await getAs('/api/v1/reports/city/2026.html', ['admin']);
  t.notOk(res.body.includes('<script>alert(1)'));
  t.ok(res.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

t.test('the namnd-years export: one row per nämnd and year, the same figures', async (t) => {
  const o = await overview(2026);
  const res = await getAs('/api/v1/exports/namnd-years.json?year=2026', ['integration']);
  t.equal(res.statusCode, 200);
  const rows = res.json().value as Row[];
  t.same(rows.map((r) => r.namnd_code).sort(), o.namnder.map((r: Row) => r.namnd.code).sort());
  for (const r of rows) {
    const want = o.namnder.find((x: Row) => x.namnd.code === r.namnd_code);
    t.equal(r.year, 2026);
    t.equal(r.plan_status, want.planStatus);
    t.equal(r.ikp_risks, want.ikpRisks);
    t.equal(r.risks_kritisk, want.bandCounts?.bands.find((b: Row) => b.band.key === 'KRITISK')?.count ?? null);
    t.equal(r.open_actions, want.openActions);
    t.equal(r.overdue_follow_ups, want.overdueFollowUps);
    t.equal(r.vb_overdue, want.periods[2].overdue);
    t.equal(r.rule_violations, want.ruleViolations.length);
    t.equal(r.adoption_late, want.adoptionLate);
  }
  const all = (await getAs('/api/v1/exports/namnd-years.json', ['admin'])).json().value as Row[];
  const ks24 = all.find((r) => r.namnd_code === 'KS' && r.year === 2024)!;
  t.equal(ks24.carried_over_actions, 1);
  t.equal(ks24.assessment_label, 'I huvudsak tillräcklig');
  t.equal(ks24.deviations, 1);
  t.same([...new Set(all.map((r) => r.year))].sort(), [2024, 2025, 2026]);
  const ks = (await getAs('/api/v1/exports/namnd-years.json', ['viewer:KS'])).json().value as Row[];
  t.same([...new Set(ks.map((r) => r.namnd_code))], ['KS'], 'a nämnd role exports only its nämnd');
});

t.test('the statements do not grow with the number of nämnder (1 and 50)', async (t) => {
  const { app: app2, queries } = await appWithClock(t);
  const rows = small(['51', '53', '60', '61', '62']);
  const load = (i: number) => gqlOk(app2, IMPORT, { input: { namndCode: `N${i}`, namndName: `Nämnd ${i}`, year: 2026, rows } });
  const count = async () => {
    queries.length = 0;
    const d = await gqlOk(app2, OVERVIEW, { y: 2026 });
    return { n: queries.length, rows: d.cityOverview.namnder.length };
  };
  await load(1);
  const one = await count();
  for (let i = 2; i <= 50; i++) await load(i);
  const fifty = await count();
  t.equal(one.rows, 1);
  t.equal(fifty.rows, 50);
  t.equal(fifty.n, one.n, `1 nämnd: ${one.n} statements, 50: ${fifty.n}`);
  t.ok(one.n <= 25, `a bounded number (${one.n})`);
});

t.test('namnd-years incremental refresh: a write moves updated_at of exactly its nämnd-year', async (t) => {
  const all = async (q = '') => (await getAs(`/api/v1/exports/namnd-years.json?top=1000${q}`, ['admin'])).json().value as Row[];
  const before = new Map((await all()).map((r) => [`${r.namnd_code}/${r.year}`, r]));
  // Rows keep their updated_at while nothing changes.
  t.same(new Map((await all()).map((r) => [`${r.namnd_code}/${r.year}`, r.updated_at])), new Map([...before].map(([k, r]) => [k, r.updated_at])));
  await new Promise((resolve) => setTimeout(resolve, 5));
  const since = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await gqlOk(app, `mutation($i: CreateActionInput!) { createAction(input: $i) { id } }`, { i: { planId: ks2024, title: 'Ny åtgärd' } }, editor);
  const changed = await all(`&updatedSince=${since}`);
  t.same(changed.map((r) => `${r.namnd_code}/${r.year}`), ['KS/2024']);
  t.equal(changed[0].open_actions, before.get('KS/2024')!.open_actions + 1);
});
