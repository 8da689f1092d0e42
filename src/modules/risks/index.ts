// Risk derivation (RV, band, IKP and its basis) and its SQL mirror: the public face of this module.
export * from './risk-matrix.js';
export { riskColumnsSql } from './risks.repository.js';
