import t from 'tap';
import { getIntrospectionQuery } from 'graphql';
import { buildApp } from '../src/app.js';
import { redactUrl } from '../src/http/redact-url.js';
import { MAX_PAGE_SIZE } from '../src/lib/cursor.js';
import { buildTestApp, codeOf, createTestDatabase, gql, gqlOk, testConfig, token, QUIET } from './helper.js';
import { loadServicenamnden } from './support/servicenamnden.js';

// Issue 16 items 2, 7 and 8: the cost limit fails closed, bad input is a 4xx, introspection answers, GraphiQL is local.
const { app } = await buildTestApp(t, { ...QUIET, GRAPHQL_MAX_COST: '20000' });
await loadServicenamnden(app);
const ADMIN = { authorization: `Bearer ${token('admin')}` };
const post = (payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.inject({ method: 'POST', url: '/graphql', headers: { ...ADMIN, ...headers }, payload: payload as string });

const TREE = 'plans(first: 500) { nodes { processes { workingMethods { risks { controls { activities { description } } } } } } }';

t.test('another operation lacking a variable does not make the cost count as 0', async (t) => {
  const alone = await post({ query: `query B { ${TREE} }` });
  t.equal(alone.statusCode, 400);
  t.equal(alone.json().errors[0].extensions.code, 'QUERY_TOO_COSTLY');
  const withDecoy = await post({ query: `query A($x: Int!) { plans(first: $x) { nodes { id } } } query B { ${TREE} }`, operationName: 'B' });
  t.equal(withDecoy.statusCode, 400);
  t.match(withDecoy.json().errors[0].extensions, { code: 'QUERY_TOO_COSTLY', cost: alone.json().errors[0].extensions.cost });
  // The decoy itself, selected without its variable, is bad input; no operation named is refused too.
  const decoy = await post({ query: `query A($x: Int!) { plans(first: $x) { nodes { id } } } query B { me { sub } }`, operationName: 'A' });
  t.match(decoy.json().errors[0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: 'x' }] });
  const unnamed = await post({ query: `query A { me { sub } } query B { me { sub } }` });
  t.match(unnamed.json().errors[0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: 'operationName' }] });
  t.equal((await post({ query: `query A($x: Int!) { plans(first: $x) { nodes { id } } } query B { me { sub } }`, operationName: 'B' })).statusCode, 200);
});

t.test('a batch is limited by the total of its operations', async (t) => {
  const page = '{ auditEvents(first: 400) { nodes { id actor action changes hash chain } } }';
  const one = await post([{ query: page }]);
  t.equal(one.statusCode, 200);
  const many = await post(Array.from({ length: 10 }, () => ({ query: page })));
  t.equal(many.statusCode, 400);
  t.equal(many.json().errors[0].extensions.code, 'QUERY_TOO_COSTLY');
  t.match(many.json().errors[0].message, /This batch/);
});

t.test('pages are capped where the estimate caps them, and lists count the largest plan', async (t) => {
  const big = await gql(app, `{ plans(first: ${MAX_PAGE_SIZE + 1}) { nodes { id } } }`);
  t.equal(codeOf(big), 'VALIDATION_FAILED');
  t.notOk((await gql(app, `{ plans(first: ${MAX_PAGE_SIZE}) { nodes { id } } }`)).errors);
  // Servicenämnden's plan has 70 risks: an unpaged list in a plan counts 70 (not a guessed 50).
  const risks = (await gqlOk(app, '{ plan(namndCode: "SN", year: 2026) { risks { id } } }')).plan.risks.length;
  t.ok(risks > 50);
  // plans: 1 + 500 × (nodes: 1 + (risks: 1 + largest list × one id)).
  const refused = await gql(app, '{ plans(first: 500) { nodes { risks { id } } } }');
  t.equal(codeOf(refused), 'QUERY_TOO_COSTLY');
  t.equal(refused.errors![0].extensions.cost, 1 + 500 * (2 + risks));
  // A mutation that grows the largest plan is counted before its answer goes out, not at the next timer.
  const plan = (await gqlOk(app, '{ plan(namndCode: "SN", year: 2026) { status processes { workingMethods { id } } } }')).plan;
  t.equal(plan.status, 'DRAFT');
  await gqlOk(app, 'mutation($i: CreateRiskInput!) { createRisk(input: $i) { id } }', { i: { workingMethodId: plan.processes[0].workingMethods[0].id, nr: 999, title: 'En till', likelihood: 1, consequence: 1 } });
  const grown = await gql(app, '{ plans(first: 500) { nodes { risks { id } } } }');
  t.equal(grown.errors![0].extensions.cost, 1 + 500 * (2 + risks + 1));
  // A failed mutation touches no plan and leaves the figure as it was.
  t.ok((await gql(app, 'mutation { createNamnd(input: { code: "", name: "" }) { id } }')).errors);
  t.equal((await gql(app, '{ plans(first: 500) { nodes { risks { id } } } }')).errors![0].extensions.cost, 1 + 500 * (2 + risks + 1));
});

t.test('GRAPHQL_MAX_RESPONSE_BYTES refuses a larger answer with a stable code', async (t) => {
  const { app: capped } = await buildTestApp(t, { ...QUIET, GRAPHQL_MAX_RESPONSE_BYTES: '2000' });
  const small = await gql(capped, '{ me { sub } }');
  t.equal(small.statusCode, 200);
  const res = await gql(capped, getIntrospectionQuery());
  t.equal(res.statusCode, 400);
  t.match(res.errors![0].extensions, { code: 'RESPONSE_TOO_LARGE', maxBytes: 2000 });
  t.equal(res.data, null);
});

t.test('tampered cursors are VALIDATION_FAILED wherever a cursor is decoded', async (t) => {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const cursors = ['garbage', b64('v1:abc'), b64('v1:2026|'), b64('v1:99999999999999999999'), b64('v1:x|y'), '', '%%%'];
  for (const c of cursors) {
    for (const q of [`{ plans(after: "${c}") { nodes { id } } }`, `{ risks(after: "${c}") { nodes { id } } }`, `{ auditEvents(after: "${c}") { nodes { id } } }`]) {
      const r = await gql(app, q);
      if (c === '') continue;
      t.equal(codeOf(r), 'VALIDATION_FAILED', `${q}`);
    }
  }
  // A cursor the API gave still works.
  const page = await gqlOk(app, '{ risks(first: 2) { nodes { id } pageInfo { endCursor } } }');
  const next = await gqlOk(app, `{ risks(first: 2, after: "${page.risks.pageInfo.endCursor}") { nodes { id } } }`);
  t.notSame(next.risks.nodes, page.risks.nodes);
});

t.test('a mutation over GET is 405, JSON as text/plain is 415, an unknown operationName is 400', async (t) => {
  const get = await app.inject({ url: `/graphql?query=${encodeURIComponent('mutation { createNamnd(input: { code: "GET", name: "Get" }) { id } }')}`, headers: ADMIN });
  t.equal(get.statusCode, 405);
  t.equal(get.json().errors[0].extensions.code, 'METHOD_NOT_ALLOWED');
  t.equal(codeOf(await gql(app, '{ namnd(code: "GET") { id } }')), 'NOT_FOUND', 'it did not run');
  const unknownOp = await app.inject({ url: `/graphql?query=${encodeURIComponent('query A { me { sub } }')}&operationName=B`, headers: ADMIN });
  t.equal(unknownOp.statusCode, 400);
  t.equal(unknownOp.json().errors[0].extensions.code, 'VALIDATION_FAILED');
  const plain = await post(JSON.stringify({ query: '{ me { sub } }' }), { 'content-type': 'text/plain' });
  t.equal(plain.statusCode, 415);
  t.equal(plain.json().errors[0].extensions.code, 'UNSUPPORTED_MEDIA_TYPE');
  const graphqlBody = await post('{ me { sub } }', { 'content-type': 'application/graphql' });
  t.equal(graphqlBody.statusCode, 200, 'application/graphql still works');
});

t.test('the standard introspection query answers; its cost still counts', async (t) => {
  const r = await gql(app, getIntrospectionQuery());
  t.notOk(r.errors);
  t.ok(r.data.__schema.types.length > 50);
  const { app: cheap } = await buildTestApp(t, { ...QUIET, GRAPHQL_MAX_COST: '10' });
  t.equal(codeOf(await gql(cheap, getIntrospectionQuery())), 'QUERY_TOO_COSTLY');
  // Data fields nested as deep are still refused.
  const { app: shallow } = await buildTestApp(t, { ...QUIET, GRAPHQL_MAX_DEPTH: '2' });
  t.notOk((await gql(shallow, '{ __schema { types { fields { type { ofType { name } } } } } }')).errors);
  t.equal(codeOf(await gql(shallow, '{ namnder { history { id } } }')), 'QUERY_TOO_DEEP');
  t.equal(codeOf(await gql(app, getIntrospectionQuery(), {}, null)), 'UNAUTHENTICATED', 'authenticated callers only');
});

t.test('field suggestions only outside production', async (t) => {
  const dev = await gql(app, '{ namnder { cod } }');
  t.match(dev.errors![0].message, /Did you mean/);
  const { app: prod } = await buildTestApp(t, { ...QUIET, GRAPHQL_SUGGESTIONS: 'false' });
  const r = await gql(prod, '{ namnder { cod } }');
  t.equal(codeOf(r), 'GRAPHQL_VALIDATION_FAILED');
  t.equal(r.errors![0].message, 'Cannot query field "cod" on type "Namnd".');
  t.equal(testConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/test' }).GRAPHQL_SUGGESTIONS, undefined, 'production default comes from NODE_ENV');
  const tdb = await createTestDatabase(t);
  const production = await buildApp(testConfig({ ...QUIET, NODE_ENV: 'production', DATABASE_URL: 'postgres://unused/test' }), { database: tdb.database });
  t.teardown(() => production.close());
  t.notMatch((await gql(production, '{ namnder { cod } }')).errors![0].message, /Did you mean/);
});

t.test('GraphiQL is served from the service itself under a self-only policy', async (t) => {
  const page = await app.inject('/graphiql');
  t.equal(page.statusCode, 200);
  const csp = page.headers['content-security-policy'] as string;
  for (const directive of ['default-src', 'script-src', 'style-src', 'connect-src']) t.match(csp, new RegExp(`${directive} 'self'(;|$)`), directive);
  t.notMatch(csp, /https?:|unsafe-inline|unpkg/);
  t.notMatch(page.body, /(src|href)="(https?:)?\/\//, 'no external host in the page');
  const srcs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  t.ok(srcs.length >= 4);
  for (const src of srcs) {
    const asset = await app.inject(src);
    t.equal(asset.statusCode, 200, src);
    t.ok(asset.body.length > 0);
  }
  t.equal((await app.inject('/graphiql/assets/nothing.js')).statusCode, 404);
});

t.test('query strings are redacted in the logs', async (t) => {
  const lines: string[] = [];
  const tdb = await createTestDatabase(t);
  const logged = await buildApp(testConfig({ ...QUIET, LOG_LEVEL: 'info' }), { database: tdb.database, logStream: { write: (l) => lines.push(l) } });
  t.teardown(() => logged.close());
  await logged.inject({ url: `/graphql?query=${encodeURIComponent('{ me { sub } }')}&access_token=s3cret-token`, headers: ADMIN });
  const text = lines.join('');
  t.match(text, /"url":"\/graphql\?query=\[redacted\]&access_token=\[redacted\]"/);
  t.notMatch(text, /s3cret-token/);
  t.notMatch(text, /me%20%7B|me \{/, 'nor the query text');
  t.equal(redactUrl('/a?b=c&d'), '/a?b=[redacted]&d=[redacted]');
  t.equal(redactUrl('/a'), '/a');
});
