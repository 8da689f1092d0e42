import t from 'tap';
import fs from 'node:fs';
import { buildTestApp, gql, gqlOk, token } from './helper.js';
import { seedPlan, smallVor } from './fixtures/seed-plan.js';

// Issue 14 part 5: a corrected VoR file imported again (mode REPLACE) into the draft, through REST and GraphQL.
const { app, database } = await buildTestApp(t);
const csvText = fs.readFileSync(new URL('../fixtures/servicenamnden-2026/vor.csv', import.meta.url), 'utf8').trimEnd();

type Row = Record<string, any>;
const KINDS = ['processes', 'workingMethods', 'risks', 'controls', 'controlActivities'] as const;

/** The fixture with the optional control columns: risks 1 and 2 have a control and an activity. */
const base = csvText
  .split('\n')
  .map((l, i) => (i === 0 ? `${l};systematisk_kontroll;kontrollaktivitet` : /^[12];/.test(l) ? `${l};Kontroll ${l.split(';')[0]};Aktivitet ${l.split(';')[0]}` : `${l};;`));
/** The base file with lines replaced by risk number (null removes the line), and lines added. */
function edited(changes: Record<number, ((fields: string[]) => string[]) | null>, added: string[] = []): string {
  const out = base.filter((l, i) => i === 0 || changes[Number(l.split(';')[0])] !== null);
  return [...out.map((l, i) => (i > 0 && changes[Number(l.split(';')[0])] ? changes[Number(l.split(';')[0])]!(l.split(';')).join(';') : l)), ...added].join('\n') + '\n';
}
const set = (values: Record<number, string>) => (f: string[]) => f.map((v, i) => values[i] ?? v);

async function post(q: string, body: string, roles: string[] = ['admin']) {
  const res = await app.inject({ method: 'POST', url: `/api/v1/imports/vor?${q}`, headers: { 'content-type': 'text/csv', authorization: `Bearer ${token(roles)}` }, payload: body });
  return { status: res.statusCode, body: res.json() };
}

/** Every audit event of Servicenämnden, oldest first. */
async function events(): Promise<Row[]> {
  const out: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const d: Row = await gqlOk(app, `query($after: String) { auditEvents(filter: { namndCode: "SN" }, first: 500, after: $after) { nodes { action entityId changes } pageInfo { hasNextPage endCursor } } }`, { after });
    out.push(...d.auditEvents.nodes);
    if (!d.auditEvents.pageInfo.hasNextPage) return out;
    after = d.auditEvents.pageInfo.endCursor;
  }
}
/** The events a step wrote. */
async function eventsOf(step: () => Promise<unknown>): Promise<Row[]> {
  const before = (await events()).length;
  await step();
  return (await events()).slice(before);
}

const PLAN = `{ plan(namndCode: "SN", year: 2026) { id processes { id name mandatory workingMethods { id name mandatory } }
  risks { id nr title likelihood consequence rv inIkp ikpOverride version updatedAt workingMethod { name } process { name }
    controls { id description version updatedAt activities { id description version updatedAt } } } } }`;
const plan = async () => (await gqlOk(app, PLAN)).plan;
const risk = (p: Row, nr: number) => p.risks.find((r: Row) => r.nr === nr);

async function deletions(): Promise<Row[]> {
  const res = await app.inject({ url: '/api/v1/exports/deletions.json?top=50000', headers: { authorization: `Bearer ${token('admin')}` } });
  return res.json().value;
}

const zero = Object.fromEntries(KINDS.map((k) => [k, { count: 0, riskNumbers: [] }]));
const diffOf = (changes: Partial<Record<(typeof KINDS)[number], number[]>>, counts: Partial<Record<(typeof KINDS)[number], number>> = {}) =>
  Object.fromEntries(KINDS.map((k) => [k, { count: counts[k] ?? changes[k]?.length ?? 0, riskNumbers: changes[k] ?? [] }]));

// Risk 3 re-valued (2×3 → 4×3, now in the IKP as the file says), risk 4 retitled, risk 10 gone, risk 71 new, and
// risk 1's control reworded.
const TITLE_4 = 'Risk för att sekretessbelagd information röjs vid telefonsamtal';
const row10 = base.find((l) => l.startsWith('10;'))!.split(';');
const corrections = {
  1: set({ 9: 'Kontroll 1, reviderad' }),
  3: set({ 5: '4', 7: '12', 8: 'Ja' }),
  4: set({ 4: TITLE_4 }),
  10: null,
};
const row71 = ['71', ...row10.slice(1, 4), 'Risk för att ny rutin inte följs', '2', '2', '4', 'Nej', '', ''].join(';');
const correctedCsv = edited(corrections, [row71]);

await t.test('the Servicenämnden file is imported as today (CREATE, the default)', async (t) => {
  const r = await post('namnd=SN&year=2026&namndName=Servicen%C3%A4mnden', edited({}));
  t.equal(r.status, 201, JSON.stringify(r.body));
  t.match(r.body, { mode: 'CREATE', created: { risks: 70, controls: 2, controlActivities: 2 } });
  t.same(r.body.diff.created.controls, { count: 2, riskNumbers: [1, 2] });
  t.same(r.body.diff.updated, zero);
  t.same(r.body.diff.deleted, zero);
  // Today's refusal stays CREATE's: every number is already in the plan.
  const again = await post('namnd=SN&year=2026', edited({}));
  t.equal(again.status, 422);
  t.equal(again.body.errorCount, 70);
  t.match(again.body.errors[0].message, /already exists .* mode REPLACE/);
});

await t.test('a dry run of the corrected file returns the diff and writes nothing', async (t) => {
  const before = await plan();
  const gone = (await deletions()).length;
  let r!: Awaited<ReturnType<typeof post>>;
  const written = await eventsOf(async () => (r = await post('namnd=SN&year=2026&mode=REPLACE&dryRun=true', correctedCsv)));
  t.equal(r.status, 200, JSON.stringify(r.body));
  t.match(r.body, { dryRun: true, mode: 'REPLACE', created: { risks: 1, processes: 0, workingMethods: 0 } });
  t.same(r.body.diff, {
    created: diffOf({ risks: [71] }),
    updated: diffOf({ risks: [3, 4], controls: [1] }),
    deleted: diffOf({ risks: [10] }),
  });
  t.same(written, [], 'no audit event');
  t.same(await plan(), before, 'the plan is as it was, versions and updatedAt included');
  t.equal((await deletions()).length, gone, 'no tombstone');
});

await t.test('the corrected file (REST, REPLACE) changes exactly the edited rows', async (t) => {
  const before = await plan();
  const gone = new Set((await deletions()).map((d) => d.row_id));
  let r!: Awaited<ReturnType<typeof post>>;
  const written = await eventsOf(async () => (r = await post('namnd=SN&year=2026&mode=REPLACE', correctedCsv)));
  t.equal(r.status, 200, JSON.stringify(r.body));
  t.same(r.body.diff.updated, diffOf({ risks: [3, 4], controls: [1] }));
  t.same(r.body.diff.deleted, diffOf({ risks: [10] }));

  const byAction = (a: string) => written.filter((e) => e.action === a);
  t.same(written.map((e) => e.action).sort(), ['control.update', 'risk.delete', 'risk.import', 'risk.update', 'risk.update'], 'one event per change, none for the rest');
  const updates = new Map(byAction('risk.update').map((e) => [e.entityId, e.changes]));
  t.same(updates.get(risk(before, 3).id), { likelihood: { before: 2, after: 4 } }, 'only the changed field');
  t.same(updates.get(risk(before, 4).id), { title: { before: risk(before, 4).title, after: TITLE_4 } });
  t.same(byAction('control.update')[0].changes, { description: { before: 'Kontroll 1', after: 'Kontroll 1, reviderad' } });
  t.equal(byAction('risk.delete')[0].entityId, risk(before, 10).id);

  const after = await plan();
  t.match(risk(after, 3), { likelihood: 4, rv: 12, inIkp: true, ikpOverride: null, version: risk(before, 3).version + 1 });
  t.equal(risk(after, 4).title, TITLE_4);
  t.notOk(risk(after, 10));
  t.match(risk(after, 71), { title: 'Risk för att ny rutin inte följs', rv: 4, workingMethod: risk(before, 11).workingMethod });
  t.equal(risk(after, 1).controls[0].id, risk(before, 1).controls[0].id, 'the control is updated in place');
  t.same(risk(after, 1).controls[0].activities, risk(before, 1).controls[0].activities, 'its activity untouched');
  const untouched = before.risks.filter((x: Row) => ![1, 3, 4, 10].includes(x.nr));
  t.same(untouched, untouched.map((x: Row) => risk(after, x.nr)), 'every other risk as it was, updatedAt included');
  t.same(after.processes, before.processes, 'no process or working method changed');

  const tombstones = (await deletions()).filter((d) => !gone.has(d.row_id));
  t.same(tombstones.map((d) => [d.dataset, d.row_id, d.namnd_code, d.year]), [['risks', risk(before, 10).id, 'SN', 2026]], 'the deletions export lists it');
});

await t.test('the same file again in REPLACE changes nothing', async (t) => {
  const before = await plan();
  let r!: Awaited<ReturnType<typeof post>>;
  const written = await eventsOf(async () => (r = await post('namnd=SN&year=2026&mode=REPLACE', correctedCsv)));
  t.equal(r.status, 200);
  t.same(r.body.diff, { created: zero, updated: zero, deleted: zero });
  t.same(written, [], 'zero events');
  t.same(await plan(), before);
});

await t.test('one invalid row refuses the whole REPLACE', async (t) => {
  const before = await plan();
  const bad = edited({ 3: set({ 5: '3', 7: '9' }), 5: null, 20: set({ 7: '99' }) });
  let r!: Awaited<ReturnType<typeof post>>;
  const written = await eventsOf(async () => (r = await post('namnd=SN&year=2026&mode=REPLACE', bad)));
  t.equal(r.status, 422);
  t.equal(r.body.code, 'IMPORT_INVALID');
  t.same(r.body.errors.map((e: Row) => [e.line, e.field]), [[20, 'rv']]);
  t.same(written, []);
  t.same(await plan(), before);
  const q = await post('namnd=SN&year=2026&mode=MERGE', correctedCsv);
  t.equal(q.status, 400);
  t.equal(q.body.code, 'VALIDATION_FAILED');
  t.match(q.body.fields, [{ path: 'querystring.mode' }]);
  const other = await post('namnd=SN&year=2026&mode=REPLACE', correctedCsv, ['editor:KS']);
  t.equal(other.status, 403, 'the role is as for any import');
});

await t.test('controls and activities follow the file where it states them', async (t) => {
  const before = await plan();
  // Risk 1's control removed (its activity with it), risk 2's activity reworded, risk 3 given a control and activity.
  const csv = edited({ ...corrections, 1: set({ 9: '', 10: '' }), 2: set({ 10: 'Aktivitet 2, ny' }), 3: set({ 5: '4', 7: '12', 8: 'Ja', 9: 'Kontroll 3', 10: 'Aktivitet 3' }) }, [row71]);
  let r!: Awaited<ReturnType<typeof post>>;
  const written = await eventsOf(async () => (r = await post('namnd=SN&year=2026&mode=REPLACE', csv)));
  t.equal(r.status, 200, JSON.stringify(r.body));
  t.same(r.body.diff, {
    created: diffOf({ controls: [3], controlActivities: [3] }),
    updated: diffOf({ controlActivities: [2] }),
    deleted: diffOf({ controls: [1], controlActivities: [1] }),
  });
  t.same(written.map((e) => e.action).sort(), ['control.delete', 'control.import', 'controlActivity.import', 'controlActivity.update']);
  const after = await plan();
  t.same(risk(after, 1).controls, []);
  t.equal(risk(after, 2).controls[0].activities[0].id, risk(before, 2).controls[0].activities[0].id, 'updated in place');
  t.equal(risk(after, 2).controls[0].activities[0].description, 'Aktivitet 2, ny');
  t.same(risk(after, 3).controls.map((c: Row) => [c.description, c.activities.map((a: Row) => a.description)]), [['Kontroll 3', ['Aktivitet 3']]]);
  t.same(risk(after, 3).version, risk(before, 3).version, 'the risk itself unchanged');
});

/** The corrected file as GraphQL rows, without the control columns. */
function gqlRows(csv: string) {
  const names = ['nr', 'mal', 'process', 'arbetssatt', 'oonskadHandelse', 'sannolikhet', 'konsekvens', 'rv', 'ikp'];
  return csv.trim().split('\n').slice(1).map((l) => Object.fromEntries(l.split(';').slice(0, 9).map((v, i) => [names[i], v])));
}
const IMPORT = `mutation($input: ImportVorInput!) { importVor(input: $input) { dryRun mode planId
  diff { created { ...c } updated { ...c } deleted { ...c } } } }
  fragment c on ImportChanges { processes { count riskNumbers } workingMethods { count riskNumbers } risks { count riskNumbers } controls { count riskNumbers } controlActivities { count riskNumbers } }`;

await t.test('GraphQL REPLACE: emptied working methods and processes go, the mandatory ones stay', async (t) => {
  const before = await plan();
  const nrs = new Set(gqlRows(correctedCsv).map((r) => Number(r.nr)));
  const mandatory = before.processes.find((p: Row) => p.mandatory);
  const catalogued = mandatory.workingMethods.filter((w: Row) => ['Incidenthantering', 'Implementering av lokal anvisning'].includes(w.name));
  t.same(catalogued.map((w: Row) => w.mandatory), [true, true], 'risks 61 and 62 are each in a mandatory working method');
  const own = before.processes.find((p: Row) => p.name === risk(before, 2).process.name);
  t.equal(own.workingMethods.length, 1, 'risk 2 is alone in its process');
  t.equal(before.risks.filter((r: Row) => r.process.name === own.name).length, 1);

  // Risk 2 goes with its control and activity, and leaves its working method and process empty; 61 and 62 leave
  // their mandatory working methods empty.
  const rows = gqlRows(correctedCsv).filter((r) => ![2, 61, 62].includes(Number(r.nr)));
  t.equal(rows.length, nrs.size - 3);
  const variables = { input: { namndCode: 'SN', year: 2026, mode: 'REPLACE', rows } };
  const dry = await gqlOk(app, IMPORT, { input: { ...variables.input, dryRun: true } });
  const expected = {
    created: zero,
    updated: zero,
    deleted: diffOf({ processes: [2], workingMethods: [2], risks: [2, 61, 62], controls: [2], controlActivities: [2] }),
  };
  t.same(dry.importVor.diff, expected);
  const gone = new Set((await deletions()).map((d) => d.row_id));
  let d!: Row;
  const written = await eventsOf(async () => (d = await gqlOk(app, IMPORT, variables)));
  t.same(d.importVor, { dryRun: false, mode: 'REPLACE', planId: before.id, diff: expected }, 'the dry run said what the import did');
  t.same(written.map((e) => e.action).sort(), ['process.delete', 'risk.delete', 'risk.delete', 'risk.delete', 'workingMethod.delete']);
  const after = await plan();
  t.equal(risk(before, 3).controls.length, 1);
  t.same(risk(after, 3).controls, risk(before, 3).controls, 'rows without the control fields leave the controls alone');
  const stillMandatory = after.processes.find((p: Row) => p.mandatory);
  t.same(stillMandatory.workingMethods.filter((w: Row) => catalogued.some((c: Row) => c.id === w.id)), catalogued, 'the mandatory working methods stay, empty');
  t.notOk(after.processes.some((p: Row) => p.id === own.id));

  const tombstones = (await deletions()).filter((x) => !gone.has(x.row_id)).map((x) => x.dataset).sort();
  t.same(tombstones, ['control-activities', ...Array(3).fill('control-activity-periods'), 'controls', 'processes', 'risks', 'risks', 'risks', 'working-methods'], 'each deletion, cascaded ones too');

  // The file again restores them as new rows, in the mandatory working method where the catalogue says.
  const back = await gqlOk(app, IMPORT, { input: { ...variables.input, rows: gqlRows(correctedCsv) } });
  t.same(back.importVor.diff.created, diffOf({ processes: [2], workingMethods: [2], risks: [2, 61, 62] }));
  t.same(back.importVor.diff.updated, zero);
  const restored = await plan();
  t.same([61, 62].map((nr) => risk(restored, nr).workingMethod.name), ['Implementering av lokal anvisning', 'Incidenthantering']);
});

await t.test('REPLACE on a plan that is not a draft is refused as any import, and writes nothing', async (t) => {
  await seedPlan(database.db, smallVor('KS', 2026));
  const before = (await gqlOk(app, `{ plan(namndCode: "KS", year: 2026) { status risks { nr title version } } }`)).plan;
  t.equal(before.status, 'ADOPTED');
  const rows = [{ nr: '1', mal: '3.5 Hög beredskap', process: 'Ny process', arbetssatt: 'Nytt arbetssätt', oonskadHandelse: 'Ny risk', sannolikhet: '1', konsekvens: '1', rv: '1', ikp: 'Nej' }];
  const r = await gql(app, IMPORT, { input: { namndCode: 'KS', year: 2026, mode: 'REPLACE', rows } });
  t.equal(r.errors?.[0].extensions.code, 'PLAN_NOT_EDITABLE');
  t.same((await gqlOk(app, `{ plan(namndCode: "KS", year: 2026) { status risks { nr title version } } }`)).plan, before);
});
