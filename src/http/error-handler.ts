import type { FastifyError, FastifyInstance } from 'fastify';
import { toAppError } from './error-mapping.js';

/**
 * One error handler for REST and for what fails before GraphQL runs (authentication, body limits).
 * REST answers RFC 9457 problem+json; /graphql answers the GraphQL error shape. 5xx messages are hidden.
 */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const app = toAppError(err);
    let status: number;
    let code: string;
    let message: string;
    let details: Record<string, unknown> | undefined;
    if (app) {
      ({ statusCode: status, code, message } = app);
      details = app.details;
    } else if (err.validation) {
      status = 400;
      code = 'VALIDATION_FAILED';
      message = err.message;
      details = {
        fields: err.validation.map((v) => ({
          path: [err.validationContext, v.instancePath?.replace(/^\//, '').replace(/\//g, '.'), (v.params as { missingProperty?: string })?.missingProperty]
            .filter(Boolean)
            .join('.'),
          message: v.message ?? 'invalid',
        })),
      };
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 429 ? 'RATE_LIMITED' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      message = err.message;
    } else {
      request.log.error({ err }, 'request failed');
      status = 500;
      code = 'INTERNAL_SERVER_ERROR';
      message = 'Internal server error';
    }
    if (status >= 500 && app) request.log.warn({ err, code }, 'request failed');
    if (status === 503) reply.header('retry-after', '5');
    // RFC 6750 §3: a 401 names the scheme the client must use.
    if (status === 401) reply.header('www-authenticate', 'Bearer');

    if (request.url.startsWith('/graphql')) {
      return reply.status(status).type('application/json').send({ data: null, errors: [{ message, extensions: { code, ...details } }] });
    }
    return reply
      .status(status)
      .type('application/problem+json')
      .send({ type: `urn:internkontroll:error:${code}`, title: code, status, detail: message, code, ...details });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).type('application/problem+json').send({
      type: 'urn:internkontroll:error:NOT_FOUND',
      title: 'NOT_FOUND',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      code: 'NOT_FOUND',
    });
  });
}
