import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import mercurius from 'mercurius';
import type { GraphQLError } from 'graphql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import type { Config } from '../config.js';
import { baseTypeDefs } from './base.schema.js';
import { scalarResolvers } from './scalars.js';
import { formatGraphqlError } from './errors.js';
import type { GraphqlModule } from './module.js';
import { checkBatchSize, checkQueryCost, maxAliasesRule } from './limits.js';
import { checkNoNulBytes, checkRequestShape } from './request-shape.js';
import { closeOnTokenExpiry } from './subscription-expiry.js';

/** The schema the modules make together, in their order (the printed schema is a committed contract). */
export function fullTypeDefs(modules: readonly GraphqlModule[]): string[] {
  return [baseTypeDefs, ...modules.flatMap((m) => (m.typeDefs ? [m.typeDefs] : []))];
}

function mergeResolvers(modules: readonly GraphqlModule[]) {
  const out: Record<string, Record<string, unknown>> = { Query: { me: (_r: unknown, _a: unknown, ctx: { actor: Actor }) => ({ sub: ctx.actor.sub, roles: ctx.actor.roles }) } };
  for (const m of modules) {
    for (const [type, fields] of Object.entries(m.resolvers ?? {})) {
      out[type] = { ...(out[type] ?? {}), ...(fields as Record<string, unknown>) };
    }
  }
  return out;
}

function mergeLoaders(modules: readonly GraphqlModule[]) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of modules) {
    for (const [type, fields] of Object.entries(m.loaders ?? {})) out[type] = { ...(out[type] ?? {}), ...fields };
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
  await app.register(mercurius, {
    schema: fullTypeDefs(modules),
    resolvers: { ...scalarResolvers, ...mergeResolvers(modules) } as never,
    loaders: mergeLoaders(modules) as never,
    graphiql: config.GRAPHIQL ?? config.NODE_ENV !== 'production',
    jit: 1,
    queryDepth: config.GRAPHQL_MAX_DEPTH,
    validationRules: [maxAliasesRule(config.GRAPHQL_MAX_ALIASES)],
    allowBatchedQueries: true,
    // The batch is refused whole, before any of its operations runs.
    additionalRouteOptions: {
      preHandler: async (request: FastifyRequest) => {
        checkBatchSize(request.body, config.GRAPHQL_MAX_BATCH);
        checkRequestShape(request);
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
    context: (request: FastifyRequest, _reply: FastifyReply) => context(request.actor, request.id),
    errorFormatter: (execution, ctx) => {
      const log = (ctx as { reply?: FastifyReply })?.reply?.request.log ?? app.log;
      // Mercurius wraps request validation errors (syntax, unknown fields, variable types) in one aggregate.
      const raw = (execution.errors ?? []).flatMap((e) => {
        const inner = (e.originalError as { errors?: GraphQLError[] } | undefined)?.errors;
        return Array.isArray(inner) && inner.length ? inner : [e];
      });
      const formatted = raw.map((e) => formatGraphqlError(e, log));
      let statusCode = 200;
      // A failure that stopped the whole request before execution (no data, no field path) gets its HTTP status
      // too, so clients and proxies see it; a resolver's failure stays a 200 with errors, as GraphQL has it.
      const first = formatted[0];
      if (execution.data == null && first && !first.path) statusCode = first.status;
      const errors = formatted.map(({ status: _status, ...e }) => e);
      return { statusCode, response: { data: execution.data ?? null, errors } };
    },
  });

  // Cost depends on the variables (`first: $n`), so it is checked per request, not cached with the validation.
  if (config.SUBSCRIPTIONS_ENABLED) {
    app.graphql.addHook('preSubscriptionExecution', async (_schema, _document, ctx) => {
      const { socket, tokenExpiresAt } = ctx as unknown as { socket: Parameters<typeof closeOnTokenExpiry>[0]; tokenExpiresAt: number };
      closeOnTokenExpiry(socket, tokenExpiresAt);
    });
  }
  app.graphql.addHook('preExecution', async (schema, document, _ctx, variables) => {
    checkQueryCost(schema, document, variables as Record<string, unknown> | undefined, config.GRAPHQL_MAX_COST);
    checkNoNulBytes(document, variables as Record<string, unknown> | undefined);
  });
}

export default fp(graphqlPlugin, { name: 'graphql', dependencies: ['auth'] });
