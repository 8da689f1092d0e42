import { createHash } from 'node:crypto';
import compress from '@fastify/compress';
import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../../config.js';
import { AppError, ValidationError } from '../../errors.js';
import { CSV_DELIMITERS, type CsvDelimiterName } from './csv.js';
import { DATASET_NAMES, DATASETS, type DatasetName } from './export-datasets.js';
import type { ExportFilters, ExportService } from './exports.service.js';
import { DEFAULT_TOP, errorResponses, exportSchemas, queryErrorFormatter, queryShapes } from './exports.schemas.js';

export const EXPORTS_PREFIX = '/api/v1/exports';

type Format = 'csv' | 'json';

interface ExportQuery extends ExportFilters {
  delimiter?: CsvDelimiterName;
  top?: number;
  cursor?: string;
}

/** Picks CSV or JSON by the Accept header (@fastify/accepts); JSON when the client does not care, null when it wants neither. */
export function negotiate(request: FastifyRequest): Format | null {
  if (!request.headers.accept?.trim()) return 'json';
  const type = request.accepts().type(['application/json', 'text/csv']);
  return type === 'text/csv' ? 'csv' : type === 'application/json' ? 'json' : null;
}

function nextLinkFor(request: FastifyRequest, publicBaseUrl: string | undefined) {
  // A fixed placeholder origin only to parse the path and query; the client's Host and X-Forwarded-* play no part.
  const url = new URL(request.url, 'http://export.invalid');
  return (cursor: string) => {
    url.searchParams.set('cursor', cursor);
    const path = `${url.pathname}${url.search}`;
    return publicBaseUrl ? new URL(path.slice(1), publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`).toString() : path;
  };
}

/** Weak validator: If-None-Match holds `*` or one of its tags equals ours, W/ prefixes ignored (RFC 9110 §13.1.2). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
}

async function send(service: ExportService, request: FastifyRequest, reply: FastifyReply, name: DatasetName, format: Format, query: ExportQuery, publicBaseUrl?: string) {
  const { delimiter, top, cursor, ...filters } = query;
  // Parameters of the other format are refused rather than ignored, so a mistake does not pass unnoticed.
  const misplaced = format === 'csv' ? (['top', 'cursor'] as const).filter((k) => query[k] !== undefined) : delimiter !== undefined ? (['delimiter'] as const) : [];
  if (misplaced.length) {
    throw new ValidationError(
      `Invalid query parameters: ${misplaced.join(', ')} ${misplaced.length > 1 ? 'apply' : 'applies'} only to ${format === 'csv' ? 'JSON' : 'CSV'}`,
      misplaced.map((k) => ({ path: k, message: `applies only to ${format === 'csv' ? 'JSON' : 'CSV'} exports` })),
    );
  }
  const selection = service.select(request.actor, name, filters, format === 'json' ? cursor : undefined);
  // Exports carry nämnd data under a caller's token: no shared cache may keep them.
  reply.header('cache-control', 'no-store');
  reply.header('vary', 'accept, authorization');
  // ETag and Last-Modified from aggregates over the same selection, so a client can ask "changed?" cheaply.
  const fp = await service.fingerprint(selection);
  const identity = { name, format, delimiter, top, cursor, sel: { ...selection, dataset: undefined }, fp };
  const etag = `W/"${createHash('sha256').update(JSON.stringify(identity)).digest('base64url').slice(0, 27)}"`;
  reply.header('etag', etag);
  if (fp.lastChange) reply.header('last-modified', fp.lastChange.toUTCString());
  if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  if (format === 'csv') {
    reply.type('text/csv; charset=utf-8; header=present').header('content-disposition', `attachment; filename="${name}.csv"`);
    return reply.send(await service.csv(selection, CSV_DELIMITERS[delimiter ?? 'semicolon']));
  }
  reply.type('application/json; charset=utf-8');
  return reply.send(await service.jsonPage(selection, top ?? DEFAULT_TOP, nextLinkFor(request, publicBaseUrl)));
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase());

export async function exportRoutes(app: FastifyInstance, { config }: { config: Config }) {
  // Compressed only when the client asks (Accept-Encoding), streamed: the body is never buffered. gzip at level 3,
  // not zlib's 6: on the risks export 6 took 60 % more CPU than 3 (more than building the CSV in PostgreSQL) for
  // 7 % fewer bytes, and ten exports at once became bound by it. Brotli keeps the plugin's quality 4.
  await app.register(compress, { global: true, encodings: ['br', 'gzip'], zlibOptions: { level: 3 } });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const service = app.services.exports;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  for (const name of DATASET_NAMES) {
    const dataset = DATASETS[name];
    const shapes = queryShapes(dataset);
    const csvBody = { description: `${dataset.title}: RFC 4180 CSV, UTF-8 with BOM, a header row; \`;\` unless delimiter=comma`, schema: z.string() };
    const jsonBody = { schema: exportSchemas.pages[name] };
    const who = dataset.auditOnly ? 'Auditor and admin only.' : 'integration, auditor and admin get every nämnd; viewer/editor/approver only their own.';
    const common = {
      tags: ['exports'],
      security: [{ bearerAuth: [] }],
      description: `${dataset.description} ${who} Columns, in this order: ${dataset.columns.map((c) => c.name).join(', ')}.`,
    };
    const errorFormatter = (shape: z.ZodObject) => queryErrorFormatter(Object.keys(shape.shape));

    routes.get(
      `${EXPORTS_PREFIX}/${name}.csv`,
      {
        schema: {
          ...common,
          operationId: `export${pascal(name)}Csv`,
          summary: `${dataset.title} as CSV`,
          querystring: shapes.csv,
          response: { 200: { description: 'The whole table, streamed', content: { 'text/csv': csvBody } }, ...errorResponses },
        },
        schemaErrorFormatter: errorFormatter(shapes.csv),
      },
      async (request, reply) => send(service, request, reply, name, 'csv', request.query as ExportQuery, config.PUBLIC_BASE_URL),
    );

    routes.get(
      `${EXPORTS_PREFIX}/${name}.json`,
      {
        schema: {
          ...common,
          operationId: `export${pascal(name)}Json`,
          summary: `${dataset.title} as paged JSON`,
          querystring: shapes.json,
          response: { 200: { description: 'One page; follow nextLink until it is null', content: { 'application/json': jsonBody } }, ...errorResponses },
        },
        schemaErrorFormatter: errorFormatter(shapes.json),
      },
      async (request, reply) => send(service, request, reply, name, 'json', request.query as ExportQuery, config.PUBLIC_BASE_URL),
    );

    routes.get(
      `${EXPORTS_PREFIX}/${name}`,
      {
        schema: {
          ...common,
          operationId: `export${pascal(name)}`,
          summary: `${dataset.title} as CSV or JSON, by the Accept header`,
          querystring: shapes.negotiated,
          response: {
            200: { description: 'text/csv: the whole table; application/json (the default): one page', content: { 'text/csv': csvBody, 'application/json': jsonBody } },
            ...errorResponses,
            406: { description: 'Accept names neither text/csv nor application/json', content: errorResponses[400].content },
          },
        },
        schemaErrorFormatter: errorFormatter(shapes.negotiated),
      },
      async (request, reply) => {
        const format = negotiate(request);
        if (!format) throw new AppError('NOT_ACCEPTABLE', 'Exports are available as text/csv or application/json: set Accept to one of them', 406);
        return send(service, request, reply, name, format, request.query as ExportQuery, config.PUBLIC_BASE_URL);
      },
    );
  }
}
