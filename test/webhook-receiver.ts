import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** As a receiver verifies, with the Standard Webhooks reference library (not the service's own code). */
function verifies(secret: string, headers: Record<string, string>, body: string): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

type Teardown = { teardown(fn: () => unknown): void };

export interface ReceivedWebhook {
  /** The request path: register one receiver under several paths to tell webhooks apart. */
  path: string;
  id: string;
  timestamp: number;
  body: string;
  /** The parsed body: { type, timestamp, data: the event } */
  payload: { type: string; timestamp: string; data: { position: number; type: string; namndCode: string | null; entityType: string; entityId: string; entityVersion: number | null; data: Record<string, unknown> } };
  signatureValid: boolean;
  /** The HTTP status this receiver answered. */
  status: number;
}

export interface ReceiverOptions {
  /** The webhook's whsec_ secret, to verify each signature. */
  secret: string;
  /** Decides the status per request (n counts requests from 1); 204 by default. */
  respond?: (req: { id: string; n: number; attemptOfId: number }) => number;
  /** Holds each request open this long (to make overlapping deliveries observable). */
  holdMs?: number;
}

/**
 * A webhook receiver for tests: a node:http server on 127.0.0.1 and a random port that records every request,
 * verifies its Standard Webhooks signature and tracks how many requests for one message overlap.
 */
export async function startWebhookReceiver(t: Teardown, opts: ReceiverOptions) {
  const received: ReceivedWebhook[] = [];
  const attemptsById = new Map<string, number>();
  const inFlight = new Map<string, number>();
  let maxConcurrentPerId = 0;
  let n = 0;
  const waiters: (() => void)[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      const path = req.url ?? '';
      // One delivery = one message to one webhook (path).
      const key = `${path} ${id}`;
      const attemptOfId = (attemptsById.get(key) ?? 0) + 1;
      attemptsById.set(key, attemptOfId);
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      maxConcurrentPerId = Math.max(maxConcurrentPerId, inFlight.get(key)!);
      const status = opts.respond?.({ id, n: ++n, attemptOfId }) ?? 204;
      const finish = () => {
        inFlight.set(key, inFlight.get(key)! - 1);
        received.push({
          path,
          id,
          timestamp: Number(req.headers['webhook-timestamp']),
          body,
          payload: JSON.parse(body),
          signatureValid: verifies(opts.secret, req.headers as Record<string, string>, body),
          status,
        });
        res.statusCode = status;
        res.end();
        waiters.splice(0).forEach((w) => w());
      };
      if (opts.holdMs) setTimeout(finish, opts.holdMs);
      else finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Requests answered 2xx, i.e. deliveries the receiver accepted, in arrival order. */
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300),
    /** The most requests for one delivery (path and webhook-id) that were ever open at once. */
    maxConcurrentPerDelivery: () => maxConcurrentPerId,
    /** Resolves once `predicate` holds; fails after `ms` so a broken worker fails the test instead of hanging it. */
    async until(predicate: () => boolean, what: string, ms = 15_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`receiver: timed out waiting for ${what} (got ${received.length} requests)`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100).unref();
        });
      }
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Polls `read` until `ok` holds for its value (work done by a background worker); fails after `ms`. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
