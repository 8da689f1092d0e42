import type { Db } from './db/client.js';
import { createAuditService } from './audit/audit.service.js';
import { createNamndService } from './modules/namnder/namnder.service.js';
import { createGoalService } from './modules/goals/goals.service.js';
import { createPlanService } from './modules/plans/plans.service.js';
import { createVorService } from './modules/vor/vor.service.js';
import { createVorImportService } from './modules/imports/vor-import.service.js';
import { createFollowUpService } from './modules/follow-ups/follow-ups.service.js';

/** Every service, built once per app over one database; the GraphQL and REST doors both call these. */
export function createServices(db: Db) {
  return {
    audit: createAuditService(db),
    namnder: createNamndService(db),
    goals: createGoalService(db),
    plans: createPlanService(db),
    vor: createVorService(db),
    imports: createVorImportService(db),
    followUps: createFollowUpService(db),
  };
}

export type Services = ReturnType<typeof createServices>;
