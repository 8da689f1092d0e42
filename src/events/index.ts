import type { GraphqlModule } from '../graphql/module.js';
import { eventsTypeDefs } from './events.schema.js';
import { eventsResolvers } from './events.resolvers.js';

export const eventsModule: GraphqlModule = { typeDefs: eventsTypeDefs, resolvers: eventsResolvers };
