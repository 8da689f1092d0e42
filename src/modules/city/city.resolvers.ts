import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import { ASSESSMENT_LEVEL_LABELS } from '../labels.js';
import { isFollowUpLate, type CityTotals, type CommonRisk, type MandatoryWorkingMethodFigures, type NamndYear } from './city-figures.js';

export const cityResolvers: Resolvers = {
  Query: {
    cityOverview: (_r, a, ctx) => ctx.services.city.overview(ctx, a.year),
  },
  CityNamndRow: {
    planStatus: (r: NamndYear) => r.plan?.status ?? null,
    decisionDate: (r: NamndYear) => r.plan?.decisionDate ?? null,
    decisionReference: (r: NamndYear) => r.plan?.decisionReference ?? null,
    followUpLate: (r: NamndYear) => isFollowUpLate(r),
  },
  CityTotals: {
    assessments: (t: CityTotals) => t.assessments.map((a) => ({ ...a, label: ASSESSMENT_LEVEL_LABELS[a.level] ?? a.level })),
  },
  CityMandatoryWorkingMethod: {
    assessed: (w: MandatoryWorkingMethodFigures) => w.assessedBy.length,
    inIkp: (w: MandatoryWorkingMethodFigures) => w.inIkpBy.length,
  },
  CityCommonRisk: {
    namndCount: (c: CommonRisk) => c.namnder.length,
  },
};
