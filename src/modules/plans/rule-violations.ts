import type { MandatoryProcessRow } from '../goals/index.js';
import { holderOf } from './mandatory.js';
import type { PlanTree } from './plan-tree.js';

export interface RuleViolation {
  rule: 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6';
  entityType: string;
  entityId: string | null;
  message: string;
}


/** Everything that blocks adoption (R1–R6), computed from the plan as it is now. */
export function ruleViolations(tree: PlanTree, mandatory: MandatoryProcessRow[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Map<number, string>();
  for (const r of tree.risks) {
    const label = `Risk ${r.nr} (${r.title})`;
    if (!r.assessed && r.ikpOverride === 'INCLUDE') {
      out.push({ rule: 'R1', entityType: 'Risk', entityId: r.id, message: `${label} is included in the IKP but has not been assessed (likelihood and consequence)` });
    }
    if (r.ikpBasis === 'MOTIVATED_EXCLUSION' && r.motivationMissing) {
      out.push({ rule: 'R2', entityType: 'Risk', entityId: r.id, message: `${label} has RV ${r.rv} ≥ threshold ${tree.plan.ikpThreshold} but is excluded from the IKP without a written motivation` });
    }
    if (r.ikpBasis === 'MOTIVATED_INCLUSION' && r.motivationMissing) {
      out.push({ rule: 'R3', entityType: 'Risk', entityId: r.id, message: `${label} has RV ${r.rv} < threshold ${tree.plan.ikpThreshold} but is included in the IKP without a written motivation` });
    }
    if (r.inIkp) {
      const controls = tree.controlsByRisk.get(r.id) ?? [];
      if (!controls.some((c) => (tree.activitiesByControl.get(c.id) ?? []).length > 0)) {
        out.push({ rule: 'R4', entityType: 'Risk', entityId: r.id, message: `${label} is in the IKP but has no systematic control with a control activity` });
      }
    }
    const dup = seen.get(r.nr);
    if (dup) out.push({ rule: 'R6', entityType: 'Risk', entityId: r.id, message: `Risk number ${r.nr} is used more than once` });
    seen.set(r.nr, r.id);
  }

  for (const mp of mandatory) {
    const process = holderOf(tree.processes, mp, (p) => p.mandatoryProcessId);
    if (!process) {
      out.push({ rule: 'R5', entityType: 'Plan', entityId: tree.plan.id, message: `The mandatory process "${mp.name}" is missing` });
      continue;
    }
    const wms = tree.workingMethodsByProcess.get(process.id) ?? [];
    for (const mwm of mp.workingMethods) {
      const wm = holderOf(wms, mwm, (w) => w.mandatoryWorkingMethodId);
      if (!wm) {
        out.push({ rule: 'R5', entityType: 'Process', entityId: process.id, message: `The mandatory working method "${mwm.name}" of "${mp.name}" is missing` });
      } else if (!(tree.risksByWorkingMethod.get(wm.id) ?? []).some((r) => r.assessed)) {
        out.push({ rule: 'R5', entityType: 'WorkingMethod', entityId: wm.id, message: `The mandatory working method "${mwm.name}" has no assessed risk` });
      }
    }
  }
  return out;
}
