import { inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { plans } from '../../db/schema/index.js';
import {
  CONSEQUENCE_LABELS,
  bandOrder,
  deriveRisk,
  exportSqlRisk,
  LIKELIHOOD_LABELS,
  type DerivedRisk,
  type IkpOverride,
  type RiskMatrix,
  type ScaleValue,
} from '../risks/index.js';
import { cityOverviewOf, type NamndYear } from '../city/index.js';
import { OPEN_ACTION_STATUSES, PERIOD_ENDS, TIME_ZONE, type Period } from '../follow-ups/index.js';
import {
  ACTION_STATUS_LABELS,
  ASSESSMENT_LEVEL_LABELS,
  FOLLOW_UP_OUTCOME_LABELS,
  FOLLOW_UP_STATUS_LABELS,
  NAMND_KIND_LABELS,
  PERIOD_LABELS,
  PLAN_STATUS_LABELS,
} from '../labels.js';
import { exportSqlDeadlines, isOverdue, pastDeadline, periodDeadlineSql, reportedLate } from '../follow-ups/index.js';
import { csvField, csvLineSql, sqlField, sqlText, type Cell, type ColumnType } from './csv.js';

// The flat, star-schema tables Power BI pulls. Each dataset is one SQL select (keyed by its surrogate id,
// so pages and streams have a stable order) and an ordered list of columns: that order is a public contract
// (openapi/columns.json), so columns may only ever be added at the end.

export type { Cell, ColumnType } from './csv.js';
export type ExportRow = Record<string, Cell>;
type RawRow = Record<string, unknown>;

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
  description: string;
  /** A Swedish label looked up from another raw field's code. */
  label?: { of: string; labels: Record<string, string> };
}

/** What an export is computed as of: values derived from the date (`overdue`) are as of this Stockholm day. */
export interface ExportMoment {
  today: string;
}

/** Turns a batch of raw database rows into export rows; may load what the batch refers to first. */
export interface RowMapper {
  prepare(batch: RawRow[]): Promise<void>;
  map(raw: RawRow): ExportRow;
}

export interface CsvSql {
  joins?: SQL;
  select?: SQL;
  values: Record<string, SQL>;
}

export interface Dataset {
  name: DatasetName;
  title: string;
  description: string;
  columns: Column[];
  /** Select list whose aliases are the column names (or the raw fields a mapper derives columns from). */
  select: SQL;
  from: SQL;
  /**
   * The same rows as `from` with only the joins the filters need (the rest join on NOT NULL foreign keys, so they
   * neither drop nor repeat a row): the ETag's count and latest change read this instead of the whole join.
   */
  countFrom?: SQL;
  /**
   * Sort and page key. A text key joins the key columns with '/' (bridge and cell datasets, whose rows have
   * no surrogate id); `of` reads it from a row, `pattern` checks it in a cursor.
   */
  key: { expr: SQL; kind: 'uuid' | 'bigint' | 'text'; of?: (row: Record<string, unknown>) => string; pattern?: RegExp };
  /** The nämnd a row belongs to: enables the `namnd` filter and limits nämnd-scoped roles. */
  namndCode?: SQL;
  /** The year a row belongs to: enables the `year` filter. */
  year?: SQL;
  /** When any value of the row last changed: the `updatedSince`/`updatedBefore` filters and the ETag. */
  updatedAt: SQL;
  /** When the row was created (never changes): the `createdSince`/`createdBefore` filters. */
  createdAt: SQL;
  /** Rows every export reader may see whatever their nämnd (city-wide master data in `deletions`). */
  cityWide?: SQL;
  /** Only auditors and admins may export it. */
  auditOnly?: boolean;
  mapper?: (db: DbOrTx, at: ExportMoment) => RowMapper;
  /**
   * The mapper's columns derived in SQL instead, so CSV lines are built in the database: joins and fields added to
   * the select, and the columns' values over them (as q."field"). A dataset with a mapper and none of this streams
   * its CSV through the mapper.
   */
  csvSql?: (at: ExportMoment) => CsvSql;
  /** Has columns derived from today's date (overdue): they change without updated_at, so the ETag has the day. */
  asOfToday?: boolean;
}

export const DATASET_NAMES = [
  'namnder',
  'goals',
  'plans',
  'processes',
  'working-methods',
  'risks',
  'controls',
  'control-activities',
  'follow-ups',
  'actions',
  'assessments',
  'audit-events',
  'risk-matrix-cells',
  'action-tags',
  'control-activity-periods',
  'deletions',
  'namnd-years',
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

// Times leave the database as ISO 8601 UTC text, so both drivers (pg, PGlite) give identical output.
const iso = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

type ColumnSpec = [name: string, type: ColumnType, description: string, options?: { nullable?: boolean; label?: Column['label'] }];
const columns = (specs: ColumnSpec[]): Column[] =>
  specs.map(([name, type, description, o]) => ({ name, type, description, nullable: o?.nullable ?? false, label: o?.label }));
const optional = { nullable: true };
const labelOf = (of: string, labels: Record<string, string>, nullable = false) => ({ nullable, label: { of, labels } });

const UPDATED_AT: ColumnSpec = ['updated_at', 'timestamp', 'When the row last changed (UTC); drives incremental refresh'];
const CREATED_AT: ColumnSpec = ['created_at', 'timestamp', 'When the row was created (UTC); never changes: the incremental-refresh partition date'];
const BAND_ORDER: ColumnSpec = ['band_order', 'integer', "The band's position in the plan's matrix, 1 = lowest: sorts bands", optional];
/** A risk's place in the matrix and what it derives from it (risks and risk-matrix-cells alike). */
const cellColumns = (unassessed: string, nullable: boolean): ColumnSpec[] => {
  const o = { nullable };
  return [
    ['likelihood', 'integer', `Sannolikhet 1–5${unassessed}`, o],
    ['likelihood_label', 'text', 'Osannolikt … Mycket sannolikt', { ...o, label: { of: 'likelihood', labels: LIKELIHOOD_LABELS } }],
    ['consequence', 'integer', `Konsekvens 1–5${unassessed}`, o],
    ['consequence_label', 'text', 'Försumbar … Mycket allvarlig', { ...o, label: { of: 'consequence', labels: CONSEQUENCE_LABELS } }],
    ['rv', 'integer', 'Riskvärde = likelihood × consequence', o],
    ['band', 'text', "Band key in the plan's matrix, e.g. KRITISK", optional],
    ['band_label', 'text', 'Band name, e.g. Kritisk', optional],
    ['band_color', 'text', 'Band colour #RRGGBB', optional],
  ];
};
/** The row of last year's plan a row was carried over from by the rollover (the GraphQL originId). */
const originId = (what: string): ColumnSpec => ['origin_id', 'uuid', `The ${what} of last year's plan this one was carried over from (the rollover); empty when not carried`, optional];
const NAMND_CODE: ColumnSpec = ['namnd_code', 'text', 'The nämnd (foreign key to namnder.namnd_code)'];
const YEAR: ColumnSpec = ['year', 'integer', 'The plan year'];
const PLAN_ID: ColumnSpec = ['plan_id', 'uuid', 'Foreign key to plans'];

const CELL_UPDATED_AT = `greatest(p.updated_at, (select max(r.updated_at) from risks r where r.plan_id = p.id),
  (select max(d.deleted_at) from export_deletions d where d.plan_id = p.id and d.dataset = 'risks'))`;

const PLAN_JOIN = 'join plans p on p.id = %.plan_id join namnder n on n.id = p.namnd_id';
const planJoin = (alias: string) => PLAN_JOIN.replace('%', alias);
const planScope = { namndCode: sql.raw('n.code'), year: sql.raw('p.year') };

type PlanRules = { ikpThreshold: number; matrix: RiskMatrix };

/** The matrix and threshold of the plans a batch refers to, each loaded once per export. */
function planRulesLoader(db: DbOrTx) {
  const planRules = new Map<string, PlanRules>();
  return {
    async load(batch: RawRow[]) {
      // Plans are few (one per nämnd and year): each is loaded once per export, whatever the row count.
      const missing = [...new Set(batch.map((r) => r.plan_id as string))].filter((id) => !planRules.has(id));
      if (!missing.length) return;
      const rows = await db
        .select({ id: plans.id, ikpThreshold: plans.ikpThreshold, matrix: plans.matrix })
        .from(plans)
        .where(inArray(plans.id, missing));
      for (const p of rows) planRules.set(p.id, { ikpThreshold: p.ikpThreshold, matrix: p.matrix });
    },
    of(raw: RawRow): PlanRules {
      const rules = planRules.get(raw.plan_id as string);
      if (!rules) throw new Error(`plan ${String(raw.plan_id)} was not loaded`);
      return rules;
    },
  };
}

const scaleLabel = (labels: Record<ScaleValue, string>, v: number | null) => (v == null ? null : (labels[v as ScaleValue] ?? null));

/** The cellColumns of a risk or cell, from deriveRisk's result. */
const cellValues = (likelihood: number | null, consequence: number | null, d: DerivedRisk): ExportRow => ({
  likelihood,
  likelihood_label: scaleLabel(LIKELIHOOD_LABELS, likelihood),
  consequence,
  consequence_label: scaleLabel(CONSEQUENCE_LABELS, consequence),
  rv: d.rv,
  band: d.band?.key ?? null,
  band_label: d.band?.label ?? null,
  band_color: d.band?.color ?? null,
});

/** Risks: RV, band and IKP membership are derived by deriveRisk with the plan's own matrix and threshold. */
function riskMapper(db: DbOrTx): RowMapper {
  const planRules = planRulesLoader(db);
  return {
    prepare: (batch) => planRules.load(batch),
    map(raw) {
      const likelihood = raw.likelihood == null ? null : Number(raw.likelihood);
      const consequence = raw.consequence == null ? null : Number(raw.consequence);
      const rules = planRules.of(raw);
      const d = deriveRisk(
        {
          likelihood,
          consequence,
          ikpOverride: (raw.ikp_override as IkpOverride | null) ?? null,
          ikpMotivation: (raw.ikp_motivation as string | null) ?? null,
        },
        rules,
      );
      return {
        risk_id: raw.risk_id as string,
        plan_id: raw.plan_id as string,
        namnd_code: raw.namnd_code as string,
        year: Number(raw.year),
        goal_code: raw.goal_code as string,
        process: raw.process as string,
        working_method: raw.working_method as string,
        nr: Number(raw.nr),
        title: raw.title as string,
        ...cellValues(likelihood, consequence, d),
        in_ikp: d.inIkp,
        ikp_basis: d.ikpBasis,
        ikp_motivation: (raw.ikp_motivation as string | null) ?? null,
        updated_at: raw.updated_at as string,
        created_at: raw.created_at as string,
        working_method_id: raw.working_method_id as string,
        process_id: raw.process_id as string,
        goal_id: raw.goal_id as string,
        band_order: d.band ? bandOrder(rules.matrix, d.band) : null,
        origin_id: (raw.origin_id as string | null) ?? null,
      };
    },
  };
}

/** Follow-ups: due_date from the SQL mirror of deadlines.ts, late and overdue by its rules, as of the export's day. */
function followUpMapper(_db: DbOrTx, at: ExportMoment): RowMapper {
  const base = columnMapper(DATASETS['follow-ups']);
  return {
    async prepare() {},
    map(raw) {
      const row = base.map(raw);
      const due = String(raw.due_date);
      row.late = reportedLate(raw.reported_at == null ? null : new Date(String(raw.reported_at)), due);
      row.overdue = pastDeadline(String(raw.status), due, at.today);
      return row;
    },
  };
}

/** Actions: overdue by deadlines.ts, as of the export's day. */
function actionMapper(_db: DbOrTx, at: ExportMoment): RowMapper {
  const base = columnMapper(DATASETS.actions);
  return {
    async prepare() {},
    map(raw) {
      const row = base.map(raw);
      row.overdue = isOverdue({ status: String(raw.status), dueDate: (raw.due_date as string | null) ?? null }, at.today);
      return row;
    },
  };
}

/** Heat-map cells: RV and band of each of the 25 cells by deriveRisk, from the plan's stored matrix. */
function matrixCellMapper(db: DbOrTx): RowMapper {
  const planRules = planRulesLoader(db);
  return {
    prepare: (batch) => planRules.load(batch),
    map(raw) {
      const likelihood = Number(raw.likelihood);
      const consequence = Number(raw.consequence);
      const rules = planRules.of(raw);
      const d = deriveRisk({ likelihood, consequence, ikpOverride: null, ikpMotivation: null }, rules);
      return {
        plan_id: raw.plan_id as string,
        namnd_code: raw.namnd_code as string,
        year: Number(raw.year),
        ...cellValues(likelihood, consequence, d),
        band_order: d.band ? bandOrder(rules.matrix, d.band) : null,
        risk_count: Number(raw.risk_count),
        updated_at: raw.updated_at as string,
        created_at: raw.created_at as string,
      };
    },
  };
}

/**
 * What riskMapper and matrixCellMapper derive with deriveRisk, as SQL from its mirror (exportSqlRisk), with the
 * plan's matrix and threshold: cellColumns, band_order and the named IKP columns.
 */
function derivedCellSql(likelihood: string, consequence: string, ikpOverride: string, ikp: { in_ikp?: string; ikp_basis?: string } = {}): () => CsvSql {
  const d = exportSqlRisk({
    likelihood: sql.raw(likelihood),
    consequence: sql.raw(consequence),
    ikpOverride: sql.raw(ikpOverride),
    ikpThreshold: sql.raw('p.ikp_threshold'),
    matrix: sql.raw('p.matrix'),
  });
  return () => ({
    joins: d.bandJoin('derived_band'),
    select: sql`${d.rv} as derived_rv, ${d.inIkp} as derived_in_ikp, ${d.ikpBasis} as derived_ikp_basis, derived_band.key as derived_band,
      derived_band.label as derived_band_label, derived_band.color as derived_band_color, derived_band.ord as derived_band_order`,
    values: {
      rv: q('derived_rv'),
      band: q('derived_band'),
      band_label: q('derived_band_label'),
      band_color: q('derived_band_color'),
      band_order: q('derived_band_order'),
      ...Object.fromEntries(Object.entries(ikp).map(([column, field]) => [column, q(`derived_${field}`)])),
    },
  });
}

/** A field of the dataset's select in the query that builds CSV lines. */
const q = (field: string) => sql.raw(`q."${field}"`);
/** The export's day as an SQL date. */
const exportDay = (at: ExportMoment) => sql`${at.today}::date`;

const PERIOD_KEYS = ['t1', 't2', 'vb'] as const;
const DEFAULT_BAND_KEYS = ['lag', 'medium', 'kritisk'] as const;

/**
 * namnd-years: each batch's nämnder and years go through the city overview (cityOverviewOf), the same function
 * as GraphQL's cityOverview and the city report, so the three can never disagree; a batch costs a fixed number of
 * statements per year it holds.
 */
function namndYearMapper(db: DbOrTx, at: ExportMoment): RowMapper {
  const figures = new Map<string, NamndYear>();
  return {
    async prepare(batch) {
      const byYear = new Map<number, Set<string>>();
      for (const r of batch) {
        const y = Number(r.year);
        byYear.set(y, (byYear.get(y) ?? new Set()).add(r.namnd_code as string));
      }
      for (const [y, codes] of byYear) {
        for (const row of (await cityOverviewOf(db, [...codes], y, at.today)).namnder) figures.set(`${row.namnd.id}/${y}`, row);
      }
    },
    map(raw) {
      const r = figures.get(`${String(raw.namnd_id)}/${Number(raw.year)}`);
      if (!r) throw new Error(`nämnd ${String(raw.namnd_code)} ${String(raw.year)} was not loaded`);
      const band = (key: string) => (r.bandCounts ? (r.bandCounts.bands.find((b) => b.band.key === key.toUpperCase())?.count ?? 0) : null);
      const s = r.followUpSummary;
      return {
        namnd_id: r.namnd.id,
        namnd_code: r.namnd.code,
        namnd_name: r.namnd.name,
        year: r.year,
        plan_id: r.plan?.id ?? null,
        plan_status: r.plan?.status ?? null,
        plan_status_label: r.plan ? (PLAN_STATUS_LABELS[r.plan.status] ?? null) : null,
        decision_date: r.plan?.decisionDate ?? null,
        adoption_late: r.adoptionLate,
        assessment_level: r.assessment,
        assessment_label: r.assessment ? (ASSESSMENT_LEVEL_LABELS[r.assessment] ?? null) : null,
        analysis_written: r.analysisWritten,
        risks_assessed: r.bandCounts?.total ?? null,
        risks_unassessed: r.bandCounts?.unassessed ?? null,
        ...Object.fromEntries(DEFAULT_BAND_KEYS.map((k) => [`risks_${k}`, band(k)])),
        ikp_risks: r.ikpRisks,
        ikp_rows: r.ikpRows,
        follow_ups: s.followUps,
        reported: s.reported,
        deviations: s.deviations,
        not_performed: s.notPerformed,
        late: s.late,
        overdue_follow_ups: r.overdueFollowUps,
        ...Object.fromEntries(
          PERIOD_KEYS.flatMap((k, i) => {
            const p = r.periods[i];
            return [[`${k}_follow_ups`, p.followUps], [`${k}_reported`, p.reported], [`${k}_deviations`, p.deviations], [`${k}_not_performed`, p.notPerformed], [`${k}_late`, p.late], [`${k}_overdue`, p.overdue]];
          }),
        ),
        open_actions: r.openActions,
        overdue_actions: r.overdueActions,
        carried_over_actions: r.carriedOverActions,
        rule_violations: r.ruleViolations.length,
        updated_at: raw.updated_at as string,
        created_at: raw.created_at as string,
      };
    },
  };
}

// When a nämnd-year's figures last changed: the last write to anything they are derived from (the nämnd, its plan and
// the plan's rows, deletions in it, actions carried from it, the mandatory catalogue), or the last date boundary
// that changed a derived figure by itself (the year's start for adoption, a period's deadline day ending for overdue
// follow-ups, an open action's due date passing): so an incremental refresh misses no change, overdue ones included.
const stockholmMidnight = (date: string) => `((${date})::timestamp at time zone '${TIME_ZONE}')`;
const planMax = (table: string) => `(select max(x.updated_at) from ${table} x where x.plan_id = p.id)`;
const periodBoundary = (period: Period) => sql`((${periodDeadlineSql(sql.raw('y.year'), sql.raw(`'${period}'`))} + 1)::timestamp at time zone ${sql.raw(`'${TIME_ZONE}'`)})`;
const NAMND_YEAR_UPDATED_AT = sql`greatest(n.updated_at, p.updated_at,
  (select min(pp.created_at) from plans pp where pp.year = y.year),
  ${sql.raw(['processes', 'working_methods', 'risks', 'controls', 'control_activities', 'follow_ups', 'actions', 'assessments'].map(planMax).join(',\n  '))},
  (select max(d.deleted_at) from export_deletions d where d.namnd_code = n.code and d.year = y.year),
  (select max(c.updated_at) from actions c join actions o on o.id = c.origin_action_id where o.plan_id = p.id and c.plan_id <> p.id),
  (select max(m.updated_at) from mandatory_processes m), (select max(m.updated_at) from mandatory_working_methods m),
  (select max(b) from (values (${sql.raw(stockholmMidnight('make_date(y.year, 1, 1)'))}),
    ${sql.join((Object.keys(PERIOD_ENDS) as Period[]).map((period) => sql`(${periodBoundary(period)})`), sql`, `)}) v(b) where b <= now()),
  (select max(${sql.raw(stockholmMidnight('a.due_date + 1'))}) from actions a
    where a.plan_id = p.id and a.status in (${sql.raw(OPEN_ACTION_STATUSES.map((x) => `'${x}'`).join(', '))}) and ${sql.raw(stockholmMidnight('a.due_date + 1'))} <= now()))`;

const NAMND_YEARS: Dataset = {
  name: 'namnd-years',
  title: 'Nämnd och år',
  description:
    "The city overview (GraphQL cityOverview): one row per nämnd and year that has any plan, also for a nämnd without a plan that year, with the same figures. updated_at is the last write to anything the figures derive from, or the last date boundary that changed one by itself (a deadline passing).",
  columns: columns([
    ['namnd_id', 'uuid', 'Foreign key to namnder; with year the key of the row'],
    NAMND_CODE,
    ['namnd_name', 'text', 'The nämnd'],
    ['year', 'integer', 'The year'],
    ['plan_id', 'uuid', 'Foreign key to plans; empty when the nämnd has no plan that year', optional],
    ['plan_status', 'text', 'DRAFT, ADOPTED or CLOSED', optional],
    ['plan_status_label', 'text', 'Utkast, Fastställd or Avslutad', optional],
    ['decision_date', 'date', 'When the plan was adopted', optional],
    ['adoption_late', 'boolean', 'The year has begun and no plan is adopted (none, or a draft)'],
    ['assessment_level', 'text', 'TILLRACKLIG, I_HUVUDSAK_TILLRACKLIG or INTE_TILLRACKLIG', optional],
    ['assessment_label', 'text', 'Tillräcklig, I huvudsak tillräcklig or Inte tillräcklig', optional],
    ['analysis_written', 'boolean', "The assessment's analysis is written"],
    ['risks_assessed', 'integer', 'Assessed risks (bandCounts.total); empty without a plan', optional],
    ['risks_unassessed', 'integer', 'Risks without likelihood or consequence', optional],
    ['risks_lag', 'integer', 'Risks in band LAG (Låg) of the plan’s matrix', optional],
    ['risks_medium', 'integer', 'Risks in band MEDIUM', optional],
    ['risks_kritisk', 'integer', 'Risks in band KRITISK', optional],
    ['ikp_risks', 'integer', 'Risks in the IKP'],
    ['ikp_rows', 'integer', 'Rows of the printed IKP (one per control activity)'],
    ['follow_ups', 'integer', 'Follow-ups of the year (all periods)'],
    ['reported', 'integer', 'Of them reported'],
    ['deviations', 'integer', 'Follow-ups with a deviation'],
    ['not_performed', 'integer', 'Follow-ups not performed'],
    ['late', 'integer', "Reported after their period's deadline"],
    ['overdue_follow_ups', 'integer', "Not reported and their period's deadline has passed"],
    ...PERIOD_KEYS.flatMap((k): ColumnSpec[] => [
      [`${k}_follow_ups`, 'integer', `${k.toUpperCase()}: follow-ups`],
      [`${k}_reported`, 'integer', `${k.toUpperCase()}: reported`],
      [`${k}_deviations`, 'integer', `${k.toUpperCase()}: deviations`],
      [`${k}_not_performed`, 'integer', `${k.toUpperCase()}: not performed`],
      [`${k}_late`, 'integer', `${k.toUpperCase()}: reported late`],
      [`${k}_overdue`, 'integer', `${k.toUpperCase()}: overdue`],
    ]),
    ['open_actions', 'integer', 'Open actions'],
    ['overdue_actions', 'integer', 'Open actions past their due date'],
    ['carried_over_actions', 'integer', "Actions carried on into another plan (another plan's action names it as origin)"],
    ['rule_violations', 'integer', 'Rule violations still open on a draft plan'],
    ['updated_at', 'timestamp', 'Last change of what the figures derive from, or the last deadline that made one overdue (UTC); drives incremental refresh'],
    ['created_at', 'timestamp', 'When the nämnd was created (UTC); never changes'],
  ]),
  select: sql`n.id as namnd_id, n.code as namnd_code, y.year, to_char((${NAMND_YEAR_UPDATED_AT}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at, ${sql.raw(iso('n.created_at'))} as created_at`,
  from: sql.raw('namnder n cross join (select distinct year from plans) y left join plans p on p.namnd_id = n.id and p.year = y.year'),
  key: {
    expr: sql.raw(`(n.id::text || '/' || y.year) collate "C"`),
    kind: 'text',
    of: (r) => `${String(r.namnd_id)}/${String(r.year)}`,
    pattern: /^[0-9a-f-]{36}\/\d{4}$/i,
  },
  namndCode: sql.raw('n.code'),
  year: sql.raw('y.year'),
  updatedAt: NAMND_YEAR_UPDATED_AT,
  createdAt: sql.raw('n.created_at'),
  mapper: namndYearMapper,
  asOfToday: true,
};

export const DATASETS: Record<DatasetName, Dataset> = {
  namnder: {
    name: 'namnder',
    title: 'Nämnder',
    description: 'Nämnder and bolagsstyrelser: the nämnd dimension.',
    columns: columns([
      ['namnd_id', 'uuid', 'Surrogate key'],
      ['namnd_code', 'text', 'Short code used in roles and filters, e.g. SN'],
      ['name', 'text', 'Name'],
      ['kind', 'text', 'NAMND or BOLAG'],
      ['kind_label', 'text', 'Nämnd or Bolagsstyrelse', labelOf('kind', NAMND_KIND_LABELS)],
      ['forvaltning', 'text', 'The förvaltning that serves the nämnd', optional],
      UPDATED_AT,
      CREATED_AT,
    ]),
    select: sql.raw(`n.id as namnd_id, n.code as namnd_code, n.name, n.kind::text as kind, n.forvaltning, ${iso('n.updated_at')} as updated_at, ${iso('n.created_at')} as created_at`),
    from: sql.raw('namnder n'),
    key: { expr: sql.raw('n.id'), kind: 'uuid' },
    namndCode: sql.raw('n.code'),
    updatedAt: sql.raw('n.updated_at'),
    createdAt: sql.raw('n.created_at'),
  },

  goals: {
    name: 'goals',
    title: 'KF:s mål',
    description: "The city council's goals per year (city-wide master data).",
    columns: columns([
      ['goal_id', 'uuid', 'Surrogate key'],
      YEAR,
      ['goal_code', 'text', 'Goal code, e.g. 3.5'],
      ['title', 'text', 'Goal title'],
      ['inriktningsmal', 'integer', 'Inriktningsmål 1–3', optional],
      UPDATED_AT,
      CREATED_AT,
    ]),
    select: sql.raw(`g.id as goal_id, g.year, g.code as goal_code, g.title, g.inriktningsmal, ${iso('g.updated_at')} as updated_at, ${iso('g.created_at')} as created_at`),
    from: sql.raw('goals g'),
    key: { expr: sql.raw('g.id'), kind: 'uuid' },
    year: sql.raw('g.year'),
    updatedAt: sql.raw('g.updated_at'),
    createdAt: sql.raw('g.created_at'),
  },

  plans: {
    name: 'plans',
    title: 'Planer',
    description: "One nämnd's VoR and IKP for one year.",
    columns: columns([
      ['plan_id', 'uuid', 'Surrogate key'],
      ['namnd_id', 'uuid', 'Foreign key to namnder'],
      NAMND_CODE,
      YEAR,
      ['status', 'text', 'DRAFT, ADOPTED or CLOSED'],
      ['status_label', 'text', 'Utkast, Fastställd or Avslutad', labelOf('status', PLAN_STATUS_LABELS)],
      ['ikp_threshold', 'integer', 'Risk value from which a risk is in the IKP'],
      ['decision_date', 'date', 'Date of the adoption decision', optional],
      ['decision_reference', 'text', 'Paragraph or diarienummer of the decision', optional],
      ['origin_plan_id', 'uuid', "Last year's plan this one was rolled over from", optional],
      UPDATED_AT,
      CREATED_AT,
    ]),
    select: sql.raw(
      `p.id as plan_id, n.id as namnd_id, n.code as namnd_code, p.year, p.status::text as status, p.ikp_threshold,
       p.decision_date::text as decision_date, p.decision_reference, p.origin_plan_id, ${iso('p.updated_at')} as updated_at, ${iso('p.created_at')} as created_at`,
    ),
    from: sql.raw('plans p join namnder n on n.id = p.namnd_id'),
    key: { expr: sql.raw('p.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('p.updated_at'),
    createdAt: sql.raw('p.created_at'),
  },

  processes: {
    name: 'processes',
    title: 'Processer',
    description: 'Processes of a plan, under a goal.',
    columns: columns([
      ['process_id', 'uuid', 'Surrogate key'],
      PLAN_ID,
      ['goal_id', 'uuid', 'Foreign key to goals'],
      NAMND_CODE,
      YEAR,
      ['goal_code', 'text', 'Goal code, e.g. 3.5'],
      ['name', 'text', 'Process name'],
      ['mandatory', 'boolean', 'A city-wide mandatory process'],
      ['sort_order', 'integer', 'Order within the plan'],
      UPDATED_AT,
      CREATED_AT,
      originId('process'),
    ]),
    select: sql.raw(
      `pr.id as process_id, pr.plan_id, pr.goal_id, n.code as namnd_code, p.year, g.code as goal_code, pr.name,
       pr.mandatory_process_id is not null as mandatory, pr.sort_order, ${iso('pr.updated_at')} as updated_at, ${iso('pr.created_at')} as created_at,
       pr.origin_id`,
    ),
    from: sql.raw(`processes pr ${planJoin('pr')} join goals g on g.id = pr.goal_id`),
    countFrom: sql.raw(`processes pr ${planJoin('pr')}`),
    key: { expr: sql.raw('pr.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('pr.updated_at'),
    createdAt: sql.raw('pr.created_at'),
  },

  'working-methods': {
    name: 'working-methods',
    title: 'Arbetssätt',
    description: 'Working methods (arbetssätt) under a process.',
    columns: columns([
      ['working_method_id', 'uuid', 'Surrogate key'],
      ['process_id', 'uuid', 'Foreign key to processes'],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['goal_code', 'text', "The process's goal code"],
      ['process', 'text', 'Process name'],
      ['name', 'text', 'Working method name'],
      ['mandatory', 'boolean', 'A city-wide mandatory working method'],
      ['sort_order', 'integer', 'Order within the process'],
      UPDATED_AT,
      CREATED_AT,
      originId('working method'),
    ]),
    select: sql.raw(
      `wm.id as working_method_id, wm.process_id, wm.plan_id, n.code as namnd_code, p.year, g.code as goal_code,
       pr.name as process, wm.name, wm.mandatory_working_method_id is not null as mandatory, wm.sort_order,
       ${iso('wm.updated_at')} as updated_at, ${iso('wm.created_at')} as created_at, wm.origin_id`,
    ),
    from: sql.raw(
      `working_methods wm ${planJoin('wm')} join processes pr on pr.id = wm.process_id join goals g on g.id = pr.goal_id`,
    ),
    countFrom: sql.raw(`working_methods wm ${planJoin('wm')}`),
    key: { expr: sql.raw('wm.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('wm.updated_at'),
    createdAt: sql.raw('wm.created_at'),
  },

  risks: {
    name: 'risks',
    title: 'Oönskade händelser',
    description: 'Risks with their values, labels, band and IKP membership as derived from the plan in force.',
    columns: columns([
      ['risk_id', 'uuid', 'Surrogate key'],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['goal_code', 'text', "The process's goal code"],
      ['process', 'text', 'Process name'],
      ['working_method', 'text', 'Working method (arbetssätt) name'],
      ['nr', 'integer', 'Risk number, unique in the plan'],
      ['title', 'text', 'The undesired event'],
      ...cellColumns('; empty when unassessed', true),
      ['in_ikp', 'boolean', 'In the internkontrollplan'],
      ['ikp_basis', 'text', 'THRESHOLD, MOTIVATED_INCLUSION, MOTIVATED_EXCLUSION or UNASSESSED'],
      ['ikp_motivation', 'text', 'Written motivation of an inclusion or exclusion', optional],
      UPDATED_AT,
      CREATED_AT,
      ['working_method_id', 'uuid', 'Foreign key to working-methods'],
      ['process_id', 'uuid', 'Foreign key to processes'],
      ['goal_id', 'uuid', 'Foreign key to goals'],
      BAND_ORDER,
      originId('risk'),
    ]),
    select: sql.raw(
      `r.id as risk_id, r.plan_id, n.code as namnd_code, p.year, g.code as goal_code, pr.name as process,
       wm.name as working_method, r.nr, r.title, r.likelihood, r.consequence, r.ikp_override::text as ikp_override,
       r.ikp_motivation, ${iso('r.updated_at')} as updated_at, ${iso('r.created_at')} as created_at,
       r.working_method_id, wm.process_id, pr.goal_id, r.origin_id`,
    ),
    from: sql.raw(
      `risks r ${planJoin('r')} join working_methods wm on wm.id = r.working_method_id
       join processes pr on pr.id = wm.process_id join goals g on g.id = pr.goal_id`,
    ),
    countFrom: sql.raw(`risks r ${planJoin('r')}`),
    key: { expr: sql.raw('r.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('r.updated_at'),
    createdAt: sql.raw('r.created_at'),
    mapper: riskMapper,
    csvSql: derivedCellSql('r.likelihood', 'r.consequence', 'r.ikp_override::text', { in_ikp: 'in_ikp', ikp_basis: 'ikp_basis' }),
  },

  controls: {
    name: 'controls',
    title: 'Systematiska kontroller',
    description: 'Systematic controls (the routine that prevents the event) under a risk.',
    columns: columns([
      ['control_id', 'uuid', 'Surrogate key'],
      ['risk_id', 'uuid', 'Foreign key to risks'],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['risk_nr', 'integer', "The risk's number"],
      ['description', 'text', 'The routine / control method'],
      ['sort_order', 'integer', 'Order under the risk'],
      UPDATED_AT,
      CREATED_AT,
      originId('control'),
    ]),
    select: sql.raw(
      `c.id as control_id, c.risk_id, c.plan_id, n.code as namnd_code, p.year, r.nr as risk_nr, c.description,
       c.sort_order, ${iso('c.updated_at')} as updated_at, ${iso('c.created_at')} as created_at, c.origin_id`,
    ),
    from: sql.raw(`controls c ${planJoin('c')} join risks r on r.id = c.risk_id`),
    countFrom: sql.raw(`controls c ${planJoin('c')}`),
    key: { expr: sql.raw('c.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('c.updated_at'),
    createdAt: sql.raw('c.created_at'),
  },

  'control-activities': {
    name: 'control-activities',
    title: 'Kontrollaktiviteter',
    description: 'Control activities: how the nämnd checks that a control works.',
    columns: columns([
      ['control_activity_id', 'uuid', 'Surrogate key'],
      ['control_id', 'uuid', 'Foreign key to controls'],
      ['risk_id', 'uuid', 'Foreign key to risks'],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['risk_nr', 'integer', "The risk's number"],
      ['description', 'text', 'How the control is checked'],
      ['responsible', 'text', 'Who is responsible', optional],
      ['periods', 'text', 'Follow-up periods, comma-separated (T1,T2,VB)'],
      ['frequency', 'text', 'How often', optional],
      ['sort_order', 'integer', 'Order under the control'],
      UPDATED_AT,
      CREATED_AT,
      originId('control activity'),
    ]),
    select: sql.raw(
      `ca.id as control_activity_id, ca.control_id, c.risk_id, ca.plan_id, n.code as namnd_code, p.year,
       r.nr as risk_nr, ca.description, ca.responsible, array_to_string(ca.periods, ',') as periods, ca.frequency,
       ca.sort_order, ${iso('ca.updated_at')} as updated_at, ${iso('ca.created_at')} as created_at, ca.origin_id`,
    ),
    from: sql.raw(`control_activities ca ${planJoin('ca')} join controls c on c.id = ca.control_id join risks r on r.id = c.risk_id`),
    countFrom: sql.raw(`control_activities ca ${planJoin('ca')}`),
    key: { expr: sql.raw('ca.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('ca.updated_at'),
    createdAt: sql.raw('ca.created_at'),
  },

  'follow-ups': {
    name: 'follow-ups',
    title: 'Uppföljningar',
    description: 'Follow-ups: a control activity in one period (T1, T2, VB).',
    columns: columns([
      ['follow_up_id', 'uuid', 'Surrogate key'],
      ['control_activity_id', 'uuid', 'Foreign key to control-activities'],
      ['control_id', 'uuid', 'Foreign key to controls'],
      ['risk_id', 'uuid', 'Foreign key to risks'],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['risk_nr', 'integer', "The risk's number"],
      ['period', 'text', 'T1, T2 or VB'],
      ['period_label', 'text', 'Tertialrapport 1, Tertialrapport 2 or Verksamhetsberättelse', labelOf('period', PERIOD_LABELS)],
      ['status', 'text', 'NOT_STARTED, IN_PROGRESS or REPORTED'],
      ['status_label', 'text', 'Ej påbörjad, Pågående or Rapporterad', labelOf('status', FOLLOW_UP_STATUS_LABELS)],
      ['outcome', 'text', 'NO_DEVIATION, DEVIATION or NOT_PERFORMED', optional],
      ['outcome_label', 'text', 'Ingen avvikelse, Avvikelse or Ej genomförd', labelOf('outcome', FOLLOW_UP_OUTCOME_LABELS, true)],
      ['result_text', 'text', 'The reported result', optional],
      ['explanation', 'text', 'Why it was not performed', optional],
      ['reported_at', 'timestamp', 'When it was reported (UTC)', optional],
      ['reported_by', 'text', 'Who reported it', optional],
      UPDATED_AT,
      CREATED_AT,
      ['due_date', 'date', "The period's deadline in the plan's year: 30 April, 31 August, 31 December unless the city moved it"],
      ['late', 'boolean', 'Reported after the deadline day (Stockholm date of reported_at)'],
      ['overdue', 'boolean', 'Not reported and the deadline day is over in Stockholm, as of the export time (changes with the date without moving updated_at)'],
    ]),
    select: sql`${sql.raw(
      `f.id as follow_up_id, f.control_activity_id, ca.control_id, c.risk_id, f.plan_id, n.code as namnd_code, p.year,
       r.nr as risk_nr, f.period::text as period, f.status::text as status, f.outcome::text as outcome, f.result_text,
       f.explanation, ${iso('f.reported_at')} as reported_at, f.reported_by, ${iso('f.updated_at')} as updated_at, ${iso('f.created_at')} as created_at,`,
    )} ${periodDeadlineSql(sql.raw('p.year'), sql.raw('f.period'))}::text as due_date`,
    from: sql.raw(
      `follow_ups f ${planJoin('f')} join control_activities ca on ca.id = f.control_activity_id
       join controls c on c.id = ca.control_id join risks r on r.id = c.risk_id`,
    ),
    countFrom: sql.raw(`follow_ups f ${planJoin('f')}`),
    key: { expr: sql.raw('f.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('f.updated_at'),
    createdAt: sql.raw('f.created_at'),
    mapper: followUpMapper,
    csvSql: (at) => ({
      values: {
        late: exportSqlDeadlines.reportedLate(sql`${q('reported_at')}::timestamptz`, q('due_date')),
        overdue: exportSqlDeadlines.pastDeadline(q('status'), q('due_date'), exportDay(at)),
      },
    }),
    asOfToday: true,
  },

  actions: {
    name: 'actions',
    title: 'Åtgärder',
    description: 'Actions from deviations, or planned directly on a plan.',
    columns: columns([
      ['action_id', 'uuid', 'Surrogate key'],
      PLAN_ID,
      ['follow_up_id', 'uuid', 'Foreign key to follow-ups (the deviation)', optional],
      ['origin_action_id', 'uuid', "Last year's action this one carries over", optional],
      NAMND_CODE,
      YEAR,
      ['title', 'text', 'Title'],
      ['description', 'text', 'Description', optional],
      ['owner', 'text', 'Who owns it', optional],
      ['due_date', 'date', 'Due date', optional],
      ['planned_year', 'integer', 'Year it is planned for (multi-year plans)', optional],
      ['tags', 'text', 'Tags, comma-separated'],
      ['status', 'text', 'PLANNED, IN_PROGRESS, DONE, CANCELLED or CARRIED_OVER'],
      ['status_label', 'text', 'Planerad, Pågående, Genomförd, Avbruten or Överförd', labelOf('status', ACTION_STATUS_LABELS)],
      ['status_reason', 'text', 'Reason of the last transition (e.g. why cancelled)', optional],
      UPDATED_AT,
      CREATED_AT,
      ['overdue', 'boolean', 'Open and its due date is before the export day in Stockholm, as of the export time (changes with the date without moving updated_at)'],
      // Appended by issue 14 (the contract's columns keep their places).
      ['carried_to_action_id', 'uuid', "Next year's action this one was carried over to (status CARRIED_OVER)", optional],
    ]),
    select: sql.raw(
      `a.id as action_id, a.plan_id, a.follow_up_id, a.origin_action_id, n.code as namnd_code, p.year, a.title,
       a.description, a.owner, a.due_date::text as due_date, a.planned_year, array_to_string(a.tags, ',') as tags,
       a.status::text as status, a.status_reason, ${iso('a.updated_at')} as updated_at, ${iso('a.created_at')} as created_at,
       (select c.id from actions c where c.origin_action_id = a.id order by c.created_at limit 1) as carried_to_action_id`,
    ),
    from: sql.raw(`actions a ${planJoin('a')}`),
    key: { expr: sql.raw('a.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('a.updated_at'),
    createdAt: sql.raw('a.created_at'),
    mapper: actionMapper,
    csvSql: (at) => ({ values: { overdue: exportSqlDeadlines.isOverdue(q('status'), q('due_date'), exportDay(at)) } }),
    asOfToday: true,
  },

  assessments: {
    name: 'assessments',
    title: 'Bedömningar',
    description: "The year's assessment of whether the nämnd's internal control was sufficient.",
    columns: columns([
      ['assessment_id', 'uuid', 'Surrogate key'],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['level', 'text', 'TILLRACKLIG, I_HUVUDSAK_TILLRACKLIG or INTE_TILLRACKLIG'],
      ['level_label', 'text', 'Tillräcklig, I huvudsak tillräcklig or Inte tillräcklig', labelOf('level', ASSESSMENT_LEVEL_LABELS)],
      ['analysis', 'text', 'The analysis'],
      ['assessed_by', 'text', 'Who assessed'],
      UPDATED_AT,
      CREATED_AT,
    ]),
    select: sql.raw(
      `s.id as assessment_id, s.plan_id, n.code as namnd_code, p.year, s.level::text as level, s.analysis,
       s.assessed_by, ${iso('s.updated_at')} as updated_at, ${iso('s.created_at')} as created_at`,
    ),
    from: sql.raw(`assessments s ${planJoin('s')}`),
    key: { expr: sql.raw('s.id'), kind: 'uuid' },
    ...planScope,
    updatedAt: sql.raw('s.updated_at'),
    createdAt: sql.raw('s.created_at'),
  },

  'audit-events': {
    name: 'audit-events',
    title: 'Granskningslogg',
    description: 'The audit trail: who did what, when, to which entity, and why (auditor and admin only).',
    columns: columns([
      ['audit_event_id', 'integer', 'Surrogate key, increasing in write order'],
      ['occurred_at', 'timestamp', 'When it happened (UTC)'],
      ['actor', 'text', 'Who did it (token subject)'],
      ['action', 'text', 'What was done, e.g. plan.adopt'],
      ['entity_type', 'text', 'Type of the changed entity'],
      ['entity_id', 'text', 'Id of the changed entity'],
      ['namnd_code', 'text', 'The nämnd; empty for city-wide master data', optional],
      ['from_state', 'text', 'State before a transition', optional],
      ['to_state', 'text', 'State after a transition', optional],
      ['reason', 'text', 'The reason given', optional],
      ['changes', 'text', 'The changed fields as JSON', optional],
      ['request_id', 'text', 'Request id, to match server logs', optional],
      ['chain', 'text', 'Hash chain the event belongs to'],
      ['chain_seq', 'integer', 'Position in its chain'],
      ['prev_hash', 'text', 'Hash of the previous event of the chain', optional],
      ['hash', 'text', 'SHA-256 of this event'],
      ['updated_at', 'timestamp', 'Same as occurred_at (events never change); drives incremental refresh'],
      ['created_at', 'timestamp', 'Same as occurred_at: the incremental-refresh partition date'],
    ]),
    select: sql.raw(
      `e.id as audit_event_id, ${iso('e.occurred_at')} as occurred_at, e.actor, e.action, e.entity_type, e.entity_id,
       e.namnd_code, e.from_state, e.to_state, e.reason, e.changes::text as changes, e.request_id, e.chain,
       e.chain_seq, e.prev_hash, e.hash, ${iso('e.occurred_at')} as updated_at, ${iso('e.occurred_at')} as created_at`,
    ),
    from: sql.raw('audit_events e'),
    key: { expr: sql.raw('e.id'), kind: 'bigint' },
    namndCode: sql.raw('e.namnd_code'),
    updatedAt: sql.raw('e.occurred_at'),
    createdAt: sql.raw('e.occurred_at'),
    auditOnly: true,
  },

  'risk-matrix-cells': {
    name: 'risk-matrix-cells',
    title: 'Riskmatrisens celler',
    description:
      "The heat map: one row per plan and cell of its 5 × 5 matrix, with the cell's band and how many risks it holds (empty cells too).",
    columns: columns([
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ...cellColumns('', false),
      BAND_ORDER,
      ['risk_count', 'integer', 'Risks of the plan valued in this cell'],
      ['updated_at', 'timestamp', "Last change of the plan or of its risks' values (UTC); drives incremental refresh"],
      ['created_at', 'timestamp', 'When the plan was created (UTC); never changes'],
    ]),
    // The cell's change time is the plan's, its risks' and its risks' deletions': each one index lookup.
    select: sql.raw(
      `p.id as plan_id, n.code as namnd_code, p.year, l.v as likelihood, c.v as consequence,
       (select count(*) from risks r where r.plan_id = p.id and r.likelihood = l.v and r.consequence = c.v) as risk_count,
       ${iso(CELL_UPDATED_AT)} as updated_at, ${iso('p.created_at')} as created_at`,
    ),
    from: sql.raw('plans p join namnder n on n.id = p.namnd_id cross join generate_series(1, 5) l(v) cross join generate_series(1, 5) c(v)'),
    key: {
      expr: sql.raw(`(p.id::text || '/' || l.v || '/' || c.v) collate "C"`),
      kind: 'text',
      of: (r) => `${String(r.plan_id)}/${String(r.likelihood)}/${String(r.consequence)}`,
      pattern: /^[0-9a-f-]{36}\/[1-5]\/[1-5]$/i,
    },
    ...planScope,
    updatedAt: sql.raw(CELL_UPDATED_AT),
    createdAt: sql.raw('p.created_at'),
    mapper: matrixCellMapper,
    csvSql: derivedCellSql('l.v', 'c.v', 'null::text'),
  },

  'action-tags': {
    name: 'action-tags',
    title: 'Åtgärdernas taggar',
    description: 'Bridge between actions and their tags: one row per action and tag.',
    columns: columns([
      ['action_id', 'uuid', 'Foreign key to actions'],
      ['tag', 'text', 'One tag, exactly as written'],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['updated_at', 'timestamp', "The action's last change (UTC); drives incremental refresh"],
      ['created_at', 'timestamp', 'When the action was created (UTC); never changes'],
    ]),
    select: sql.raw(
      `a.id as action_id, t.tag, a.plan_id, n.code as namnd_code, p.year, ${iso('a.updated_at')} as updated_at,
       ${iso('a.created_at')} as created_at`,
    ),
    from: sql.raw(`actions a ${planJoin('a')} cross join lateral (select distinct unnest(a.tags) as tag) t`),
    key: {
      expr: sql.raw(`(a.id::text || '/' || t.tag) collate "C"`),
      kind: 'text',
      of: (r) => `${String(r.action_id)}/${String(r.tag)}`,
      pattern: /^[0-9a-f-]{36}\/.+$/is,
    },
    ...planScope,
    updatedAt: sql.raw('a.updated_at'),
    createdAt: sql.raw('a.created_at'),
  },

  'control-activity-periods': {
    name: 'control-activity-periods',
    title: 'Kontrollaktiviteternas perioder',
    description: 'Bridge between control activities and the periods (T1, T2, VB) they are followed up in.',
    columns: columns([
      ['control_activity_id', 'uuid', 'Foreign key to control-activities'],
      ['period', 'text', 'T1, T2 or VB'],
      ['period_label', 'text', 'Tertialrapport 1, Tertialrapport 2 or Verksamhetsberättelse', labelOf('period', PERIOD_LABELS)],
      PLAN_ID,
      NAMND_CODE,
      YEAR,
      ['updated_at', 'timestamp', "The control activity's last change (UTC); drives incremental refresh"],
      ['created_at', 'timestamp', 'When the control activity was created (UTC); never changes'],
    ]),
    select: sql.raw(
      `ca.id as control_activity_id, x.period::text as period, ca.plan_id, n.code as namnd_code, p.year,
       ${iso('ca.updated_at')} as updated_at, ${iso('ca.created_at')} as created_at`,
    ),
    from: sql.raw(`control_activities ca ${planJoin('ca')} cross join lateral (select distinct unnest(ca.periods) as period) x`),
    key: {
      expr: sql.raw(`(ca.id::text || '/' || x.period::text) collate "C"`),
      kind: 'text',
      of: (r) => `${String(r.control_activity_id)}/${String(r.period)}`,
      pattern: /^[0-9a-f-]{36}\/(T1|T2|VB)$/i,
    },
    ...planScope,
    updatedAt: sql.raw('ca.updated_at'),
    createdAt: sql.raw('ca.created_at'),
  },

  deletions: {
    name: 'deletions',
    title: 'Borttagna rader',
    description:
      "One row per deleted row of any dataset, cascaded deletions included: remove them from the model. updatedSince/updatedBefore filter on deleted_at. For risk-matrix-cells, action-tags and control-activity-periods, row_id is the row's key columns joined by '/'.",
    columns: columns([
      ['dataset', 'text', 'The dataset the row was deleted from, e.g. risks'],
      ['row_id', 'text', "The deleted row's key (its first column, e.g. risk_id)"],
      ['plan_id', 'uuid', 'The plan the row belonged to; empty for nämnder and goals', optional],
      ['namnd_code', 'text', 'The nämnd; empty for goals (city-wide)', optional],
      ['year', 'integer', 'The plan year (or the goal year)', optional],
      ['deleted_at', 'timestamp', 'When it was deleted (UTC)'],
      ['deletion_id', 'integer', 'Surrogate key, increasing in write order'],
    ]),
    select: sql.raw(
      `x.dataset, x.row_id, x.plan_id, x.namnd_code, x.year, ${iso('x.deleted_at')} as deleted_at, x.id as deletion_id`,
    ),
    from: sql.raw('export_deletions x'),
    key: { expr: sql.raw('x.id'), kind: 'bigint', of: (r) => String(r.deletion_id) },
    namndCode: sql.raw('x.namnd_code'),
    cityWide: sql.raw('x.namnd_code is null'),
    year: sql.raw('x.year'),
    updatedAt: sql.raw('x.deleted_at'),
    createdAt: sql.raw('x.deleted_at'),
  },

  'namnd-years': NAMND_YEARS,
};


function cell(value: unknown, type: ColumnType): Cell {
  if (value === null || value === undefined) return null;
  // PGlite returns int8 as bigint and pg may return numerics as text: exports always carry plain numbers.
  if (type === 'integer') return Number(value);
  if (type === 'boolean') return value === true || value === 't';
  return String(value);
}

/** The mapper of datasets whose columns are the selected fields, plus looked-up labels. */
export function columnMapper(dataset: Dataset): RowMapper {
  const cols = dataset.columns;
  return {
    async prepare() {},
    map(raw) {
      const row: ExportRow = {};
      for (const c of cols) {
        row[c.name] = c.label ? (raw[c.label.of] == null ? null : (c.label.labels[String(raw[c.label.of])] ?? null)) : cell(raw[c.name], c.type);
      }
      return row;
    },
  };
}

export const columnNames = (dataset: Dataset) => dataset.columns.map((c) => c.name);

/** Whether the dataset's CSV lines can be built in the database: every column is a field or derived in SQL. */
export const csvInSql = (dataset: Dataset) => !dataset.mapper || !!dataset.csvSql;

/**
 * One CSV line per row of `q` (the dataset's select, with csvSql's fields), from the same column list as
 * columnMapper and csvLine: a field or its SQL value, a label looked up from a constant list, quoted as csvField does.
 */
export function csvLineOf(dataset: Dataset, delimiter: string, at: ExportMoment): SQL {
  const values = dataset.csvSql?.(at).values ?? {};
  const fields = dataset.columns.map((c) => {
    const value = values[c.name];
    if (!value && c.label) {
      // Constant labels are quoted here, once.
      const cases = Object.entries(c.label.labels).map(([code, label]) => sql`when ${sqlText(code)} then ${sqlText(csvField(label, delimiter))}`);
      return { text: sql`case (q.${sql.raw(`"${c.label.of}"`)})::text ${sql.join(cases, sql` `)} end`, plain: true };
    }
    return sqlField(value ?? sql.raw(`q."${c.name}"`), c.type);
  });
  return csvLineSql(fields, delimiter);
}

/** A row's key, as the cursor and the deletions' row_id carry it. */
export const keyOf = (dataset: Dataset, row: Record<string, unknown>): string =>
  dataset.key.of ? dataset.key.of(row) : String(row[dataset.columns[0].name]);
