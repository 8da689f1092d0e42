import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { authenticate } from '../auth/auth.plugin.js';
import { isHealthRoute } from './load-shedding.js';

/** Verified subject when the token is valid, else the client address: a forged `sub` cannot spend someone else's quota. */
export function rateLimitKey(request: FastifyRequest): string {
  return request.actor ? `sub:${request.actor.sub}` : `ip:${request.ip}`;
}

/**
 * Per-caller request quota (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW). In memory by default; with REDIS_URL the counters
 * live in Redis, so replicas share one quota per caller. Runs before authentication hooks so that callers with bad
 * tokens are counted (per address) too.
 */
async function rateLimiting(app: FastifyInstance, { config }: { config: Config }) {
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    // Commands fail at once while Redis is away (no offline queue), and the limiter then lets requests through:
    // losing the quota for a moment is better than losing the service.
    redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    redis.on('error', (err) => app.log.warn({ err: { message: err.message } }, 'rate-limit store unavailable'));
    await redis.connect().catch(() => undefined);
    app.addHook('onClose', async () => {
      redis!.disconnect();
    });
  }

  await app.register(rateLimit, {
    global: false,
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW,
    redis,
    nameSpace: 'internkontroll-rl:',
    skipOnError: true,
    keyGenerator: rateLimitKey,
    onExceeded: (request, key) => request.log.warn({ key: key.startsWith('sub:') ? 'subject' : 'address' }, 'rate limit exceeded'),
    errorResponseBuilder: (_request, ctx) =>
      new AppError('RATE_LIMITED', `Too many requests: at most ${ctx.max} per ${config.RATE_LIMIT_WINDOW}; retry after ${ctx.after}`, 429, {
        retryAfterSeconds: Math.ceil(ctx.ttl / 1000),
      }),
  });
  const limit = app.rateLimit();

  app.addHook('onRequest', async (request, reply) => {
    if (isHealthRoute(request.routeOptions.url)) return;
    if (!request.routeOptions.config?.public && request.headers.authorization) {
      // The auth hook that follows reuses this actor, and reports a bad token itself.
      await authenticate(request, config.JWT_ROLES_CLAIM).catch(() => undefined);
    }
    await limit.call(app, request, reply);
  });
}

export default fp(rateLimiting, { name: 'rate-limit' });
