import t from 'tap';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { buildTestApp, token } from './helper.js';
import { csvRecords } from './csv-parse.js';
import { seedPlan, servicenamndenVor } from './fixtures/seed-plan.js';
import { DATASET_NAMES } from '../src/modules/exports/export-datasets.js';

// The column contract: Power BI reports break when a column they use disappears, is renamed or moves.
// openapi/columns.json lists each dataset's columns; the served export must start with exactly those, in that
// order. New columns may follow at the end (then add them to the file too).

const contract: Record<string, string[]> = JSON.parse(fs.readFileSync(new URL('../openapi/columns.json', import.meta.url), 'utf8'));
delete contract.$comment;

const { app, database } = await buildTestApp(t);
await seedPlan(database.db, servicenamndenVor());
// The bridge and deletions datasets need a row to check: tags on the actions, one control activity deleted.
await database.db.execute(sql`update actions set tags = '{a,b}'`);
await database.db.execute(sql`delete from control_activities where id = (select min(id::text)::uuid from control_activities)`);
const auth = { authorization: `Bearer ${token('admin')}` };

t.test('the contract covers every dataset, and every contract dataset is served', async (t) => {
  t.same(Object.keys(contract).sort(), [...DATASET_NAMES].sort());
});

t.test('the risks contract is the agreed column list', async (t) => {
  t.same(contract.risks, [
    'risk_id', 'plan_id', 'namnd_code', 'year', 'goal_code', 'process', 'working_method', 'nr', 'title', 'likelihood',
    'likelihood_label', 'consequence', 'consequence_label', 'rv', 'band', 'band_label', 'band_color', 'in_ikp',
    'ikp_basis', 'ikp_motivation', 'updated_at',
  // Appended by issue 15 (star-schema keys, band order, the partition date).
  'created_at', 'working_method_id', 'process_id', 'goal_id', 'band_order',
  // Appended by issue 14 (the rollover's link to last year's risk).
  'origin_id',
  ]);
});

for (const [name, columns] of Object.entries(contract)) {
  t.test(`${name}: no contract column removed, renamed or reordered`, async (t) => {
    const csv = await app.inject({ url: `/api/v1/exports/${name}.csv`, headers: auth });
    t.equal(csv.statusCode, 200);
    const { header } = csvRecords(csv.body);
    t.same(header.slice(0, columns.length), columns, `${name}.csv header starts with the contract`);

    const doc = (await app.inject('/openapi.json')).json();
    const page = doc.paths[`/api/v1/exports/${name}.json`].get.responses['200'].content['application/json'].schema.$ref.split('/').pop();
    const rowRef = doc.components.schemas[page].properties.value.items.$ref.split('/').pop();
    t.same(Object.keys(doc.components.schemas[rowRef].properties).slice(0, columns.length), columns, `${name}: documented row schema`);

    if (name === 'audit-events') return; // this file writes no audit events
    const json = await app.inject({ url: `/api/v1/exports/${name}.json?top=1`, headers: auth });
    const [row] = json.json().value;
    t.ok(row, `${name}.json has a row to check`);
    t.same(Object.keys(row).slice(0, columns.length), columns, `${name}.json keys start with the contract`);
  });
}
