// The yearly rollover: this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { rolloverTypeDefs } from './rollover.schema.js';
import { createRolloverService } from './rollover.service.js';

export { ENTITY_KINDS } from './rollover.service.js';

export const rolloverModule = defineModule({
  name: 'rollover',
  typeDefs: rolloverTypeDefs,
  resolvers: {
    Mutation: {
      rollover: async (_r, a, ctx) => {
        const report = await ctx.services.rollover.rollover(ctx, a.input);
        ctx.loaders.trees.clearAll();
        ctx.loaders.plans.clearAll();
        ctx.loaders.nextPlans.clearAll();
        return report;
      },
    },
  },
  services: { rollover: ({ db }) => createRolloverService(db) },
});
