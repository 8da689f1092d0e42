import t from 'tap';
import { asc, inArray } from 'drizzle-orm';
import { QUIET, buildTestApp, gqlOk } from './helper.js';
import { IMPORT, snRows } from './support/servicenamnden.js';
import { actions, assessments, controlActivities, controls, followUps, processes, risks, workingMethods } from '../src/db/schema/index.js';
import { planRepository } from '../src/modules/plans/index.js';
import { followUpRowsOf } from '../src/modules/follow-ups/index.js';

// The json-array reads (src/db/json-rows.ts) must give exactly the rows drizzle's own selects give: same keys,
// same values, Dates where drizzle has Dates (to the millisecond), nulls, arrays and jsonb intact.
const { app, database } = await buildTestApp(t, QUIET);
await gqlOk(app, IMPORT, { input: { namndCode: 'SN', namndName: 'Servicenämnden', year: 2026, rows: snRows() } });
const db = database.db;
const planIds = (await db.select({ id: risks.planId }).from(risks).limit(1)).map((r) => r.id);

t.test('plan content read as json equals the rows drizzle selects', async (t) => {
  const content = await planRepository.content(db, planIds);
  const pairs = [
    [content.processes, processes],
    [content.workingMethods, workingMethods],
    [content.risks, risks],
    [content.controls, controls],
    [content.activities, controlActivities],
  ] as const;
  for (const [rows, table] of pairs) {
    const direct = await db.select().from(table).where(inArray(table.planId, planIds)).orderBy(asc(table.id));
    const byId = new Map(rows.map((r) => [r.id, r]));
    t.equal(rows.length, direct.length);
    t.ok(direct.length > 0);
    for (const d of direct) t.same(byId.get(d.id), d);
    t.ok(rows.every((r) => r.createdAt instanceof Date && r.updatedAt instanceof Date));
  }
  t.equal(content.plans.length, 1);
  t.equal(content.plans[0].namndCode, 'SN');
  t.ok(content.plans[0].createdAt instanceof Date);
  t.same(Object.keys(content.plans[0].matrix).sort(), ['bands', 'cells']);
});

t.test('follow-up data read as json equals the rows drizzle selects', async (t) => {
  const got = await followUpRowsOf(db, planIds);
  for (const [rows, table] of [
    [got.followUps, followUps],
    [got.actions, actions],
    [got.assessments, assessments],
  ] as const) {
    const direct = await db.select().from(table).where(inArray(table.planId, planIds));
    t.equal(rows.length, direct.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const d of direct) t.same(byId.get(d.id), d);
  }
});
