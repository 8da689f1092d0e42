import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { domainEvents, webhookDeliveries, webhooks } from '../../db/schema/index.js';
import { rawRows } from '../../db/raw.js';
import { updateVersioned } from '../../db/versioned.js';

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryStatus = DeliveryRow['status'];

export interface ClaimedDelivery {
  id: number;
  webhookId: string;
  eventId: number;
  attempts: number;
  leaseToken: string;
}

export const webhooksRepository = {
  update: (db: DbOrTx, id: string, version: number, patch: Partial<typeof webhooks.$inferInsert>) => updateVersioned(db, webhooks, 'Webhook', id, version, patch),
  async ids(db: DbOrTx): Promise<string[]> {
    return (await db.select({ id: webhooks.id }).from(webhooks)).map((r) => r.id);
  },
  list(db: DbOrTx): Promise<WebhookRow[]> {
    return db.select().from(webhooks).orderBy(asc(webhooks.createdAt), asc(webhooks.id));
  },

  secrets(db: DbOrTx): Promise<{ id: string; secret: string }[]> {
    return db.select({ id: webhooks.id, secret: webhooks.secret }).from(webhooks);
  },
  /** Only if unchanged meanwhile (another replica, a rotation by an admin). */
  async replaceSecret(db: DbOrTx, id: string, stored: string, sealed: string): Promise<void> {
    await db.update(webhooks).set({ secret: sealed }).where(and(eq(webhooks.id, id), eq(webhooks.secret, stored)));
  },
  async byId(db: DbOrTx, id: string): Promise<WebhookRow | undefined> {
    const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
    return row;
  },

  async insert(db: DbOrTx, values: typeof webhooks.$inferInsert): Promise<WebhookRow> {
    const [row] = await db.insert(webhooks).values(values).returning();
    return row;
  },

  async delete(db: DbOrTx, id: string): Promise<boolean> {
    const rows = await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
    return rows.length > 0;
  },

  /** Deliveries given up on go back to the queue, in their original order, with fresh attempts. */
  async requeueFailed(db: DbOrTx, webhookId: string): Promise<number> {
    const rows = await db
      .update(webhookDeliveries)
      .set({ status: 'PENDING', attempts: 0, nextAttemptAt: new Date(), leasedUntil: null, leaseToken: null, updatedAt: new Date() })
      .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, 'FAILED')))
      .returning({ id: webhookDeliveries.id });
    return rows.length;
  },

  deliveries(db: DbOrTx, webhookId: string, status: DeliveryStatus | undefined, afterPosition: number, limit: number) {
    return db
      .select({ delivery: webhookDeliveries, eventType: domainEvents.type })
      .from(webhookDeliveries)
      .innerJoin(domainEvents, eq(domainEvents.id, webhookDeliveries.eventId))
      .where(
        and(
          eq(webhookDeliveries.webhookId, webhookId),
          gt(webhookDeliveries.position, afterPosition),
          status ? eq(webhookDeliveries.status, status) : undefined,
        ),
      )
      .orderBy(asc(webhookDeliveries.position))
      .limit(limit);
  },

  /**
   * Turns the webhook's share of new feed events into deliveries and moves its cursor past everything scanned.
   * The webhook row is locked (skipping one another replica holds), so two replicas never fan out the same range;
   * the unique (webhook, event) key makes a repeat harmless anyway.
   */
  async fanOut(db: DbOrTx, webhookId: string, batch = 500): Promise<number> {
    const rows = await rawRows<{ scanned: number | string }>(db, sql`
      with w as (
        select id, cursor_position, event_types, namnd_codes from webhooks where id = ${webhookId} for update skip locked
      ), batch as (
        select e.id, e.position, e.type, e.namnd_code from domain_events e, w
        where e.position > w.cursor_position order by e.position limit ${batch}
      ), ins as (
        insert into webhook_deliveries (webhook_id, event_id, position)
        select w.id, b.id, b.position from batch b, w
        where (cardinality(w.event_types) = 0 or b.type = any(w.event_types))
          and (cardinality(w.namnd_codes) = 0 or b.namnd_code = any(w.namnd_codes))
        on conflict do nothing
        returning 1
      ), moved as (
        update webhooks set cursor_position = (select max(position) from batch)
        where id = (select id from w) and exists (select 1 from batch)
        returning 1
      )
      select (select count(*) from batch) as scanned, (select count(*) from ins) as inserted, (select count(*) from moved) as m`);
    return Number(rows[0]?.scanned ?? 0);
  },

  /**
   * Claims due deliveries for one worker with a lease. Only the oldest open delivery of each webhook is claimable,
   * so a webhook receives its events strictly in feed order (and so in order per entity) and never two at once;
   * `skip locked` lets several replicas claim side by side without waiting for or doubling each other.
   */
  claim(db: DbOrTx, limit: number, leaseMs: number, leaseToken: string): Promise<ClaimedDelivery[]> {
    return rawRows<ClaimedDelivery>(db, sql`
      with claimable as (
        select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
        where d.status = 'PENDING' and w.status <> 'PAUSED' and d.next_attempt_at <= now()
          and (d.leased_until is null or d.leased_until < now())
          and not exists (
            select 1 from webhook_deliveries p
            where p.webhook_id = d.webhook_id and p.status <> 'SUCCEEDED' and p.position < d.position)
        order by d.position
        limit ${limit}
        for update of d skip locked
      )
      update webhook_deliveries d
      set leased_until = now() + ${leaseMs} * interval '1 millisecond', lease_token = ${leaseToken},
        attempts = d.attempts + 1, updated_at = now()
      from claimable where d.id = claimable.id
      returning d.id, d.webhook_id as "webhookId", d.event_id as "eventId", d.attempts, d.lease_token as "leaseToken"`);
  },

  /** Records a success; a stale lease (another worker took over) changes nothing. */
  async succeeded(db: DbOrTx, c: ClaimedDelivery, statusCode: number): Promise<void> {
    await db.execute(sql`
      with d as (
        update webhook_deliveries set status = 'SUCCEEDED', delivered_at = now(), leased_until = null,
          lease_token = null, last_status_code = ${statusCode}, last_error = null, updated_at = now()
        where id = ${c.id} and lease_token = ${c.leaseToken}
        returning webhook_id
      )
      update webhooks set consecutive_failures = 0, last_success_at = now(),
        status = case when status = 'PAUSED' then status else 'ACTIVE'::webhook_status end
      where id in (select webhook_id from d)`);
  },

  /** Records a failed attempt: retry after `retryInMs`, or give up (FAILED) and pause the webhook. */
  async failed(
    db: DbOrTx,
    c: ClaimedDelivery,
    outcome: { statusCode: number | null; error: string; retryInMs: number | null; failingAfter: number },
  ): Promise<void> {
    const giveUp = outcome.retryInMs === null;
    await db.execute(sql`
      with d as (
        update webhook_deliveries set
          status = ${giveUp ? 'FAILED' : 'PENDING'}::webhook_delivery_status,
          next_attempt_at = now() + ${outcome.retryInMs ?? 0} * interval '1 millisecond',
          leased_until = null, lease_token = null, last_status_code = ${outcome.statusCode},
          last_error = ${outcome.error}, updated_at = now()
        where id = ${c.id} and lease_token = ${c.leaseToken}
        returning webhook_id
      )
      update webhooks set consecutive_failures = consecutive_failures + 1, last_failure_at = now(),
        last_error = ${outcome.error},
        status = case
          when ${giveUp}::boolean or status = 'PAUSED' then 'PAUSED'::webhook_status
          when consecutive_failures + 1 >= ${outcome.failingAfter} then 'FAILING'::webhook_status
          else status end
      where id in (select webhook_id from d)`);
  },
};
