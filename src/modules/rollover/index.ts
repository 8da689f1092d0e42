// The yearly rollover: this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { rolloverResolvers } from './rollover.resolvers.js';
import { rolloverTypeDefs } from './rollover.schema.js';
import { createRolloverService } from './rollover.service.js';

export { ENTITY_KINDS, type KindCount, type NamndRolloverReport, type RolloverReport } from './rollover.service.js';

export const rolloverModule = defineModule({
  name: 'rollover',
  typeDefs: rolloverTypeDefs,
  resolvers: rolloverResolvers,
  services: { rollover: ({ db }) => createRolloverService(db) },
});
