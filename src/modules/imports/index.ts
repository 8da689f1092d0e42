import type { GraphqlModule } from '../../graphql/module.js';
import { importsTypeDefs } from './imports.schema.js';

export const importsModule: GraphqlModule = {
  typeDefs: importsTypeDefs,
  resolvers: {
    Mutation: {
      importVor: async (_r, a: { input: unknown }, ctx) => {
        const report = await ctx.services.imports.importVor(ctx, a.input);
        ctx.loaders.trees.clearAll();
        ctx.loaders.plans.clearAll();
        return report;
      },
    },
  },
};
