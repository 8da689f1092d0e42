// The VoR import (GraphQL rows, REST and CLI files): this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { importsResolvers } from './imports.resolvers.js';
import { importRoutes } from './imports.routes.js';
import { importsTypeDefs } from './imports.schema.js';
import { createVorImportService } from './vor-import.service.js';

export { formatOfFileName, parseVorCsv, parseVorFile } from './vor-file.js';
export { importLimits } from './import-limits.js';
export { parseVorFileIsolated } from './import-worker.js';
export type { ImportReport } from './vor-import.service.js';

export const importsModule = defineModule({
  name: 'imports',
  typeDefs: importsTypeDefs,
  resolvers: importsResolvers,
  services: { imports: ({ db }) => createVorImportService(db) },
  routes: { plugin: importRoutes },
});
