import { z } from 'zod';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { namndCode } from '../../lib/validate.js';
import { ValidationError, type FieldIssue } from '../../errors.js';
import { problemSchema } from '../../http/openapi-registry.js';
import { DATASET_NAMES, DATASETS, type Column, type Dataset, type DatasetName } from './export-datasets.js';

// The query parameters and response shapes of every export, as zod: they validate requests and generate the
// OpenAPI document, so the contract cannot drift from what the server does.

export const DEFAULT_TOP = 5000;
export const MAX_TOP = 50_000;

const ISO_TIME = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const time = (what: string) =>
  z
    .string()
    .refine((v) => ISO_TIME.safeParse(v).success, 'must be an ISO 8601 time with Z or an offset, or a date')
    .transform((v) => new Date(v))
    .meta({ description: `${what}: ISO 8601, e.g. 2026-01-31T00:00:00Z (a date alone means midnight UTC)`, examples: ['2026-01-31T00:00:00Z'] });

const filterShape = (d: Dataset) => ({
  ...(d.year ? { year: z.coerce.number().int().min(2000).max(2100).optional().describe('Only rows of this plan year') } : {}),
  ...(d.namndCode
    ? {
        namnd: z
          .union([namndCode(), z.array(namndCode()).min(1).max(100)])
          .transform((v) => (Array.isArray(v) ? v : [v]))
          .optional()
          .describe('Only rows of this nämnd (code); repeat the parameter for several'),
      }
    : {}),
  updatedSince: time(
    d.name === 'deletions' ? 'Only rows deleted at or after this time' : 'Only rows changed at or after this time (detect changes on updated_at)',
  ).optional(),
  updatedBefore: time(d.name === 'deletions' ? 'Only rows deleted before this time' : 'Only rows changed before this time').optional(),
  createdSince: time('Only rows created at or after this time (incremental-refresh partitions: RangeStart)').optional(),
  createdBefore: time('Only rows created before this time (incremental-refresh partitions: RangeEnd)').optional(),
});

const delimiter = z.enum(['semicolon', 'comma']).describe('CSV field delimiter: `;` (Swedish Excel) or `,`');
const top = z.coerce.number().int().min(1).max(MAX_TOP).describe(`Rows per page (default ${DEFAULT_TOP}, at most ${MAX_TOP})`);
const cursor = z.string().min(1).max(400).describe('Opaque position from a previous page’s nextLink');

export function queryShapes(d: Dataset) {
  const filters = filterShape(d);
  return {
    csv: z.strictObject({ ...filters, delimiter: delimiter.default('semicolon') }),
    json: z.strictObject({ ...filters, top: top.default(DEFAULT_TOP), cursor: cursor.optional() }),
    negotiated: z.strictObject({ ...filters, delimiter: delimiter.optional(), top: top.optional(), cursor: cursor.optional() }),
  };
}

const FORMATS = { uuid: 'uuid', timestamp: 'date-time', date: 'date' } as const;

function cellSchema(c: Column): z.ZodType {
  // Documentation only (rows are streamed, not serialized through these): formats instead of long patterns.
  const base =
    c.type === 'integer' ? z.int() : c.type === 'boolean' ? z.boolean() : c.type === 'text' ? z.string() : z.string().meta({ format: FORMATS[c.type] });
  return (c.nullable ? base.nullable() : base).describe(c.description);
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase());

function buildRowSchemas() {
  const rows = {} as Record<DatasetName, z.ZodType>;
  const pages = {} as Record<DatasetName, z.ZodType>;
  for (const name of DATASET_NAMES) {
    const d = DATASETS[name];
    const row = z
      .object(Object.fromEntries(d.columns.map((c) => [c.name, cellSchema(c)])))
      .meta({ id: `${pascal(name)}ExportRow`, description: `${d.title}: ${d.description}` });
    const page = z
      .object({
        value: z.array(row),
        nextLink: z
          .string()
          .nullable()
          .describe('Link to the next page (absolute from PUBLIC_BASE_URL, else a path), or null on the last page'),
      })
      .meta({ id: `${pascal(name)}ExportPage`, description: `One page of ${name}` });
    rows[name] = row;
    pages[name] = page;
  }
  return { rows, pages };
}

export const exportSchemas = buildRowSchemas();

export const errorResponses = {
  400: { description: 'A parameter is unknown or has a bad value; `fields` names it', content: { 'application/problem+json': { schema: problemSchema } } },
  401: { description: 'No valid bearer token (WWW-Authenticate: Bearer)', content: { 'application/problem+json': { schema: problemSchema } } },
  403: { description: 'The token may not read this export or nämnd', content: { 'application/problem+json': { schema: problemSchema } } },
  503: { description: 'Database unavailable or too many exports at once; retry after Retry-After seconds', content: { 'application/problem+json': { schema: problemSchema } } },
};

/** Turns the validator's issues into VALIDATION_FAILED naming each offending query parameter. */
export function queryErrorFormatter(allowed: string[]) {
  return (errors: FastifySchemaValidationError[]): Error => {
    const fields: FieldIssue[] = errors.flatMap((e) => {
      const keys = (e.params as { keys?: string[] } | undefined)?.keys;
      if (e.keyword === 'unrecognized_keys' && keys?.length) {
        return keys.map((k) => ({ path: k, message: `unknown parameter; this export accepts ${allowed.join(', ')}` }));
      }
      return [{ path: e.instancePath.replace(/^\//, '').split('/')[0] || 'query', message: e.message ?? 'invalid' }];
    });
    return new ValidationError(`Invalid query parameters: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
  };
}
