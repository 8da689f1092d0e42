import t from 'tap';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from './helper.js';
import { plans, risks } from '../src/db/schema/index.js';
import { deriveRisk, defaultMatrix, type IkpOverride } from '../src/modules/risks/risk-matrix.js';
import { bandKeySql, inIkpSql, rvSql } from '../src/modules/risks/risks.repository.js';

// The SQL used to filter city-wide lists must agree with deriveRisk on every cell, threshold and override.
t.test('SQL and deriveRisk agree', async (t) => {
  const { database } = await createTestDatabase(t);
  const db = database.db;
  const matrix = defaultMatrix();
  const cases: { l: number | null; c: number | null; o: IkpOverride | null; thr: number }[] = [];
  for (const thr of [4, 9, 12])
    for (const l of [null, 1, 2, 3, 4, 5])
      for (const c of [1, 2, 3, 4, 5])
        for (const o of [null, 'INCLUDE', 'EXCLUDE'] as const) cases.push({ l, c: l === null ? null : c, o, thr });
  let checked = 0;
  for (const k of cases) {
    const q = await db.execute(sql`
      with p as (select ${JSON.stringify(matrix)}::jsonb as matrix, ${k.thr}::int as ikp_threshold),
      r as (select ${k.l}::smallint as likelihood, ${k.c}::smallint as consequence, ${k.o}::ikp_override as ikp_override)
      select ${rvSql} as rv, ${bandKeySql} as band, ${inIkpSql} as in_ikp
      from p as ${plans}, r as ${risks}`);
    const row = (q as unknown as { rows: { rv: number | null; band: string | null; in_ikp: boolean }[] }).rows[0];
    const d = deriveRisk({ likelihood: k.l, consequence: k.c, ikpOverride: k.o, ikpMotivation: 'm' }, { ikpThreshold: k.thr, matrix });
    if (row.rv !== d.rv || (row.band ?? null) !== (d.band?.key ?? null) || row.in_ikp !== d.inIkp) {
      t.fail(`disagree on ${JSON.stringify(k)}: sql ${JSON.stringify(row)} vs ${JSON.stringify({ rv: d.rv, band: d.band?.key, inIkp: d.inIkp })}`);
    }
    checked++;
  }
  t.equal(checked, cases.length);
});
