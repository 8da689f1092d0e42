import { CONSEQUENCE_LABELS, LIKELIHOOD_LABELS, SCALE, bandOf, deriveRisk, riskValue, type Band, type DerivedRisk, type ScaleValue } from '../risks/index.js';
import type {
  ControlActivityRow,
  ControlRow,
  GoalRow,
  PlanContentRows,
  PlanWithNamnd,
  ProcessRow,
  RiskRow,
  WorkingMethodRow,
} from './plans.repository.js';
import { groupBy as group } from '../../lib/collections.js';

export type RiskView = RiskRow & DerivedRisk & { likelihoodLabel: string | null; consequenceLabel: string | null };

export interface IkpRow {
  goal: GoalRow | null;
  process: ProcessRow;
  workingMethod: WorkingMethodRow;
  risk: RiskView;
  rv: number | null;
  control: ControlRow | null;
  controlActivity: ControlActivityRow | null;
}

export interface MatrixCell {
  likelihood: number;
  consequence: number;
  likelihoodLabel: string;
  consequenceLabel: string;
  rv: number;
  band: Band | null;
  riskNumbers: number[];
  count: number;
}


export const labelOf = (labels: Record<ScaleValue, string>, v: number | null) => (v && v >= 1 && v <= 5 ? labels[v as ScaleValue] : null);

/** One plan's VoR and IKP in memory, with everything derived from it computed once. */
export class PlanTree {
  readonly goalsById: Map<string, GoalRow>;
  readonly processesById: Map<string, ProcessRow>;
  readonly workingMethodsById: Map<string, WorkingMethodRow>;
  readonly risksById: Map<string, RiskView>;
  readonly controlsById: Map<string, ControlRow>;
  readonly activitiesById: Map<string, ControlActivityRow>;
  readonly workingMethodsByProcess: Map<string, WorkingMethodRow[]>;
  readonly risksByWorkingMethod: Map<string, RiskView[]>;
  readonly controlsByRisk: Map<string, ControlRow[]>;
  readonly activitiesByControl: Map<string, ControlActivityRow[]>;
  /** Risks in number order. */
  readonly risks: RiskView[];

  constructor(
    readonly plan: PlanWithNamnd,
    readonly goals: GoalRow[],
    readonly processes: ProcessRow[],
    workingMethods: WorkingMethodRow[],
    risks: RiskRow[],
    controls: ControlRow[],
    activities: ControlActivityRow[],
  ) {
    this.goalsById = new Map(goals.map((g) => [g.id, g]));
    this.processesById = new Map(processes.map((p) => [p.id, p]));
    this.workingMethodsById = new Map(workingMethods.map((w) => [w.id, w]));
    this.risks = risks.map((r) => riskView(r, plan));
    this.risksById = new Map(this.risks.map((r) => [r.id, r]));
    this.controlsById = new Map(controls.map((c) => [c.id, c]));
    this.activitiesById = new Map(activities.map((a) => [a.id, a]));
    this.workingMethodsByProcess = group(workingMethods, (w) => w.processId);
    this.risksByWorkingMethod = group(this.risks, (r) => r.workingMethodId);
    this.controlsByRisk = group(controls, (c) => c.riskId);
    this.activitiesByControl = group(activities, (a) => a.controlId);
  }

  static fromRows(rows: PlanContentRows): Map<string, PlanTree> {
    const by = <T extends { planId: string }>(list: T[]) => group(list, (x) => x.planId);
    const p = by(rows.processes), w = by(rows.workingMethods), r = by(rows.risks), c = by(rows.controls), a = by(rows.activities);
    const goalsByYear = group(rows.goals, (g) => g.year);
    return new Map(
      rows.plans.map((plan) => [
        plan.id,
        new PlanTree(plan, goalsByYear.get(plan.year) ?? [], p.get(plan.id) ?? [], w.get(plan.id) ?? [], r.get(plan.id) ?? [], c.get(plan.id) ?? [], a.get(plan.id) ?? []),
      ]),
    );
  }

  processOf(wm: WorkingMethodRow): ProcessRow {
    return this.processesById.get(wm.processId)!;
  }

  /** The goal a risk is analysed under (through its process). */
  goalOfProcess(p: ProcessRow): GoalRow | null {
    return this.goalsById.get(p.goalId) ?? null;
  }

  /** The IKP as the document prints it: one row per control activity (a risk lacking one still gets a row). */
  ikp(): IkpRow[] {
    const rows: IkpRow[] = [];
    for (const risk of this.risks) {
      if (!risk.inIkp) continue;
      const workingMethod = this.workingMethodsById.get(risk.workingMethodId)!;
      const process = this.processOf(workingMethod);
      const base = { goal: this.goalOfProcess(process), process, workingMethod, risk, rv: risk.rv };
      const ctrls = this.controlsByRisk.get(risk.id) ?? [];
      if (!ctrls.length) rows.push({ ...base, control: null, controlActivity: null });
      for (const control of ctrls) {
        const acts = this.activitiesByControl.get(control.id) ?? [];
        if (!acts.length) rows.push({ ...base, control, controlActivity: null });
        for (const controlActivity of acts) rows.push({ ...base, control, controlActivity });
      }
    }
    return rows;
  }

  /** The 25 cells, likelihood 5 → 1 (top to bottom as printed), consequence 1 → 5. */
  matrixCells(): MatrixCell[] {
    const cells: MatrixCell[] = [];
    for (const l of [...SCALE].reverse()) {
      for (const c of SCALE) {
        const riskNumbers = this.risks.filter((r) => r.likelihood === l && r.consequence === c).map((r) => r.nr);
        cells.push({
          likelihood: l,
          consequence: c,
          likelihoodLabel: LIKELIHOOD_LABELS[l],
          consequenceLabel: CONSEQUENCE_LABELS[c],
          rv: riskValue(l, c),
          band: bandOf(this.plan.matrix, l, c),
          riskNumbers,
          count: riskNumbers.length,
        });
      }
    }
    return cells;
  }

  bandCounts(): { bands: { band: Band; count: number }[]; total: number; unassessed: number } {
    const bands = this.plan.matrix.bands.map((band) => ({ band, count: this.risks.filter((r) => r.band?.key === band.key).length }));
    const total = this.risks.filter((r) => r.assessed).length;
    return { bands, total, unassessed: this.risks.length - total };
  }
}

/**
 * The row with its derived values, in place: rows come fresh from a repository statement, and copying every field of
 * every risk per request showed in the profile. Reading the row's own fields is unchanged.
 */
export function riskView(r: RiskRow, plan: Pick<PlanWithNamnd, 'ikpThreshold' | 'matrix'>): RiskView {
  const v = Object.assign(r, deriveRisk(r, plan)) as RiskView;
  v.likelihoodLabel = labelOf(LIKELIHOOD_LABELS, r.likelihood);
  v.consequenceLabel = labelOf(CONSEQUENCE_LABELS, r.consequence);
  return v;
}
