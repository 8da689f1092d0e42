import type { GraphqlModule } from '../../graphql/module.js';
import { rolloverTypeDefs } from './rollover.schema.js';

export const rolloverModule: GraphqlModule = {
  typeDefs: rolloverTypeDefs,
  resolvers: {
    Mutation: {
      rollover: async (_r, a: { input: unknown }, ctx) => {
        const report = await ctx.services.rollover.rollover(ctx, a.input);
        ctx.loaders.trees.clearAll();
        ctx.loaders.plans.clearAll();
        return report;
      },
    },
  },
};
