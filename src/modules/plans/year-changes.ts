import type { Band, IkpBasis } from '../risks/index.js';
import type { PlanTree, RiskView } from './plan-tree.js';
import type { PlanWithNamnd } from './plans.repository.js';

/** A risk's values as its own plan derives them (threshold and matrix of that plan, by deriveRisk). */
export interface RiskValuation {
  likelihood: number | null;
  consequence: number | null;
  rv: number | null;
  band: Band | null;
  inIkp: boolean;
  ikpBasis: IkpBasis;
}

export type RevaluedField = 'rv' | 'band' | 'inIkp';

export interface RiskRevaluation {
  /** This year's risk. */
  risk: RiskView;
  /** Last year's risk it was carried over from. */
  origin: RiskView;
  before: RiskValuation;
  after: RiskValuation;
  changed: RevaluedField[];
}

export interface PlanChanges {
  previousPlan: PlanWithNamnd;
  added: RiskView[];
  removed: RiskView[];
  revalued: RiskRevaluation[];
}

const valuation = (r: RiskView): RiskValuation => ({ likelihood: r.likelihood, consequence: r.consequence, rv: r.rv, band: r.band, inIkp: r.inIkp, ikpBasis: r.ikpBasis });

/**
 * What changed in the risks since the plan this one was rolled over from (GraphQL and the VoR report alike):
 * added (no origin in the previous plan), removed (in the previous plan, carried into no risk of this one) and
 * re-valued (RV, band or IKP membership differ). Both trees derive their risks with their own plan's threshold and
 * matrix, so a moved threshold shows as an IKP change even where likelihood and consequence stayed.
 */
export function changesSincePreviousYear(current: PlanTree, previous: PlanTree | null): PlanChanges | null {
  if (!previous) return null;
  const carried = new Set<string>();
  const added: RiskView[] = [];
  const revalued: RiskRevaluation[] = [];
  for (const risk of current.risks) {
    const origin = risk.originId ? previous.risksById.get(risk.originId) : undefined;
    if (!origin) {
      added.push(risk);
      continue;
    }
    carried.add(origin.id);
    const before = valuation(origin);
    const after = valuation(risk);
    const changed: RevaluedField[] = [];
    if (before.rv !== after.rv) changed.push('rv');
    if ((before.band?.key ?? null) !== (after.band?.key ?? null)) changed.push('band');
    if (before.inIkp !== after.inIkp) changed.push('inIkp');
    if (changed.length) revalued.push({ risk, origin, before, after, changed });
  }
  const removed = previous.risks.filter((r) => !carried.has(r.id));
  return { previousPlan: previous.plan, added, removed, revalued };
}
