// The city overview's figures, computed in memory from the rows of every nämnd's plan with the very functions a
// single plan's answers use (PlanTree for bands and IKP, ruleViolations, summarize and the deadline rules), so a
// city figure can never disagree with the plan it counts.
import type { NamndRow } from '../namnder/index.js';
import { DEFAULT_CALENDAR, PERIODS, summarize, type DeadlineCalendar, type FollowUpSummary, type Period, type PlanFollowUpRows } from '../follow-ups/index.js';
import { changesSincePreviousYear, holderOf, normalizeName, PlanTree, ruleViolations, type PlanWithNamnd, type ProcessRow, type RiskView, type RuleViolation, type WorkingMethodRow } from '../plans/index.js';
import { bandOrder, type Band } from '../risks/index.js';
import type { CityRows } from './city.repository.js';
import { groupBy as group } from '../../lib/collections.js';

export const ASSESSMENT_LEVELS = ['TILLRACKLIG', 'I_HUVUDSAK_TILLRACKLIG', 'INTE_TILLRACKLIG'] as const;
export type AssessmentLevel = (typeof ASSESSMENT_LEVELS)[number];
const PLAN_STATUSES = ['DRAFT', 'ADOPTED', 'CLOSED'] as const;

export interface PeriodProgress {
  period: Period;
  followUps: number;
  reported: number;
  deviations: number;
  notPerformed: number;
  late: number;
  overdue: number;
}

export interface BandCount {
  band: Band;
  count: number;
}

/** The counts a nämnd's row and the city's totals share (the totals sum them). */
export interface ProgressCounts {
  ikpRisks: number;
  ikpRows: number;
  followUpSummary: FollowUpSummary;
  periods: PeriodProgress[];
  overdueFollowUps: number;
  openActions: number;
  overdueActions: number;
  /** Actions whose id another plan's action names as its origin (carried on into that plan). */
  carriedOverActions: number;
}

export interface NamndYear extends ProgressCounts {
  namnd: NamndRow;
  year: number;
  plan: PlanWithNamnd | null;
  adoptionLate: boolean;
  assessment: AssessmentLevel | null;
  analysisWritten: boolean;
  bandCounts: { bands: BandCount[]; total: number; unassessed: number } | null;
  /** What still blocks adoption; empty unless the plan is a draft. */
  ruleViolations: RuleViolation[];
}

/**
 * Adoption is late when the plan's year has begun and the nämnd has no adopted plan for it (none, or still a draft).
 * The city's documents set no other adoption deadline: the VoR and IKP are adopted with the verksamhetsplan.
 */
export const isAdoptionLate = (plan: { status: string } | null, year: number, todayDate: string) =>
  todayDate >= `${year}-01-01` && (!plan || plan.status === 'DRAFT');

/** Late with follow-up: some follow-up is overdue (not reported when its period's deadline has passed). */
export const isFollowUpLate = (row: Pick<NamndYear, 'overdueFollowUps'>) => row.overdueFollowUps > 0;


function periodProgress(followUps: PlanFollowUpRows['followUps'], year: number, todayDate: string, calendar: DeadlineCalendar): PeriodProgress[] {
  return PERIODS.map((period) => {
    const of = followUps.filter((f) => f.period === period);
    const s = summarize(of, [], year, todayDate, calendar);
    return {
      period,
      followUps: s.followUps,
      reported: s.reported,
      deviations: s.deviations,
      notPerformed: s.notPerformed,
      late: s.late,
      overdue: s.overdueFollowUps,
    };
  });
}

/** Sums counts per band key, keeping the first band seen for its label and colour. */
function sumBands(lists: BandCount[][], order: Band[]): BandCount[] {
  const by = new Map<string, BandCount>(order.map((band) => [band.key, { band, count: 0 }]));
  for (const list of lists) {
    for (const b of list) {
      const seen = by.get(b.band.key);
      if (seen) seen.count += b.count;
      else by.set(b.band.key, { band: b.band, count: b.count });
    }
  }
  return [...by.values()];
}

const bandsOfRisks = (risks: RiskView[], order: Band[]) => sumBands([risks.filter((r) => r.band).map((r) => ({ band: r.band!, count: 1 }))], order);

/** One nämnd's figures for one year, from its plan (if any) and that plan's follow-up rows. */
function namndYear(namnd: NamndRow, year: number, tree: PlanTree | null, rows: CityRows, fu: PlanFollowUpRows, todayDate: string, calendar: DeadlineCalendar): NamndYear {
  const plan = tree?.plan ?? null;
  const assessment = fu.assessments[0] ?? null;
  const ikp = tree?.ikp() ?? [];
  const summary = summarize(fu.followUps, fu.actions, year, todayDate, calendar);
  return {
    namnd,
    year,
    plan,
    adoptionLate: isAdoptionLate(plan, year, todayDate),
    assessment: (assessment?.level as AssessmentLevel | undefined) ?? null,
    analysisWritten: !!assessment?.analysis.trim(),
    bandCounts: tree?.bandCounts() ?? null,
    ikpRisks: new Set(ikp.map((r) => r.risk.id)).size,
    ikpRows: ikp.length,
    followUpSummary: summary,
    openActions: summary.openActions,
    overdueActions: summary.overdueActions,
    periods: periodProgress(fu.followUps, year, todayDate, calendar),
    overdueFollowUps: summary.overdueFollowUps,
    carriedOverActions: fu.actions.filter((a) => rows.carriedOver.has(a.id)).length,
    ruleViolations: tree && plan?.status === 'DRAFT' ? ruleViolations(tree, rows.mandatory) : [],
  };
}

export interface CityTotals extends ProgressCounts {
  namnder: number;
  withPlan: number;
  withoutPlan: number;
  statuses: { status: (typeof PLAN_STATUSES)[number]; count: number }[];
  adoptionLate: number;
  followUpLate: number;
  assessments: { level: AssessmentLevel; count: number }[];
  notAssessed: number;
  analysisWritten: number;
  bands: BandCount[];
  assessedRisks: number;
  unassessedRisks: number;
  ruleViolations: number;
}

function totalsOf(rows: NamndYear[], bandOrderOf: Band[]): CityTotals {
  const sum = (f: (r: NamndYear) => number) => rows.reduce((n, r) => n + f(r), 0);
  const s = (k: Exclude<keyof FollowUpSummary, 'reportedOutcomes'>) => sum((r) => r.followUpSummary[k]);
  const outcome = (k: keyof FollowUpSummary['reportedOutcomes']) => sum((r) => r.followUpSummary.reportedOutcomes[k]);
  return {
    namnder: rows.length,
    withPlan: rows.filter((r) => r.plan).length,
    withoutPlan: rows.filter((r) => !r.plan).length,
    statuses: PLAN_STATUSES.map((status) => ({ status, count: rows.filter((r) => r.plan?.status === status).length })),
    adoptionLate: rows.filter((r) => r.adoptionLate).length,
    followUpLate: rows.filter(isFollowUpLate).length,
    assessments: ASSESSMENT_LEVELS.map((level) => ({ level, count: rows.filter((r) => r.assessment === level).length })),
    notAssessed: rows.filter((r) => !r.assessment).length,
    analysisWritten: rows.filter((r) => r.analysisWritten).length,
    bands: sumBands(rows.map((r) => r.bandCounts?.bands ?? []), bandOrderOf),
    assessedRisks: sum((r) => r.bandCounts?.total ?? 0),
    unassessedRisks: sum((r) => r.bandCounts?.unassessed ?? 0),
    ikpRisks: sum((r) => r.ikpRisks),
    ikpRows: sum((r) => r.ikpRows),
    followUpSummary: {
      followUps: s('followUps'),
      reported: s('reported'),
      deviations: s('deviations'),
      notPerformed: s('notPerformed'),
      late: s('late'),
      openActions: s('openActions'),
      overdueActions: s('overdueActions'),
      overdueFollowUps: s('overdueFollowUps'),
      reportedOutcomes: { NO_DEVIATION: outcome('NO_DEVIATION'), DEVIATION: outcome('DEVIATION'), NOT_PERFORMED: outcome('NOT_PERFORMED') },
    },
    periods: PERIODS.map((period, i) => {
      const p = (k: Exclude<keyof PeriodProgress, 'period'>) => sum((r) => r.periods[i][k]);
      return { period, followUps: p('followUps'), reported: p('reported'), deviations: p('deviations'), notPerformed: p('notPerformed'), late: p('late'), overdue: p('overdue') };
    }),
    overdueFollowUps: sum((r) => r.overdueFollowUps),
    openActions: s('openActions'),
    overdueActions: s('overdueActions'),
    carriedOverActions: sum((r) => r.carriedOverActions),
    ruleViolations: sum((r) => r.ruleViolations.length),
  };
}

export interface MandatoryRisk {
  namnd: NamndRow;
  workingMethod: string;
  risk: RiskView;
}

export interface MandatoryWorkingMethodFigures {
  name: string;
  risks: number;
  bands: BandCount[];
  unassessedRisks: number;
  /** Nämnder with at least one assessed risk under it (what R5 asks). */
  assessedBy: NamndRow[];
  /** Nämnder with at least one of its risks in their IKP. */
  inIkpBy: NamndRow[];
  /** Nämnder in view without an assessed risk under it (no plan, no such working method, or none assessed). */
  missing: NamndRow[];
}

export interface MandatoryProcessFigures {
  name: string;
  /** Nämnder whose plan lacks the process (or that have no plan). */
  missing: NamndRow[];
  workingMethods: MandatoryWorkingMethodFigures[];
  /** Every risk under the process, city-wide: drawn as one matrix in the report. */
  risks: MandatoryRisk[];
}

/** Per mandatory process of the catalogue, matched in each plan exactly as rule R5 matches it (id or name/alias). */
function mandatoryFigures(rows: CityRows, trees: { namnd: NamndRow; tree: PlanTree | null }[], bandOrderOf: Band[]): MandatoryProcessFigures[] {
  return rows.mandatory.map((mp) => {
    const found = trees.map(({ namnd, tree }) => ({
      namnd,
      tree,
      process: (tree && holderOf(tree.processes, mp, (p) => p.mandatoryProcessId)) ?? null,
    }));
    const risks: MandatoryRisk[] = [];
    const workingMethods = mp.workingMethods.map((mwm) => {
      const per = found.map(({ namnd, tree, process }) => {
        const wm = process && tree ? (holderOf(tree.workingMethodsByProcess.get(process.id) ?? [], mwm, (w) => w.mandatoryWorkingMethodId) ?? null) : null;
        return { namnd, risks: wm && tree ? (tree.risksByWorkingMethod.get(wm.id) ?? []) : [] };
      });
      const all = per.flatMap((p) => p.risks);
      return {
        name: mwm.name,
        risks: all.length,
        bands: bandsOfRisks(all, bandOrderOf),
        unassessedRisks: all.filter((r) => !r.assessed).length,
        assessedBy: per.filter((p) => p.risks.some((r) => r.assessed)).map((p) => p.namnd),
        inIkpBy: per.filter((p) => p.risks.some((r) => r.inIkp)).map((p) => p.namnd),
        missing: per.filter((p) => !p.risks.some((r) => r.assessed)).map((p) => p.namnd),
      };
    });
    for (const { namnd, tree, process } of found) {
      if (!tree || !process) continue;
      for (const wm of tree.workingMethodsByProcess.get(process.id) ?? []) {
        for (const risk of tree.risksByWorkingMethod.get(wm.id) ?? []) risks.push({ namnd, workingMethod: wm.name, risk });
      }
    }
    return { name: mp.name, missing: found.filter((f) => !f.process).map((f) => f.namnd), workingMethods, risks };
  });
}

export interface CommonRisk {
  kind: 'PROCESS' | 'WORKING_METHOD';
  process: string;
  workingMethod: string | null;
  namnder: NamndRow[];
  criticalRisks: number;
}

/** A plan's highest band (bands are listed lowest first): Kritisk in the city's default matrix. */
const isCritical = (tree: PlanTree, r: RiskView) => !!r.band && bandOrder(tree.plan.matrix, r.band) === tree.plan.matrix.bands.length;

/** Processes and working methods, matched by normalizeName, that the most nämnder rate in their highest band. */
function commonRisksOf(trees: { namnd: NamndRow; tree: PlanTree | null }[]): CommonRisk[] {
  const by = new Map<string, CommonRisk & { codes: Set<string> }>();
  const add = (key: string, init: () => CommonRisk, namnd: NamndRow) => {
    const entry = by.get(key) ?? { ...init(), codes: new Set<string>() };
    entry.criticalRisks++;
    if (!entry.codes.has(namnd.code)) {
      entry.codes.add(namnd.code);
      entry.namnder.push(namnd);
    }
    by.set(key, entry);
  };
  for (const { namnd, tree } of trees) {
    if (!tree) continue;
    for (const r of tree.risks) {
      if (!isCritical(tree, r)) continue;
      const wm: WorkingMethodRow = tree.workingMethodsById.get(r.workingMethodId)!;
      const p: ProcessRow = tree.processOf(wm);
      add(`p|${normalizeName(p.name)}`, () => ({ kind: 'PROCESS', process: p.name, workingMethod: null, namnder: [], criticalRisks: 0 }), namnd);
      add(`w|${normalizeName(p.name)}|${normalizeName(wm.name)}`, () => ({ kind: 'WORKING_METHOD', process: p.name, workingMethod: wm.name, namnder: [], criticalRisks: 0 }), namnd);
    }
  }
  return [...by.values()]
    .map(({ codes: _codes, ...c }) => c)
    .sort((a, b) => b.namnder.length - a.namnder.length || b.criticalRisks - a.criticalRisks || a.kind.localeCompare(b.kind) || normalizeName(`${a.process} ${a.workingMethod ?? ''}`).localeCompare(normalizeName(`${b.process} ${b.workingMethod ?? ''}`), 'sv'));
}

export interface MovedRisk {
  nr: number;
  title: string;
  previousNr: number;
  previousBand: Band;
  band: Band;
  direction: 'UP' | 'DOWN';
}

export interface NamndComparison {
  namnd: NamndRow;
  previousPlan: PlanWithNamnd;
  plan: PlanWithNamnd;
  previousAssessment: AssessmentLevel | null;
  assessment: AssessmentLevel | null;
  /** Both years assessed, at different levels. */
  assessmentChanged: boolean;
  movedRisks: MovedRisk[];
}

export interface CityComparison {
  previousYear: number;
  assessmentsChanged: number;
  risksMoved: number;
  namnder: NamndComparison[];
}

/** Risks whose band changed since the plan they were carried from: the plan's own changesSincePreviousYear. */
function movedRisks(tree: PlanTree, previous: PlanTree): MovedRisk[] {
  return (changesSincePreviousYear(tree, previous)?.revalued ?? []).flatMap(({ risk, origin, before, after, changed }) => {
    if (!changed.includes('band') || !before.band || !after.band) return [];
    const up = (bandOrder(tree.plan.matrix, after.band) ?? 0) > (bandOrder(previous.plan.matrix, before.band) ?? 0);
    return [{ nr: risk.nr, title: risk.title, previousNr: origin.nr, previousBand: before.band, band: after.band, direction: up ? ('UP' as const) : ('DOWN' as const) }];
  });
}

export interface CityOverview {
  year: number;
  today: string;
  /** The city's default matrix: the city-wide picture of the mandatory process is drawn in it. */
  defaultMatrix: CityRows['defaultMatrix'];
  namnder: NamndYear[];
  totals: CityTotals;
  mandatoryProcess: MandatoryProcessFigures[];
  commonRisks: CommonRisk[];
  comparison: CityComparison;
}

/** The whole overview of one year from the loaded rows: no statement is run here. */
export function cityOverview(rows: CityRows, year: number, todayDate: string, calendar: DeadlineCalendar = DEFAULT_CALENDAR): CityOverview {
  const trees = PlanTree.fromRows(rows.content);
  const plansOf = group(rows.content.plans, (p) => `${p.namndId}|${p.year}`);
  const planOf = (n: NamndRow, y: number) => plansOf.get(`${n.id}|${y}`)?.[0] ?? null;
  const f = group(rows.followUps.followUps, (x) => x.planId);
  const a = group(rows.followUps.actions, (x) => x.planId);
  const s = group(rows.followUps.assessments, (x) => x.planId);
  const fuOf = (planId: string | undefined): PlanFollowUpRows =>
    planId ? { followUps: f.get(planId) ?? [], actions: a.get(planId) ?? [], assessments: s.get(planId) ?? [] } : { followUps: [], actions: [], assessments: [] };
  const bandsSeen = rows.defaultMatrix.bands;
  const current = rows.namnder.map((namnd) => {
    const plan = planOf(namnd, year);
    return { namnd, tree: plan ? (trees.get(plan.id) ?? null) : null };
  });
  const namnder = current.map(({ namnd, tree }) => namndYear(namnd, year, tree, rows, fuOf(tree?.plan.id), todayDate, calendar));

  const compared: NamndComparison[] = [];
  for (const { namnd, tree } of current) {
    if (!tree) continue;
    // The rollover's link first (origin_plan_id); a plan made by hand falls back on the nämnd's plan of the year before.
    const origin = tree.plan.originPlanId ? trees.get(tree.plan.originPlanId) : undefined;
    const prevPlan = origin && origin.plan.year === year - 1 ? origin.plan : planOf(namnd, year - 1);
    const previous = prevPlan ? trees.get(prevPlan.id) : undefined;
    if (!previous) continue;
    const level = (planId: string) => (fuOf(planId).assessments[0]?.level as AssessmentLevel | undefined) ?? null;
    const previousAssessment = level(previous.plan.id);
    const assessment = level(tree.plan.id);
    compared.push({
      namnd,
      previousPlan: previous.plan,
      plan: tree.plan,
      previousAssessment,
      assessment,
      assessmentChanged: !!previousAssessment && !!assessment && previousAssessment !== assessment,
      movedRisks: movedRisks(tree, previous),
    });
  }

  return {
    year,
    today: todayDate,
    defaultMatrix: rows.defaultMatrix,
    namnder,
    totals: totalsOf(namnder, bandsSeen),
    mandatoryProcess: mandatoryFigures(rows, current, bandsSeen),
    commonRisks: commonRisksOf(current),
    comparison: {
      previousYear: year - 1,
      assessmentsChanged: compared.filter((c) => c.assessmentChanged).length,
      risksMoved: compared.reduce((n, c) => n + c.movedRisks.length, 0),
      namnder: compared,
    },
  };
}
