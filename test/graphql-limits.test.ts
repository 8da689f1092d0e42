import t from 'tap';
import { buildTestApp, gql, gqlOk, codeOf, token } from './helper.js';

const { app } = await buildTestApp(t, {
  GRAPHQL_MAX_COST: '3000',
  GRAPHQL_MAX_ALIASES: '5',
  GRAPHQL_MAX_BATCH: '3',
  BODY_LIMIT: '4096',
});
await gqlOk(app, `mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }`);

const post = (payload: unknown, auth = token('admin')) =>
  app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, payload: payload as string });

t.test('a query deeper than GRAPHQL_MAX_DEPTH is refused with QUERY_TOO_DEEP and the numbers', async (t) => {
  // The schema is still shallow (three levels), so the limit is set to two here.
  const { app: shallow } = await buildTestApp(t, { GRAPHQL_MAX_DEPTH: '2' });
  t.notOk((await gql(shallow, '{ namnder { code } me { sub roles } }')).errors, 'two levels, however broad');
  const deep = await gql(shallow, '{ namnder { history { id } } }');
  t.equal(deep.statusCode, 400);
  t.equal(codeOf(deep), 'QUERY_TOO_DEEP');
  t.match(deep.errors![0], { message: /3 levels deep; at most 2/, extensions: { depth: 3, maxDepth: 2 } });
  // Levels reached through fragments count too.
  const viaFragment = await gql(shallow, '{ namnder { ...N } } fragment N on Namnd { history { id } }');
  t.equal(codeOf(viaFragment), 'QUERY_TOO_DEEP');
});

t.test('a query whose estimated cost is over GRAPHQL_MAX_COST is refused with QUERY_TOO_COSTLY', async (t) => {
  // Lists at the top of a tree count 50 items, children inside a plan 3 each: 50 plans × 50 processes × 3 working
  // methods × … is far over 3000, while one plan's processes are not.
  t.notOk((await gql(app, '{ namnder { code name history { id } } }')).errors);
  const nested = await gql(app, '{ plans(first: 50) { nodes { processes { workingMethods { risks { controls { activities { description } } } } } } } }');
  t.equal(nested.statusCode, 400);
  t.equal(codeOf(nested), 'QUERY_TOO_COSTLY');
  t.match(nested.errors![0].extensions, { maxCost: 3000 });
  t.ok((nested.errors![0].extensions.cost as number) > 3000);

  // The same document is cheap or costly depending on its page size, so the check sees the variables.
  const Q = 'query($n: Int) { auditEvents(first: $n) { nodes { id actor action changes hash chain } } }';
  t.notOk((await gql(app, Q, { n: 100 })).errors, 'a page of 100');
  t.equal(codeOf(await gql(app, Q, { n: 500 })), 'QUERY_TOO_COSTLY', 'a page of 500');
  t.notOk((await gql(app, Q, { n: 100 })).errors, 'the verdict is not cached with the document');
  // A default page argument (first = 50) counts when the caller gives none.
  t.notOk((await gql(app, '{ auditEvents { nodes { id actor action changes hash chain } } }')).errors);
  // Aliased copies add up: one page of 400 passes, two do not.
  const page = 'auditEvents(first: 400) { nodes { id actor action changes hash chain } }';
  t.notOk((await gql(app, `{ a: ${page} }`)).errors);
  const copies = await gql(app, `{ a: ${page} b: ${page} }`);
  t.equal(codeOf(copies), 'QUERY_TOO_COSTLY');
});

t.test("one plan's whole tree counts each of its rows once, however deep the nesting", async (t) => {
  // A plan holds at most the measured bound (50 here) of each kind of row: its processes' working methods' risks'
  // controls' activities' follow-ups are 50 rows at each level, not 50 × 3 × 3 × 3 × 3 × 3 (which is over 3000).
  const tree = `{ plan(namndCode: "SN", year: 2026) { id processes { id name goal { code title } workingMethods { id name
    risks { id nr title likelihood consequence rv inIkp band { key } controls { id description activities { id description
    responsible periods followUps { id period status outcome } } } } } } } }`;
  t.notOk((await gql(app, tree)).errors, 'the plan tree is accepted');
  // The same rows of 50 plans are 50 times as many, and another plan reached from inside a plan opens its own.
  t.equal(codeOf(await gql(app, tree.replace('{ plan(namndCode: "SN", year: 2026) {', '{ plans(first: 50) { nodes {') + ' }')), 'QUERY_TOO_COSTLY');
  const nestedPlans = `{ plan(namndCode: "SN", year: 2026) { risks { plan { processes { workingMethods { risks { controls { activities { id } } } } } } } } }`;
  t.equal(codeOf(await gql(app, nestedPlans)), 'QUERY_TOO_COSTLY', 'each risk\'s plan is a plan tree of its own');
  // A fragment spread both inside and outside a plan is counted as outside (a few per parent, multiplied).
  const shared = `{ plan(namndCode: "SN", year: 2026) { risks { ...C } } risks(first: 100) { nodes { ...C } } } fragment C on Risk { controls { activities { followUps { id period status outcome } } } }`;
  t.equal(codeOf(await gql(app, shared)), 'QUERY_TOO_COSTLY');
});

t.test('more aliases than GRAPHQL_MAX_ALIASES → TOO_MANY_ALIASES', async (t) => {
  const q = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `m${i}: me { sub }`).join(' ')} }`;
  t.notOk((await gql(app, q(5))).errors);
  const r = await gql(app, q(6));
  t.equal(r.statusCode, 400);
  t.equal(codeOf(r), 'TOO_MANY_ALIASES');
  t.match(r.errors![0].extensions, { aliases: 6, maxAliases: 5 });
});

t.test('a batch larger than GRAPHQL_MAX_BATCH is refused whole with BATCH_TOO_LARGE', async (t) => {
  const op = (code: string) => ({ query: `mutation { createNamnd(input: { code: "${code}", name: "Batch ${code}" }) { id } }` });
  const ok = await post([op('B1'), op('B2'), op('B3')]);
  t.equal(ok.statusCode, 200);
  t.equal(ok.json().length, 3);
  const tooBig = await post([op('B4'), op('B5'), op('B6'), op('B7')]);
  t.equal(tooBig.statusCode, 400);
  t.equal(tooBig.json().errors[0].extensions.code, 'BATCH_TOO_LARGE');
  const codes = (await gqlOk(app, '{ namnder { code } }')).namnder.map((n: { code: string }) => n.code);
  t.same(codes, ['B1', 'B2', 'B3', 'SN'], 'none of the refused batch ran');
});

t.test('a body over BODY_LIMIT → 413 PAYLOAD_TOO_LARGE in the GraphQL error shape', async (t) => {
  const res = await post({ query: 'query($s: String!) { namnd(code: $s) { id } }', variables: { s: 'x'.repeat(5000) } });
  t.equal(res.statusCode, 413);
  t.equal(res.json().errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
});

t.test('malformed JSON is a 400 BAD_REQUEST, not an internal error', async (t) => {
  const res = await post('{"query": ');
  t.equal(res.statusCode, 400);
  t.equal(res.json().errors[0].extensions.code, 'BAD_REQUEST');
});

t.test('requests mercurius would crash on are bad input naming the field', async (t) => {
  const get = (qs: string) => app.inject({ url: `/graphql?${qs}`, headers: { authorization: `Bearer ${token('admin')}` } });
  for (const q of ['false', '123', '{}', 'null']) {
    const res = await get(`query=${encodeURIComponent(q)}`);
    t.equal(res.statusCode, 400, `query=${q}`);
    t.match(res.json().errors[0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: 'query' }] });
  }
  const vars = await get(`query=${encodeURIComponent('{ me { sub } }')}&variables=5`);
  t.equal(vars.statusCode, 400);
  t.match(vars.json().errors[0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: 'variables' }] });
  const batch = await post([{ query: '{ me { sub } }' }, { query: '{ me { sub } }', variables: [1] }]);
  t.match(batch.json().errors[0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: '1.variables' }] });
});

t.test('a NUL character, which PostgreSQL text cannot hold, is refused naming the field', async (t) => {
  const CREATE = 'mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id } }';
  const r = await gql(app, CREATE, { input: { code: 'NUL', name: 'Nollnämnden', forvaltning: 'a\u0000b' } });
  t.equal(r.statusCode, 400);
  t.match(r.errors![0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: 'input.forvaltning' }] });
  const literal = await gql(app, '{ namnd(code: "S\\u0000N") { id } }');
  t.match(literal.errors![0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: 'code' }] });
  const nulled = await gql(app, 'query($code: String!) { namnd(code: $code) { id } }', { code: null });
  t.match(nulled.errors![0].extensions, { code: 'VALIDATION_FAILED', fields: [{ path: 'code' }] });
});
