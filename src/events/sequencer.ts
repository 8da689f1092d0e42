import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rawRows } from '../db/raw.js';

// Any constant; the same on every replica.
const SEQUENCER_LOCK_KEY = 7_240_612;
const BATCH = 1000;

/**
 * Gives committed, unsequenced events their feed position, in insertion order.
 *
 * Why not the insert's own sequence number: transactions commit out of order, so a reader paging with
 * `after=<position>` could see 11 committed while 10 is still in flight, and never come back for 10.
 * Here positions are handed out only to rows this statement can see, i.e. already committed ones, and only by one
 * sequencer at a time (a transaction-scoped advisory lock), so every event that commits later gets a higher
 * position than anything a reader has already seen. Writers never take this lock: they only insert, so it is
 * not a global write lock; the cost is one small UPDATE per event, batched.
 * Within a batch, id order is commit order for any two events that touch the same nämnd or entity, because their
 * transactions are ordered by the audit chain head and row locks before they insert.
 */
export async function sequencePending(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK_KEY})`);
      const rows = await rawRows<{ n: number | string }>(tx, sql`
        with pending as (
          select id, row_number() over (order by id) as rn
          from domain_events where position is null order by id limit ${BATCH}
        ), base as (select coalesce(max(position), 0) as p from domain_events)
        , done as (
          update domain_events d set position = base.p + pending.rn
          from pending, base where d.id = pending.id
          returning 1
        )
        select count(*) as n from done`);
      return Number(rows[0].n);
    });
    total += n;
    if (n < BATCH) return total;
  }
}
