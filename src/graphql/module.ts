import type { MercuriusLoaders } from 'mercurius';
import type { Resolvers } from './generated/resolvers-types.js';

/** What each domain module contributes to the one GraphQL schema. */
export interface GraphqlModule {
  typeDefs?: string;
  resolvers?: Resolvers;
  loaders?: MercuriusLoaders;
}

/** `history` of any audited entity type, batched: one statement per request, whatever the number of entities. */
export function historyLoader(entityType: string) {
  return async (queries: { obj: { id: string } }[], ctx: import('mercurius').MercuriusContext) =>
    ctx.services.audit.historyOf(queries.map((q) => ({ entityType, entityId: q.obj.id })));
}

/** After a write, the request's cached plan must be read again. */
export function fresh<T extends { planId?: string; id: string }>(ctx: import('mercurius').MercuriusContext, row: T, planId = row.planId ?? row.id): T {
  ctx.loaders.trees.clear(planId);
  ctx.loaders.plans.clear(planId);
  return row;
}

/** After a write whose plans are not known here (a delete, an import, the rollover), every plan is read again. */
export function freshPlans<T>(ctx: import('mercurius').MercuriusContext, result: T): T {
  ctx.loaders.trees.clearAll();
  ctx.loaders.plans.clearAll();
  return result;
}
