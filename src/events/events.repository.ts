import { and, asc, eq, gt, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { domainEvents } from '../db/schema/index.js';
import { ALL } from '../auth/actor.js';

export type DomainEventRow = typeof domainEvents.$inferSelect;

/** A sequenced event, as every door (feed, webhooks, subscriptions) publishes it. */
export interface PublishedEvent {
  position: number;
  type: string;
  namndCode: string | null;
  entityType: string;
  entityId: string;
  entityVersion: number | null;
  occurredAt: string;
  data: Record<string, unknown>;
}

export function toPublished(row: DomainEventRow): PublishedEvent {
  return {
    position: row.position!,
    type: row.type,
    namndCode: row.namndCode,
    entityType: row.entityType,
    entityId: row.entityId,
    entityVersion: row.entityVersion,
    occurredAt: row.occurredAt.toISOString(),
    data: row.data,
  };
}

export interface FeedFilter {
  /** Nämnd codes to include, or ALL; city-wide events (no nämnd) are always included. */
  namndCodes: typeof ALL | string[];
  types?: string[];
}

export const eventsRepository = {
  async byId(db: DbOrTx, id: DomainEventRow['id']): Promise<DomainEventRow | undefined> {
    const [row] = await db.select().from(domainEvents).where(eq(domainEvents.id, id));
    return row;
  },
  async after(db: DbOrTx, after: number, limit: number, filter: FeedFilter): Promise<DomainEventRow[]> {
    const conds: (SQL | undefined)[] = [isNotNull(domainEvents.position), gt(domainEvents.position, after)];
    if (filter.namndCodes !== ALL) {
      conds.push(
        filter.namndCodes.length
          ? or(isNull(domainEvents.namndCode), inArray(domainEvents.namndCode, filter.namndCodes))
          : isNull(domainEvents.namndCode),
      );
    }
    if (filter.types?.length) conds.push(inArray(domainEvents.type, filter.types));
    return db
      .select()
      .from(domainEvents)
      .where(and(...conds))
      .orderBy(asc(domainEvents.position))
      .limit(limit);
  },

  async lastPosition(db: DbOrTx): Promise<number> {
    const [row] = await db.select({ p: sql<number | string | null>`max(${domainEvents.position})` }).from(domainEvents);
    return Number(row?.p ?? 0);
  },
};
