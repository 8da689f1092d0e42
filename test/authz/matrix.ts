import { BAD_TOKENS, CALLERS, OTHER_NAMND, SUBJECT_NAMND, type Caller } from './callers.js';

/**
 * The authorization matrix: every GraphQL operation and REST route the service serves, with a minimal valid request
 * and the outcome expected for every kind of caller. test/authz-matrix.test.ts fails when an operation or route has
 * no entry here (or an entry names one that no longer exists): add the entry with the operation.
 *
 * Outcomes: 'ok' (no error), 'ok-filtered' (no error, and nothing of the caller's unreadable nämnd in the answer), or
 * the error code expected. For REST routes, the HTTP status.
 */
export type Outcome = 'ok' | 'ok-filtered' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
export type Expectations = Record<Caller, Outcome>;

/** What a request builder may use: the fixture nämnder, and a fresh token for values that must be unique. */
export interface MatrixContext {
  namnd(code: string): Promise<{ id: string; version: number; name: string }>;
  unique(): string;
}

export interface GraphqlEntry {
  request(ctx: MatrixContext): Promise<{ query: string; variables?: Record<string, unknown> }> | { query: string; variables?: Record<string, unknown> };
  expect: Expectations;
}

export interface RestEntry {
  request: { method: 'GET' | 'POST' | 'OPTIONS'; url: string; headers?: Record<string, string>; payload?: unknown };
  expect: Record<Caller, number>;
}

/** `ok` for the listed callers, `otherwise` for the other valid tokens, UNAUTHENTICATED for every bad token. */
export function only(allowed: readonly Caller[], otherwise: Outcome = 'FORBIDDEN', overrides: Partial<Expectations> = {}): Expectations {
  return Object.fromEntries(
    CALLERS.map((c) => [c, overrides[c] ?? (BAD_TOKENS.includes(c) ? 'UNAUTHENTICATED' : allowed.includes(c) ? 'ok' : otherwise)]),
  ) as Expectations;
}

/** The same HTTP status for every caller (public routes). */
export const everyone = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;

/** 200 for valid tokens, 401 for bad ones. */
export const authenticated = () => Object.fromEntries(CALLERS.map((c) => [c, BAD_TOKENS.includes(c) ? 401 : 200])) as Record<Caller, number>;

const ANY_VALID = CALLERS.filter((c) => !BAD_TOKENS.includes(c));
const READS_SUBJECT: Caller[] = ['admin', 'approver', 'editor', 'viewer', 'approverAll', 'editorAll', 'viewerAll', 'auditor', 'integration'];
const OTHER_NAMND_ROLES: Caller[] = ['approverOther', 'editorOther', 'viewerOther'];

export const graphqlMatrix: { Query: Record<string, GraphqlEntry>; Mutation: Record<string, GraphqlEntry> } = {
  Query: {
    me: { request: () => ({ query: '{ me { sub roles } }' }), expect: only(ANY_VALID) },
    namnder: {
      request: () => ({ query: '{ namnder { code name history { action } } }' }),
      expect: only(READS_SUBJECT, 'FORBIDDEN', Object.fromEntries(OTHER_NAMND_ROLES.map((c) => [c, 'ok-filtered']))),
    },
    namnd: {
      request: () => ({ query: 'query($code: String!) { namnd(code: $code) { code name history { action } } }', variables: { code: SUBJECT_NAMND } }),
      expect: only(READS_SUBJECT),
    },
    auditEvents: { request: () => ({ query: '{ auditEvents(first: 5) { nodes { action namndCode } } }' }), expect: only(['admin', 'auditor']) },
    verifyAuditTrail: { request: () => ({ query: '{ verifyAuditTrail { ok } }' }), expect: only(['admin', 'auditor']) },
  },
  Mutation: {
    _noop: { request: () => ({ query: 'mutation { _noop }' }), expect: only(ANY_VALID) },
    createNamnd: {
      request: (ctx) => ({
        query: 'mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id } }',
        variables: { input: { code: `M${ctx.unique()}`, name: 'Matrisnämnden' } },
      }),
      expect: only(['admin']),
    },
    updateNamnd: {
      request: async (ctx) => {
        const sn = await ctx.namnd(SUBJECT_NAMND);
        return {
          query: 'mutation($input: UpdateNamndInput!) { updateNamnd(input: $input) { version } }',
          variables: { input: { id: sn.id, version: sn.version, forvaltning: `Förvaltning ${ctx.unique()}` } },
        };
      },
      expect: only(['admin']),
    },
  },
};

const GQL_GET = `/graphql?query=${encodeURIComponent('{ me { sub } }')}`;

/** Keyed by "METHOD url" as registered; HEAD routes Fastify adds for GET routes are covered by the GET entry. */
export const restMatrix: Record<string, RestEntry> = {
  'GET /health/live': { request: { method: 'GET', url: '/health/live' }, expect: everyone(200) },
  'GET /health/ready': { request: { method: 'GET', url: '/health/ready' }, expect: everyone(200) },
  // The GraphQL door itself; what each operation allows is in graphqlMatrix.
  'GET /graphql': { request: { method: 'GET', url: GQL_GET }, expect: authenticated() },
  'POST /graphql': { request: { method: 'POST', url: '/graphql', payload: { query: '{ me { sub } }' } }, expect: authenticated() },
  // GraphiQL (outside production): its page and assets are public; its queries need a token like any other.
  'GET /graphiql': { request: { method: 'GET', url: '/graphiql' }, expect: everyone(200) },
  'GET /graphiql/main.js': { request: { method: 'GET', url: '/graphiql/main.js' }, expect: everyone(200) },
  'GET /graphiql/sw.js': { request: { method: 'GET', url: '/graphiql/sw.js' }, expect: everyone(200) },
  'GET /graphiql/config.js': { request: { method: 'GET', url: '/graphiql/config.js' }, expect: everyone(200) },
  // CORS preflight: needs no token; with no CORS_ORIGINS (as here) no origin is allowed and it is a 404.
  'OPTIONS *': {
    request: { method: 'OPTIONS', url: '/graphql', headers: { origin: 'https://app.stockholm.se', 'access-control-request-method': 'POST' } },
    expect: everyone(404),
  },
};

export { OTHER_NAMND, SUBJECT_NAMND };
