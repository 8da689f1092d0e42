import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../../http/openapi-registry.js';

const params = z.object({
  namndCode: z
    .string()
    .regex(/^[A-Za-zÅÄÖåäö0-9_-]{1,32}$/, 'letters, digits, _ or -, at most 32')
    .describe('The nämnd code, e.g. SN'),
  year: z.coerce.number().int().min(2000, 'a year from 2000').max(2100, 'a year up to 2100').describe('The plan year'),
});

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });
const responses = (type: string, description: string) => ({
  200: { description, content: { [type]: { schema: z.string() } } },
  400: problem('The nämnd code or year is malformed; `fields` names it'),
  401: problem('No valid bearer token'),
  403: problem('The token may not read this nämnd'),
  404: problem('The nämnd has no plan for that year'),
});

type Params = z.infer<typeof params>;
const cityParams = params.pick({ year: true });

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
 * /api/v1/reports/ledningens-genomgang/{namndCode}/{year}.html, /api/v1/reports/city/{year}.html.
 */
export async function reportRoutes(app: FastifyInstance) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const reports = app.services.reports;
  const ctx = (req: FastifyRequest) => ({ actor: req.actor, requestId: req.id });
  // A header value must stay ASCII: Å/Ä/Ö in a code become A/A/O in the suggested file name.
  const name = (p: Params, kind: string, ext: string) =>
    `${kind}-${p.namndCode.toUpperCase().normalize('NFD').replace(/[^A-Z0-9_-]/g, '')}-${p.year}.${ext}`;

  const doc = (operationId: string, summary: string, type: string, description: string) => ({
    schema: { tags: ['reports'], security: [{ bearerAuth: [] }], operationId, summary, params, response: responses(type, description) },
  });
  const SVG = 'image/svg+xml; charset=utf-8';
  const HTML = 'text/html; charset=utf-8';

  routes.get('/plans/:namndCode/:year/risk-matrix.svg', doc('reportRiskMatrix', 'The plan’s risk matrix', 'image/svg+xml', '5 × 5 grid in band colours with the risk numbers and band counts'), async (req, reply) =>
    send(reply, SVG, name(req.params, 'riskmatris', 'svg'), await reports.riskMatrixSvg(ctx(req), req.params.namndCode, req.params.year)),
  );
  routes.get('/plans/:namndCode/:year/vor.html', doc('reportVor', 'Väsentlighets- och riskanalys and internkontrollplan', 'text/html', 'Printable HTML document'), async (req, reply) =>
    send(reply, HTML, name(req.params, 'vor-ikp', 'html'), await reports.vorHtml(ctx(req), req.params.namndCode, req.params.year)),
  );
  routes.get('/plans/:namndCode/:year/follow-up.html', doc('reportFollowUp', 'Uppföljning of the internal control', 'text/html', 'Printable HTML document'), async (req, reply) =>
    send(reply, HTML, name(req.params, 'uppfoljning', 'html'), await reports.followUpHtml(ctx(req), req.params.namndCode, req.params.year)),
  );
  routes.get(
    '/city/:year.html',
    {
      schema: {
        tags: ['reports'],
        security: [{ bearerAuth: [] }],
        operationId: 'reportCity',
        summary: 'Stadens interna kontroll: every nämnd of one year',
        description: 'For admin, auditor, integration and viewer:*; nämnd roles see only their nämnder. The same figures as GraphQL cityOverview.',
        params: cityParams,
        response: {
          200: { description: 'Printable HTML document', content: { 'text/html': { schema: z.string() } } },
          400: problem('The year is malformed; `fields` names it'),
          401: problem('No valid bearer token'),
          403: problem('The token has no role that may read any nämnd'),
        },
      },
    },
    async (req, reply) => send(reply, HTML, `staden-${req.params.year}.html`, await reports.cityHtml(ctx(req), req.params.year)),
  );
  routes.get('/ledningens-genomgang/:namndCode/:year.html', doc('reportLedningensGenomgang', 'Ledningens genomgång for information security', 'text/html', 'Printable HTML document'), async (req, reply) =>
    send(reply, HTML, name(req.params, 'ledningens-genomgang', 'html'), await reports.ledningensGenomgangHtml(ctx(req), req.params.namndCode, req.params.year)),
  );
}
