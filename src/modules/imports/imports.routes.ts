import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireEdit } from '../../auth/authorize.js';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { problemSchema } from '../../http/openapi-registry.js';
import { namndCode, text, year } from '../../lib/validate.js';
import { ImportInvalidError } from './import-errors.js';
import { importLimits } from './import-limits.js';
import { parseVorFileIsolated } from './import-worker.js';
import { XLSX_CONTENT_TYPE, type VorFileFormat } from './vor-file.js';
import { importMode } from './vor-import.service.js';

const query = z.object({
  namnd: namndCode().describe('The nämnd code, e.g. SN'),
  year: z.coerce.number().pipe(year()).describe('The plan year'),
  mode: importMode
    .default('CREATE')
    .describe('CREATE adds the file’s risks (a number the plan has is refused); REPLACE makes the plan’s VoR the file’s: matched by risk number, updated, created, deleted'),
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('Report what the import would do (the diff) and write nothing'),
  namndName: text(200).optional().describe('Creates the nämnd when it does not exist (admin)'),
});

const FORMATS: Record<string, VorFileFormat> = { 'text/csv': 'csv', [XLSX_CONTENT_TYPE]: 'xlsx' };

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });
const reportBody = (description: string) => ({ description, content: { 'application/json': { schema: z.looseObject({}) } } });

/** The REST door for a VoR table file: the body is the file itself, as text/csv or as an .xlsx workbook. */
export async function importRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const services = app.services;
  const limits = importLimits(config);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  // Scoped to this plugin: only this route takes raw files.
  app.addContentTypeParser(Object.keys(FORMATS), { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const schema = {
    tags: ['imports'],
    security: [{ bearerAuth: [] }],
    operationId: 'importVor',
    summary: 'Import a VoR table file into the year’s draft plan',
    description: `The body is the file (text/csv, semicolon-separated, or ${XLSX_CONTENT_TYPE}). All rows or nothing. The report is the one the GraphQL mutation importVor returns (created, diff, violations).`,
    querystring: query,
    response: {
      200: reportBody('A dry run, or a REPLACE import: the report'),
      201: reportBody('A CREATE import: the report'),
      400: problem('A query parameter is malformed; `fields` names it'),
      401: problem('No valid bearer token'),
      403: problem('The token may not edit this nämnd'),
      409: problem('The plan is not a draft (PLAN_NOT_EDITABLE), or a row was changed meanwhile (CONFLICT)'),
      413: problem('The file is larger than a VoR table can be (IMPORT_TOO_LARGE)'),
      415: problem('Neither text/csv nor an .xlsx workbook'),
      422: problem('IMPORT_INVALID: nothing was written; `errors` names each bad line'),
    },
  };

  routes.post('/api/v1/imports/vor', { schema }, async (request, reply) => {
    const q = request.query;
    // Authorize before reading the file, so a caller without the role learns nothing from the report.
    requireEdit(request.actor, q.namnd);
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const format = FORMATS[mediaType];
    if (!format) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the file as text/csv or ${XLSX_CONTENT_TYPE}`, 415);
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new ImportInvalidError([{ line: 1, field: 'file', message: 'is empty' }]);
    // In a worker with its own heap and a deadline: the file cannot stall or exhaust this thread.
    const { rows, lines } = await parseVorFileIsolated(body, format, limits);
    const report = await services.imports.importVor(
      { actor: request.actor, requestId: request.id },
      { namndCode: q.namnd, year: q.year, namndName: q.namndName, mode: q.mode, dryRun: q.dryRun, rows, lines },
    );
    return reply.status(report.dryRun || report.mode === 'REPLACE' ? 200 : 201).send(report);
  });
}
