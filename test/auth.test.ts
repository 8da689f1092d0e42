import t from 'tap';
import { createSigner } from 'fast-jwt';
import { buildTestApp, gql, codeOf, token, TEST_SECRET } from './helper.js';

const { app } = await buildTestApp(t, { JWT_ISSUER: 'https://login.stockholm.test' });
const Q = '{ me { sub roles } }';
const sign = (opts: Record<string, unknown>, payload: Record<string, unknown> = { sub: 'anna', roles: ['admin'] }) =>
  createSigner({ key: TEST_SECRET, algorithm: 'HS256', iss: 'https://login.stockholm.test', expiresIn: 60_000, ...opts })(payload);

t.test('health needs no token', async (t) => {
  const live = await app.inject('/health/live');
  t.equal(live.statusCode, 200);
  const ready = await app.inject('/health/ready');
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: 'ok' });
});

t.test('no token → 401 UNAUTHENTICATED', async (t) => {
  const r = await gql(app, Q, {}, null);
  t.equal(r.statusCode, 401);
  t.equal(codeOf(r), 'UNAUTHENTICATED');
  t.notOk(r.data);
});

t.test('a valid token with the right issuer is accepted', async (t) => {
  const r = await gql(app, Q, {}, sign({}));
  t.equal(r.statusCode, 200);
  t.same(r.data.me, { sub: 'anna', roles: ['admin'] });
});

t.test('expired token', async (t) => {
  const expired = createSigner({ key: TEST_SECRET, iss: 'https://login.stockholm.test', clockTimestamp: Date.now() - 7_200_000, expiresIn: 60_000 })({ sub: 'anna', roles: ['admin'] });
  const r = await gql(app, Q, {}, expired);
  t.equal(r.statusCode, 401);
  t.equal(codeOf(r), 'UNAUTHENTICATED');
  t.match(r.errors![0].message, /expired/);
});

t.test('wrongly signed token', async (t) => {
  const forged = createSigner({ key: 'another-secret-that-is-long-enough-for-hs256', iss: 'https://login.stockholm.test', expiresIn: 60_000 })({ sub: 'anna', roles: ['admin'] });
  const r = await gql(app, Q, {}, forged);
  t.equal(r.statusCode, 401);
  t.equal(codeOf(r), 'UNAUTHENTICATED');
});

t.test('alg none is refused', async (t) => {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const none = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 'anna', roles: ['admin'], iss: 'https://login.stockholm.test', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
  const r = await gql(app, Q, {}, none);
  t.equal(r.statusCode, 401);
  t.equal(codeOf(r), 'UNAUTHENTICATED');
});

t.test('a token from another issuer is refused', async (t) => {
  const r = await gql(app, Q, {}, sign({ iss: 'https://evil.example' }));
  t.equal(r.statusCode, 401);
});

t.test('a token without exp or sub is refused', async (t) => {
  const noExp = createSigner({ key: TEST_SECRET, iss: 'https://login.stockholm.test' })({ sub: 'anna', roles: ['admin'] });
  t.equal((await gql(app, Q, {}, noExp)).statusCode, 401);
  t.equal((await gql(app, Q, {}, sign({}, { roles: ['admin'] }))).statusCode, 401);
});

t.test('garbage in the header', async (t) => {
  for (const h of ['Bearer', 'Bearer abc.def', 'Basic dXNlcjpwYXNz', 'Bearer ' + 'x'.repeat(5000)]) {
    const res = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: h, 'content-type': 'application/json' }, payload: { query: Q } });
    t.equal(res.statusCode, 401, h.slice(0, 20));
    t.equal(res.json().errors[0].extensions.code, 'UNAUTHENTICATED');
  }
});

t.test('unknown REST route without token is 401, not a route listing', async (t) => {
  const res = await app.inject('/api/v1/nothing-here');
  t.ok([401, 404].includes(res.statusCode));
});

t.test('tokens from the test helper carry roles', async (t) => {
  const r = await gql(app, Q, {}, sign({}, { sub: 'bo', roles: 'viewer:SN editor:KS' }));
  t.same(r.data.me.roles, ['viewer:SN', 'editor:KS']);
  t.ok(token('admin'));
});
