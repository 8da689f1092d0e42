import type { Db } from './db/client.js';
import { createAuditService } from './audit/audit.service.js';
import { createNamndService } from './modules/namnder/namnder.service.js';
import { createGoalService } from './modules/goals/goals.service.js';
import { createPlanService } from './modules/plans/plans.service.js';
import { createVorService } from './modules/vor/vor.service.js';
import { createVorImportService } from './modules/imports/vor-import.service.js';
import { createFollowUpService } from './modules/follow-ups/follow-ups.service.js';
import { createRolloverService } from './modules/rollover/rollover.service.js';
import { createEventsService } from './events/events.service.js';
import { createWebhookService } from './modules/webhooks/webhooks.service.js';
import { createDestinationCheck } from './modules/webhooks/destination.js';
import { noSecretKeys } from './modules/webhooks/secret-box.js';
import type { WebhookDeps } from './modules/webhooks/webhook-deps.js';

// Tools without a configuration of webhooks (CLIs) get the strictest destinations and no secret keys.
const noWebhooks: WebhookDeps = { destination: createDestinationCheck({ allowHttp: false, allowCidrs: [] }), secrets: noSecretKeys };

/** Every service, built once per app over one database; the GraphQL and REST doors both call these. */
export function createServices(db: Db, webhooks: WebhookDeps = noWebhooks) {
  return {
    audit: createAuditService(db),
    namnder: createNamndService(db),
    goals: createGoalService(db),
    plans: createPlanService(db),
    vor: createVorService(db),
    imports: createVorImportService(db),
    followUps: createFollowUpService(db),
    rollover: createRolloverService(db),
    events: createEventsService(db),
    webhooks: createWebhookService(db, webhooks),
  };
}

export type Services = ReturnType<typeof createServices>;
