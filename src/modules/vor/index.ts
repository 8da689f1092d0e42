// The VoR tree's writes (processes, working methods, risks, controls, control activities): this module's public face.
import { historyLoader } from '../../graphql/module.js';
import { defineModule } from '../../lib/app-module.js';
import { vorResolvers } from './vor.resolvers.js';
import { vorTypeDefs } from './vor.schema.js';
import { createVorService } from './vor.service.js';

export const vorModule = defineModule({
  name: 'vor',
  typeDefs: vorTypeDefs,
  resolvers: vorResolvers,
  loaders: Object.fromEntries(['Process', 'WorkingMethod', 'Risk', 'Control', 'ControlActivity'].map((t) => [t, { history: historyLoader(t) }])),
  services: { vor: ({ db }) => createVorService(db) },
});
export { vorRepository } from './vor.repository.js';
export { vorWrites, type VorNodeKind } from './vor.service.js';
