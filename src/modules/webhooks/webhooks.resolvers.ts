import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const webhooksResolvers: Resolvers = {
  Query: {
    webhooks: (_r, _a, ctx) => ctx.services.webhooks.list(ctx),
    webhookDeliveries: (_r, args, ctx) =>
      ctx.services.webhooks.deliveries(ctx, args),
  },
  Mutation: {
    createWebhook: (_r, args, ctx) => ctx.services.webhooks.create(ctx, args.input),
    updateWebhook: (_r, args, ctx) => ctx.services.webhooks.update(ctx, args.input),
    deleteWebhook: (_r, args, ctx) => ctx.services.webhooks.remove(ctx, args.id),
    resumeWebhook: (_r, args, ctx) => ctx.services.webhooks.resume(ctx, args.id),
  },
};
