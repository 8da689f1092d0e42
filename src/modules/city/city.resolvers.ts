import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import { ASSESSMENT_LEVEL_LABELS } from '../labels.js';
import { isFollowUpLate } from './city-figures.js';

export const cityResolvers: Resolvers = {
  Query: {
    cityOverview: (_r, a, ctx) => ctx.services.city.overview(ctx, a.year),
  },
  CityNamndRow: {
    planStatus: (r) => r.plan?.status ?? null,
    decisionDate: (r) => r.plan?.decisionDate ?? null,
    decisionReference: (r) => r.plan?.decisionReference ?? null,
    followUpLate: (r) => isFollowUpLate(r),
  },
  CityTotals: {
    assessments: (t) => t.assessments.map((a) => ({ ...a, label: ASSESSMENT_LEVEL_LABELS[a.level] ?? a.level })),
  },
  CityMandatoryWorkingMethod: {
    assessed: (w) => w.assessedBy.length,
    inIkp: (w) => w.inIkpBy.length,
  },
  CityCommonRisk: {
    namndCount: (c) => c.namnder.length,
  },
};
