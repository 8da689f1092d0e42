import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const importsResolvers: Resolvers = {
  Mutation: {
    importVor: async (_r, a, ctx) => {
      const report = await ctx.services.imports.importVor(ctx, a.input);
      ctx.loaders.trees.clearAll();
      ctx.loaders.plans.clearAll();
      return report;
    },
  },
};
