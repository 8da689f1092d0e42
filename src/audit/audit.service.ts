import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEvents, auditChainHeads } from '../db/schema/index.js';
import { requireAuditReader } from '../auth/authorize.js';
import type { RequestContext } from './audit-log.js';
import { hashEvent } from './audit-log.js';
import { rawRows } from '../db/raw.js';
import { decodeCursor, encodeCursor } from '../lib/cursor.js';

export type AuditEventRow = typeof auditEvents.$inferSelect;

export interface AuditFilter {
  entityType?: string | null;
  entityId?: string | null;
  namndCode?: string | null;
  actor?: string | null;
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface ChainBreak {
  chain: string;
  seq: number;
  eventId: number | null;
  problem: 'MISSING' | 'HASH_MISMATCH' | 'LINK_MISMATCH' | 'HEAD_MISMATCH';
  message: string;
}

export function createAuditService(db: Db) {
  return {
    async list(ctx: RequestContext, filter: AuditFilter, page: { first: number; after?: string | null; order: 'ASC' | 'DESC' }) {
      requireAuditReader(ctx.actor);
      const conds: SQL[] = [];
      if (filter.entityType) conds.push(eq(auditEvents.entityType, filter.entityType));
      if (filter.entityId) conds.push(eq(auditEvents.entityId, filter.entityId));
      if (filter.namndCode) conds.push(eq(auditEvents.namndCode, filter.namndCode));
      if (filter.actor) conds.push(eq(auditEvents.actor, filter.actor));
      if (filter.action) conds.push(eq(auditEvents.action, filter.action));
      if (filter.from) conds.push(gte(auditEvents.occurredAt, filter.from));
      if (filter.to) conds.push(lte(auditEvents.occurredAt, filter.to));
      if (page.after) {
        const afterId = decodeCursor(page.after, 'after');
        conds.push(page.order === 'ASC' ? gt(auditEvents.id, afterId) : lt(auditEvents.id, afterId));
      }
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(...conds))
        .orderBy(page.order === 'ASC' ? asc(auditEvents.id) : desc(auditEvents.id))
        .limit(page.first + 1);
      const hasNextPage = rows.length > page.first;
      const nodes = rows.slice(0, page.first);
      return {
        nodes,
        pageInfo: { hasNextPage, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1].id) : null },
      };
    },

    /** Batched by the loaders: the events of many entities in one statement. */
    async historyOf(keys: { entityType: string; entityId: string }[]): Promise<AuditEventRow[][]> {
      const ids = [...new Set(keys.map((k) => k.entityId))];
      const rows = ids.length
        ? await db.select().from(auditEvents).where(inArray(auditEvents.entityId, ids)).orderBy(asc(auditEvents.id))
        : [];
      return keys.map((k) => rows.filter((r) => r.entityId === k.entityId && r.entityType === k.entityType));
    },

    /** Recomputes every chain; returns the first broken link of each broken chain. */
    async verify(ctx: RequestContext | null) {
      if (ctx) requireAuditReader(ctx.actor);
      const breaks: ChainBreak[] = [];
      let checked = 0;
      const heads = await db.select().from(auditChainHeads);
      for (const head of heads) {
        const brk = await verifyChain(db, head.chain, head.seq, head.hash);
        checked += brk.checked;
        if (brk.break) breaks.push(brk.break);
      }
      // Events whose chain has no head at all (head row deleted) are also a break.
      const orphans = await rawRows<{ chain: string; id: number }>(db, sql`
        select e.chain, min(e.id) as id from audit_events e
        left join audit_chain_heads h on h.chain = e.chain where h.chain is null group by e.chain`);
      for (const o of orphans) {
        breaks.push({ chain: o.chain, seq: 1, eventId: Number(o.id), problem: 'HEAD_MISMATCH', message: `chain ${o.chain} has no head` });
      }
      return { ok: breaks.length === 0, eventsChecked: checked, chains: heads.length, breaks };
    },
  };
}

async function verifyChain(db: Db, chain: string, headSeq: number, headHash: string) {
  const BATCH = 5000;
  let expectedSeq = 1;
  let prevHash: string | null = null;
  let checked = 0;
  let lastSeq = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.chainSeq, lastSeq)))
      .orderBy(asc(auditEvents.chainSeq))
      .limit(BATCH);
    for (const r of rows) {
      checked++;
      const at = { chain, seq: expectedSeq, eventId: r.id };
      if (r.chainSeq !== expectedSeq) {
        return { checked, break: { ...at, eventId: null, problem: 'MISSING' as const, message: `event ${expectedSeq} of chain ${chain} is missing (next found: ${r.chainSeq})` } };
      }
      if (r.prevHash !== prevHash) {
        return { checked, break: { ...at, problem: 'LINK_MISMATCH' as const, message: `event ${r.id} does not link to the event before it` } };
      }
      const { id: _id, hash, ...fields } = r;
      if (hashEvent(fields) !== hash) {
        return { checked, break: { ...at, problem: 'HASH_MISMATCH' as const, message: `event ${r.id} was altered after it was written` } };
      }
      prevHash = hash;
      expectedSeq++;
      lastSeq = r.chainSeq;
    }
    if (rows.length < BATCH) break;
  }
  if (expectedSeq - 1 !== headSeq || (prevHash ?? '') !== headHash) {
    return {
      checked,
      break: { chain, seq: expectedSeq, eventId: null, problem: 'HEAD_MISMATCH' as const, message: `chain ${chain} ends at ${expectedSeq - 1} but its head says ${headSeq}: events were removed` },
    };
  }
  return { checked, break: null };
}

export type AuditService = ReturnType<typeof createAuditService>;
