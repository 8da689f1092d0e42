import fp from 'fastify-plugin';
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
import buildGetJwks from 'get-jwks';
import { createVerifier, type Algorithm } from 'fast-jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { UnauthenticatedError } from '../errors.js';
import { Actor, rolesFromClaim } from './actor.js';
import type { JwtKeys } from './keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyInstance {
    /** Verifies an `Authorization` value outside a request (WebSocket connection_init); same rules as requests. */
    verifyAuthorization(authorization: unknown): Promise<{ actor: Actor; expiresAt: number }>;
  }
  interface FastifyContextConfig {
    /** Route needs no token (health checks, API documentation). */
    public?: boolean;
  }
}

const SYMMETRIC: Algorithm[] = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC: Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export interface AuthOptions {
  config: Config;
  keys: JwtKeys;
}

async function authPlugin(app: FastifyInstance, { config, keys }: AuthOptions) {
  // Algorithms are pinned per mode, so `alg: none` and HS/RS confusion are refused by the verifier.
  const verify = {
    algorithms: keys.mode === 'secret' ? SYMMETRIC : ASYMMETRIC,
    allowedIss: config.JWT_ISSUER,
    allowedAud: config.JWT_AUDIENCE,
    // A configured issuer or audience is a required claim: fast-jwt checks allowedIss/allowedAud only when present.
    requiredClaims: ['exp', 'sub', ...(config.JWT_ISSUER ? ['iss'] : []), ...(config.JWT_AUDIENCE ? ['aud'] : [])],
  };

  let verifyKey: string | ((decoded: { header: { kid?: string; alg?: string } }) => Promise<string>);
  if (keys.mode === 'jwks') {
    const url = new URL(keys.jwksUrl);
    const getKey = jwksKeys(url);
    verifyKey = (decoded) => getKey(decoded.header.kid, decoded.header.alg);
    // The key is fetched from the configured issuer only, never from a URL the token names.
    await app.register(fastifyJwt, {
      decode: { complete: true },
      // decode.complete: the plugin hands over the whole decoded token, header and payload.
      secret: (_req: FastifyRequest, token: TokenOrHeader) => {
        const header = 'header' in token ? token.header : token;
        return getKey(header.kid, header.alg);
      },
      verify,
    });
  } else if (keys.mode === 'public-key') {
    verifyKey = keys.publicKey;
    await app.register(fastifyJwt, { secret: { public: keys.publicKey }, verify });
  } else {
    verifyKey = keys.secret;
    await app.register(fastifyJwt, { secret: keys.secret, sign: { algorithm: 'HS256' }, verify });
  }

  // The same verifier options as for requests, for a token that arrives in a WebSocket connection_init.
  // fast-jwt types a string key and a key function as two overloads; this one key is either.
  const verifier = createVerifier({ ...verify, key: verifyKey, cache: false } as never) as (token: string) => Promise<unknown>;
  app.decorate('verifyAuthorization', async (authorization: unknown) => {
    const m = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!m) throw new UnauthenticatedError('A bearer token is required');
    let p: Record<string, unknown>;
    try {
      p = (await verifier(m[1])) as Record<string, unknown>;
    } catch (err) {
      const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
      throw new UnauthenticatedError(expired ? 'The token has expired' : 'The token is not valid');
    }
    if (typeof p.sub !== 'string' || !p.sub) throw new UnauthenticatedError('The token has no subject');
    // `exp` is a required claim, so the verifier has checked it is a number.
    return { actor: new Actor(p.sub, rolesFromClaim(p[config.JWT_ROLES_CLAIM])), expiresAt: Number(p.exp) * 1000 };
  });

  // Declared as Actor, for the routes that need one: the hook below sets it on every non-public route (null before).
  app.decorateRequest('actor', null as unknown as Actor);

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    // Browsers cannot set headers on a WebSocket: a subscription's token is checked at connection_init instead.
    // With subscriptions enabled, every upgrade request is handled by the WebSocket handler, never as a query.
    if (config.SUBSCRIPTIONS_ENABLED && request.headers.upgrade?.toLowerCase() === 'websocket' && request.routeOptions.url === '/graphql') return;
    // The rate limiter, which runs first and keys on the subject, may have verified the token already.
    if (request.actor) return;
    await authenticate(request, config.JWT_ROLES_CLAIM);
  });
}

/**
 * Keys from the issuer's JWKS (cached by get-jwks). A kid the set lacks is remembered as unknown for a while, and
 * the set is fetched for new kids at most once per interval, so tokens with random kids cannot make the service
 * hammer the identity provider.
 */
export function jwksKeys(url: URL, opts: { unknownTtlMs?: number; minFetchIntervalMs?: number; maxUnknown?: number } = {}) {
  const { unknownTtlMs = 5 * 60_000, minFetchIntervalMs = 10_000, maxUnknown = 1000 } = opts;
  const getJwks = buildGetJwks({ jwksPath: url.pathname, max: 100, ttl: 10 * 60_000 });
  const known = new Set<string>();
  const unknown = new Map<string, number>();
  let lastFetch = -Infinity;
  return async (kid: string | undefined, alg: string | undefined): Promise<string> => {
    const id = `${kid ?? ''} ${alg ?? ''}`;
    const now = Date.now();
    if (!known.has(id)) {
      if ((unknown.get(id) ?? -Infinity) > now || now - lastFetch < minFetchIntervalMs) throw new Error('unknown key id');
      lastFetch = now;
    }
    try {
      const key = await getJwks.getPublicKey({ kid, alg, domain: url.origin });
      known.add(id);
      return key;
    } catch (err) {
      known.delete(id);
      if (unknown.size >= maxUnknown) unknown.delete(unknown.keys().next().value!);
      unknown.set(id, now + unknownTtlMs);
      throw err;
    }
  };
}

export async function authenticate(request: FastifyRequest, rolesClaim: string): Promise<Actor> {
  if (!request.headers.authorization) throw new UnauthenticatedError('A bearer token is required');
  let payload: Record<string, unknown>;
  try {
    payload = await request.jwtVerify();
  } catch (err) {
    const code = (err as { code?: string }).code;
    const expired = code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
    // Do not echo verifier internals: a client only needs to know whether to refresh or re-authenticate.
    throw new UnauthenticatedError(expired ? 'The token has expired' : 'The token is not valid');
  }
  const p = (payload as { payload?: Record<string, unknown> }).payload && 'header' in payload ? (payload.payload as Record<string, unknown>) : payload;
  if (typeof p.sub !== 'string' || !p.sub) throw new UnauthenticatedError('The token has no subject');
  request.actor = new Actor(p.sub, rolesFromClaim(p[rolesClaim]));
  return request.actor;
}

export default fp(authPlugin, { name: 'auth', fastify: '5.x' });
