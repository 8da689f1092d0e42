import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import { freshPlans } from '../../graphql/module.js';

export const importsResolvers: Resolvers = {
  Mutation: {
    importVor: async (_r, a, ctx) => freshPlans(ctx, await ctx.services.imports.importVor(ctx, a.input)),
  },
};
