// The plan as decided (issue 14.7): the snapshot an adoption keeps, and the typed VoR/IKP read back from it, with
// the field names of Plan. Nothing here reads today's tables: a reopen and later changes leave a decision as it was.
import { CONSEQUENCE_LABELS, LIKELIHOOD_LABELS, deriveRisk, type Band, type IkpBasis, type RiskMatrix } from '../risks/index.js';
import { labelOf, type PlanTree } from './plan-tree.js';
import type { PlanDecisionRow } from './plans.repository.js';

type Period = 'T1' | 'T2' | 'VB';

/** The snapshot's shape as stored (jsonb). Values derived at adoption (rv, band, inIkp) are kept as decided. */
export interface PlanSnapshot {
  year: number;
  namndCode: string;
  ikpThreshold: number;
  matrix: RiskMatrix;
  processes: {
    name: string;
    goal: string | null;
    workingMethods: {
      name: string;
      risks: {
        nr: number;
        title: string;
        likelihood: number | null;
        consequence: number | null;
        rv?: number | null;
        band?: string | null;
        inIkp?: boolean;
        ikpBasis?: IkpBasis;
        ikpMotivation: string | null;
        controls: { description: string; activities: { description: string; responsible: string | null; periods: Period[] }[] }[];
      }[];
    }[];
  }[];
}

/** What the nämnd decided, kept immutable with the decision: shown even after a reopen and changes. */
export function snapshotOf(tree: PlanTree): PlanSnapshot {
  return {
    year: tree.plan.year,
    namndCode: tree.plan.namndCode,
    ikpThreshold: tree.plan.ikpThreshold,
    matrix: tree.plan.matrix,
    processes: tree.processes.map((p) => ({
      name: p.name,
      goal: tree.goalsById.get(p.goalId)?.code ?? null,
      workingMethods: (tree.workingMethodsByProcess.get(p.id) ?? []).map((w) => ({
        name: w.name,
        risks: (tree.risksByWorkingMethod.get(w.id) ?? []).map((r) => ({
          nr: r.nr,
          title: r.title,
          likelihood: r.likelihood,
          consequence: r.consequence,
          rv: r.rv,
          band: r.band?.key ?? null,
          inIkp: r.inIkp,
          ikpBasis: r.ikpBasis,
          ikpMotivation: r.ikpMotivation,
          controls: (tree.controlsByRisk.get(r.id) ?? []).map((c) => ({
            description: c.description,
            activities: (tree.activitiesByControl.get(c.id) ?? []).map((a) => ({ description: a.description, responsible: a.responsible, periods: a.periods })),
          })),
        })),
      })),
    })),
  };
}

export interface DecidedGoal {
  code: string;
}
export interface DecidedControlActivity {
  description: string;
  responsible: string | null;
  periods: Period[];
}
export interface DecidedControl {
  description: string;
  activities: DecidedControlActivity[];
}
export interface DecidedRisk {
  nr: number;
  title: string;
  likelihood: number | null;
  likelihoodLabel: string | null;
  consequence: number | null;
  consequenceLabel: string | null;
  rv: number | null;
  band: Band | null;
  inIkp: boolean;
  ikpBasis: IkpBasis;
  ikpMotivation: string | null;
  goal: DecidedGoal | null;
  controls: DecidedControl[];
}
export interface DecidedWorkingMethod {
  name: string;
  risks: DecidedRisk[];
}
export interface DecidedProcess {
  name: string;
  goal: DecidedGoal | null;
  workingMethods: DecidedWorkingMethod[];
}
export interface DecidedIkpRow {
  goal: DecidedGoal | null;
  process: DecidedProcess;
  workingMethod: DecidedWorkingMethod;
  risk: DecidedRisk;
  rv: number | null;
  control: DecidedControl | null;
  controlActivity: DecidedControlActivity | null;
}
export interface DecidedPlan {
  year: number;
  namndCode: string;
  ikpThreshold: number;
  riskMatrix: RiskMatrix;
  decisionDate: string;
  decisionReference: string;
  processes: DecidedProcess[];
  /** In number order. */
  risks: DecidedRisk[];
  ikp: DecidedIkpRow[];
  bandCounts: { bands: { band: Band; count: number }[]; total: number; unassessed: number };
}

const OVERRIDE_OF: Partial<Record<IkpBasis, 'INCLUDE' | 'EXCLUDE'>> = { MOTIVATED_INCLUSION: 'INCLUDE', MOTIVATED_EXCLUSION: 'EXCLUDE' };

/** One snapshot risk: its stored rv, band and IKP membership as decided; derived from the snapshot's own matrix and threshold when absent. */
function decidedRisk(r: PlanSnapshot['processes'][number]['workingMethods'][number]['risks'][number], s: PlanSnapshot, goal: DecidedGoal | null): DecidedRisk {
  const stored = r.rv !== undefined && r.band !== undefined && r.inIkp !== undefined && r.ikpBasis !== undefined;
  const derived = stored ? null : deriveRisk({ likelihood: r.likelihood, consequence: r.consequence, ikpOverride: (r.ikpBasis && OVERRIDE_OF[r.ikpBasis]) ?? null, ikpMotivation: r.ikpMotivation }, s);
  const bandKey = derived ? (derived.band?.key ?? null) : r.band;
  return {
    nr: r.nr,
    title: r.title,
    likelihood: r.likelihood,
    likelihoodLabel: labelOf(LIKELIHOOD_LABELS, r.likelihood),
    consequence: r.consequence,
    consequenceLabel: labelOf(CONSEQUENCE_LABELS, r.consequence),
    rv: derived ? derived.rv : (r.rv ?? null),
    band: s.matrix.bands.find((b) => b.key === bandKey) ?? null,
    inIkp: derived ? derived.inIkp : !!r.inIkp,
    ikpBasis: derived ? derived.ikpBasis : r.ikpBasis!,
    ikpMotivation: r.ikpMotivation,
    goal,
    controls: r.controls.map((c) => ({ description: c.description, activities: c.activities.map((a) => ({ description: a.description, responsible: a.responsible, periods: a.periods })) })),
  };
}

/** A decision's VoR and IKP, typed, from its snapshot alone. */
export function decidedPlan(decision: PlanDecisionRow): DecidedPlan {
  const s = decision.snapshot as PlanSnapshot;
  const placeOf = new Map<DecidedRisk, { process: DecidedProcess; workingMethod: DecidedWorkingMethod }>();
  const processes = s.processes.map((p): DecidedProcess => {
    const goal = p.goal ? { code: p.goal } : null;
    const process: DecidedProcess = { name: p.name, goal, workingMethods: [] };
    for (const w of p.workingMethods) {
      const workingMethod: DecidedWorkingMethod = { name: w.name, risks: w.risks.map((r) => decidedRisk(r, s, goal)) };
      for (const risk of workingMethod.risks) placeOf.set(risk, { process, workingMethod });
      process.workingMethods.push(workingMethod);
    }
    return process;
  });
  const risks = [...placeOf.keys()].sort((a, b) => a.nr - b.nr);
  // The IKP as the document prints it: one row per control activity, in risk number order (as Plan.ikp).
  const ikp: DecidedIkpRow[] = [];
  for (const risk of risks) {
    if (!risk.inIkp) continue;
    const { process, workingMethod } = placeOf.get(risk)!;
    const base = { goal: process.goal, process, workingMethod, risk, rv: risk.rv };
    if (!risk.controls.length) ikp.push({ ...base, control: null, controlActivity: null });
    for (const control of risk.controls) {
      if (!control.activities.length) ikp.push({ ...base, control, controlActivity: null });
      for (const controlActivity of control.activities) ikp.push({ ...base, control, controlActivity });
    }
  }
  const assessed = risks.filter((r) => r.rv !== null);
  return {
    year: s.year,
    namndCode: s.namndCode,
    ikpThreshold: s.ikpThreshold,
    riskMatrix: s.matrix,
    decisionDate: decision.decisionDate,
    decisionReference: decision.reference,
    processes,
    risks,
    ikp,
    bandCounts: {
      bands: s.matrix.bands.map((band) => ({ band, count: risks.filter((r) => r.band?.key === band.key).length })),
      total: assessed.length,
      unassessed: risks.length - assessed.length,
    },
  };
}
