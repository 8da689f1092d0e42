import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildTestApp, gqlOk } from './helper.js';
import { loadServicenamnden } from './support/servicenamnden.js';
import { normalizeName } from '../src/modules/plans/index.js';

// A process that only names the mandatory one (not linked to the catalogue, e.g. from an old import) is still the
// mandatory process in the new year: the rollover links it to the new plan's own, never copies a second one.
const { app, database } = await buildTestApp(t);
await loadServicenamnden(app);
const NAME = 'Systematiskt informationssäkerhetsarbete';
const TREE = `query($y: Int!) { plan(namndCode: "SN", year: $y) { id processes { id name mandatory originId workingMethods { name mandatory originId } } } }`;

t.test('an unlinked mandatory process is linked, not copied twice', async (t) => {
  const before = (await gqlOk(app, TREE, { y: 2026 })).plan;
  const mp = before.processes.find((p: { name: string }) => normalizeName(p.name) === normalizeName(NAME));
  t.ok(mp, 'Servicenämnden 2026 has the mandatory process');
  await database.db.execute(sql`update working_methods set mandatory_working_method_id = null where process_id = ${mp.id}`);
  await database.db.execute(sql`update processes set mandatory_process_id = null, name = ${'  systematiskt  Informationssäkerhetsarbete '} where id = ${mp.id}`);
  t.equal((await gqlOk(app, TREE, { y: 2026 })).plan.processes.find((p: { id: string }) => p.id === mp.id).mandatory, false, 'unlinked by hand');

  await gqlOk(app, `mutation { rollover(input: { fromYear: 2026, toYear: 2027, namndCode: "SN" }) { failed } }`);
  const next = (await gqlOk(app, TREE, { y: 2027 })).plan;
  const matching = next.processes.filter((p: { name: string }) => normalizeName(p.name) === normalizeName(NAME));
  t.equal(matching.length, 1, 'one mandatory process in 2027');
  t.equal(matching[0].mandatory, true);
  t.equal(matching[0].originId, mp.id, "linked to last year's unlinked twin");
  const names = matching[0].workingMethods.map((w: { name: string }) => normalizeName(w.name));
  t.equal(new Set(names).size, names.length, 'no working method twice');
  t.ok(matching[0].workingMethods.filter((w: { mandatory: boolean }) => w.mandatory).length >= 5, 'the mandatory working methods are linked');
});

t.test('an import naming the mandatory process by its alias lands in the unlinked twin, not a second process', async (t) => {
  const TREE26 = `{ plan(namndCode: "SN", year: 2026) { processes { id name mandatory workingMethods { id name } } } }`;
  const before = (await gqlOk(app, TREE26)).plan.processes.filter((p: { name: string }) => normalizeName(p.name).startsWith('systematiskt informationssäkerhetsarbete'));
  t.equal(before.length, 1, 'the unlinked twin alone');
  const wm = before[0].workingMethods[0];
  const r = await gqlOk(app, `mutation($i: ImportVorInput!) { importVor(input: $i) { created { processes workingMethods risks } } }`, {
    i: {
      namndCode: 'SN',
      year: 2026,
      rows: [{ nr: '901', mal: '3.5 Hög beredskap', process: 'Systematiskt informationssäkerhetsarbete (SIS)', arbetssatt: wm.name, oonskadHandelse: 'Importerad under alias', sannolikhet: '2', konsekvens: '2', rv: '4', ikp: 'Nej' }],
    },
  });
  t.same(r.importVor.created, { processes: 0, workingMethods: 0, risks: 1 }, 'into the existing process and working method');
  const after = (await gqlOk(app, TREE26)).plan.processes.filter((p: { name: string }) => normalizeName(p.name).startsWith('systematiskt informationssäkerhetsarbete'));
  t.equal(after.length, 1, 'still one');
});
