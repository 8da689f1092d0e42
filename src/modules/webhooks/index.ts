import type { GraphqlModule } from '../../graphql/module.js';
import { webhooksTypeDefs } from './webhooks.schema.js';
import { webhooksResolvers } from './webhooks.resolvers.js';

export const webhooksModule: GraphqlModule = { typeDefs: webhooksTypeDefs, resolvers: webhooksResolvers };
