import crypto from 'node:crypto';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import fastifyAccepts from '@fastify/accepts';
import { trustProxy, type Config } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import { migrateEmbedded, migratePostgres } from './db/migrate.js';
import { resolveJwtKeys } from './auth/keys.js';
import authPlugin from './auth/auth.plugin.js';
import graphqlPlugin from './graphql/graphql.plugin.js';
import { registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import openapiPlugin from './http/openapi.plugin.js';
import loadShedding from './http/load-shedding.js';
import securityHeaders from './http/security-headers.js';
import rateLimiting from './http/rate-limit.js';
import { createServices, type Services } from './services.js';
import eventsPlugin from './events/events.plugin.js';
import { systemClock, type Clock } from './lib/clock.js';
import { modules } from './modules/index.js';
import { createRequestLoaders } from './request-loaders.js';
import auditCheckpointPlugin from './audit/checkpoint.plugin.js';
import { graphiqlRoutes } from './http/graphiql.routes.js';
import { redactUrl } from './http/redact-url.js';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    services: Services;
  }
}

export interface BuildOptions {
  /** An already open database (tests); otherwise one is opened from the config and closed with the app. */
  database?: Database;
  /** Observe every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  /** Observe every route as it is registered (the authorization matrix test lists them). */
  onRoute?: (route: RouteOptions) => void;
  /** The app's one clock (tests set it); the system clock otherwise. */
  clock?: Clock;
  /** Where log lines go (tests read them); standard output otherwise. */
  logStream?: { write(line: string): void };
}

export async function openDatabase(config: Config, onQuery?: (sql: string) => void): Promise<Database> {
  const database = await createDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR,
    poolMax: config.DB_POOL_MAX,
    onQuery,
  });
  try {
    if (database.pglite) await migrateEmbedded(database.pglite);
    else if (config.MIGRATE_ON_START && config.DATABASE_URL) await migratePostgres(config.DATABASE_URL);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const ownsDatabase = !opts.database;
  const database = opts.database ?? (await openDatabase(config, opts.onQuery));

  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      // Tokens and cookies never reach the logs.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
      // A query string can carry a token (?access_token=) or a whole GraphQL document: its values are not logged.
      serializers: {
        req: (req: { method: string; url: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: req.method,
          url: redactUrl(req.url),
          host: req.hostname,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    bodyLimit: config.BODY_LIMIT,
    requestIdHeader: false,
    // Accept a caller's request id only when it looks like one, so logs cannot be spoofed with arbitrary text.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : crypto.randomUUID();
    },
    // X-Forwarded-* only from the configured proxies (README, "Behind a load balancer"): otherwise any caller could
    // choose its own address (and so its own rate-limit quota) and host.
    trustProxy: trustProxy(config.TRUST_PROXY),
  });

  app.decorate('database', database);
  const clock = opts.clock ?? systemClock;
  const options = {
    // At most half the pool streams exports, so other requests always get a connection.
    exportSlots: Math.max(1, Math.floor(config.DB_POOL_MAX / 2)),
  };
  app.decorate('services', createServices(database, { ...options, clock, config }));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (ownsDatabase) app.addHook('onClose', async () => database.close());

  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  registerErrorHandler(app);
  // Order matters: shed load first, then headers, then the quota, then authentication (hooks run in this order).
  await app.register(loadShedding, { config });
  await app.register(securityHeaders, { config });
  await app.register(healthRoutes, { database });
  await app.register(rateLimiting, { config });
  await app.register(authPlugin, { config, keys: resolveJwtKeys(config) });
  const services = app.services;
  await app.register(graphqlPlugin, {
    config,
    modules,
    context: (actor, requestId) => ({ actor, requestId, services, loaders: createRequestLoaders(services) }),
  });
  if (config.GRAPHIQL ?? config.NODE_ENV !== 'production') await app.register(graphiqlRoutes);
  await app.register(openapiPlugin);
  await app.register(fastifyAccepts);
  for (const m of modules) if (m.routes) await app.register(m.routes.plugin, { config, prefix: m.routes.prefix });
  const loopDeps = { database, db: database.db, clock, options, config, log: app.log };
  await app.register(eventsPlugin, { config, loops: modules.flatMap((m) => m.loops?.(loopDeps) ?? []) });
  await app.register(auditCheckpointPlugin, { config });
  return app;
}
