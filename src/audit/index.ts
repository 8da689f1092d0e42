// The audit trail's GraphQL face and service, listed with the modules (src/modules/index.ts).
import { defineModule } from '../lib/app-module.js';
import { auditResolvers } from './audit.resolvers.js';
import { auditTypeDefs } from './audit.schema.js';
import { createAuditService } from './audit.service.js';

export type { AuditEventRow, ChainBreak } from './audit.service.js';

export const auditModule = defineModule({
  name: 'audit',
  typeDefs: auditTypeDefs,
  resolvers: auditResolvers,
  services: { audit: ({ db }) => createAuditService(db) },
});
