import t from 'tap';
import { sql } from 'drizzle-orm';
import { rawRows } from '../src/db/raw.js';
import { QUIET, buildTestApp, gqlOk, token } from './helper.js';
import { IMPORT, snRows } from './support/servicenamnden.js';
import { elements, tagProblems, textOf } from './support/report-parse.js';
import { CREATE_RISK, UPDATE_RISK } from './support/plan-builder.js';

// The links between years after a rollover, through the public doors: GraphQL both ways, the changes since the
// previous year (GraphQL and the VoR report), the plan.rollover event, the export keys, and a bounded statement count.
const { app, database, queries } = await buildTestApp(t, QUIET);
await gqlOk(app, IMPORT, { input: { namndCode: 'SN', namndName: 'Servicenämnden', year: 2026, rows: snRows() } });
const small = snRows().filter((r) => ['51', '53', '60', '61', '62'].includes(r.nr));
await gqlOk(app, IMPORT, { input: { namndCode: 'LN', namndName: 'Liten nämnd', year: 2026, rows: small } });

const report = (await gqlOk(app, `mutation { rollover(input: { fromYear: 2026, toYear: 2027 }) { namnder { namndCode fromPlanId planId
  counts { plan { created skipped } processes { created skipped } workingMethods { created skipped } risks { created skipped }
    controls { created skipped } controlActivities { created skipped } actions { created skipped } } } } }`)).rollover;
const sn = report.namnder.find((n: { namndCode: string }) => n.namndCode === 'SN');

type Node = { id: string; originId: string | null; origin: { id: string } | null };
const LINKS = `query($code: String!, $year: Int!) { plan(namndCode: $code, year: $year) {
  id year originPlanId previousPlan { id year } nextPlan { id year }
  processes { id name originId origin { id name }
    workingMethods { id originId origin { id process { id } }
      risks { id nr originId origin { id nr plan { year } }
        controls { id originId origin { id risk { nr } }
          activities { id originId origin { id control { id } } } } } } }
} }`;
const linksOf = async (code: string, year: number) => (await gqlOk(app, LINKS, { code, year })).plan;
function flatten(plan: any) {
  const processes: Node[] = plan.processes;
  const workingMethods: Node[] = processes.flatMap((p: any) => p.workingMethods);
  const risks: Node[] = workingMethods.flatMap((w: any) => w.risks);
  const controls: Node[] = risks.flatMap((r: any) => r.controls);
  const activities: Node[] = controls.flatMap((c: any) => c.activities);
  return { processes, workingMethods, risks, controls, activities };
}

const old = await linksOf('SN', 2026);
const next = await linksOf('SN', 2027);

t.test('the plans link both ways', async (t) => {
  t.equal(next.originPlanId, old.id);
  t.same(next.previousPlan, { id: old.id, year: 2026 });
  t.same(old.nextPlan, { id: next.id, year: 2027 });
  t.equal(old.originPlanId, null);
  t.equal(old.previousPlan, null);
  t.equal(next.nextPlan, null);
  t.equal(sn.fromPlanId, old.id);
  t.equal(sn.planId, next.id);
});

t.test('every carried row names its origin, as an id and as the object, and every row of last year is an origin', async (t) => {
  const before = flatten(old);
  const after = flatten(next);
  for (const kind of ['processes', 'workingMethods', 'risks', 'controls', 'activities'] as const) {
    t.ok(after[kind].length > 0, `${kind} were carried`);
    t.ok(before[kind].every((n) => n.originId === null && n.origin === null), `${kind} of 2026 have no origin`);
    t.ok(after[kind].every((n) => n.originId !== null && n.origin?.id === n.originId), `${kind}: origin.id = originId`);
    t.same(after[kind].map((n) => n.originId).sort(), before[kind].map((n) => n.id).sort(), `${kind}: one copy of each row of 2026`);
  }
  const risk38 = after.risks.find((r: any) => r.nr === 38) as any;
  t.match(risk38.origin, { nr: 38, plan: { year: 2026 } });
  // The mandatory process the new plan was created with is linked, not copied.
  const sis = next.processes.find((p: any) => p.name === 'Systematiskt informationssäkerhetsarbete');
  t.equal(sis.origin.name, 'Systematiskt informationssäkerhetsarbete');
});

t.test('the plan.rollover event names the source plan and the counts per kind', async (t) => {
  const [event] = await rawRows<{ data: Record<string, unknown>; entity_id: string }>(database.db, sql`select data, entity_id from domain_events where type = 'plan.rollover' and namnd_code = 'SN'`);
  t.equal(event.entity_id, next.id);
  t.match(event.data, { planId: next.id, year: 2027, originPlanId: old.id, fromYear: 2026, toYear: 2027 });
  for (const [kind, c] of Object.entries(sn.counts as Record<string, { created: number; skipped: number }>)) {
    t.equal(event.data[`${kind}Created`], c.created, `${kind}Created`);
    t.equal(event.data[`${kind}Skipped`], c.skipped, `${kind}Skipped`);
  }
  t.equal(event.data.risksCreated, 70);
});

t.test('the exports carry the same origin keys', async (t) => {
  const json = async (dataset: string, year: number) => {
    const res = await app.inject({ url: `/api/v1/exports/${dataset}.json?namnd=SN&year=${year}&top=50000`, headers: { authorization: `Bearer ${token('integration')}` } });
    t.equal(res.statusCode, 200, dataset);
    return res.json().value as Record<string, unknown>[];
  };
  const plans = await json('plans', 2027);
  t.equal(plans[0].origin_plan_id, old.id);
  const after = flatten(next);
  const pairs = [
    ['processes', 'process_id', after.processes],
    ['working-methods', 'working_method_id', after.workingMethods],
    ['risks', 'risk_id', after.risks],
    ['controls', 'control_id', after.controls],
    ['control-activities', 'control_activity_id', after.activities],
  ] as const;
  for (const [dataset, key, nodes] of pairs) {
    const rows = await json(dataset, 2027);
    t.same(new Map(rows.map((r) => [r[key], r.origin_id])), new Map(nodes.map((n) => [n.id, n.originId])), `${dataset}: origin_id as GraphQL's originId`);
    const lastYear = await json(dataset, 2026);
    t.ok(lastYear.length > 0 && lastYear.every((r) => r.origin_id === null), `${dataset} of 2026: origin_id empty`);
  }
});

const CHANGES = `query($code: String!, $year: Int!) { plan(namndCode: $code, year: $year) { changesSincePreviousYear {
  previousPlan { id year }
  added { nr title plan { year } }
  removed { nr plan { year } }
  revalued { risk { nr plan { year } } origin { nr plan { year } } changed
    before { likelihood consequence rv band { key } inIkp ikpBasis } after { likelihood consequence rv band { key } inIkp ikpBasis } } } } }`;
const changes = async (code = 'SN', year = 2027, auth?: string[]) => (await gqlOk(app, CHANGES, { code, year }, auth)).plan.changesSincePreviousYear;
const nrs = (list: { nr?: number; risk?: { nr: number } }[]) => list.map((x) => x.nr ?? x.risk!.nr).sort((a, b) => a - b);

t.test('changesSincePreviousYear: nothing right after the rollover, null without a previous plan', async (t) => {
  t.same(await changes(), { previousPlan: { id: old.id, year: 2026 }, added: [], removed: [], revalued: [] });
  t.equal(await changes('SN', 2026), null);
});

t.test('changesSincePreviousYear after editing the draft: added, removed, re-valued, a threshold that moves IKP membership', async (t) => {
  const q = async (year: number) =>
    (await gqlOk(app, `{ plan(namndCode: "SN", year: ${year}) { id version ikpThreshold risks { id nr version rv inIkp ikpBasis workingMethod { id } } } }`)).plan;
  const lastYear = await q(2026);
  let draft = await q(2027);
  const byNr = (nr: number) => draft.risks.find((r: { nr: number }) => r.nr === nr);
  t.equal(draft.ikpThreshold, 9);

  await gqlOk(app, CREATE_RISK, { i: { workingMethodId: byNr(1).workingMethod.id, nr: 71, title: 'Ny risk <b>&</b> "citat"', likelihood: 2, consequence: 2 } });
  await gqlOk(app, `mutation($i: DeleteVersionedInput!) { deleteRisk(input: $i) }`, { i: { id: byNr(70).id, version: byNr(70).version } });
  await gqlOk(app, UPDATE_RISK, { i: { id: byNr(1).id, version: byNr(1).version, likelihood: 4, consequence: 3 } });
  draft = await q(2027);
  await gqlOk(app, `mutation($i: UpdatePlanSettingsInput!) { updatePlanSettings(input: $i) { id } }`, { i: { id: draft.id, version: draft.version, ikpThreshold: 13 } });

  const c = await changes();
  t.same(c.added, [{ nr: 71, title: 'Ny risk <b>&</b> "citat"', plan: { year: 2027 } }]);
  t.same(c.removed, [{ nr: 70, plan: { year: 2026 } }]);

  // Risk 1 was re-valued 2 × 3 → 4 × 3: RV 6 → 12, Medium → Kritisk, still below the new threshold 13.
  const r1 = c.revalued.find((x: any) => x.risk.nr === 1);
  t.same(r1, {
    risk: { nr: 1, plan: { year: 2027 } },
    origin: { nr: 1, plan: { year: 2026 } },
    changed: ['rv', 'band'],
    before: { likelihood: 2, consequence: 3, rv: 6, band: { key: 'MEDIUM' }, inIkp: false, ikpBasis: 'THRESHOLD' },
    after: { likelihood: 4, consequence: 3, rv: 12, band: { key: 'KRITISK' }, inIkp: false, ikpBasis: 'THRESHOLD' },
  });
  // Raising the threshold 9 → 13 moves out of the IKP exactly the risks that were in it by threshold with RV < 13.
  const movedOut = lastYear.risks.filter((r: any) => r.inIkp && r.ikpBasis === 'THRESHOLD' && r.rv < 13).map((r: any) => r.nr);
  t.ok(movedOut.includes(38) && movedOut.length > 1, `moved out: ${movedOut.join(', ')}`);
  t.same(nrs(c.revalued), [1, ...movedOut].sort((a, b) => a - b), 'risk 1 and those the threshold moved; nothing else');
  const r38 = c.revalued.find((x: any) => x.risk.nr === 38);
  t.same(r38.changed, ['inIkp']);
  t.match(r38.before, { rv: 12, inIkp: true, ikpBasis: 'THRESHOLD' });
  t.match(r38.after, { rv: 12, inIkp: false, ikpBasis: 'THRESHOLD' });
});

t.test('the VoR report has the same changes in "Förändringar sedan föregående år", escaped', async (t) => {
  const c = await changes();
  const page = async (year: number) => {
    const res = await app.inject({ url: `/api/v1/reports/plans/SN/${year}/vor.html`, headers: { authorization: `Bearer ${token(['viewer:SN'])}` } });
    t.equal(res.statusCode, 200);
    return res.body;
  };
  const html = await page(2027);
  t.same(tagProblems(html, { html: true }), []);
  const [section] = elements(html, 'section', 'year-changes');
  t.ok(section, 'the section is there');
  t.match(textOf(section), /^Förändringar sedan föregående år Jämfört med planen för 2026 \(Utkast, gräns för internkontrollplanen riskvärde 9\): 1 nya, 1 borttagna och \d+ omvärderade/);
  const rowsOf = (cls: string) => elements(elements(section, 'table', cls)[0] ?? '', 'tr', 'risk');
  const added = rowsOf('added');
  t.equal(added.length, 1);
  t.equal(textOf(added[0]), '71 Ny risk <b>&</b> "citat" 4 Låg Nej');
  t.ok(added[0].includes('Ny risk &lt;b&gt;&amp;&lt;/b&gt; &quot;citat&quot;'), 'the title is escaped');
  t.same(rowsOf('removed').map((r) => Number(textOf(r).split(' ')[0])), [70]);
  const revalued = rowsOf('revalued');
  t.same(revalued.map((r) => Number(textOf(r).split(' ')[0])), nrs(c.revalued), 'the same re-valued risks as GraphQL, in number order');
  t.match(textOf(revalued.find((r) => r.includes('data-nr="1"'))!), /2 × 3 6 Medium Nej 4 × 3 12 Kritisk Nej Riskvärde, Nivå$/);
  t.match(textOf(revalued.find((r) => r.includes('data-nr="38"'))!), /3 × 4 12 Kritisk Ja 3 × 4 12 Kritisk Nej Internkontrollplan$/);
  t.notOk(elements(await page(2026), 'section', 'year-changes').length, 'no section without a previous plan');
});

t.test('a linked plan the caller may not read is no link', async (t) => {
  const ln2026 = (await linksOf('LN', 2026)).id;
  // Not something the rollover does (it links a nämnd's own plans): pointed by hand, to prove nothing leaks.
  await database.db.execute(sql`update plans set origin_plan_id = ${ln2026} where id = ${next.id}`);
  t.teardown(() => database.db.execute(sql`update plans set origin_plan_id = ${old.id} where id = ${next.id}`));
  const d = (await gqlOk(app, `{ plan(namndCode: "SN", year: 2027) { originPlanId previousPlan { id } changesSincePreviousYear { added { nr } }
    risks { originId origin { id } } } }`, {}, ['viewer:SN'])).plan;
  t.equal(d.originPlanId, ln2026, 'the id is the plan row as stored');
  t.equal(d.previousPlan, null);
  t.equal(d.changesSincePreviousYear, null);
  t.ok(d.risks.every((r: { origin: unknown }) => r.origin === null));
  const ln = (await gqlOk(app, `{ plan(namndCode: "LN", year: 2026) { nextPlan { id } } }`, {}, ['viewer:LN'])).plan;
  t.equal(ln.nextPlan.id, (await linksOf('LN', 2027)).id, 'its own next plan, not the SN plan pointed at it');
  const report = await app.inject({ url: '/api/v1/reports/plans/SN/2027/vor.html', headers: { authorization: `Bearer ${token(['viewer:SN'])}` } });
  t.notOk(elements(report.body, 'section', 'year-changes').length, 'nor in the report');
});

t.test('the links cost the same statements for a plan of 70 risks and one of 5', async (t) => {
  const Q = `query($code: String!) { plan(namndCode: $code, year: 2027) { previousPlan { id } nextPlan { id }
    processes { origin { id } workingMethods { origin { id } risks { origin { id nr rv plan { year } controls { id } } controls { origin { id } activities { origin { id } } } } } }
    changesSincePreviousYear { previousPlan { year } added { nr } removed { nr } revalued { risk { nr } origin { nr } before { rv } after { rv } } }
    previousPlan { nextPlan { id } changesSincePreviousYear { added { nr } } }
  } }`;
  const count = async (code: string) => {
    queries.length = 0;
    const d = await gqlOk(app, Q, { code }, ['viewer:' + code]);
    return { n: queries.length, risks: d.plan.processes.flatMap((p: any) => p.workingMethods.flatMap((w: any) => w.risks)).length };
  };
  const big = await count('SN');
  const little = await count('LN');
  t.equal(big.risks, 70);
  t.equal(little.risks, 5);
  t.equal(big.n, little.n, `SN: ${big.n} statements, LN: ${little.n}`);
  t.ok(big.n <= 25, `a bounded number (${big.n})`);
});
