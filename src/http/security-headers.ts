import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { corsOrigins, type Config } from '../config.js';

/** Browser UIs served by the service (GraphiQL, and the OpenAPI UI at /docs) need scripts, styles and images. */
export const isDocumentationRoute = (url: string) => /^\/(graphiql|docs)(\/|$)/.test(url);

// The API answers JSON only, so by default a browser may load nothing from it and frame it nowhere.
const API_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
};

// GraphiQL (src/http/graphiql.routes.ts) loads only the service's own files.
const GRAPHIQL_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
};

// Swagger UI (/docs, local assets) uses inline scripts and data: images.
const DOCUMENTATION_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'unsafe-inline'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'https:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
};

async function securityHeaders(app: FastifyInstance, { config }: { config: Config }) {
  // Relax the policy only on the documentation routes; registered before those routes so it sees them. Their pages
  // and assets hold nothing private and a browser cannot send a bearer token to load them, so they are public; every
  // query they send still needs a token.
  app.addHook('onRoute', (route) => {
    if (isDocumentationRoute(route.url)) {
      route.config = {
        ...(route.config ?? {}),
        public: true,
        helmet: { contentSecurityPolicy: route.url.startsWith('/graphiql') ? GRAPHIQL_CSP : DOCUMENTATION_CSP, crossOriginEmbedderPolicy: false },
      } as typeof route.config;
    }
    // CORS preflights never carry a token; the CORS hook answers them, and this route only says 404 when none is allowed.
    if (route.method === 'OPTIONS' && route.url === '*') route.config = { ...(route.config ?? {}), public: true } as typeof route.config;
  });
  await app.register(helmet, { global: true, contentSecurityPolicy: API_CSP });

  // No cross-origin browser caller unless CORS_ORIGINS names it; server-to-server callers do not need CORS.
  const origins = corsOrigins(config.CORS_ORIGINS);
  await app.register(cors, {
    origin: origins.length ? origins : false,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
