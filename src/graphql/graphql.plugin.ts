import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import mercurius, { type IResolverObject, type IResolvers, type MercuriusLoaders } from 'mercurius';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { isProduction, type Config } from '../config.js';
import { baseTypeDefs } from './base.schema.js';
import { scalarResolvers } from './scalars.js';
import { formatGraphqlError } from './errors.js';
import type { GraphqlModule } from './module.js';
import type { Resolvers } from './generated/resolvers-types.js';
import { checkBatchSize, checkTotalCost, costRefusal, estimateOperation, estimateRequest, maxAliasesRule, maxDepthRule, QueryLimitError, type Estimate } from './limits.js';
import { createListBounds, LIST_BOUND_TTL_MS, touchedPlans, type TouchedPlans } from './list-bounds.js';
import { checkNoNulBytes, checkRequestShape } from './request-shape.js';
import { closeOnTokenExpiry } from './subscription-expiry.js';

/** The schema the modules make together, in their order (the printed schema is a committed contract). */
export function fullTypeDefs(modules: readonly GraphqlModule[]): string[] {
  return [baseTypeDefs, ...modules.flatMap((m) => (m.typeDefs ? [m.typeDefs] : []))];
}

/** The one field the base schema resolves itself. */
const baseResolvers: Resolvers = { Query: { me: (_r, _a, ctx) => ({ sub: ctx.actor.sub, roles: [...ctx.actor.roles] }) } };

function mergeResolvers(modules: readonly GraphqlModule[]): IResolvers {
  const out: Record<string, IResolverObject | GraphQLScalarType> = {};
  for (const resolvers of [baseResolvers, ...modules.map((m) => m.resolvers ?? {})]) {
    for (const [type, fields] of Object.entries(resolvers)) {
      const before = out[type];
      out[type] = fields instanceof GraphQLScalarType || before instanceof GraphQLScalarType ? fields : { ...before, ...fields };
    }
  }
  return out;
}

function mergeLoaders(modules: readonly GraphqlModule[]): MercuriusLoaders {
  const out: MercuriusLoaders = {};
  for (const m of modules) {
    for (const [type, fields] of Object.entries(m.loaders ?? {})) out[type] = { ...out[type], ...fields };
  }
  return out;
}

export interface GraphqlOptions {
  config: Config;
  modules: readonly GraphqlModule[];
  /** The resolvers' context for one request (or one subscription connection, without a request). */
  context: (actor: Actor, requestId: string) => Record<string, unknown>;
}

async function graphqlPlugin(app: FastifyInstance, { config, modules, context }: GraphqlOptions) {
  const listBounds = createListBounds(app.database.db);
  // Imports over REST and other replicas grow plans too: measured at start and then on a clock.
  let boundsTimer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await listBounds.refresh();
    boundsTimer = setInterval(() => void listBounds.refresh(), LIST_BOUND_TTL_MS).unref();
  });
  app.addHook('onClose', async () => clearInterval(boundsTimer));
  // Each request's estimates, made before any operation runs; read again when each operation is about to execute.
  const estimates = new WeakMap<FastifyRequest, (Estimate | null)[]>();
  const touched = new WeakMap<FastifyRequest, TouchedPlans>();
  const touchedBy = (request: FastifyRequest) => {
    let t = touched.get(request);
    if (!t) touched.set(request, (t = touchedPlans()));
    return t;
  };
  const suggestions = config.GRAPHQL_SUGGESTIONS ?? !isProduction(config);
  await app.register(mercurius, {
    schema: fullTypeDefs(modules),
    resolvers: { ...scalarResolvers, ...mergeResolvers(modules) },
    loaders: mergeLoaders(modules),
    // GraphiQL is served from the service's own assets (src/http/graphiql.routes.ts), not mercurius' CDN page.
    graphiql: false,
    jit: 1,
    validationRules: [maxDepthRule(config.GRAPHQL_MAX_DEPTH), maxAliasesRule(config.GRAPHQL_MAX_ALIASES)],
    allowBatchedQueries: true,
    // The request is refused whole, before any of its operations runs, when the batch or its total cost is too large.
    additionalRouteOptions: {
      preHandler: async (request: FastifyRequest) => {
        checkBatchSize(request.body, config.GRAPHQL_MAX_BATCH);
        checkRequestShape(request);
        const body = request.method === 'GET' ? request.query : request.body;
        const found = estimateRequest(app.graphql.schema, request.method, body, listBounds.largestList());
        checkTotalCost(found, config.GRAPHQL_MAX_COST);
        estimates.set(request, found);
      },
      // A mutation may have grown a plan: that plan's lists are measured again before its answer goes out.
      onSend: async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
        if (estimates.get(request)?.some((e) => e?.kind === 'mutation')) await listBounds.refreshTouched(touchedBy(request));
        return payload;
      },
    },
    path: '/graphql',
    subscription: config.SUBSCRIPTIONS_ENABLED
      ? {
          // The token travels in connection_init ({ authorization: "Bearer …" }); a bad one is refused at connect.
          // The socket, so that the connection can be closed when its token expires (preSubscriptionExecution below).
          context: (socket: unknown) => ({ socket }),
          onConnect: async (data: { payload?: Record<string, unknown> }) => {
            try {
              const { actor, expiresAt } = await app.verifyAuthorization(data.payload?.authorization ?? data.payload?.Authorization);
              const { loaders: _perRequest, ...ctx } = context(actor, crypto.randomUUID());
              return { ...ctx, tokenExpiresAt: expiresAt };
            } catch {
              return false;
            }
          },
        }
      : false,
    context: (request: FastifyRequest, _reply: FastifyReply) => ({ ...context(request.actor, request.id), touched: touchedBy(request) }),
    errorFormatter: (execution, ctx) => {
      const log = (ctx as { reply?: FastifyReply })?.reply?.request.log ?? app.log;
      // Mercurius wraps request validation errors (syntax, unknown fields, variable types) in one aggregate.
      const raw = (execution.errors ?? []).flatMap((e) => {
        const inner = (e.originalError as { errors?: GraphQLError[] } | undefined)?.errors;
        // Anything else carrying a list (e.g. mercurius' 405) keeps its own status and code.
        return Array.isArray(inner) && inner.length && inner.every((i) => i instanceof GraphQLError) ? inner : [e];
      });
      const formatted = raw.map((e) => formatGraphqlError(e, log, suggestions));
      let statusCode = 200;
      // A failure that stopped the whole request before execution (no data, no field path) gets its HTTP status
      // too, so clients and proxies see it; a resolver's failure stays a 200 with errors, as GraphQL has it.
      const first = formatted[0];
      if (execution.data == null && first && !first.path) statusCode = first.status;
      const errors = formatted.map(({ status: _status, ...e }) => e);
      return { statusCode, response: { data: execution.data ?? null, errors } };
    },
  });

  if (config.SUBSCRIPTIONS_ENABLED) {
    app.graphql.addHook('preSubscriptionExecution', async (_schema, _document, ctx) => {
      // The WebSocket context (subscription.context and onConnect below), which MercuriusContext does not declare.
      const { socket, tokenExpiresAt } = ctx as unknown as { socket: Parameters<typeof closeOnTokenExpiry>[0]; tokenExpiresAt: number };
      closeOnTokenExpiry(socket, tokenExpiresAt);
    });
  }
  // Fails closed: an operation whose cost could not be estimated does not run. An operation the route did not
  // estimate (none should be) is estimated here.
  app.graphql.addHook('preExecution', async (schema, document, ctx, variables) => {
    const request = ctx.reply?.request;
    const operationId = (ctx as { operationId?: number }).operationId ?? 0;
    let estimate = request ? estimates.get(request)?.[operationId] : undefined;
    estimate ??= estimateOperation(schema, document, variables as Record<string, unknown> | undefined, undefined, listBounds.largestList());
    if (estimate.error) throw estimate.error;
    const refusal = costRefusal(estimate.cost, config.GRAPHQL_MAX_COST);
    if (refusal) throw refusal;
    checkNoNulBytes(document, variables as Record<string, unknown> | undefined);
  });

  // A response larger than GRAPHQL_MAX_RESPONSE_BYTES is replaced by a refusal rather than sent or cut off.
  const maxBytes = config.GRAPHQL_MAX_RESPONSE_BYTES;
  if (maxBytes) {
    app.addHook('onSend', async (request, reply, payload) => {
      if (!request.url.startsWith('/graphql') || typeof payload !== 'string') return payload;
      const bytes = Buffer.byteLength(payload);
      if (bytes <= maxBytes) return payload;
      const err = new QueryLimitError('RESPONSE_TOO_LARGE', `The answer is ${bytes} bytes; at most ${maxBytes} are sent: ask for smaller pages (first) or fewer fields`, { bytes, maxBytes });
      reply.code(err.statusCode);
      return JSON.stringify({ data: null, errors: [{ message: err.message, extensions: { ...err.details, code: err.code } }] });
    });
  }
}

export default fp(graphqlPlugin, { name: 'graphql', dependencies: ['auth'] });
