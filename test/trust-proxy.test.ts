import t from 'tap';
import { loadConfig } from '../src/config.js';
import { buildTestApp, QUIET } from './helper.js';

// Issue 16 item 5: X-Forwarded-* are believed only from configured proxies.
const probe = async (t: { teardown(fn: () => unknown): void }, env: Record<string, string>) => {
  const { app } = await buildTestApp(t, { ...QUIET, RATE_LIMIT_MAX: '3', ...env });
  app.get('/api/v1/probe', { config: { public: true } }, async (req) => ({ ip: req.ip, host: req.host }));
  await app.ready();
  return app;
};
const gqlNoToken = (xff: string) => ({
  method: 'POST' as const,
  url: '/graphql',
  headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
  payload: { query: '{ __typename }' },
});

t.test('off by default: rotating X-Forwarded-For does not escape the per-address limit, X-Forwarded-Host is ignored', async (t) => {
  const app = await probe(t, {});
  const r = (await app.inject({ url: '/api/v1/probe', headers: { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-host': 'evil.example', host: 'api.stockholm.test' } })).json();
  t.same(r, { ip: '127.0.0.1', host: 'api.stockholm.test' });
  // The probe spent one of the address's three requests.
  const statuses = [];
  for (let i = 1; i <= 4; i++) statuses.push((await app.inject(gqlNoToken(`198.51.100.${i}`))).statusCode);
  t.same(statuses, [401, 401, 429, 429]);
});

t.test('a hop count believes only the address the load balancer appended', async (t) => {
  const app = await probe(t, { TRUST_PROXY: '1' });
  const statuses = [];
  // The caller chooses everything left of the proxy's own entry.
  for (let i = 1; i <= 5; i++) statuses.push((await app.inject(gqlNoToken(`198.51.100.${i}, 203.0.113.9`))).statusCode);
  t.same(statuses, [401, 401, 401, 429, 429]);
  const r = (await app.inject({ url: '/api/v1/probe', headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' } })).json();
  t.equal(r.ip, '203.0.113.7');
});

t.test('a list of proxy addresses: headers from anyone else are ignored', async (t) => {
  const trusted = await probe(t, { TRUST_PROXY: '127.0.0.1/32, 10.0.0.0/8' });
  t.equal((await trusted.inject({ url: '/api/v1/probe', headers: { 'x-forwarded-for': '203.0.113.7' } })).json().ip, '203.0.113.7');
  const other = await probe(t, { TRUST_PROXY: '10.0.0.1' });
  t.equal((await other.inject({ url: '/api/v1/probe', headers: { 'x-forwarded-for': '203.0.113.7' } })).json().ip, '127.0.0.1');
});

t.test('TRUST_PROXY and PUBLIC_BASE_URL are validated', async (t) => {
  t.equal(loadConfig({}).TRUST_PROXY, undefined);
  t.throws(() => loadConfig({ TRUST_PROXY: 'yes please' }), /TRUST_PROXY/);
  t.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' }), /TRUST_PROXY/);
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'https://api.stockholm.se/ik/' }).PUBLIC_BASE_URL, 'https://api.stockholm.se/ik');
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: '/relative' }), /PUBLIC_BASE_URL/);
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://x.example' }), /PUBLIC_BASE_URL/);
});
