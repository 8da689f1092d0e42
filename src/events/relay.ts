import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client.js';
import { ALL } from '../auth/actor.js';
import { sequencePending } from './sequencer.js';
import { eventsRepository, toPublished, type PublishedEvent } from './events.repository.js';
import { createLoop, type Loop } from '../lib/loop.js';

/**
 * Feeds GraphQL subscriptions on this replica from the outbox. Every replica follows the same feed (woken by
 * LISTEN/NOTIFY, polling as a fallback) and publishes to its own in-process emitter, so a subscriber on any
 * replica gets every event, in feed order, whichever replica wrote it — and no payload has to fit in a NOTIFY.
 */
export function createRelay(
  db: Db,
  publish: (e: PublishedEvent) => Promise<void>,
  pollMs: number,
  log: FastifyBaseLogger,
): Loop {
  let cursor: number | null = null;
  return createLoop(
    'subscriptions',
    pollMs,
    async () => {
      await sequencePending(db);
      // Subscriptions are live: they start at the present (first run, at start-up); the feed is for catching up.
      if (cursor === null) {
        cursor = await eventsRepository.lastPosition(db);
        return;
      }
      for (;;) {
        const rows: Awaited<ReturnType<typeof eventsRepository.after>> = await eventsRepository.after(db, cursor, 500, { namndCodes: ALL });
        for (const row of rows) {
          await publish(toPublished(row));
          cursor = row.position!;
        }
        if (rows.length < 500) return;
      }
    },
    log,
  );
}
