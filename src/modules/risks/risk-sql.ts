import { sql } from 'drizzle-orm';
import { plans, risks } from '../../db/schema/index.js';

// The same rules as deriveRisk (risk-matrix.ts), as SQL for filtering lists in the database.
// test/risk-derivation.test.ts checks that both agree on every cell, threshold and override.
export const rvSql = sql<number | null>`(${risks.likelihood} * ${risks.consequence})`;

export const bandKeySql = sql<string | null>`(${plans.matrix} -> 'cells' -> (${risks.likelihood} - 1) ->> (${risks.consequence} - 1))`;

export const inIkpSql = sql<boolean>`(case
  when ${risks.likelihood} is null or ${risks.consequence} is null then false
  when ${risks.ikpOverride} = 'INCLUDE' and ${rvSql} < ${plans.ikpThreshold} then true
  when ${risks.ikpOverride} = 'EXCLUDE' and ${rvSql} >= ${plans.ikpThreshold} then false
  else ${rvSql} >= ${plans.ikpThreshold} end)`;
