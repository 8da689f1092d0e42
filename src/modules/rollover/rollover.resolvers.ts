import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const rolloverResolvers: Resolvers = {
  Mutation: {
    rollover: async (_r, a, ctx) => {
      const report = await ctx.services.rollover.rollover(ctx, a.input);
      ctx.loaders.trees.clearAll();
      ctx.loaders.plans.clearAll();
      ctx.loaders.nextPlans.clearAll();
      return report;
    },
  },
};
