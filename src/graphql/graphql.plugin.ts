import fp from 'fastify-plugin';
import mercurius from 'mercurius';
import type { GraphQLError } from 'graphql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import type { Services } from '../services.js';
import type { Config } from '../config.js';
import { baseTypeDefs } from './base.schema.js';
import { scalarResolvers } from './scalars.js';
import { formatGraphqlError } from './errors.js';
import type { GraphqlModule } from './module.js';
import { auditTypeDefs } from '../audit/audit.schema.js';
import { auditResolvers } from '../audit/audit.resolvers.js';
import { namnderModule } from '../modules/namnder/index.js';
import { goalsModule } from '../modules/goals/index.js';
import { plansModule } from '../modules/plans/index.js';
import { vorModule } from '../modules/vor/index.js';
import { importsModule } from '../modules/imports/index.js';
import { followUpsModule } from '../modules/follow-ups/index.js';
import { createRequestLoaders, type RequestLoaders } from './request-loaders.js';

declare module 'mercurius' {
  interface MercuriusContext {
    actor: Actor;
    requestId: string;
    services: Services;
    loaders: RequestLoaders;
  }
}

export const graphqlModules: GraphqlModule[] = [
  { typeDefs: auditTypeDefs, resolvers: auditResolvers },
  namnderModule,
  goalsModule,
  plansModule,
  vorModule,
  importsModule,
  followUpsModule,
];

export function fullTypeDefs(): string[] {
  return [baseTypeDefs, ...graphqlModules.map((m) => m.typeDefs)];
}

function mergeResolvers(modules: GraphqlModule[]) {
  const out: Record<string, Record<string, unknown>> = { Query: { me: (_r: unknown, _a: unknown, ctx: { actor: Actor }) => ({ sub: ctx.actor.sub, roles: ctx.actor.roles }) } };
  for (const m of modules) {
    for (const [type, fields] of Object.entries(m.resolvers)) {
      out[type] = { ...(out[type] ?? {}), ...(fields as Record<string, unknown>) };
    }
  }
  return out;
}

function mergeLoaders(modules: GraphqlModule[]) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of modules) {
    for (const [type, fields] of Object.entries(m.loaders ?? {})) out[type] = { ...(out[type] ?? {}), ...fields };
  }
  return out;
}

export interface GraphqlOptions {
  config: Config;
  services: Services;
}

async function graphqlPlugin(app: FastifyInstance, { config, services }: GraphqlOptions) {
  await app.register(mercurius, {
    schema: fullTypeDefs(),
    resolvers: { ...scalarResolvers, ...mergeResolvers(graphqlModules) } as never,
    loaders: mergeLoaders(graphqlModules) as never,
    graphiql: config.GRAPHIQL ?? config.NODE_ENV !== 'production',
    jit: 1,
    queryDepth: config.GRAPHQL_MAX_DEPTH,
    allowBatchedQueries: true,
    path: '/graphql',
    context: (request: FastifyRequest, _reply: FastifyReply) => ({
      actor: request.actor,
      requestId: request.id,
      services,
      loaders: createRequestLoaders(services),
    }),
    errorFormatter: (execution, ctx) => {
      const log = (ctx as { reply?: FastifyReply })?.reply?.request.log ?? app.log;
      // Mercurius wraps request validation errors (syntax, unknown fields, variable types) in one aggregate.
      const raw = (execution.errors ?? []).flatMap((e) => {
        const inner = (e.originalError as { errors?: GraphQLError[] } | undefined)?.errors;
        return Array.isArray(inner) && inner.length ? inner : [e];
      });
      const errors = raw.map((e) => formatGraphqlError(e, log));
      let statusCode = 200;
      if (execution.data == null) {
        // Failures before execution get an HTTP status too, so clients and proxies see them.
        const code = errors[0]?.extensions.code;
        if (code === 'UNAUTHENTICATED') statusCode = 401;
        else if (raw.length !== (execution.errors ?? []).length || code === 'GRAPHQL_VALIDATION_FAILED') statusCode = 400;
      }
      return { statusCode, response: { data: execution.data ?? null, errors } };
    },
  });
}

export default fp(graphqlPlugin, { name: 'graphql', dependencies: ['auth'] });
