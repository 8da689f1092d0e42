import fp from 'fastify-plugin';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { openapiSchemas } from './openapi-registry.js';

/** Version of the REST contract (not of the package): bump it when openapi/openapi.yaml changes. */
export const REST_API_VERSION = '1.0.0';
const API_PREFIX = '/api/';

/** Components no path refers to (e.g. input twins of output-only schemas) would only bloat the contract. */
function pruneUnreferenced(doc: OpenAPIV3_1.Document): OpenAPIV3_1.Document {
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const used = new Set<string>();
  const visit = (node: unknown) => {
    const text = JSON.stringify(node);
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (!used.has(m[1])) {
        used.add(m[1]);
        visit(schemas[m[1]]);
      }
    }
  };
  visit(doc.paths);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...doc, components: { ...doc.components, schemas: kept } };
}

/**
 * The OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas. Served at /openapi.json
 * and committed as openapi/openapi.yaml (`npm run openapi:print`); a test fails when the two drift apart.
 */
async function openapiPlugin(app: FastifyInstance) {
  const zodTransform = createJsonSchemaTransform({ schemaRegistry: openapiSchemas, skipList: [] });
  const toComponents = createJsonSchemaTransformObject({ schemaRegistry: openapiSchemas });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'internkontroll-api REST',
        version: REST_API_VERSION,
        description:
          'Flat, stable exports of the internal-control data of Stockholm’s nämnder for Power BI and other tools. ' +
          'GraphQL (/graphql) is the API for reading and writing; this document covers the REST exports.',
      },
      tags: [{ name: 'exports', description: 'Star-schema tables as CSV or paged JSON' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    // Only the versioned REST API is documented: GraphQL has its own committed schema, health checks are for operators.
    transform: (doc) => (doc.url.startsWith(API_PREFIX) ? zodTransform(doc) : { schema: { hide: true }, url: doc.url }),
    transformObject: (doc) => pruneUnreferenced(toComponents(doc) as OpenAPIV3_1.Document),
  });

  // The contract is public, like a WSDL: it names no data, and tools fetch it without a token.
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true }, logLevel: 'warn' }, async () => app.swagger());

  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await docs.register(fastifySwaggerUi, { routePrefix: '/docs' });
  });
}

export default fp(openapiPlugin, { name: 'openapi', dependencies: ['auth'] });
