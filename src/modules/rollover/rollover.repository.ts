import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents, controlActivities, controls, processes, risks, workingMethods } from '../../db/schema/index.js';

/** The copies' tables: each level of the tree is inserted in one statement and returns (id, originId). */
const COPIED = { processes, workingMethods, risks, controls, controlActivities };
export type CopiedKind = keyof typeof COPIED;

export const rolloverRepository = {
  insertCopies(db: DbOrTx, kind: CopiedKind, values: Record<string, unknown>[]): Promise<{ id: string; originId: string | null }[]> {
    const table = COPIED[kind];
    // One of five tables (a union drizzle cannot type values() for); the copies are built from that table's rows.
    return db.insert(table).values(values as never).returning({ id: table.id, originId: table.originId });
  },
  /** Links a row the new plan already has (a mandatory process or working method) to the one it continues. */
  async linkOrigin(db: DbOrTx, kind: 'processes' | 'workingMethods', id: string, originId: string): Promise<void> {
    const table = COPIED[kind];
    await db.update(table).set({ originId }).where(eq(table.id, id));
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
