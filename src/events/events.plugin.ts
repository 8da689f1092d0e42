import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Loop } from '../lib/loop.js';
import { createNotifier, type Notifier } from './notifier.js';
import { createRelay } from './relay.js';
import { DOMAIN_EVENTS_TOPIC } from './events.resolvers.js';

export interface EventsPluginOptions {
  config: Config;
  /** The modules' loops (webhook delivery, the due job), started and stopped with the subscription relay. */
  loops: Loop[];
}

/** The REST feed, and the background loops that carry outbox events out: webhooks, subscriptions, due dates. */
async function eventsPlugin(app: FastifyInstance, { config, loops: moduleLoops }: EventsPluginOptions) {
  app.get('/api/v1/events', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    return app.services.events.feed(
      { actor: request.actor, requestId: request.id },
      { after: q.after, limit: q.limit, types: q.types ? q.types.split(',') : undefined },
    );
  });

  const db = app.database.db;
  const loops: Loop[] = [];
  let notifier: Notifier | null = null;

  if (config.SUBSCRIPTIONS_ENABLED) {
    const relay = createRelay(
      db,
      (event) =>
        new Promise<void>((resolve) =>
          app.graphql.pubsub.publish({ topic: DOMAIN_EVENTS_TOPIC, payload: { domainEvents: event } }, () => resolve()),
        ),
      config.SUBSCRIPTION_POLL_MS,
      app.log,
    );
    loops.push(relay);
  }
  loops.push(...moduleLoops);

  // Nothing touches the database before the app is ready (building an app, e.g. to print the schema, stays
  // offline). The first runs then deliver whatever a crash before start-up left pending.
  app.addHook('onReady', async () => {
    if (config.WEBHOOKS_ENABLED) {
      // A database that is not there yet must not stop the start: stored secrets still open, and the next start seals.
      const sealed = await app.services.webhooks.sealStoredSecrets().catch((err: Error) => {
        app.log.warn({ err: err.message }, 'webhook secrets not sealed now: the database did not answer');
        return 0;
      });
      if (sealed) app.log.info({ sealed }, 'webhook secrets sealed with the current key');
    }
    if (!loops.length) return;
    const subscriptions = loops.find((l) => l.name === 'subscriptions');
    // The relay must know where "now" is before anything is published.
    await subscriptions?.runOnce();
    notifier = await createNotifier(app.database, app.log);
    // Commits wake the loops that carry events out; the due job runs on its own clock.
    notifier.onCommit(() => loops.forEach((l) => l.name !== 'due-events' && l.wake()));
    loops.forEach((l) => l.wake());
  });
  // After the server stops accepting requests and before the database closes (onClose hooks run in reverse order of
  // registration, and the database's was registered first): stop the loops, wait for runs in progress.
  app.addHook('onClose', async () => {
    await Promise.all(loops.map((l) => l.stop()));
    await notifier?.close();
  });
}

export default fp(eventsPlugin, { name: 'events', dependencies: ['graphql'] });
