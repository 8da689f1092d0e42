import t from 'tap';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSigner } from 'fast-jwt';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildTestApp, createTestDatabase, testConfig, token } from './helper.js';

const ME = { query: '{ me { sub } }' };
const post = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], auth: string | null, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers },
    payload: ME,
  });

// Default settings: one app serves the header and default-CORS tests.
const { app: defaults } = await buildTestApp(t);

t.test('security headers: strict on the API, relaxed only for GraphiQL', async (t) => {
  const app = defaults;
  for (const res of [await post(app, token('admin')), await app.inject('/health/live'), await post(app, null)]) {
    t.match(res.headers['content-security-policy'], /default-src 'none'/);
    t.match(res.headers['content-security-policy'], /frame-ancestors 'none'/);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.match(res.headers['strict-transport-security'], /max-age=\d+/);
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    t.notOk(res.headers['x-powered-by']);
  }
  const ide = await app.inject('/graphiql');
  t.equal(ide.statusCode, 200, 'GraphiQL is served (public, outside production)');
  t.match(ide.headers['content-security-policy'], /script-src 'self'(;|$)/);
  t.notMatch(ide.headers['content-security-policy'], /default-src 'none'/);
  const script = await app.inject('/graphiql/assets/graphiql.js');
  t.equal(script.statusCode, 200);
  t.match(script.headers['content-security-policy'], /script-src 'self'(;|$)/);
});

t.test('CORS: no cross-origin caller by default', async (t) => {
  const app = defaults;
  const pre = await app.inject({
    method: 'OPTIONS',
    url: '/graphql',
    headers: { origin: 'https://app.stockholm.se', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  t.notOk(pre.headers['access-control-allow-origin']);
  const res = await post(app, token('admin'), { origin: 'https://app.stockholm.se' });
  t.equal(res.statusCode, 200, 'a server-side caller sending Origin still gets its answer');
  t.notOk(res.headers['access-control-allow-origin']);
});

t.test('CORS: the origins in CORS_ORIGINS, and only those', async (t) => {
  const { app } = await buildTestApp(t, { CORS_ORIGINS: 'https://app.stockholm.se, https://bi.stockholm.se' });
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/graphql',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  const ok = await preflight('https://bi.stockholm.se');
  t.equal(ok.statusCode, 204, 'a preflight needs no token');
  t.equal(ok.headers['access-control-allow-origin'], 'https://bi.stockholm.se');
  t.match(ok.headers['access-control-allow-headers'], /authorization/);
  t.match(ok.headers['access-control-allow-methods'], /POST/);
  const evil = await preflight('https://evil.example');
  t.notOk(evil.headers['access-control-allow-origin']);
  const res = await post(app, token('admin'), { origin: 'https://app.stockholm.se' });
  t.equal(res.headers['access-control-allow-origin'], 'https://app.stockholm.se');
  t.match(res.headers['access-control-expose-headers'], /retry-after/);
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://ok.example,*' }), /CORS_ORIGINS/);
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://ok.example/path' }), /CORS_ORIGINS/);
});

t.test('rate limit: per verified subject, else per address; health exempt', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 minute' });
  const anna = token('admin', 'anna');
  for (let i = 0; i < 3; i++) {
    const r = await post(app, anna);
    t.equal(r.statusCode, 200);
    t.equal(r.headers['x-ratelimit-remaining'], String(2 - i));
  }
  const limited = await post(app, anna);
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().errors[0].extensions.code, 'RATE_LIMITED');
  t.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60, 'Retry-After in seconds');
  t.match(limited.headers['content-security-policy'], /default-src/, 'refusals carry the security headers too');

  // Another subject from the same address has its own quota.
  t.equal((await post(app, token('admin', 'bo'))).statusCode, 200);

  // Tokens that do not verify count against the address, not against the subject they claim.
  const forged = createSigner({ key: 'another-secret-that-is-long-enough-for-hs256', expiresIn: 60_000 })({ sub: 'carl', roles: ['admin'] });
  for (let i = 0; i < 3; i++) t.equal((await post(app, forged)).statusCode, 401);
  t.equal((await post(app, null)).statusCode, 429, 'the address has spent its quota');
  t.equal((await post(app, token('admin', 'carl'))).statusCode, 200, "carl's own quota is untouched");

  for (let i = 0; i < 10; i++) {
    t.equal((await app.inject('/health/live')).statusCode, 200);
    t.equal((await app.inject('/health/ready')).statusCode, 200);
  }
});

t.test('rate limit with REDIS_URL: replicas share one quota per caller', async (t) => {
  const env = { RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW: '1 minute', REDIS_URL: 'redis://127.0.0.1:6379' };
  const a = await buildTestApp(t, env);
  const b = await buildApp(testConfig(env), { database: a.database });
  t.teardown(() => b.close());
  // A subject no other run uses, so the shared Redis holds no count for it yet.
  const sub = `replica-${crypto.randomUUID()}`;
  const tok = token('viewer:SN', sub);
  const statuses = [];
  for (const app of [a.app, b, a.app, b, a.app, b]) statuses.push((await post(app, tok)).statusCode);
  t.same(statuses, [200, 200, 200, 200, 429, 429]);
});

t.test('load shedding: 503 SERVICE_UNAVAILABLE with Retry-After under pressure; health still answers', async (t) => {
  const { database } = await createTestDatabase(t);
  // A heap limit of one byte: every sample after the first is "under pressure".
  const app = await buildApp(testConfig({ LOAD_MAX_HEAP_USED_BYTES: '1', LOAD_SAMPLE_INTERVAL_MS: '10' }), { database });
  t.teardown(() => app.close());
  let res = await post(app, token('admin'));
  for (let i = 0; i < 200 && res.statusCode !== 503; i++) {
    await sleep(20);
    res = await post(app, token('admin'));
  }
  t.equal(res.statusCode, 503);
  t.equal(res.json().errors[0].extensions.code, 'SERVICE_UNAVAILABLE');
  t.equal(res.headers['retry-after'], '5');
  const rest = await app.inject('/api/v1/anything');
  t.equal(rest.statusCode, 503);
  t.equal(rest.json().code, 'SERVICE_UNAVAILABLE');
  t.equal((await app.inject('/health/live')).statusCode, 200);
  t.equal((await app.inject('/health/ready')).statusCode, 200);
});
