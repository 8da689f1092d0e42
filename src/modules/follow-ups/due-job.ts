import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { createLoop, type Loop } from '../../lib/loop.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { today } from './deadlines.js';
import { followUpRepository } from './follow-ups.repository.js';

/**
 * Emits followUp.due (deadline within `soonDays`), followUp.overdue (deadline passed, not reported) and
 * action.overdue (open with a past due date), at most once per item and day (a Stockholm date, YYYY-MM-DD).
 * Deadlines and open states come from deadlines.ts, as for GraphQL and the reports.
 */
export function emitDueEvents(db: Db, day: string, soonDays: number): Promise<number> {
  return db.transaction((tx) => followUpRepository.emitDueEvents(tx, day, soonDays));
}

export function createDueJob(db: Db, opts: { intervalMs: number; soonDays: number; clock?: Clock }, log: FastifyBaseLogger): Loop {
  const clock = opts.clock ?? systemClock;
  return createLoop('due-events', opts.intervalMs, async () => {
    const n = await emitDueEvents(db, today(clock), opts.soonDays);
    if (n) log.info({ events: n }, 'due and overdue events emitted');
  }, log);
}
