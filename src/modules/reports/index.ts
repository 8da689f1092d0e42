import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createReportService } from './reports.service.js';

const params = {
  type: 'object',
  required: ['namndCode', 'year'],
  properties: {
    namndCode: { type: 'string', pattern: '^[A-Za-zÅÄÖåäö0-9_-]{1,32}$' },
    year: { type: 'integer', minimum: 2000, maximum: 2100 },
  },
} as const;

type Params = { namndCode: string; year: number };

// Reports hold user text: even if escaping ever slipped, a browser must run nothing and fetch nothing.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

function send(reply: FastifyReply, type: string, filename: string, body: string) {
  return reply
    .type(type)
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    // Behind a token and changing with the data: a shared cache must not keep it, a browser must ask again.
    .header('cache-control', 'private, no-cache')
    .header('content-disposition', `inline; filename="${filename}"`)
    .send(body);
}

/**
 * Printable documents at stable URLs (a document system can link to them):
 * /api/v1/reports/plans/{namndCode}/{year}/risk-matrix.svg | vor.html | follow-up.html,
 * /api/v1/reports/ledningens-genomgang/{namndCode}/{year}.html.
 */
export async function reportRoutes(app: FastifyInstance) {
  const reports = createReportService(app.database.db, app.services.plans);
  const ctx = (req: FastifyRequest) => ({ actor: req.actor, requestId: req.id });
  // A header value must stay ASCII: Å/Ä/Ö in a code become A/A/O in the suggested file name.
  const name = (p: Params, kind: string, ext: string) =>
    `${kind}-${p.namndCode.toUpperCase().normalize('NFD').replace(/[^A-Z0-9_-]/g, '')}-${p.year}.${ext}`;

  app.get<{ Params: Params }>('/plans/:namndCode/:year/risk-matrix.svg', { schema: { params } }, async (req, reply) =>
    send(reply, 'image/svg+xml; charset=utf-8', name(req.params, 'riskmatris', 'svg'), await reports.riskMatrixSvg(ctx(req), req.params.namndCode, req.params.year)),
  );
  app.get<{ Params: Params }>('/plans/:namndCode/:year/vor.html', { schema: { params } }, async (req, reply) =>
    send(reply, 'text/html; charset=utf-8', name(req.params, 'vor-ikp', 'html'), await reports.vorHtml(ctx(req), req.params.namndCode, req.params.year)),
  );
  app.get<{ Params: Params }>('/plans/:namndCode/:year/follow-up.html', { schema: { params } }, async (req, reply) =>
    send(reply, 'text/html; charset=utf-8', name(req.params, 'uppfoljning', 'html'), await reports.followUpHtml(ctx(req), req.params.namndCode, req.params.year)),
  );
  app.get<{ Params: Params }>('/ledningens-genomgang/:namndCode/:year.html', { schema: { params } }, async (req, reply) =>
    send(reply, 'text/html; charset=utf-8', name(req.params, 'ledningens-genomgang', 'html'), await reports.ledningensGenomgangHtml(ctx(req), req.params.namndCode, req.params.year)),
  );
}
