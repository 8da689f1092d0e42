import { historyLoader, type GraphqlModule } from '../../graphql/module.js';
import { vorTypeDefs } from './vor.schema.js';
import { vorResolvers } from './vor.resolvers.js';

export const vorModule: GraphqlModule = {
  typeDefs: vorTypeDefs,
  resolvers: vorResolvers,
  loaders: Object.fromEntries(['Process', 'WorkingMethod', 'Risk', 'Control', 'ControlActivity'].map((t) => [t, { history: historyLoader(t) }])),
};
