// The risk scales, the matrix and everything derived from a risk's values (RV, band, IKP and its basis): computed
// here and nowhere else. The SQL mirror at the end is built from the same constants, for lists filtered in the database.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Band, RiskMatrix } from '../../db/schema/json-types.js';

export type { Band, RiskMatrix };

export const SCALE = [1, 2, 3, 4, 5] as const;
export type ScaleValue = (typeof SCALE)[number];

export const LIKELIHOOD_LABELS: Record<ScaleValue, string> = {
  1: 'Osannolikt',
  2: 'Mindre sannolikt',
  3: 'Möjlig',
  4: 'Sannolikt',
  5: 'Mycket sannolikt',
};

export const CONSEQUENCE_LABELS: Record<ScaleValue, string> = {
  1: 'Försumbar',
  2: 'Lindrig',
  3: 'Kännbar',
  4: 'Allvarlig',
  5: 'Mycket allvarlig',
};

export const DEFAULT_BANDS: Band[] = [
  { key: 'LAG', label: 'Låg', color: '#70AD47' },
  { key: 'MEDIUM', label: 'Medium', color: '#FFC000' },
  { key: 'KRITISK', label: 'Kritisk', color: '#C00000' },
];

/** The city's documents: Låg RV ≤ 4, Medium RV 5–10, Kritisk RV ≥ 12. */
export function defaultMatrix(): RiskMatrix {
  const cells = SCALE.map((l) =>
    SCALE.map((c) => {
      const rv = riskValue(l, c);
      return rv <= 4 ? 'LAG' : rv <= 10 ? 'MEDIUM' : 'KRITISK';
    }),
  );
  return { bands: DEFAULT_BANDS.map((b) => ({ ...b })), cells };
}

export function isScaleValue(v: unknown): v is ScaleValue {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;
}

/** Returns a list of problems; empty when the matrix is usable. */
export function matrixProblems(m: RiskMatrix): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const b of m.bands) {
    if (!/^[A-Z][A-Z0-9_]{0,31}$/.test(b.key)) problems.push(`band key "${b.key}" must be UPPER_SNAKE_CASE`);
    if (keys.has(b.key)) problems.push(`band key "${b.key}" is repeated`);
    if (!/^#[0-9A-Fa-f]{6}$/.test(b.color)) problems.push(`band ${b.key}: color must be #RRGGBB`);
    if (!b.label.trim()) problems.push(`band ${b.key}: label is empty`);
    keys.add(b.key);
  }
  if (m.cells.length !== 5 || m.cells.some((row) => row.length !== 5)) {
    problems.push('cells must be a 5 × 5 grid (likelihood × consequence)');
  } else {
    m.cells.forEach((row, l) =>
      row.forEach((k, c) => {
        if (!keys.has(k)) problems.push(`cell (${l + 1},${c + 1}) names unknown band "${k}"`);
      }),
    );
  }
  return problems;
}

export const INCLUDE = 'INCLUDE';
export const EXCLUDE = 'EXCLUDE';
export type IkpOverride = typeof INCLUDE | typeof EXCLUDE;

/** Riskvärde: likelihood × consequence. */
export const riskValue = (likelihood: number, consequence: number) => likelihood * consequence;

/** The IKP threshold: a risk whose RV reaches it is in the IKP unless excluded with a motivation. */
export const meetsThreshold = (rv: number, ikpThreshold: number) => rv >= ikpThreshold;
export type IkpBasis = 'THRESHOLD' | 'MOTIVATED_INCLUSION' | 'MOTIVATED_EXCLUSION' | 'UNASSESSED';

export interface RiskValues {
  likelihood: number | null;
  consequence: number | null;
  ikpOverride: IkpOverride | null;
  ikpMotivation: string | null;
}

export interface DerivedRisk {
  assessed: boolean;
  rv: number | null;
  band: Band | null;
  inIkp: boolean;
  ikpBasis: IkpBasis;
  /** The override changes the outcome (it disagrees with the threshold). */
  overrideEffective: boolean;
  /** An effective override lacks its written motivation (possible only through import). */
  motivationMissing: boolean;
}

export function bandOf(matrix: RiskMatrix, likelihood: number, consequence: number): Band | null {
  const key = matrix.cells[likelihood - 1]?.[consequence - 1];
  return matrix.bands.find((b) => b.key === key) ?? null;
}

/** R1–R3: whether a risk is in the IKP, and on what basis. */
export function deriveRisk(r: RiskValues, plan: { ikpThreshold: number; matrix: RiskMatrix }): DerivedRisk {
  if (!isScaleValue(r.likelihood) || !isScaleValue(r.consequence)) {
    return {
      assessed: false,
      rv: null,
      band: null,
      inIkp: false,
      ikpBasis: 'UNASSESSED',
      overrideEffective: false,
      motivationMissing: false,
    };
  }
  const rv = riskValue(r.likelihood, r.consequence);
  const band = bandOf(plan.matrix, r.likelihood, r.consequence);
  const aboveThreshold = meetsThreshold(rv, plan.ikpThreshold);
  const hasMotivation = !!r.ikpMotivation?.trim();
  if (r.ikpOverride === INCLUDE && !aboveThreshold) {
    return { assessed: true, rv, band, inIkp: true, ikpBasis: 'MOTIVATED_INCLUSION', overrideEffective: true, motivationMissing: !hasMotivation };
  }
  if (r.ikpOverride === EXCLUDE && aboveThreshold) {
    return { assessed: true, rv, band, inIkp: false, ikpBasis: 'MOTIVATED_EXCLUSION', overrideEffective: true, motivationMissing: !hasMotivation };
  }
  return { assessed: true, rv, band, inIkp: aboveThreshold, ikpBasis: 'THRESHOLD', overrideEffective: false, motivationMissing: false };
}

/** RV of last year's values, kept beside a rolled-over risk. */
export function previousRiskValue(r: { previousLikelihood: number | null; previousConsequence: number | null }): number | null {
  return r.previousLikelihood && r.previousConsequence ? riskValue(r.previousLikelihood, r.previousConsequence) : null;
}

/**
 * A document's own IKP choice (the VoR table's column) as the override that reproduces it: none when the
 * threshold already gives the same answer, INCLUDE or EXCLUDE when the document goes against it.
 */
export function overrideFor(r: { likelihood: number | null; consequence: number | null; inIkp: boolean }, ikpThreshold: number): IkpOverride | null {
  if (!isScaleValue(r.likelihood) || !isScaleValue(r.consequence)) return null;
  const byThreshold = meetsThreshold(riskValue(r.likelihood, r.consequence), ikpThreshold);
  return r.inIkp === byThreshold ? null : r.inIkp ? INCLUDE : EXCLUDE;
}

/** The filters a risk list offers (a plan's risks in memory, the city-wide list in SQL). */
export interface RiskFilter {
  band?: string | null;
  inIkp?: boolean | null;
  goalCode?: string | null;
}

export function matchesRiskFilter(r: Pick<DerivedRisk, 'band' | 'inIkp'>, goalCode: string | null | undefined, f: RiskFilter): boolean {
  if (f.band && r.band?.key !== f.band) return false;
  if (f.inIkp !== undefined && f.inIkp !== null && r.inIkp !== f.inIkp) return false;
  if (f.goalCode && goalCode !== f.goalCode) return false;
  return true;
}

/** The columns the SQL mirror reads; the repository binds them to its tables. */
export interface RiskColumns {
  likelihood: SQLWrapper;
  consequence: SQLWrapper;
  ikpOverride: SQLWrapper;
  ikpThreshold: SQLWrapper;
  matrix: SQLWrapper;
}

/**
 * deriveRisk as SQL, from the same constants (riskValue, meetsThreshold, INCLUDE/EXCLUDE).
 * test/risk-derivation.test.ts checks that both agree on every cell, threshold and override.
 */
export function riskSql(c: RiskColumns) {
  const rv = sql<number | null>`(${c.likelihood} * ${c.consequence})`;
  const meets = sql`${rv} >= ${c.ikpThreshold}`;
  const bandKey = sql<string | null>`(${c.matrix} -> 'cells' -> (${c.likelihood} - 1) ->> (${c.consequence} - 1))`;
  const inIkp = sql<boolean>`(case
  when ${c.likelihood} is null or ${c.consequence} is null then false
  when ${c.ikpOverride} = ${sql.raw(`'${INCLUDE}'`)} and not (${meets}) then true
  when ${c.ikpOverride} = ${sql.raw(`'${EXCLUDE}'`)} and ${meets} then false
  else ${meets} end)`;
  const assessed = sql`(${c.likelihood} is not null and ${c.consequence} is not null)`;
  /** The same filter as matchesRiskFilter, except goalCode, which needs its joins (the repository adds it). */
  const filter = (f: RiskFilter): SQL[] => {
    const out: SQL[] = [];
    if (f.band) out.push(sql`(${assessed} and ${bandKey} = ${f.band})`);
    if (f.inIkp !== undefined && f.inIkp !== null) out.push(f.inIkp ? inIkp : sql`not ${inIkp}`);
    return out;
  };
  return { rv, bandKey, inIkp, filter };
}

/** A band's rank in its matrix: bands are listed from the lowest to the highest, 1 = lowest. */
export function bandOrder(matrix: RiskMatrix, band: Band): number | null {
  const i = matrix.bands.findIndex((b) => b.key === band.key);
  return i < 0 ? null : i + 1;
}

/** The values an export row derives from a risk's place in the matrix, as SQL (exportSqlRisk). */
export interface ExportSqlRiskColumns {
  likelihood: SQLWrapper;
  consequence: SQLWrapper;
  ikpOverride: SQLWrapper;
  ikpThreshold: SQLWrapper;
  matrix: SQLWrapper;
}

/**
 * Everything deriveRisk, bandOf and bandOrder give an export row, as SQL, for exports built as CSV in the database.
 * `bandJoin(alias)` is a lateral join giving alias.key, .label, .color and .ord (bandOrder) of the cell's band:
 * the first band whose key the cell names, as bandOf finds it; null when unassessed or the key names no band.
 * test/export-sql.test.ts checks every cell, threshold and override against deriveRisk.
 */
export function exportSqlRisk(c: ExportSqlRiskColumns) {
  const inScale = (v: SQLWrapper) => sql`${v} between ${sql.raw(String(SCALE[0]))} and ${sql.raw(String(SCALE[SCALE.length - 1]))}`;
  const assessed = sql`coalesce(${inScale(c.likelihood)} and ${inScale(c.consequence)}, false)`;
  const rv = sql`case when ${assessed} then ${c.likelihood} * ${c.consequence} end`;
  const meets = sql`(${c.likelihood} * ${c.consequence} >= ${c.ikpThreshold})`;
  const include = sql`${c.ikpOverride} = ${sql.raw(`'${INCLUDE}'`)} and not ${meets}`;
  const exclude = sql`${c.ikpOverride} = ${sql.raw(`'${EXCLUDE}'`)} and ${meets}`;
  const inIkp = sql`case when not ${assessed} then false when ${include} then true when ${exclude} then false else ${meets} end`;
  const ikpBasis = sql`case when not ${assessed} then 'UNASSESSED' when ${include} then 'MOTIVATED_INCLUSION'
    when ${exclude} then 'MOTIVATED_EXCLUSION' else 'THRESHOLD' end`;
  const bandJoin = (alias: string) => sql`left join lateral (
    select e ->> 'key' as key, e ->> 'label' as label, e ->> 'color' as color, o as ord
    from jsonb_array_elements(${c.matrix} -> 'bands') with ordinality x(e, o)
    where ${assessed} and e ->> 'key' = ${c.matrix} -> 'cells' -> (${c.likelihood} - 1) ->> (${c.consequence} - 1)
    order by o limit 1) ${sql.raw(alias)} on true`;
  return { assessed, rv, inIkp, ikpBasis, bandJoin };
}
