import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import { createLoop, type Loop } from './loop.js';

/** The calendar date in Stockholm (the nämnder's deadlines are Swedish dates), as YYYY-MM-DD. */
export function stockholmDate(at: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * Emits followUp.due (deadline within `soonDays`), followUp.overdue (deadline passed, not reported) and
 * action.overdue (open with a past due date), at most once per item and day. Safe on any number of replicas:
 * the marker row's primary key decides who emits, in the same statement that writes the event, so two replicas
 * racing on one item serialise on that key and the second inserts nothing.
 * Deadlines: T1 30 April, T2 31 August, VB 31 December of the plan's year.
 */
export async function emitDueEvents(db: Db, today: string, soonDays: number): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await rawRows<{ n: number | string }>(tx, sql`
      with fu as (
        select f.id, f.plan_id, f.period::text as period, f.status::text as status, f.version, n.code,
          make_date(p.year, case f.period when 'T1' then 4 when 'T2' then 8 else 12 end,
            case f.period when 'T1' then 30 else 31 end) as deadline
        from follow_ups f join plans p on p.id = f.plan_id join namnder n on n.id = p.namnd_id
        where f.status <> 'REPORTED' and p.status = 'ADOPTED'
      ), cand as (
        select case when deadline < ${today}::date then 'followUp.overdue' else 'followUp.due' end as kind,
          'FollowUp' as entity_type, id, code, version,
          jsonb_build_object('planId', plan_id, 'period', period, 'status', status, 'deadline', deadline) as data
        from fu where deadline <= ${today}::date + ${soonDays}::int
        union all
        select 'action.overdue', 'Action', a.id, n.code, a.version,
          jsonb_build_object('planId', a.plan_id, 'followUpId', a.follow_up_id, 'status', a.status::text, 'dueDate', a.due_date)
        from actions a join plans p on p.id = a.plan_id join namnder n on n.id = p.namnd_id
        where a.status in ('PLANNED', 'IN_PROGRESS') and a.due_date < ${today}::date and p.status <> 'CLOSED'
      ), marked as (
        insert into scheduled_event_markers (kind, entity_id, day)
        select kind, id, ${today}::date from cand
        on conflict do nothing
        returning kind, entity_id
      ), emitted as (
        insert into domain_events (type, namnd_code, entity_type, entity_id, entity_version, data)
        select c.kind, c.code, c.entity_type, c.id::text, c.version, c.data || jsonb_build_object('day', ${today}::text)
        from cand c join marked m on m.kind = c.kind and m.entity_id = c.id
        order by c.code, c.kind, c.id
        returning 1
      )
      select count(*) as n from emitted`);
    // Markers only need to outlive the day they guard.
    await tx.execute(sql`delete from scheduled_event_markers where day < ${today}::date - 7`);
    return Number(rows[0].n);
  });
}

export function createDueJob(
  db: Db,
  opts: { intervalMs: number; soonDays: number; now?: () => Date },
  log: FastifyBaseLogger,
): Loop {
  const now = opts.now ?? (() => new Date());
  return createLoop('due-events', opts.intervalMs, async () => {
    const n = await emitDueEvents(db, stockholmDate(now()), opts.soonDays);
    if (n) log.info({ events: n }, 'due and overdue events emitted');
  }, log);
}
