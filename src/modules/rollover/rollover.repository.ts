import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { actions, auditEvents } from '../../db/schema/index.js';
import { OPEN_ACTION_STATUSES, type ActionRow } from '../follow-ups/follow-ups.repository.js';

export const rolloverRepository = {
  openActions(db: DbOrTx, planId: string): Promise<ActionRow[]> {
    return db.select().from(actions).where(and(eq(actions.planId, planId), inArray(actions.status, [...OPEN_ACTION_STATUSES])));
  },

  async carriedOriginActionIds(db: DbOrTx, planId: string): Promise<Set<string>> {
    const rows = await db.select({ originActionId: actions.originActionId }).from(actions).where(eq(actions.planId, planId));
    return new Set(rows.flatMap((r) => (r.originActionId ? [r.originActionId] : [])));
  },

  /**
   * Ids of last year's entities that earlier rollovers already carried into this plan, read from their audit
   * events: an entity removed from the new draft since then must not come back on the next run.
   */
  async previouslyCarried(db: DbOrTx, planId: string): Promise<Set<string>> {
    const rows = await db
      .select({ changes: auditEvents.changes })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'Plan'), eq(auditEvents.entityId, planId), eq(auditEvents.action, 'plan.rollover')));
    const ids = new Set<string>();
    for (const r of rows) {
      const carried = (r.changes as { after?: { carriedIds?: unknown } } | null)?.after?.carriedIds;
      if (Array.isArray(carried)) for (const id of carried) if (typeof id === 'string') ids.add(id);
    }
    return ids;
  },
};
