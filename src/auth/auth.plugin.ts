import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import buildGetJwks from 'get-jwks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { UnauthenticatedError } from '../errors.js';
import { Actor, rolesFromClaim } from './actor.js';
import type { JwtKeys } from './keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** Route needs no token (health checks, API documentation). */
    public?: boolean;
  }
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export interface AuthOptions {
  config: Config;
  keys: JwtKeys;
}

async function authPlugin(app: FastifyInstance, { config, keys }: AuthOptions) {
  // Algorithms are pinned per mode, so `alg: none` and HS/RS confusion are refused by the verifier.
  const verify = {
    algorithms: keys.mode === 'secret' ? ['HS256', 'HS384', 'HS512'] : ASYMMETRIC,
    allowedIss: config.JWT_ISSUER,
    allowedAud: config.JWT_AUDIENCE,
    requiredClaims: ['exp', 'sub'],
  };

  if (keys.mode === 'jwks') {
    const url = new URL(keys.jwksUrl);
    const getJwks = buildGetJwks({ jwksPath: url.pathname, max: 100, ttl: 10 * 60_000 });
    // The key is fetched from the configured issuer only, never from a URL the token names.
    await app.register(fastifyJwt, {
      decode: { complete: true },
      secret: (_req: FastifyRequest, token: { header: { kid?: string; alg?: string } }) =>
        getJwks.getPublicKey({ kid: token.header.kid, alg: token.header.alg, domain: url.origin }),
      verify,
    } as never);
  } else if (keys.mode === 'public-key') {
    await app.register(fastifyJwt, { secret: { public: keys.publicKey }, verify } as never);
  } else {
    await app.register(fastifyJwt, { secret: keys.secret, sign: { algorithm: 'HS256' }, verify } as never);
  }

  app.decorateRequest('actor', null as unknown as Actor);

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    // The rate limiter, which runs first and keys on the subject, may have verified the token already.
    if (request.actor) return;
    await authenticate(request, config.JWT_ROLES_CLAIM);
  });
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
