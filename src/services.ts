import type { Db } from './db/client.js';
import { createAuditService } from './audit/audit.service.js';
import { createNamndService } from './modules/namnder/namnder.service.js';
import { createEventsService } from './events/events.service.js';
import { createWebhookService, type WebhookPolicy } from './modules/webhooks/webhooks.service.js';

/** Every service, built once per app over one database; the GraphQL and REST doors both call these. */
export function createServices(db: Db, webhookPolicy: WebhookPolicy = { allowHttp: false }) {
  return {
    audit: createAuditService(db),
    namnder: createNamndService(db),
    events: createEventsService(db),
    webhooks: createWebhookService(db, webhookPolicy),
  };
}

export type Services = ReturnType<typeof createServices>;
