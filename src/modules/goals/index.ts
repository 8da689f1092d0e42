import { historyLoader, type GraphqlModule } from '../../graphql/module.js';
import { goalsTypeDefs } from './goals.schema.js';
import { goalsResolvers } from './goals.resolvers.js';

export const goalsModule: GraphqlModule = {
  typeDefs: goalsTypeDefs,
  resolvers: goalsResolvers,
  loaders: { Goal: { history: historyLoader('Goal') } },
};
