import { historyLoader, type GraphqlModule } from '../../graphql/module.js';
import { namnderTypeDefs } from './namnder.schema.js';
import { namnderResolvers } from './namnder.resolvers.js';

export const namnderModule: GraphqlModule = {
  typeDefs: namnderTypeDefs,
  resolvers: namnderResolvers,
  loaders: { Namnd: { history: historyLoader('Namnd') } },
};
