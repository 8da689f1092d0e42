// Goals, mandatory processes and the default risk matrix (the city's master data): this module's public face.
import { historyLoader } from '../../graphql/module.js';
import { defineModule } from '../../lib/app-module.js';
import { goalsResolvers } from './goals.resolvers.js';
import { goalsTypeDefs } from './goals.schema.js';
import { createGoalService } from './goals.service.js';

export { goalRepository, type GoalRow, type MandatoryProcessRow } from './goals.repository.js';
export { parseMatrix } from './goals.service.js';

export const goalsModule = defineModule({
  name: 'goals',
  typeDefs: goalsTypeDefs,
  resolvers: goalsResolvers,
  loaders: { Goal: { history: historyLoader('Goal') } },
  services: { goals: ({ db }) => createGoalService(db) },
});
