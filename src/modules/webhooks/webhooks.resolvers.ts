import type { IResolvers } from 'mercurius';

export const webhooksResolvers: IResolvers = {
  Query: {
    webhooks: (_r, _a, ctx) => ctx.services.webhooks.list(ctx),
    webhookDeliveries: (_r, args: { webhookId: string; status?: string; first: number; after?: string }, ctx) =>
      ctx.services.webhooks.deliveries(ctx, args),
  },
  Mutation: {
    createWebhook: (_r, args: { input: unknown }, ctx) => ctx.services.webhooks.create(ctx, args.input),
    updateWebhook: (_r, args: { input: unknown }, ctx) => ctx.services.webhooks.update(ctx, args.input),
    deleteWebhook: (_r, args: { id: unknown }, ctx) => ctx.services.webhooks.remove(ctx, args.id),
    resumeWebhook: (_r, args: { id: unknown }, ctx) => ctx.services.webhooks.resume(ctx, args.id),
  },
};
