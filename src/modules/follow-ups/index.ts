import { historyLoader, type GraphqlModule } from '../../graphql/module.js';
import { followUpsTypeDefs } from './follow-ups.schema.js';
import { followUpsResolvers } from './follow-ups.resolvers.js';

export const followUpsModule: GraphqlModule = {
  typeDefs: followUpsTypeDefs,
  resolvers: followUpsResolvers,
  loaders: Object.fromEntries(['FollowUp', 'Action', 'Assessment'].map((t) => [t, { history: historyLoader(t) }])),
};
