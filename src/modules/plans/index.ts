// Plans, their VoR tree in memory (PlanTree), the rules R1–R6 and the plan life cycle: this module's public face.
import { historyLoader } from '../../graphql/module.js';
import { defineModule } from '../../lib/app-module.js';
import { createPlanLifecycleService } from './plan-lifecycle.js';
import { planLifecycleTypeDefs } from './plan-lifecycle.schema.js';
import { plansResolvers } from './plans.resolvers.js';
import { plansTypeDefs } from './plans.schema.js';
import { createPlanService } from './plans.service.js';

export { PlanTree, riskView, type IkpRow, type MatrixCell, type RiskView } from './plan-tree.js';
export { editablePlan, editableRow, stillEditable, insertPlan, PlanNotEditableError, createPlanService, type PlanService } from './plans.service.js';
export { planRepository } from './plans.repository.js';
export type { ControlActivityRow, ControlRow, GoalRow, PlanContentRows, PlanDecisionRow, PlanRow, PlanWithNamnd, ProcessRow, RiskRow, WorkingMethodRow } from './plans.repository.js';
export type {
  DecidedControl,
  DecidedControlActivity,
  DecidedGoal,
  DecidedIkpRow,
  DecidedPlan,
  DecidedProcess,
  DecidedRisk,
  DecidedWorkingMethod,
} from './decided-plan.js';
export { ruleViolations, type RuleViolation } from './rule-violations.js';
export {
  guardMandatory,
  holderOf,
  MandatoryAlreadyPresentError,
  mandatoryProcessNamed,
  mandatoryWorkingMethodNamed,
  matchesName,
  normalizeName,
} from './mandatory.js';
export { originResolver, readableLink, readableTree } from './plan-links.js';
export { changesSincePreviousYear, type PlanChanges, type RiskRevaluation, type RiskValuation } from './year-changes.js';

export const plansModule = defineModule({
  name: 'plans',
  typeDefs: plansTypeDefs + planLifecycleTypeDefs,
  resolvers: plansResolvers,
  loaders: { Plan: { history: historyLoader('Plan') } },
  services: { plans: createPlanService, planLifecycle: createPlanLifecycleService },
});
