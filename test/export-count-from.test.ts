import t from 'tap';
import { sql } from 'drizzle-orm';
import { DATASETS } from '../src/modules/exports/export-datasets.js';
import { rawRows } from '../src/db/raw.js';
import { QUIET, buildTestApp, gqlOk } from './helper.js';
import { IMPORT, snRows } from './support/servicenamnden.js';
import { adoptablePlan, type Admin } from './authz/fixture.js';

// A dataset's countFrom (what its ETag counts) must hold exactly the rows of its full join, for every filter.
const { app, database } = await buildTestApp(t, QUIET);
const admin: Admin = (q, v) => gqlOk(app, q, v);
await gqlOk(app, IMPORT, { input: { namndCode: 'SN', namndName: 'Servicenämnden', year: 2026, rows: snRows() } });
await admin('mutation { createNamnd(input: { code: "KN", name: "Kulturnämnden" }) { id } }');
const planId = await adoptablePlan(admin, 'KN', 2026, 2, 2);
const { version } = (await admin(`{ planById(id: "${planId}") { version } }`)).planById;
await admin('mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { id } }', { i: { id: planId, version, decisionDate: '2026-01-29', decisionReference: '§ 3' } });

t.test('countFrom holds the rows of from', async (t) => {
  const withCount = Object.values(DATASETS).filter((d) => d.countFrom);
  t.ok(withCount.length >= 6);
  for (const d of withCount) {
    for (const where of [sql``, sql`where ${d.year} = 2026`, sql`where ${d.namndCode} = 'KN'`]) {
      const count = async (from: typeof d.from) => Number((await rawRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${from} ${where}`))[0].n);
      const full = await count(d.from);
      t.equal(await count(d.countFrom!), full, `${d.name}: ${full} rows`);
    }
    t.ok((await rawRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${d.from}`))[0].n > 0, `${d.name} has rows to compare`);
  }
});
