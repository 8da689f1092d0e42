// Webhook subscriptions and their delivery: this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { createDeliveryWorker } from './delivery-worker.js';
import { webhooksResolvers } from './webhooks.resolvers.js';
import { webhooksTypeDefs } from './webhooks.schema.js';
import { createWebhookService } from './webhooks.service.js';
import { noWebhooks, webhookDeps } from './webhook-deps.js';

export type { DeliveryRow } from './webhooks.repository.js';
export type { PublicWebhook } from './webhooks.service.js';

export const webhooksModule = defineModule({
  name: 'webhooks',
  typeDefs: webhooksTypeDefs,
  resolvers: webhooksResolvers,
  services: { webhooks: ({ db, config }) => createWebhookService(db, config ? webhookDeps(config) : noWebhooks) },
  loops: ({ db, config, log }) =>
    config.WEBHOOKS_ENABLED
      ? [
          createDeliveryWorker(
            db,
            {
              pollMs: config.WEBHOOK_POLL_MS,
              timeoutMs: config.WEBHOOK_TIMEOUT_MS,
              backoffMs: config.WEBHOOK_BACKOFF_MS,
              backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS,
              maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
              failingAfter: config.WEBHOOK_FAILING_AFTER,
              batch: config.WEBHOOK_BATCH,
              ...webhookDeps(config),
            },
            log,
          ),
        ]
      : [],
});
