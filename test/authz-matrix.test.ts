import t from 'tap';
import { sql } from 'drizzle-orm';
import type { RouteOptions } from 'fastify';
import { buildApp } from '../src/app.js';
import { rawRows } from '../src/db/raw.js';
import { namndRepository } from '../src/modules/namnder/namnder.repository.js';
import { createTestDatabase, testConfig } from './helper.js';
import { authorization, CALLERS, ISSUER, OTHER_NAMND, SUBJECT_NAMND, type Caller } from './authz/callers.js';
import { graphqlMatrix, restMatrix, type MatrixContext } from './authz/matrix.js';

const routes: string[] = [];
const collect = (route: RouteOptions) => {
  for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
};
const { database } = await createTestDatabase(t);
const app = await buildApp(testConfig({ JWT_ISSUER: ISSUER }), { database, onRoute: collect });
t.teardown(() => app.close());

const SECRET_NAME = 'Servicenämnden (matrisens hemliga namn)';
async function gqlAs(caller: Caller, query: string, variables: Record<string, unknown> = {}) {
  const auth = authorization(caller);
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    payload: { query, variables },
  });
  return { status: res.statusCode, body: res.body, json: res.json() as { data: Record<string, unknown> | null; errors?: { extensions: { code: string } }[] } };
}
for (const [code, name] of [[SUBJECT_NAMND, SECRET_NAME], [OTHER_NAMND, 'Kommunstyrelsen']]) {
  const r = await gqlAs('admin', 'mutation($i: CreateNamndInput!) { createNamnd(input: $i) { id } }', { i: { code, name } });
  if (r.json.errors) throw new Error(r.body);
}

let counter = 0;
const ctx: MatrixContext = {
  async namnd(code) {
    const row = await namndRepository.byCode(database.db, code);
    if (!row) throw new Error(`fixture ${code} missing`);
    return row;
  },
  unique: () => String(++counter),
};
const footprint = async () =>
  (await rawRows<{ n: number }>(database.db, sql`select (select count(*) from audit_events) + (select count(*) from namnder) as n`))[0].n;

t.test('every GraphQL operation and REST route has an entry in the matrix, and every entry still exists', async (t) => {
  const served = {
    Query: Object.keys(app.graphql.schema.getQueryType()!.getFields()),
    Mutation: Object.keys(app.graphql.schema.getMutationType()?.getFields() ?? {}),
  };
  t.notOk(app.graphql.schema.getSubscriptionType(), 'subscriptions would need matrix entries too');
  for (const type of ['Query', 'Mutation'] as const) {
    const entries = Object.keys(graphqlMatrix[type]);
    t.same(served[type].filter((f) => !entries.includes(f)), [], `${type} fields without a matrix entry (add them to test/authz/matrix.ts)`);
    t.same(entries.filter((f) => !served[type].includes(f)), [], `matrix entries for ${type} fields that are no longer served`);
  }
  const get = new Set(routes.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4)));
  const registered = [...new Set(routes)].filter((r) => !(r.startsWith('HEAD ') && get.has(r.slice(5))));
  t.same(registered.filter((r) => !(r in restMatrix)).sort(), [], 'routes without a matrix entry (add them to test/authz/matrix.ts)');
  t.same(Object.keys(restMatrix).filter((r) => !registered.includes(r)).sort(), [], 'matrix entries for routes that are no longer registered');
});

let cells = 0;
for (const type of ['Query', 'Mutation'] as const) {
  for (const [field, entry] of Object.entries(graphqlMatrix[type])) {
    t.test(`${type}.${field} × every caller`, async (t) => {
      for (const caller of CALLERS) {
        const expected = entry.expect[caller];
        const request = await entry.request(ctx);
        const before = await footprint();
        const r = await gqlAs(caller, request.query, request.variables);
        const code = r.json.errors?.[0]?.extensions.code;
        cells++;
        if (expected === 'ok' || expected === 'ok-filtered') {
          t.equal(code, undefined, `${caller}: allowed (${r.body.slice(0, 200)})`);
          if (expected === 'ok-filtered') t.notMatch(r.body, SECRET_NAME, `${caller}: sees nothing of ${SUBJECT_NAMND}`);
          continue;
        }
        t.equal(code, expected, `${caller}: ${expected}`);
        if (expected === 'UNAUTHENTICATED') t.equal(r.status, 401, `${caller}: HTTP 401`);
        t.notOk(r.json.data?.[field], `${caller}: no data`);
        t.notMatch(r.body, SECRET_NAME, `${caller}: nothing of ${SUBJECT_NAMND} in the refusal`);
        t.equal(await footprint(), before, `${caller}: nothing written`);
      }
    });
  }
}

for (const [route, entry] of Object.entries(restMatrix)) {
  t.test(`${route} × every caller`, async (t) => {
    for (const caller of CALLERS) {
      const auth = authorization(caller);
      const res = await app.inject({
        method: entry.request.method,
        url: entry.request.url,
        headers: { ...(entry.request.headers ?? {}), ...(auth ? { authorization: auth } : {}) },
        ...(entry.request.payload ? { payload: entry.request.payload as object } : {}),
      });
      cells++;
      t.equal(res.statusCode, entry.expect[caller], `${caller}: HTTP ${entry.expect[caller]}`);
    }
  });
}

t.teardown(() => {
  const ops = Object.keys(graphqlMatrix.Query).length + Object.keys(graphqlMatrix.Mutation).length;
  console.log(`# authorization matrix: ${ops} GraphQL operations + ${Object.keys(restMatrix).length} routes × ${CALLERS.length} callers = ${cells} cells checked`);
});
