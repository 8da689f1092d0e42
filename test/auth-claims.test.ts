import t from 'tap';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createSigner } from 'fast-jwt';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { TEST_SECRET, buildTestApp, createTestDatabase, gql, testConfig } from './helper.js';

// Issue 16 item 4: required iss/aud, subscriptions closed on expiry, JWKS unknown kids.
const Q = '{ me { sub } }';
const ISS = 'https://login.stockholm.test/realms/stad';
const AUD = 'internkontroll';

t.test('with JWT_ISSUER and JWT_AUDIENCE configured, a token lacking either claim is refused', async (t) => {
  const { app } = await buildTestApp(t, { JWT_ISSUER: ISS, JWT_AUDIENCE: AUD, WEBHOOKS_ENABLED: 'false', SUBSCRIPTIONS_ENABLED: 'false' });
  const sign = (claims: Record<string, unknown>) => createSigner({ key: TEST_SECRET, algorithm: 'HS256', expiresIn: 60_000 })({ sub: 'anna', roles: ['admin'], ...claims });
  t.equal((await gql(app, Q, {}, sign({ iss: ISS, aud: AUD }))).statusCode, 200, 'both claims');
  t.equal((await gql(app, Q, {}, sign({ aud: AUD }))).statusCode, 401, 'no iss');
  t.equal((await gql(app, Q, {}, sign({ iss: ISS }))).statusCode, 401, 'no aud');
  t.equal((await gql(app, Q, {}, sign({}))).statusCode, 401, 'neither');
});

t.test('production with a public key or JWKS requires both issuer and audience', async (t) => {
  const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' };
  const pem = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  t.throws(() => loadConfig({ ...base, JWT_PUBLIC_KEY: pem, JWT_ISSUER: ISS }), /JWT_ISSUER and JWT_AUDIENCE are both required/);
  t.throws(() => loadConfig({ ...base, JWT_PUBLIC_KEY: pem, JWT_AUDIENCE: AUD }), /JWT_ISSUER and JWT_AUDIENCE are both required/);
  t.throws(() => loadConfig({ ...base, JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: ISS }), /JWT_AUDIENCE/);
  t.ok(loadConfig({ ...base, JWT_PUBLIC_KEY: pem, JWT_ISSUER: ISS, JWT_AUDIENCE: AUD }));
});

t.test('a subscription is closed with 4403 TOKEN_EXPIRED when its token expires', async (t) => {
  const { app } = await buildTestApp(t, { WEBHOOKS_ENABLED: 'false', DUE_JOB_ENABLED: 'false' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const short = createSigner({ key: TEST_SECRET, algorithm: 'HS256', expiresIn: 1500 })({ sub: 'kim', roles: ['viewer:SN'] });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  t.teardown(() => ws.terminate());
  const messages: { type: string }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    messages.push(m);
    if (m.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { domainEvents { position } }' } }));
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${short}` } }));
  const { code, reason } = await closed;
  t.equal(messages[0]?.type, 'connection_ack', 'the token was valid at connect');
  t.equal(code, 4403);
  t.match(reason, /^TOKEN_EXPIRED/);
});

t.test('JWKS: tokens with random kids do not make the service fetch keys again and again', async (t) => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid: 'key-1', alg: 'RS256', use: 'sig' };
  let fetched = 0;
  const server = http.createServer((_req, res) => {
    fetched++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const { database } = await createTestDatabase(t);
  const config = testConfig({ JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`, JWT_ISSUER: ISS, JWT_AUDIENCE: AUD, WEBHOOKS_ENABLED: 'false', SUBSCRIPTIONS_ENABLED: 'false' });
  delete (config as { JWT_SECRET?: string }).JWT_SECRET;
  const app = await buildApp(config, { database });
  t.teardown(() => app.close());
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const sign = (kid: string) => createSigner({ key: pem, algorithm: 'RS256', kid, iss: ISS, aud: AUD, expiresIn: 60_000 })({ sub: 'bo', roles: 'auditor' });

  t.equal((await gql(app, Q, {}, sign('key-1'))).statusCode, 200);
  const afterGood = fetched;
  for (let i = 0; i < 30; i++) t.equal((await gql(app, Q, {}, sign(crypto.randomUUID()))).statusCode, 401);
  t.ok(fetched - afterGood <= 1, `at most one fetch for 30 random kids (got ${fetched - afterGood})`);
  const repeat = 'the-same-unknown-kid';
  for (let i = 0; i < 5; i++) t.equal((await gql(app, Q, {}, sign(repeat))).statusCode, 401);
  t.equal((await gql(app, Q, {}, sign('key-1'))).statusCode, 200, 'the known key still works');
  t.ok(fetched - afterGood <= 1, 'still at most one');
});
