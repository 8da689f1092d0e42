// The Swedish words the city's documents use for the API's states and periods (defined once in ../labels.ts).
export {
  ACTION_STATUS_LABELS as ACTION_STATUS,
  ASSESSMENT_LEVEL_LABELS as ASSESSMENT_LEVEL,
  FOLLOW_UP_OUTCOME_LABELS as OUTCOME,
  FOLLOW_UP_STATUS_LABELS as FOLLOW_UP_STATUS,
  PERIOD_LABELS as PERIOD,
  PLAN_STATUS_LABELS as PLAN_STATUS,
} from '../labels.js';

export { PERIODS } from '../follow-ups/index.js';

export const label = (labels: Record<string, string>, key: string | null | undefined) => (key ? (labels[key] ?? key) : '');
