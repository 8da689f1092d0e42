// The city-wide overview of every nämnd's internal control (issue 18): this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { cityResolvers } from './city.resolvers.js';
import { cityTypeDefs } from './city.schema.js';
import { createCityService } from './city.service.js';

export { cityOverviewOf, cityScope, createCityService, type CityService } from './city.service.js';
export {
  isFollowUpLate,
  type CityComparison,
  type CityOverview,
  type CityTotals,
  type CommonRisk,
  type MandatoryProcessFigures,
  type MandatoryRisk,
  type MandatoryWorkingMethodFigures,
  type MovedRisk,
  type NamndComparison,
  type NamndYear,
  type PeriodProgress,
} from './city-figures.js';

export const cityModule = defineModule({
  name: 'city',
  typeDefs: cityTypeDefs,
  resolvers: cityResolvers,
  services: { city: createCityService },
});
