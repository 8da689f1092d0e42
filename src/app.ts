import crypto from 'node:crypto';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Config } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import { migrateEmbedded, migratePostgres } from './db/migrate.js';
import { resolveJwtKeys } from './auth/keys.js';
import authPlugin from './auth/auth.plugin.js';
import graphqlPlugin from './graphql/graphql.plugin.js';
import { registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import openapiPlugin from './http/openapi.plugin.js';
import { exportRoutes } from './modules/exports/exports.routes.js';
import { reportRoutes } from './modules/reports/index.js';
import loadShedding from './http/load-shedding.js';
import securityHeaders from './http/security-headers.js';
import rateLimiting from './http/rate-limit.js';
import { createServices, type Services } from './services.js';
import { importRoutes } from './modules/imports/imports.routes.js';
import eventsPlugin from './events/events.plugin.js';
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
    trustProxy: true,
  });

  app.decorate('database', database);
  app.decorate(
    'services',
    createServices(database.db, { allowHttp: config.WEBHOOK_ALLOW_HTTP ?? config.NODE_ENV !== 'production' }),
  );
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
  await app.register(graphqlPlugin, { config, services: app.services });
  if (config.GRAPHIQL ?? config.NODE_ENV !== 'production') await app.register(graphiqlRoutes);
  await app.register(openapiPlugin);
  await app.register(exportRoutes, { poolMax: config.DB_POOL_MAX });
  await app.register(importRoutes, { services: app.services });
  await app.register(eventsPlugin, { config });
  await app.register(reportRoutes, { prefix: '/api/v1/reports' });
  return app;
}
