import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import { freshPlans } from '../../graphql/module.js';

export const rolloverResolvers: Resolvers = {
  Mutation: {
    rollover: async (_r, a, ctx) => {
      const report = await ctx.services.rollover.rollover(ctx, a.input);
      ctx.loaders.nextPlans.clearAll();
      return freshPlans(ctx, report);
    },
  },
};
