import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { requireEdit } from '../../auth/authorize.js';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { namndCode, parseInput, text, year } from '../../lib/validate.js';
import { ImportInvalidError } from './import-errors.js';
import { importLimits } from './import-limits.js';
import { parseVorFileIsolated } from './import-worker.js';
import { XLSX_CONTENT_TYPE, type VorFileFormat } from './vor-file.js';

const query = z.object({
  namnd: namndCode(),
  year: z.coerce.number().pipe(year()),
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  namndName: text(200).optional(),
});

const FORMATS: Record<string, VorFileFormat> = { 'text/csv': 'csv', [XLSX_CONTENT_TYPE]: 'xlsx' };

/** The REST door for a VoR table file: the body is the file itself, as text/csv or as an .xlsx workbook. */
export async function importRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const services = app.services;
  const limits = importLimits(config);
  // Scoped to this plugin: only this route takes raw files.
  app.addContentTypeParser(Object.keys(FORMATS), { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/api/v1/imports/vor', async (request, reply) => {
    const q = parseInput(query, request.query, 'query');
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
      { namndCode: q.namnd, year: q.year, namndName: q.namndName, dryRun: q.dryRun, rows, lines },
    );
    return reply.status(report.dryRun ? 200 : 201).send(report);
  });
}
