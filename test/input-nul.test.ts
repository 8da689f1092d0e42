import t from 'tap';
import { sql } from 'drizzle-orm';
import { rawRows } from '../src/db/raw.js';
import { buildTestApp, gqlOk, token } from './helper.js';

// PostgreSQL text cannot hold a NUL character. GraphQL refuses one at the door; these REST parameters reached the
// database with it and answered 500 (found by test/input-properties.test.ts).
const { app, database } = await buildTestApp(t, { WEBHOOKS_ENABLED: 'false', DUE_JOB_ENABLED: 'false' });
await gqlOk(app, 'mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }');
await gqlOk(app, 'mutation { createGoal(input: { year: 2026, code: "3.5", title: "Beredskap" }) { id } }');
await gqlOk(app, 'mutation { createGoal(input: { year: 2026, code: "1.1", title: "Uppväxt" }) { id } }');
await gqlOk(app, 'mutation { createPlan(input: { namndCode: "SN", year: 2026 }) { id } }');
const count = async () => (await rawRows<{ n: string }>(database.db, sql`select (select count(*) from audit_events) + (select count(*) from risks) + (select count(*) from namnder) as n`))[0].n;
const HEADER = 'nr;mal;process;arbetssatt;oonskad_handelse;sannolikhet;konsekvens;rv;ikp';
const post = (query: string, body: string, roles: string[]) =>
  app.inject({ method: 'POST', url: `/api/v1/imports/vor?${query}`, headers: { authorization: `Bearer ${token(roles)}`, 'content-type': 'text/csv' }, payload: body });

t.test('the events feed refuses a NUL in an event type, naming the parameter', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/events?types=plan.adopt,nul%00byte', headers: { authorization: `Bearer ${token(['integration'])}` } });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { code: 'VALIDATION_FAILED', fields: [{ path: /types/ }] });
});

t.test('a VoR file with a NUL in a cell is refused line by line, and nothing is written', async (t) => {
  const before = await count();
  for (const dryRun of ['true', 'false']) {
    const res = await post(`namnd=SN&year=2026&dryRun=${dryRun}`, `${HEADER}\n1;1.1 Uppväxt;Process;Arbetssätt;"Risk\u0000med NUL";2;2;4;Nej\n`, ['editor:SN']);
    t.equal(res.statusCode, 422, `dryRun=${dryRun}`);
    t.match(res.json(), { code: 'IMPORT_INVALID', errors: [{ line: 2, field: 'oonskadHandelse', message: /NUL/ }] });
  }
  t.equal(await count(), before);
});

t.test('a nämnd name with a NUL (an admin importing a new nämnd) is refused, naming the parameter', async (t) => {
  const before = await count();
  const res = await post(`namnd=NY&year=2026&namndName=${encodeURIComponent('Ny\u0000nämnd')}`, `${HEADER}\n1;1.1 Uppväxt;Process;Arbetssätt;Risk;2;2;4;Nej\n`, ['admin']);
  t.equal(res.statusCode, 400);
  t.match(res.json(), { code: 'VALIDATION_FAILED', fields: [{ path: /namndName/ }] });
  t.equal(await count(), before);
});

t.test('a lone UTF-16 surrogate in text that reaches the audit trail as given is refused, naming the field', async (t) => {
  const mp = await gqlOk(app, '{ mandatoryProcesses { name goalCode fromYear workingMethods { name } } }');
  const before = await count();
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { authorization: `Bearer ${token(['admin'])}`, 'content-type': 'application/json' },
    payload: JSON.stringify({
      query: 'mutation($i: MandatoryProcessInput!) { setMandatoryProcess(input: $i) { id } }',
      variables: { i: { name: 'Egenkontroll \ud800', goalCode: '3.5', fromYear: 2099, workingMethods: [{ name: 'Loggning' }] } },
    }),
  });
  t.match(res.json(), { errors: [{ extensions: { code: 'VALIDATION_FAILED', fields: [{ path: /name/ }] } }] });
  t.equal(await count(), before);
  t.same((await gqlOk(app, '{ mandatoryProcesses { name goalCode fromYear workingMethods { name } } }')).mandatoryProcesses, mp.mandatoryProcesses, 'nothing changed');
});
