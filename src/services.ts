import type { Db } from './db/client.js';
import { createAuditService } from './audit/audit.service.js';
import { createNamndService } from './modules/namnder/namnder.service.js';

/** Every service, built once per app over one database; the GraphQL and REST doors both call these. */
export function createServices(db: Db) {
  return {
    audit: createAuditService(db),
    namnder: createNamndService(db),
  };
}

export type Services = ReturnType<typeof createServices>;
