import t from 'tap';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { rawRows } from '../src/db/raw.js';
import { namndRepository } from '../src/modules/namnder/namnder.repository.js';
import { buildTestApp, gqlOk, token } from './helper.js';
import { badValue } from './properties/arbitraries.js';
import { inputEntries, type PropertyContext } from './properties/entries.js';
import { SUBJECT_NAMND } from './authz/callers.js';

const RUNS = 60;
const REFUSALS = new Set(['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'NOT_FOUND', 'CONFLICT', 'BAD_REQUEST']);

const { app, database } = await buildTestApp(t);
await gqlOk(app, `mutation { createNamnd(input: { code: "${SUBJECT_NAMND}", name: "Servicenämnden" }) { id } }`);

let counter = 0;
const ctx: PropertyContext = {
  async namnd(code) {
    const row = await namndRepository.byCode(database.db, code);
    if (!row) throw new Error(`fixture ${code} missing`);
    return row;
  },
  unique: () => String(++counter),
};
// Every table a refused call might touch, as one number that any insert, update or delete changes.
const footprint = async () =>
  (
    await rawRows<{ n: string }>(
      database.db,
      sql`select (select count(*) from audit_events)::text || '/' || (select count(*) from namnder)::text || '/' || (select coalesce(sum(version), 0) from namnder)::text as n`,
    )
  )[0].n;

const tally = { tried: 0, accepted: 0, refused: 0, rest: 0 };

for (const [name, entry] of Object.entries(inputEntries)) {
  t.test(`${name}: corrupted input is accepted or refused as bad input, never a 500`, async (t) => {
    await fc.assert(
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
        const body = res.json() as { errors?: { extensions: { code: string; fields?: unknown } }[] };
        if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
        const error = body.errors?.[0];
        if (!error) {
          tally.accepted++;
          return;
        }
        tally.refused++;
        const code = error.extensions.code;
        if (!REFUSALS.has(code)) throw new Error(`refused with ${code}: ${res.body.slice(0, 300)}`);
        if (code === 'VALIDATION_FAILED' && !JSON.stringify(error.extensions.fields ?? '').includes(field)) {
          throw new Error(`VALIDATION_FAILED does not name ${field}: ${res.body.slice(0, 300)}`);
        }
        const after = await footprint();
        if (after !== before) throw new Error(`a refused call wrote something (${before} → ${after})`);
      }),
      { numRuns: RUNS },
    );
    t.pass(`${RUNS} corrupted inputs`);
  });
}

t.test('REST: odd paths and query strings on every GET route get a 4xx or an answer, never a 500', async (t) => {
  const routes = ['/health/live', '/health/ready', '/graphql', '/graphiql'];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.dictionary(fc.constantFrom('query', 'variables', 'operationName', 'x', '__proto__'), fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json()), { maxKeys: 3 }),
      fc.oneof(fc.constant(''), fc.string({ maxLength: 40 }).map((s) => `/${encodeURIComponent(s)}`)),
      async (route, params, suffix) => {
        const qs = new URLSearchParams(params as Record<string, string>).toString();
        const res = await app.inject({ method: 'GET', url: `${route}${suffix}${qs ? `?${qs}` : ''}`, headers: { authorization: `Bearer ${token('viewer:*')}` } });
        tally.rest++;
        if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} for ${route}${suffix}?${qs}: ${res.body.slice(0, 300)}`);
      },
    ),
    { numRuns: RUNS * 2 },
  );
  t.pass(`${RUNS * 2} odd requests`);
});

t.teardown(() => console.log(`# input properties: ${tally.tried} corrupted inputs (${tally.accepted} accepted, ${tally.refused} refused) + ${tally.rest} odd REST requests, 0 server errors`));
