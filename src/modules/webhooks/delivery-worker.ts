import crypto from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { sequencePending } from '../../events/sequencer.js';
import { eventsRepository, toPublished } from '../../events/events.repository.js';
import { createLoop, type Loop } from '../../lib/loop.js';
import { webhookHeaders } from './signature.js';
import { webhooksRepository, type ClaimedDelivery } from './webhooks.repository.js';

export interface DeliveryWorkerOptions {
  pollMs: number;
  timeoutMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  maxAttempts: number;
  failingAfter: number;
  batch: number;
}

/** Exponential backoff after the n-th failed attempt: base, 2·base, 4·base, … capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** The body every receiver gets, in the Standard Webhooks shape { type, timestamp, data }. */
export function webhookBody(event: ReturnType<typeof toPublished>): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
}

/**
 * Sends each event at least once to each matching webhook: fan-out into delivery rows, claim with a lease,
 * POST, record the outcome. A crash after commit and before delivery loses nothing, because the events and
 * deliveries are rows; a crash during a POST means the lease expires and the delivery is retried (at least once).
 */
export function createDeliveryWorker(db: Db, opts: DeliveryWorkerOptions, log: FastifyBaseLogger): Loop {
  // Longer than any request can take, so a lease never expires under a worker that is still sending.
  const leaseMs = opts.timeoutMs + 30_000;

  async function deliver(c: ClaimedDelivery): Promise<void> {
    const [hook, eventRow] = await Promise.all([webhooksRepository.byId(db, c.webhookId), eventsRepository.byId(db, c.eventId)]);
    if (!hook || !eventRow) return;
    const event = toPublished(eventRow);
    const body = webhookBody(event);
    const msgId = `evt_${event.position}`;
    let statusCode: number | null = null;
    let error: string;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: webhookHeaders(hook.secret, msgId, Math.floor(Date.now() / 1000), body),
        body,
        // A redirect could point a signed event anywhere; receivers must answer at the registered URL.
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) {
        await webhooksRepository.succeeded(db, c, res.status);
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      // Only a short, fixed description: a receiver's response body is not ours to store.
      error = e.name === 'TimeoutError' ? 'timeout' : `network error${e.cause?.code ? ` ${e.cause.code}` : ''}`;
    }
    const giveUp = c.attempts >= opts.maxAttempts;
    const retryInMs = giveUp ? null : backoffDelay(c.attempts, opts.backoffMs, opts.backoffMaxMs);
    await webhooksRepository.failed(db, c, { statusCode, error, retryInMs, failingAfter: opts.failingAfter });
    // Retry when due rather than at the next poll; unref'd, and a stopped loop ignores the wake.
    if (retryInMs !== null && retryInMs < opts.pollMs) setTimeout(() => loop.wake(), retryInMs + 1).unref();
    log.warn({ webhookId: c.webhookId, position: event.position, attempt: c.attempts, error, gaveUp: giveUp }, 'webhook delivery failed');
  }

  async function tick(): Promise<void> {
    await sequencePending(db);
    for (const id of await webhooksRepository.ids(db)) {
      while ((await db.transaction((tx) => webhooksRepository.fanOut(tx, id))) === 500);
    }
    // Keep going while there is work: each claim takes only the head of each webhook's queue.
    for (;;) {
      const token = crypto.randomUUID();
      const claimed = await db.transaction((tx) => webhooksRepository.claim(tx, opts.batch, leaseMs, token));
      if (!claimed.length) return;
      await Promise.all(claimed.map((c) => deliver(c)));
    }
  }

  const loop = createLoop('webhooks', opts.pollMs, tick, log);
  return loop;
}
