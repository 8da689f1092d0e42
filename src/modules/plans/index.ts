import { historyLoader, type GraphqlModule } from '../../graphql/module.js';
import { plansTypeDefs } from './plans.schema.js';
import { plansResolvers } from './plans.resolvers.js';

export const plansModule: GraphqlModule = {
  typeDefs: plansTypeDefs,
  resolvers: plansResolvers,
  loaders: { Plan: { history: historyLoader('Plan') } },
};
