import { plans, risks } from '../../db/schema/index.js';
import { riskSql } from './risk-matrix.js';

/** The risk derivation's SQL mirror (risk-matrix.ts), bound to the risks and plans tables. */
export const riskColumnsSql = riskSql({
  likelihood: risks.likelihood,
  consequence: risks.consequence,
  ikpOverride: risks.ikpOverride,
  ikpThreshold: plans.ikpThreshold,
  matrix: plans.matrix,
});

export const { rv: rvSql, bandKey: bandKeySql, inIkp: inIkpSql } = riskColumnsSql;
