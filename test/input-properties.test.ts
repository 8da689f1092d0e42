import t from 'tap';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { rawRows } from '../src/db/raw.js';
import { namndRepository } from '../src/modules/namnder/namnder.repository.js';
import { buildTestApp, gqlOk, token } from './helper.js';
import { badValue, oddUnicode, suspiciousText, wrongType } from './properties/arbitraries.js';
import { FREE_PLAN_YEAR, inputEntries, type PropertyContext } from './properties/entries.js';
import { ADOPTED_YEAR, buildFixture, DRAFT_YEAR, goalsOf, type Admin } from './authz/fixture.js';
import { SUBJECT_NAMND } from './authz/callers.js';

const RUNS = 60;
// Refusals of bad input: validation, size, a missing or stale entity, a nämnd code the caller holds no role for, and the
// domain's own 4xx rules that a corrupted but well-formed value can trip (a risk number taken, a plan in another state).
const REFUSALS = new Set([
  'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'NOT_FOUND', 'CONFLICT', 'BAD_REQUEST', 'IMPORT_INVALID', 'INVALID_TRANSITION', 'PLAN_NOT_EDITABLE',
  'PLAN_NOT_ADOPTED', 'FORBIDDEN', 'DUPLICATE_RISK_NUMBER', 'IKP_MOTIVATION_REQUIRED', 'RISK_NOT_ASSESSED', 'GOAL_MISSING', 'ACTION_REQUIRED', 'PLAN_RULES_VIOLATED',
]);
/** Refusals that must say which field was wrong. */
const NAMES_FIELD = new Set(['VALIDATION_FAILED', 'IMPORT_INVALID']);

// No background deliveries or due-date scans: only the call under test may change the database.
const { app, database } = await buildTestApp(t, { WEBHOOKS_ENABLED: 'false', DUE_JOB_ENABLED: 'false', WEBHOOK_ALLOW_HTTP: 'true' });
const admin: Admin = (query, variables = {}) => gqlOk(app, query, variables);
let counter = 0;
const ctx: PropertyContext = {
  async namnd(code) {
    const row = await namndRepository.byCode(database.db, code);
    if (!row) throw new Error(`fixture ${code} missing`);
    return row;
  },
  unique: () => String(++counter),
  admin,
  // Six IKP risks with two activities each: 36 follow-ups, enough for every try that starts one.
  fx: await buildFixture(admin, 6),
};
await goalsOf(admin, FREE_PLAN_YEAR);

// Row count and version sum of every table a call may write (the event feed's positions are bookkeeping, left out).
const tables = (
  await rawRows<{ t: string; v: boolean }>(
    database.db,
    sql`select c.table_name as t, bool_or(c.column_name = 'version') as v from information_schema.columns c
        where c.table_schema = 'public' and c.table_name not in ('domain_events', 'scheduled_event_markers') and c.table_name not like '%migrations%'
        group by c.table_name order by c.table_name`,
  )
).map((r) => sql.raw(`select '${r.t}:' || count(*)::text || ':' || ${r.v ? 'coalesce(sum(version), 0)' : '0'}::text as n from "${r.t}"`));
const footprint = async () => (await rawRows<{ n: string }>(database.db, sql.join(tables, sql` union all `))).map((r) => r.n).sort().join(' ');

/** Runs a property; a failure names the counterexample and the error it raised. */
async function check<T>(t: { ok(v: unknown, m: string): unknown }, property: fc.IAsyncProperty<T>, numRuns: number, label: string) {
  const out = await fc.check(property, { numRuns });
  t.ok(!out.failed, out.failed ? `${fc.defaultReportMessage(out)}\n${String(out.errorInstance)}` : `${numRuns} ${label}`);
}

const tally = { tried: 0, accepted: 0, refused: 0, rest: 0 };

for (const [name, entry] of Object.entries(inputEntries)) {
  t.test(`${name}: corrupted input is accepted or refused as bad input, never a 500`, async (t) => {
    await check(
      t,
      fc.asyncProperty(fc.constantFrom(...entry.fields), badValue, async (field, bad) => {
        const valid = await entry.valid(ctx);
        const input = entry.scalar ? bad : { ...(valid as object), [field]: bad };
        const before = await footprint();
        const res = await app.inject({
          method: 'POST',
          url: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token(entry.roles)}` },
          payload: JSON.stringify({ query: entry.document, variables: { [entry.variable ?? 'input']: input } }),
        });
        tally.tried++;
        if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
        const body = res.json() as { errors?: { extensions: { code: string; fields?: unknown; errors?: unknown } }[] };
        const error = body.errors?.[0];
        if (!error) {
          tally.accepted++;
          return;
        }
        tally.refused++;
        const code = error.extensions.code;
        if (!REFUSALS.has(code)) throw new Error(`refused with ${code}: ${res.body.slice(0, 300)}`);
        if (NAMES_FIELD.has(code) && !JSON.stringify(error.extensions).includes(field) && !(name === 'importVor' && field === 'rows')) {
          throw new Error(`${code} does not name ${field}: ${res.body.slice(0, 300)}`);
        }
        const after = await footprint();
        if (after !== before) throw new Error(`a refused call wrote something (${before} → ${after})`);
      }),
      RUNS,
      'corrupted inputs',
    );
  });
}

t.test('REST: odd paths and query strings on every GET route get a 4xx or an answer, never a 500', async (t) => {
  const routes = ['/health/live', '/health/ready', '/graphql', '/graphiql', '/api/v1/events', '/api/v1/exports/risks.json', '/openapi.json'];
  await check(
    t,
    fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.dictionary(fc.constantFrom('query', 'variables', 'operationName', 'x', '__proto__', 'year', 'namnd', 'after'), fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json()), { maxKeys: 3 }),
      fc.oneof(fc.constant(''), fc.string({ maxLength: 40 }).map((s) => `/${encodeURIComponent(s)}`)),
      async (route, params, suffix) => {
        const qs = new URLSearchParams(params as Record<string, string>).toString();
        const res = await app.inject({ method: 'GET', url: `${route}${suffix}${qs ? `?${qs}` : ''}`, headers: { authorization: `Bearer ${token('viewer:*')}` } });
        tally.rest++;
        if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} for ${route}${suffix}?${qs}: ${res.body.slice(0, 300)}`);
      },
    ),
    RUNS * 2,
    'odd requests',
  );
});

// One bad REST parameter at a time: a value of the wrong type, out of range, odd Unicode or hostile text, repeated.
const restValue = fc.oneof(
  suspiciousText,
  oddUnicode,
  wrongType.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))),
  fc.integer({ min: -100_000, max: 100_000 }).map(String),
  fc.constantFrom('1999', '2101', '0', '-1', '1e9', '2026.5', 'NaN', '', 'ÅÄÖ', 'x'.repeat(5000), '2026-13-45', '2026-02-30T25:61:00Z'),
);
const DATASETS = ['namnder', 'goals', 'plans', 'processes', 'working-methods', 'risks', 'controls', 'control-activities', 'follow-ups', 'actions', 'assessments', 'audit-events'];

async function restProperty(t: { ok(v: unknown, m: string): unknown }, label: string, build: fc.Arbitrary<{ url: string; param: string; method?: 'GET' | 'POST'; body?: string; roles: string[] }>) {
  await check(
    t,
    fc.asyncProperty(build, async (r) => {
      const before = await footprint();
      const res = await app.inject({
        method: r.method ?? 'GET',
        url: r.url,
        headers: { authorization: `Bearer ${token(r.roles)}`, ...(r.body !== undefined ? { 'content-type': 'text/csv' } : {}) },
        ...(r.body !== undefined ? { payload: r.body } : {}),
      });
      tally.rest++;
      if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} for ${r.url}: ${res.body.slice(0, 300)}`);
      if (res.statusCode >= 400) {
        const problem = res.json() as { code?: string };
        if (!problem.code) throw new Error(`${res.statusCode} without a code for ${r.url}: ${res.body.slice(0, 300)}`);
        if (problem.code === 'VALIDATION_FAILED' && !res.body.includes(r.param)) throw new Error(`VALIDATION_FAILED does not name ${r.param}: ${res.body.slice(0, 300)}`);
        if ((await footprint()) !== before) throw new Error(`a refused ${r.url} wrote something`);
      }
    }),
    RUNS * 2,
    label,
  );
}
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
/** Path segments: a lone surrogate cannot be percent-encoded, so it travels as U+FFFD (what a browser would send). */
const segment = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, (c, i: number) => (/[\ud800-\udbff][\udc00-\udfff]/.test(s.slice(i, i + 2)) || /[\ud800-\udbff][\udc00-\udfff]/.test(s.slice(i - 1, i + 1)) ? c : '\ufffd')));

t.test('REST exports: each query parameter corrupted, for every dataset and format', (t) =>
  restProperty(
    t,
    'corrupted export requests',
    fc
      .record({
        dataset: fc.constantFrom(...DATASETS),
        ext: fc.constantFrom('', '.csv', '.json'),
        param: fc.constantFrom('year', 'namnd', 'updatedSince', 'updatedBefore', 'top', 'cursor', 'delimiter'),
        value: restValue,
      })
      .map(({ dataset, ext, param, value }) => ({
        url: `/api/v1/exports/${dataset}${ext}?${q({ year: String(DRAFT_YEAR), [param]: value })}`,
        param,
        roles: ['auditor'],
      })),
  ),
);

t.test('REST reports: the nämnd code and year in the path corrupted', (t) =>
  restProperty(
    t,
    'corrupted report requests',
    fc
      .record({
        report: fc.constantFrom('plans/%c/%y/risk-matrix.svg', 'plans/%c/%y/vor.html', 'plans/%c/%y/follow-up.html', 'ledningens-genomgang/%c/%y.html'),
        param: fc.constantFrom('namndCode', 'year'),
        value: restValue,
      })
      .map(({ report, param, value }) => {
        const code = param === 'namndCode' ? segment(value) : SUBJECT_NAMND;
        const year = param === 'year' ? segment(value) : String(ADOPTED_YEAR);
        return { url: `/api/v1/reports/${report.replace('%c', code || '%20').replace('%y', year || '%20')}`, param, roles: ['viewer:*'] };
      }),
  ),
);

t.test('REST events feed: after, limit and types corrupted', (t) =>
  restProperty(
    t,
    'corrupted feed requests',
    fc.record({ param: fc.constantFrom('after', 'limit', 'types'), value: restValue }).map(({ param, value }) => ({ url: `/api/v1/events?${q({ [param]: value })}`, param, roles: ['integration'] })),
  ),
);

t.test('REST imports: each query parameter and the file corrupted; a refused import writes nothing', (t) =>
  restProperty(
    t,
    'corrupted imports',
    fc
      .record({ param: fc.constantFrom('namnd', 'year', 'dryRun', 'namndName', 'file', 'oonskad_handelse', 'process'), value: restValue, admin: fc.boolean() })
      .map(({ param, value, admin }) => {
        const header = 'nr;mal;process;arbetssatt;oonskad_handelse;sannolikhet;konsekvens;rv;ikp';
        const cell = (name: string, fallback: string) => (param === name ? `"${value.replaceAll('"', '""')}"` : fallback);
        const row = `${950_000 + counter++};1.1 Mål;${cell('process', 'Process')};Arbetssätt;${cell('oonskad_handelse', 'Risk')};2;2;4;Nej`;
        const body = param === 'file' ? value : `${header}\n${row}\n`;
        const params: Record<string, string> = { namnd: SUBJECT_NAMND, year: String(DRAFT_YEAR), dryRun: 'true' };
        if (param in params || param === 'namndName') params[param] = value;
        if (param === 'namndName' && admin) params.namnd = `NY${counter}`;
        // An admin may create the nämnd a file names (with namndName): that path writes the name too.
        const roles = admin ? ['admin'] : [`editor:${SUBJECT_NAMND}`];
        return { method: 'POST' as const, url: `/api/v1/imports/vor?${q(params)}`, param: param === 'file' ? '' : param, body, roles };
      }),
  ),
);

t.teardown(() => console.log(`# input properties: ${tally.tried} corrupted GraphQL inputs (${tally.accepted} accepted, ${tally.refused} refused) + ${tally.rest} odd or corrupted REST requests, 0 server errors`));

t.test('GraphQL: random cursors on every paged field and random content types get a 4xx or an answer, never a 500', async (t) => {
  const cursor = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ maxLength: 60 }).map((s) => Buffer.from(`v1:${s}`).toString('base64url')),
    fc.constantFrom('v1:', 'v1:2026|', 'v1:-1', 'v1:1e9', 'v1:99999999999999999999', 'v1:00000000-0000-0000-0000-00000000000g').map((s) => Buffer.from(s).toString('base64url')),
  );
  const PAGED = [
    'query($c: String) { plans(after: $c) { nodes { id } } }',
    'query($c: String) { risks(after: $c) { nodes { id } } }',
    'query($c: String) { auditEvents(after: $c) { nodes { id } } }',
  ];
  await check(
    t,
    fc.asyncProperty(fc.constantFrom(...PAGED), cursor, async (query, after) => {
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token('admin')}` },
        payload: JSON.stringify({ query, variables: { c: after } }),
      });
      if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} for ${after}: ${res.body.slice(0, 300)}`);
      const code = (res.json() as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code;
      if (code && code !== 'VALIDATION_FAILED') throw new Error(`cursor ${JSON.stringify(after)} refused with ${code}`);
    }),
    RUNS,
    'random cursors',
  );
  const contentType = fc.oneof(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/json; charset=latin1', ''), fc.string({ maxLength: 40 }));
  const method = fc.constantFrom('GET', 'POST');
  await check(
    t,
    fc.asyncProperty(contentType, method, fc.constantFrom('{ me { sub } }', 'mutation { _noop }', 'query A { me { sub } }'), async (type, m, query) => {
      const body = JSON.stringify({ query });
      const res = await app.inject({
        method: m,
        url: m === 'GET' ? `/graphql?query=${encodeURIComponent(query)}&operationName=B` : '/graphql',
        headers: { ...(type ? { 'content-type': type } : {}), authorization: `Bearer ${token('admin')}` },
        ...(m === 'POST' ? { payload: body } : {}),
      });
      if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} for ${m} ${type}: ${res.body.slice(0, 300)}`);
    }),
    RUNS,
    'content types and methods',
  );
});
