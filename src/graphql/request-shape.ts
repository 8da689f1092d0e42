import { BREAK, visit, type DocumentNode } from 'graphql';
import type { FastifyRequest } from 'fastify';
import { AppError, ValidationError } from '../errors.js';

interface Operation {
  query?: unknown;
  variables?: unknown;
}

export function isJson(text: string): boolean {
  // Only parse what could be JSON: a failed JSON.parse throws, which costs more than the rest of the check, and every
  // ordinary query (`{ me …`, `query …`, `mutation …`) would fail it.
  const c = text[0];
  if (c === '{' && !/^\{\s*["}]/.test(text)) return false;
  if ((c === 't' || c === 'f' || c === 'n') && text !== 'true' && text !== 'false' && text !== 'null') return false;
  if (c !== undefined && !'{["-0123456789tfn'.includes(c)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Mercurius also accepts a query that is a JSON-encoded AST, and passes any JSON value on as variables; both
 * crash deeper down (a 500 for `query=false` or `variables=5`). No valid GraphQL text is valid JSON, so such a
 * query is refused here, as are variables that are not an object.
 */
function checkOperation(op: Operation, at: string): void {
  if (typeof op.query === 'string' && isJson(op.query.trim())) {
    throw new ValidationError('query must be GraphQL text', [{ path: `${at}query`, message: 'must be a GraphQL document, e.g. { me { sub } }' }]);
  }
  let variables = op.variables;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      throw new ValidationError('variables must be a JSON object', [{ path: `${at}variables`, message: 'must be a JSON object' }]);
    }
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw new ValidationError('variables must be a JSON object', [{ path: `${at}variables`, message: 'must be a JSON object' }]);
  }
}

export function checkRequestShape(request: FastifyRequest): void {
  // A JSON body sent as text/plain is read as text: say which content types are understood instead of failing.
  if (request.method === 'POST' && !/^application\/(json|graphql)\b/i.test(request.headers['content-type'] ?? '')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request as application/json (or a query as application/graphql)', 415);
  }
  const body = request.method === 'GET' ? request.query : request.body;
  if (Array.isArray(body)) body.forEach((op, i) => op && typeof op === 'object' && checkOperation(op as Operation, `${i}.`));
  else if (body && typeof body === 'object') checkOperation(body as Operation, '');
}

/** The first path in a variables value holding a string with a NUL byte, e.g. `input.name`. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  // Deeper values than any input type has are refused by GraphQL coercion anyway.
  if (!value || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nulPath(v, path ? `${path}.${k}` : k, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * PostgreSQL text cannot hold a NUL byte: a string with one would fail in the database as an internal error.
 * Refused at the door for every operation, so a new input field needs no rule of its own.
 */
export function checkNoNulBytes(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  const path = nulPath(variables ?? {}, '');
  if (path) throw new ValidationError(`${path} contains a NUL character`, [{ path, message: 'must not contain the NUL character (\\u0000)' }]);
  let literal = nulLiterals.get(document);
  if (literal === undefined) nulLiterals.set(document, (literal = nulLiteralOf(document)));
  if (literal) throw new ValidationError(`${literal} contains a NUL character`, [{ path: literal, message: 'must not contain the NUL character (\\u0000)' }]);
}

// Per parsed document (Mercurius caches them): a repeated query is not walked again.
const nulLiterals = new WeakMap<DocumentNode, string | null>();

/** The first argument whose string literal holds a NUL, or null. Without an escape in its text a document has none. */
function nulLiteralOf(document: DocumentNode): string | null {
  const body = document.loc?.source.body;
  if (body !== undefined && !body.includes('\\u') && !body.includes('\u0000')) return null;
  let literal: string | null = null;
  visit(document, {
    Argument(node) {
      if (literal) return BREAK;
      let found = false;
      visit(node.value, {
        StringValue(s) {
          if (s.value.includes('\u0000')) found = true;
        },
      });
      if (found) literal = node.name.value;
    },
  });
  return literal;
}
