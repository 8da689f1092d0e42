// The VoR import (GraphQL rows, REST and CLI files): this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { importRoutes } from './imports.routes.js';
import { importsTypeDefs } from './imports.schema.js';
import { createVorImportService } from './vor-import.service.js';

export { formatOfFileName, parseVorCsv, parseVorFile } from './vor-file.js';
export { importLimits } from './import-limits.js';
export { parseVorFileIsolated } from './import-worker.js';

export const importsModule = defineModule({
  name: 'imports',
  typeDefs: importsTypeDefs,
  resolvers: {
    Mutation: {
      importVor: async (_r, a, ctx) => {
        const report = await ctx.services.imports.importVor(ctx, a.input);
        ctx.loaders.trees.clearAll();
        ctx.loaders.plans.clearAll();
        return report;
      },
    },
  },
  services: { imports: ({ db }) => createVorImportService(db) },
  routes: { plugin: importRoutes },
});
