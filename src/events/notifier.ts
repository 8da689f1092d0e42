import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.js';
import { EVENTS_CHANNEL } from './outbox.js';

export interface Notifier {
  /** Calls `fn` whenever a transaction that wrote events commits (on any replica), and after a reconnect. */
  onCommit(fn: () => void): void;
  close(): Promise<void>;
}

/**
 * LISTEN on the outbox channel: a dedicated connection on PostgreSQL (a pooled one would be handed back and lose
 * its LISTEN), PGlite's own listen otherwise. Notifications only wake readers; the events themselves are read
 * from the outbox, so a missed notification delays them (until the next poll) but never loses one.
 */
export async function createNotifier(database: Database, log: FastifyBaseLogger): Promise<Notifier> {
  const handlers: (() => void)[] = [];
  const fire = () => handlers.forEach((h) => h());
  let closed = false;

  if (database.pglite) {
    const unlisten = await database.pglite.listen(EVENTS_CHANNEL, fire);
    return {
      onCommit: (fn) => void handlers.push(fn),
      async close() {
        closed = true;
        await unlisten().catch(() => {});
      },
    };
  }

  const options = database.pool!.options;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ ...options, connectionTimeoutMillis: 3000 } as pg.ClientConfig);
    c.on('notification', fire);
    c.on('error', (err) => {
      log.warn({ err: { message: err.message } }, 'event listener connection lost; reconnecting');
      void c.end().catch(() => {});
      if (client === c) client = null;
      reconnect();
    });
    try {
      await c.connect();
      await c.query(`listen ${EVENTS_CHANNEL}`);
      if (closed) {
        await c.end();
        return;
      }
      client = c;
      fire();
    } catch (err) {
      void c.end().catch(() => {});
      log.warn({ err: { message: (err as Error).message } }, 'event listener could not connect; retrying');
      reconnect();
    }
  };
  const reconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, 1000);
    retry.unref();
  };

  await connect();
  return {
    onCommit: (fn) => void handlers.push(fn),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
