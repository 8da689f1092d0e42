import { GraphQLError } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import { toAppError } from '../http/error-mapping.js';

export interface FormattedError {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

/** A formatted error and the HTTP status it calls for when it stops the whole request (no data). */
export interface StatusedError extends FormattedError {
  status: number;
}

/** One place that decides what a GraphQL client sees of an error: a stable code, never a stack or SQL. */
export function formatGraphqlError(err: GraphQLError, log: FastifyBaseLogger, suggestions = true): StatusedError {
  if (!(err instanceof GraphQLError)) {
    // Errors thrown by hooks before execution reach the formatter unwrapped.
    return formatGraphqlError(new GraphQLError((err as Error).message, { originalError: err as Error }), log, suggestions);
  }
  // "Did you mean …" names fields and types to someone probing the schema; production leaves it out.
  if (!suggestions && / Did you mean /.test(err.message)) {
    const { nodes, source, positions, path, originalError, extensions } = err;
    const message = err.message.replace(/ Did you mean .*\?$/s, '');
    return formatGraphqlError(new GraphQLError(message, { nodes, source, positions, path, originalError, extensions }), log, suggestions);
  }
  const base = { locations: err.locations, path: err.path };
  // Variables of the wrong type or shape: bad input, with the field path graphql-js names.
  const variable =
    /^Variable "\$([^"]+)" got invalid value .*?(?: at "([^"]+)")?;/s.exec(err.message) ??
    /^Variable "\$([^"]+)" of (?:required|non-null) type "[^"]+" (?:must not be null|was not provided)\.()/.exec(err.message);
  if (variable) {
    const field = variable[2] || variable[1];
    return { message: err.message, ...base, status: 400, extensions: { code: 'VALIDATION_FAILED', fields: [{ path: field, message: err.message }] } };
  }
  const original = err.originalError;
  if (!original || original === err) {
    // Other errors of the request itself (syntax, unknown fields) come from graphql-js without a cause.
    const code = (err.extensions?.code as string) ?? 'GRAPHQL_VALIDATION_FAILED';
    return { message: err.message, ...base, status: 400, extensions: { ...err.extensions, code } };
  }
  const app = toAppError(original);
  if (app) {
    if (app.statusCode >= 500) log.warn({ err: original, code: app.code }, 'graphql resolver unavailable');
    return { message: app.message, ...base, status: app.statusCode, extensions: { ...(app.details ?? {}), code: app.code } };
  }
  if (original instanceof GraphQLError) return formatGraphqlError(original, log, suggestions);
  log.error({ err: original, path: err.path }, 'graphql resolver failed');
  return { message: 'Internal server error', ...base, status: 500, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
