// Nämnder: this module's public face.
import { historyLoader } from '../../graphql/module.js';
import { defineModule } from '../../lib/app-module.js';
import { namnderResolvers } from './namnder.resolvers.js';
import { namnderTypeDefs } from './namnder.schema.js';
import { createNamndService } from './namnder.service.js';

export { namndRepository, type NamndRow } from './namnder.repository.js';

export const namnderModule = defineModule({
  name: 'namnder',
  typeDefs: namnderTypeDefs,
  resolvers: namnderResolvers,
  loaders: { Namnd: { history: historyLoader('Namnd') } },
  services: { namnder: ({ db }) => createNamndService(db) },
});
