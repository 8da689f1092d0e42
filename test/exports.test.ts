import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildTestApp, gqlOk, token } from './helper.js';
import { csvRecords } from './csv-parse.js';
import { seedPlan, servicenamndenVor, smallVor, type SeededPlan } from './fixtures/seed-plan.js';

const { app, database } = await buildTestApp(t);
const db = database.db;

const sn = await seedPlan(db, servicenamndenVor());
const ks = await seedPlan(db, smallVor('KS', 2026));
const sn2025 = await seedPlan(db, smallVor('SN', 2025));
// One audit event, written the ordinary way.
await gqlOk(app, `mutation { createNamnd(input: { code: "UF", name: "Utbildningsnämnden" }) { id } }`);

const sum = (k: keyof SeededPlan['counts']) => sn.counts[k] + ks.counts[k] + sn2025.counts[k];
const EXPECTED: Record<string, number> = {
  namnder: 3,
  goals: 16,
  plans: 3,
  processes: sum('processes'),
  'working-methods': sum('workingMethods'),
  risks: sum('risks'),
  controls: sum('controls'),
  'control-activities': sum('controlActivities'),
  'follow-ups': sum('followUps'),
  actions: sum('actions'),
  assessments: sum('assessments'),
  'audit-events': 1,
};

type Auth = string[] | null;
const get = (url: string, roles: Auth = ['admin'], headers: Record<string, string> = {}) =>
  app.inject({ url, headers: roles ? { authorization: `Bearer ${token(roles)}`, ...headers } : headers });

async function csvOf(url: string, roles: Auth = ['admin'], delimiter = ';') {
  const res = await get(url, roles);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return csvRecords(res.body, delimiter);
}

async function jsonOf(url: string, roles: Auth = ['admin']) {
  const res = await get(url, roles);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json() as { value: Record<string, unknown>[]; nextLink: string | null };
}

/** Follows nextLink to the last page, as Power BI does; returns every row and the number of pages. */
async function allPages(url: string, roles: Auth = ['admin']) {
  const rows: Record<string, unknown>[] = [];
  let next: string | null = url;
  let pages = 0;
  while (next) {
    const page = await jsonOf(next.replace(/^https?:\/\/[^/]+/, ''), roles);
    rows.push(...page.value);
    next = page.nextLink;
    if (++pages > 1000) throw new Error('nextLink never ends');
  }
  return { rows, pages };
}

const RISK_COLUMNS = [
  'risk_id', 'plan_id', 'namnd_code', 'year', 'goal_code', 'process', 'working_method', 'nr', 'title', 'likelihood',
  'likelihood_label', 'consequence', 'consequence_label', 'rv', 'band', 'band_label', 'band_color', 'in_ikp', 'ikp_basis',
  'ikp_motivation', 'updated_at',
  // Appended by issue 15 (star-schema keys, band order, the partition date).
  'created_at', 'working_method_id', 'process_id', 'goal_id', 'band_order',
  // Appended by issue 14 (the rollover's link to last year's risk).
  'origin_id',
];

t.test('every dataset as CSV and as JSON: same rows, same columns, one row per entity', async (t) => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    const { header, records } = await csvOf(`/api/v1/exports/${name}.csv`);
    const { rows, pages } = await allPages(`/api/v1/exports/${name}.json`);
    t.equal(records.length, expected, `${name}.csv rows`);
    t.equal(rows.length, expected, `${name}.json rows`);
    t.equal(pages, 1, `${name}.json fits the default page`);
    t.same(Object.keys(rows[0]), header, `${name}: JSON keys in CSV column order`);
    const key = header[0];
    t.match(key, /_id$/, `${name}: the first column is the surrogate key`);
    t.equal(new Set(records.map((r) => r[key])).size, expected, `${name}: keys are unique`);
    t.same(rows.map((r) => String(r[key])), records.map((r) => r[key]), `${name}: same rows in the same order`);
    for (const r of rows) t.match(r.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `${name}: updated_at is ISO 8601 UTC`);
  }
});

t.test('risks: exactly the agreed columns, derived with the plan’s matrix and threshold', async (t) => {
  const { header, records } = await csvOf('/api/v1/exports/risks.csv?namnd=SN&year=2026');
  t.same(header, RISK_COLUMNS);
  t.equal(records.length, 70);
  const byNr = new Map(records.map((r) => [Number(r.nr), r]));
  // The city's own figures for Servicenämnden 2026 (DOMAIN.md).
  const bands: Record<string, number> = {};
  for (const r of records) bands[r.band_label || '(unassessed)'] = (bands[r.band_label || '(unassessed)'] ?? 0) + 1;
  t.same(bands, { Kritisk: 3, Medium: 64, Låg: 2, '(unassessed)': 1 });
  const inIkp = records.filter((r) => r.in_ikp === 'true').map((r) => Number(r.nr)).sort((a, b) => a - b);
  t.same(inIkp, [30, 38, 39, 42, 43, 51, 53, 55, 57, 58, 62, 63]);
  t.ok(records.every((r) => r.in_ikp === 'true' || r.in_ikp === 'false'), 'booleans are true/false');

  t.match(byNr.get(38), {
    likelihood: '3', likelihood_label: 'Möjlig', consequence: '4', consequence_label: 'Allvarlig', rv: '12',
    band: 'KRITISK', band_label: 'Kritisk', band_color: '#C00000', in_ikp: 'true', ikp_basis: 'THRESHOLD',
    goal_code: '3.1', namnd_code: 'SN', year: '2026', plan_id: sn.planId, risk_id: sn.riskIds.get(38),
  });
  // RV 9 but not in the document's IKP: an exclusion that still lacks its motivation.
  t.match(byNr.get(31), { rv: '9', in_ikp: 'false', ikp_basis: 'MOTIVATED_EXCLUSION', ikp_motivation: '' });
  // Unassessed: every derived value is empty (null), and it cannot be in the IKP.
  t.match(byNr.get(70), {
    likelihood: '', likelihood_label: '', consequence: '', consequence_label: '', rv: '', band: '', band_label: '',
    band_color: '', in_ikp: 'false', ikp_basis: 'UNASSESSED',
  });
  t.match(byNr.get(27), { rv: '6', band: 'MEDIUM', band_label: 'Medium', band_color: '#FFC000' });

  const json = await jsonOf('/api/v1/exports/risks.json?namnd=KS');
  const motivated = json.value.find((r) => r.nr === 2)!;
  t.same(Object.keys(motivated), RISK_COLUMNS);
  t.match(motivated, { rv: 2, band: 'LAG', in_ikp: true, ikp_basis: 'MOTIVATED_INCLUSION', likelihood: 1, year: 2026 });
  const unassessed = (await jsonOf('/api/v1/exports/risks.json?namnd=SN&year=2026')).value.find((r) => r.nr === 70)!;
  t.same([unassessed.rv, unassessed.band, unassessed.likelihood, unassessed.in_ikp], [null, null, null, false]);
});

t.test('a band the plan itself defines is used, not the default', async (t) => {
  // An organisation may make a cell critical: (1,2) here. Stored with the plan, read back by the export.
  const matrix = (await db.execute(sql`select matrix from plans where id = ${ks.planId}`)) as unknown as { rows: { matrix: { cells: string[][] } }[] };
  const m = matrix.rows[0].matrix;
  m.cells[0][1] = 'KRITISK';
  await db.execute(sql`update plans set matrix = ${JSON.stringify(m)}::jsonb, ikp_threshold = 20 where id = ${ks.planId}`);
  t.teardown(async () => {
    m.cells[0][1] = 'LAG';
    await db.execute(sql`update plans set matrix = ${JSON.stringify(m)}::jsonb, ikp_threshold = 9 where id = ${ks.planId}`);
  });
  const rows = (await jsonOf('/api/v1/exports/risks.json?namnd=KS')).value;
  t.match(rows.find((r) => r.nr === 2), { rv: 2, band: 'KRITISK', band_label: 'Kritisk' });
  t.match(rows.find((r) => r.nr === 1), { rv: 16, in_ikp: false, ikp_basis: 'THRESHOLD' }, 'threshold 20 of this plan');
});

t.test('CSV: BOM, semicolons, CRLF; comma on request; quotes and line breaks survive a round trip', async (t) => {
  const res = await get('/api/v1/exports/risks.csv?namnd=KS');
  t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
  t.match(res.headers['content-disposition'], /filename="risks.csv"/);
  t.equal(res.headers['cache-control'], 'no-store');
  t.ok(res.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
  t.ok(res.body.startsWith('\uFEFFrisk_id;plan_id;namnd_code;'));

  const tricky = 'Behörigheter; "för breda"\r\noch inte avslutade';
  for (const [param, delimiter] of [['', ';'], ['&delimiter=semicolon', ';'], ['&delimiter=comma', ',']]) {
    const { header, records } = await csvOf(`/api/v1/exports/risks.csv?namnd=KS${param}`, ['admin'], delimiter);
    t.same(header, RISK_COLUMNS, `header with ${delimiter}`);
    t.equal(records.find((r) => r.nr === '1')?.title, tricky, `title intact with ${delimiter}`);
    t.equal(records.find((r) => r.nr === '2')?.ikp_motivation, 'Nämnden vill följa detta\nsärskilt');
  }
  const comma = await get('/api/v1/exports/goals.csv?year=2025&delimiter=comma');
  t.match(comma.body, /,"Hög beredskap; ""trygg"" stad",/);
  const activities = await csvOf('/api/v1/exports/control-activities.csv?namnd=KS');
  t.ok(activities.records.some((r) => r.description === 'Stickprov, "10 st"; per tertial'));
  t.equal((await jsonOf('/api/v1/exports/risks.json?namnd=KS')).value.find((r) => r.nr === 1)?.title, tricky, 'and in JSON');
});

t.test('star schema: foreign keys point at rows of the parent exports, labels are filled', async (t) => {
  const ids = async (name: string) => new Set((await csvOf(`/api/v1/exports/${name}.csv`)).records.map((r) => Object.values(r)[0]));
  const namnder = await ids('namnder');
  const goals = await ids('goals');
  const plans = await ids('plans');
  const processes = await ids('processes');
  const methods = await ids('working-methods');
  const risks = await ids('risks');
  const controls = await ids('controls');
  const activities = await ids('control-activities');
  const followUps = await ids('follow-ups');
  const check = async (name: string, fks: Record<string, Set<string>>) => {
    for (const r of (await csvOf(`/api/v1/exports/${name}.csv`)).records) {
      for (const [fk, parent] of Object.entries(fks)) if (r[fk]) t.ok(parent.has(r[fk]), `${name}.${fk} ${r[fk]}`);
    }
  };
  await check('plans', { namnd_id: namnder });
  await check('processes', { plan_id: plans, goal_id: goals });
  await check('working-methods', { process_id: processes, plan_id: plans });
  await check('risks', { plan_id: plans });
  await check('controls', { risk_id: risks, plan_id: plans });
  await check('control-activities', { control_id: controls, risk_id: risks });
  await check('follow-ups', { control_activity_id: activities, control_id: controls, risk_id: risks, plan_id: plans });
  await check('actions', { follow_up_id: followUps, plan_id: plans });
  t.ok(methods.size > 0);

  const [followUp] = (await jsonOf('/api/v1/exports/follow-ups.json?namnd=SN&year=2026')).value.filter((r) => r.status === 'REPORTED');
  t.match(followUp, { period: 'T1', period_label: 'Tertialrapport 1', status_label: 'Rapporterad', outcome: 'DEVIATION', outcome_label: 'Avvikelse', reported_at: '2026-04-30T10:00:00.000Z' });
  const notStarted = (await jsonOf('/api/v1/exports/follow-ups.json?namnd=KS')).value[0];
  t.match(notStarted, { status_label: 'Ej påbörjad', outcome: null, outcome_label: null, reported_at: null });
  t.match((await jsonOf('/api/v1/exports/actions.json')).value[0], { status: 'IN_PROGRESS', status_label: 'Pågående', due_date: '2026-06-30', tags: 'licenser,IT', namnd_code: 'SN' });
  t.match((await jsonOf('/api/v1/exports/assessments.json')).value[0], { level_label: 'I huvudsak tillräcklig', year: 2026 });
  t.match((await jsonOf('/api/v1/exports/plans.json?namnd=SN&year=2026')).value[0], { status_label: 'Fastställd', ikp_threshold: 9, decision_date: null });
  t.match((await jsonOf('/api/v1/exports/namnder.json?namnd=SN')).value[0], { kind: 'NAMND', kind_label: 'Nämnd', name: 'Servicenämnden' });
  t.match((await jsonOf('/api/v1/exports/audit-events.json')).value[0], { action: 'namnd.create', namnd_code: 'UF', actor: 'tester', audit_event_id: 1 });
});

t.test('filters: year, namnd (repeatable), updatedSince and updatedBefore', async (t) => {
  const count = async (url: string) => (await csvOf(url)).records.length;
  t.equal(await count('/api/v1/exports/risks.csv?year=2025'), 2);
  t.equal(await count('/api/v1/exports/risks.csv?year=2026'), 72);
  t.equal(await count('/api/v1/exports/risks.csv?year=2024'), 0);
  t.equal(await count('/api/v1/exports/risks.csv?namnd=KS'), 2);
  t.equal(await count('/api/v1/exports/risks.csv?namnd=ks'), 2, 'codes are case-insensitive');
  t.equal(await count('/api/v1/exports/risks.csv?namnd=KS&namnd=SN'), 74);
  t.equal(await count('/api/v1/exports/risks.csv?namnd=SN&year=2025'), 2);
  t.equal(await count('/api/v1/exports/goals.csv?year=2025'), 1);
  t.equal(await count('/api/v1/exports/namnder.csv?namnd=UF&namnd=KS'), 2);
  t.equal(await count('/api/v1/exports/follow-ups.csv?namnd=KS&year=2026'), 2);
  t.equal(await count('/api/v1/exports/audit-events.csv?namnd=SN'), 0);

  // Incremental refresh: only rows changed in the window.
  await db.execute(sql`update risks set updated_at = '2026-01-01T00:00:00Z'`);
  await db.execute(sql`update risks set updated_at = '2026-03-01T12:00:00.250Z' where id = ${sn.riskIds.get(38)!}`);
  await db.execute(sql`update risks set updated_at = '2026-05-01T00:00:00Z' where id = ${ks.riskIds.get(1)!}`);
  const since = await csvOf('/api/v1/exports/risks.csv?updatedSince=2026-02-01T00:00:00Z');
  t.same(since.records.map((r) => r.nr).sort(), ['1', '38']);
  t.equal(since.records.find((r) => r.nr === '38')?.updated_at, '2026-03-01T12:00:00.250Z');
  t.equal(await count('/api/v1/exports/risks.csv?updatedSince=2026-03-01T12:00:00.250Z'), 2, 'since is inclusive');
  t.equal(await count('/api/v1/exports/risks.csv?updatedSince=2026-03-01T13:00:00%2B01:00'), 2, 'an offset is honoured');
  t.equal(await count('/api/v1/exports/risks.csv?updatedSince=2026-02-01&updatedBefore=2026-04-01'), 1);
  t.equal(await count('/api/v1/exports/risks.csv?updatedSince=2026-02-01&namnd=KS'), 1);
  t.equal(await count('/api/v1/exports/risks.csv?updatedBefore=2026-01-01T00:00:00.001Z'), 72, 'before is exclusive');
  const page = await jsonOf('/api/v1/exports/risks.json?updatedSince=2026-04-01T00:00:00Z');
  t.same(page.value.map((r) => r.nr), [1]);
});

t.test('JSON paging: top and an opaque cursor walk every row once, in a stable order, to the end', async (t) => {
  const everything = (await jsonOf('/api/v1/exports/risks.json')).value.map((r) => r.risk_id);
  t.equal(everything.length, 74);
  const { rows, pages } = await allPages('/api/v1/exports/risks.json?top=7');
  t.equal(pages, 11);
  t.same(rows.map((r) => r.risk_id), everything, 'same rows, same order');

  const first = await jsonOf('/api/v1/exports/risks.json?top=7&namnd=SN&year=2026');
  const next = new URL(first.nextLink!, 'http://relative.invalid');
  t.equal(next.pathname, '/api/v1/exports/risks.json');
  t.same([next.searchParams.get('top'), next.searchParams.getAll('namnd'), next.searchParams.get('year')], ['7', ['SN'], '2026'], 'nextLink keeps the filters');
  t.notMatch(next.searchParams.get('cursor')!, /[0-9a-f]{8}-[0-9a-f]{4}/, 'the cursor is opaque');
  const filtered = await allPages('/api/v1/exports/risks.json?top=7&namnd=SN&year=2026');
  t.equal(filtered.rows.length, 70);
  t.ok(filtered.rows.every((r) => r.namnd_code === 'SN' && r.year === 2026));

  const exact = await jsonOf('/api/v1/exports/risks.json?top=74');
  t.equal(exact.value.length, 74);
  t.equal(exact.nextLink, null, 'no empty last page when the rows fit exactly');
  const auditPages = await allPages('/api/v1/exports/audit-events.json?top=1');
  t.equal(auditPages.rows.length, 1);
});

t.test('Accept decides the format of the extension-less URL', async (t) => {
  const asCsv = await get('/api/v1/exports/controls?namnd=KS', ['admin'], { accept: 'text/csv' });
  t.match(asCsv.headers['content-type'], /^text\/csv/);
  t.equal(csvRecords(asCsv.body).records.length, 2);
  const weighted = await get('/api/v1/exports/controls', ['admin'], { accept: 'application/json;q=0.5, text/csv' });
  t.match(weighted.headers['content-type'], /^text\/csv/);
  for (const accept of ['application/json', '*/*', '']) {
    const r = await get('/api/v1/exports/controls', ['admin'], accept ? { accept } : {});
    t.match(r.headers['content-type'], /^application\/json/, `Accept: ${accept || '(none)'}`);
    t.equal(r.json().value.length, EXPECTED.controls);
  }
  const comma = await get('/api/v1/exports/controls?delimiter=comma', ['admin'], { accept: 'text/csv' });
  t.ok(comma.body.startsWith('\uFEFFcontrol_id,risk_id,'));
  const refused = await get('/api/v1/exports/controls', ['admin'], { accept: 'image/png' });
  t.equal(refused.statusCode, 406);
  t.equal(refused.json().code, 'NOT_ACCEPTABLE');
  const topOnCsv = await get('/api/v1/exports/controls?top=5', ['admin'], { accept: 'text/csv' });
  t.equal(topOnCsv.statusCode, 400);
  t.same(topOnCsv.json().fields.map((f: { path: string }) => f.path), ['top']);
});

t.test('bad parameters: 400 problem+json naming the parameter and why', async (t) => {
  const cases: [string, string[]][] = [
    ['/api/v1/exports/risks.csv?yaer=2026', ['yaer']],
    ['/api/v1/exports/risks.csv?year=abc', ['year']],
    ['/api/v1/exports/risks.csv?year=1999', ['year']],
    ['/api/v1/exports/risks.csv?namnd=bad%20code!', ['namnd']],
    ['/api/v1/exports/risks.csv?updatedSince=yesterday', ['updatedSince']],
    ['/api/v1/exports/risks.csv?updatedSince=2026-02-01T10:00:00', ['updatedSince']],
    ['/api/v1/exports/risks.csv?delimiter=tab', ['delimiter']],
    ['/api/v1/exports/risks.csv?top=10', ['top']],
    ['/api/v1/exports/risks.json?delimiter=comma', ['delimiter']],
    ['/api/v1/exports/risks.json?top=0', ['top']],
    ['/api/v1/exports/risks.json?top=50001', ['top']],
    ['/api/v1/exports/risks.json?cursor=not-a-cursor', ['cursor']],
    ['/api/v1/exports/namnder.csv?year=2026', ['year']],
    ['/api/v1/exports/goals.json?namnd=SN', ['namnd']],
    ['/api/v1/exports/risks.csv?year=x&foo=1', ['year', 'foo']],
  ];
  for (const [url, params] of cases) {
    const res = await get(url);
    t.equal(res.statusCode, 400, url);
    t.match(res.headers['content-type'], /^application\/problem\+json/, url);
    const body = res.json();
    t.match(body, { type: 'urn:internkontroll:error:VALIDATION_FAILED', title: 'VALIDATION_FAILED', status: 400, code: 'VALIDATION_FAILED' }, url);
    t.same(body.fields.map((f: { path: string }) => f.path).sort(), [...params].sort(), url);
    for (const p of params) t.match(body.detail, p, `${url}: detail names ${p}`);
    t.notMatch(res.body, /select |at .*\.ts:\d+/, 'no SQL or stack');
  }
  const unknown = (await get('/api/v1/exports/risks.csv?yaer=2026')).json();
  t.match(unknown.fields[0].message, /unknown parameter.*year, namnd, updatedSince/);
  // A cursor from another export is refused, not silently applied.
  const controlsPage = await jsonOf('/api/v1/exports/controls.json?top=1');
  const cursor = new URL(controlsPage.nextLink!, 'http://relative.invalid').searchParams.get('cursor')!;
  const wrong = await get(`/api/v1/exports/risks.json?cursor=${cursor}`);
  t.equal(wrong.statusCode, 400);
  t.equal(wrong.json().fields[0].path, 'cursor');
  const missing = await get('/api/v1/exports/vor.csv');
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /^application\/problem\+json/);
});

t.test('access: integration, auditor and admin see every nämnd; nämnd roles only their own', async (t) => {
  const noToken = await get('/api/v1/exports/risks.csv', null);
  t.equal(noToken.statusCode, 401);
  t.match(noToken.headers['content-type'], /^application\/problem\+json/);
  t.equal(noToken.json().code, 'UNAUTHENTICATED');
  const badToken = await app.inject({ url: '/api/v1/exports/risks.json', headers: { authorization: 'Bearer nonsense' } });
  t.equal(badToken.statusCode, 401);

  for (const roles of [['integration'], ['auditor'], ['admin'], ['viewer:*']]) {
    t.equal((await csvOf('/api/v1/exports/risks.csv', roles)).records.length, 74, roles.join());
    t.equal((await csvOf('/api/v1/exports/namnder.csv', roles)).records.length, 3, roles.join());
  }
  for (const roles of [['viewer:KS'], ['editor:KS'], ['approver:KS']]) {
    const risks = (await csvOf('/api/v1/exports/risks.csv', roles)).records;
    t.same([...new Set(risks.map((r) => r.namnd_code))], ['KS'], `${roles}: only KS risks`);
    t.equal(risks.length, 2);
    t.same((await csvOf('/api/v1/exports/namnder.csv', roles)).records.map((r) => r.namnd_code), ['KS']);
    t.same((await jsonOf('/api/v1/exports/plans.json', roles)).value.map((r) => r.namnd_code), ['KS']);
    t.equal((await csvOf('/api/v1/exports/follow-ups.csv', roles)).records.length, 2);
    t.equal((await csvOf('/api/v1/exports/actions.csv', roles)).records.length, 0, 'SN’s action is not shown');
    t.equal((await csvOf('/api/v1/exports/goals.csv', roles)).records.length, 16, 'goals are city-wide master data');
    const other = await get('/api/v1/exports/risks.csv?namnd=SN', roles);
    t.equal(other.statusCode, 403, `${roles} asking for SN`);
    t.equal(other.json().code, 'FORBIDDEN');
    t.equal((await get('/api/v1/exports/risks.json?namnd=KS&namnd=SN', roles)).statusCode, 403);
  }
  const two = (await csvOf('/api/v1/exports/risks.csv', ['viewer:KS', 'editor:SN'])).records;
  t.equal(two.length, 74, 'roles in two nämnder see both');

  const nobody = await get('/api/v1/exports/goals.csv', ['somebody-else']);
  t.equal(nobody.statusCode, 403, 'a token without a reading role');
  for (const roles of [['integration'], ['viewer:*'], ['approver:UF']]) {
    const r = await get('/api/v1/exports/audit-events.csv', roles);
    t.equal(r.statusCode, 403, `audit events refused to ${roles}`);
    t.match(r.json().detail, /auditor or an admin/);
  }
  t.equal((await csvOf('/api/v1/exports/audit-events.csv', ['auditor'])).records.length, 1);
});
