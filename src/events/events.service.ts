import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { RequestContext } from '../audit/audit-log.js';
import { ForbiddenError } from '../errors.js';
import { namndCode, parseInput } from '../lib/validate.js';
import type { Actor } from '../auth/actor.js';
import { sequencePending } from './sequencer.js';
import { MAX_FEED_LIMIT } from '../lib/cursor.js';
import { eventsRepository, toPublished, type PublishedEvent } from './events.repository.js';

export const eventTypeList = z.array(z.string().trim().min(1).max(100).refine((s) => !s.includes('\u0000'), 'must not contain a NUL character')).max(100);

export const feedArgs = z.object({
  after: z.coerce.number().int('a whole number').min(0, 'a position from this feed (≥ 0)').max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int('a whole number').min(1, 'at least 1').max(MAX_FEED_LIMIT, `at most ${MAX_FEED_LIMIT}`).default(100),
  types: eventTypeList.optional(),
});

export const subscriptionArgs = z.object({
  types: eventTypeList.nullish(),
  namndCodes: z.array(namndCode()).max(200).nullish(),
});

export interface FeedPage {
  events: PublishedEvent[];
  /** Pass as `after` to continue; the same as the request's `after` when nothing new has committed. */
  lastPosition: number;
}

/** Whether an event may reach this actor: its nämnd must be readable; city-wide events (no nämnd) reach everyone. */
export function mayReceive(actor: Actor, e: Pick<PublishedEvent, 'namndCode'>): boolean {
  return e.namndCode === null || actor.canRead(e.namndCode);
}

export function createEventsService(db: Db) {
  return {
    /** The replayable feed: events after a position, in commit order, limited to the caller's nämnder. */
    async feed(ctx: RequestContext, raw: unknown): Promise<FeedPage> {
      const args = parseInput(feedArgs, raw, '');
      // Sequence first so a reader sees everything committed before its request, not only what a worker got to.
      await sequencePending(db);
      const rows = await eventsRepository.after(db, args.after, args.limit, { namndCodes: ctx.actor.readable(), types: args.types });
      const events = rows.map(toPublished);
      return { events, lastPosition: events.length ? events[events.length - 1].position : args.after };
    },

    /** Validates a subscription's filters: asking for a nämnd one may not read is refused, not silently empty. */
    subscriptionFilter(ctx: RequestContext, raw: unknown) {
      const args = parseInput(subscriptionArgs, raw, '');
      const codes = args.namndCodes ?? null;
      const refused = codes?.filter((c) => !ctx.actor.canRead(c)) ?? [];
      if (refused.length) throw new ForbiddenError(`You may not read nämnd ${refused.join(', ')}`);
      const types = args.types?.length ? new Set(args.types) : null;
      return (e: PublishedEvent) =>
        mayReceive(ctx.actor, e) && (!types || types.has(e.type)) && (!codes || (e.namndCode !== null && codes.includes(e.namndCode)));
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
