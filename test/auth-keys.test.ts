import t from 'tap';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner } from 'fast-jwt';
import { buildApp } from '../src/app.js';
import { createTestDatabase, gql, testConfig } from './helper.js';

// Production verifies tokens from the city's identity provider: a configured public key, or the issuer's JWKS.
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: crypto.KeyObject) => k.export({ type: 'pkcs1', format: 'pem' }).toString();
const ISS = 'https://login.stockholm.test/realms/stad';
const Q = '{ me { sub roles } }';

async function appWith(t: Parameters<typeof createTestDatabase>[0], env: Record<string, string>) {
  const { database } = await createTestDatabase(t);
  const config = testConfig(env);
  delete (config as { JWT_SECRET?: string }).JWT_SECRET;
  const app = await buildApp(config, { database });
  t.teardown(() => app.close());
  return app;
}

t.test('a configured public key (RS256)', async (t) => {
  const app = await appWith(t, { JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(), JWT_ISSUER: ISS });
  const good = createSigner({ key: pem(privateKey), algorithm: 'RS256', iss: ISS, expiresIn: 60_000 })({ sub: 'anna', roles: ['viewer:SN'] });
  const r = await gql(app, Q, {}, good);
  t.same(r.data.me, { sub: 'anna', roles: ['viewer:SN'] });
  const forged = createSigner({ key: pem(other.privateKey), algorithm: 'RS256', iss: ISS, expiresIn: 60_000 })({ sub: 'anna', roles: ['admin'] });
  t.equal((await gql(app, Q, {}, forged)).statusCode, 401);
  // HS256 signed with the public key as the secret: the classic algorithm-confusion attack.
  const confused = createSigner({ key: publicKey.export({ type: 'spki', format: 'pem' }).toString(), algorithm: 'HS256', iss: ISS, expiresIn: 60_000 })({ sub: 'x', roles: ['admin'] });
  t.equal((await gql(app, Q, {}, confused)).statusCode, 401);
});

t.test('the issuer’s JWKS, fetched from the configured URL only', async (t) => {
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid: 'key-1', alg: 'RS256', use: 'sig' };
  let fetched = 0;
  const server = http.createServer((req, res) => {
    fetched++;
    if (req.url !== '/realms/stad/protocol/openid-connect/certs') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/stad/protocol/openid-connect/certs`;
  const app = await appWith(t, { JWT_JWKS_URL: url, JWT_ISSUER: ISS, JWT_AUDIENCE: 'internkontroll' });
  const sign = (key: crypto.KeyObject, kid: string, extra: Record<string, unknown> = {}) =>
    createSigner({ key: pem(key), algorithm: 'RS256', kid, iss: ISS, aud: 'internkontroll', expiresIn: 60_000, ...extra })({ sub: 'bo', roles: 'auditor' });

  const ok = await gql(app, Q, {}, sign(privateKey, 'key-1'));
  t.same(ok.data.me, { sub: 'bo', roles: ['auditor'] });
  t.ok(fetched >= 1);
  t.equal((await gql(app, Q, {}, sign(other.privateKey, 'key-1'))).statusCode, 401, 'right kid, wrong key');
  t.equal((await gql(app, Q, {}, sign(privateKey, 'unknown-kid'))).statusCode, 401, 'unknown key id');
  t.equal((await gql(app, Q, {}, sign(privateKey, 'key-1', { aud: 'another-api' }))).statusCode, 401, 'wrong audience');
  t.equal((await gql(app, Q, {}, sign(privateKey, 'key-1', { iss: 'https://evil.example' }))).statusCode, 401, 'wrong issuer');
});
