import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { webhooks } from '../src/db/schema/index.js';
import { webhookDeps } from '../src/modules/webhooks/webhook-deps.js';
import { DestinationRefusedError } from '../src/modules/webhooks/destination.js';
import { generateSecret } from '../src/modules/webhooks/signature.js';
import { TEST_WEBHOOK_KEYS, codeOf, createTestDatabase, gql, gqlOk, testConfig } from './helper.js';
import { eventually, startWebhookReceiver } from './webhook-receiver.js';

// Issue 16 item 3: webhook SSRF, credentials in URLs, secrets at rest.
const tdb = await createTestDatabase(t);
const db = tdb.database.db;
const CREATE_HOOK = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id version } } }`;
const UPDATE_HOOK = `mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { id } }`;
const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id } }`;
const readHook = async (id: string) => (await db.select().from(webhooks).where(eq(webhooks.id, id)))[0];

async function appWith(t: { teardown(fn: () => unknown): void }, env: Record<string, string>) {
  const app = await buildApp(testConfig({ WEBHOOK_POLL_MS: '50', WEBHOOK_BACKOFF_MS: '5', WEBHOOK_BACKOFF_MAX_MS: '10', ...env }), { database: tdb.database });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

const INTERNAL = [
  'http://127.0.0.1/h',
  'http://2130706433/h',
  'http://0x7f000001/h',
  'http://127.1/h',
  'http://0177.0.0.1/h',
  'http://[::1]/h',
  'http://[::ffff:127.0.0.1]/h',
  'http://[::ffff:7f00:1]/h',
  'http://localhost/h',
  'http://LOCALHOST./h',
  'http://api.localhost/h',
  'http://169.254.169.254/latest/meta-data',
  'http://0.0.0.0/h',
  'http://0/h',
  'http://10.0.0.5/h',
  'http://172.16.0.1/h',
  'http://192.168.1.1/h',
  'http://100.64.0.1/h',
  'http://[fd00::1]/h',
  'http://[fe80::1]/h',
  'http://224.0.0.1/h',
  'http://[ff02::1]/h',
  'http://[::]/h',
  'http://255.255.255.255/h',
];

t.test('internal destinations are refused at registration, in any spelling, with a stable code', async (t) => {
  // No allow list: the default in every mode.
  const app = await appWith(t, { WEBHOOK_ALLOW_CIDRS: '', WEBHOOKS_ENABLED: 'false' });
  for (const url of INTERNAL) {
    const r = await gql(app, CREATE_HOOK, { input: { url } });
    t.equal(codeOf(r), 'WEBHOOK_DESTINATION_REFUSED', url);
    t.match(r.errors?.[0].extensions.fields, [{ path: 'input.url' }], url);
  }
  const cred = await gql(app, CREATE_HOOK, { input: { url: 'https://user:pass@example.org/h' } });
  t.equal(codeOf(cred), 'WEBHOOK_DESTINATION_REFUSED', 'credentials in the URL');
  t.match(cred.errors?.[0].message, /credentials/);
  t.notMatch(JSON.stringify(cred), /pass@/, 'the password is not echoed');
  // Public destinations are fine; updating one to an internal address is refused too.
  const made = await gqlOk(app, CREATE_HOOK, { input: { url: 'http://93.184.215.14/h' } });
  const id = made.createWebhook.webhook.id;
  t.equal(codeOf(await gql(app, UPDATE_HOOK, { input: { id, version: 1, url: 'http://[::1]:8080/' } })), 'WEBHOOK_DESTINATION_REFUSED');
  t.equal(codeOf(await gql(app, UPDATE_HOOK, { input: { id, version: 1, url: 'https://u@example.org/' } })), 'WEBHOOK_DESTINATION_REFUSED');
  t.equal((await readHook(id)).url, 'http://93.184.215.14/h', 'unchanged');
  const audit = await gqlOk(app, `{ auditEvents(filter: { entityType: "Webhook" }) { nodes { changes } } }`);
  t.notMatch(JSON.stringify(audit), /user:pass|u@example|::1/, 'refused URLs never reach the audit trail');
  // Not a receiver: later apps on this database must not try to deliver to it.
  await db.delete(webhooks).where(eq(webhooks.id, id));
});

t.test('production takes https only; the allow list admits exactly its ranges', async (t) => {
  const prod = webhookDeps(testConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', WEBHOOK_ALLOW_CIDRS: '' })).destination;
  t.equal(prod.schemeProblem('http://example.org/h'), 'must be an https URL');
  t.equal(prod.schemeProblem('https://example.org/h'), null);
  t.equal(prod.targetProblem('https://2130706433/h') !== null, true, 'https variants of internal addresses too');
  const allowing = webhookDeps(testConfig({ WEBHOOK_ALLOW_CIDRS: '10.1.2.0/24, fd12::/16' })).destination;
  t.equal(allowing.targetProblem('http://10.1.2.7/h'), null);
  t.not(allowing.targetProblem('http://10.1.3.7/h'), null);
  t.equal(allowing.targetProblem('http://[fd12::5]/h'), null);
  t.equal(allowing.targetProblem('http://[::ffff:10.1.2.7]/h'), null, 'IPv4-mapped judged as its IPv4');
  t.not(allowing.targetProblem('http://localhost/h'), null, 'localhost names stay refused');
  t.throws(() => testConfig({ WEBHOOK_ALLOW_CIDRS: '10.0.0.0/33' }), /WEBHOOK_ALLOW_CIDRS/);
  t.throws(() => testConfig({ WEBHOOK_ALLOW_CIDRS: 'intranet.local' }), /WEBHOOK_ALLOW_CIDRS/);
});

t.test('at connection time, after DNS: a name resolving to loopback is refused, and lastError says nothing about ports', async (t) => {
  const { destination } = webhookDeps(testConfig({ WEBHOOK_ALLOW_CIDRS: '' }));
  const err = await new Promise<Error | null>((resolve) => destination.lookup('localhost', {}, (e) => resolve(e)));
  t.ok(err instanceof DestinationRefusedError, 'the resolver refuses what localhost resolves to');

  // Rows as they may exist from before these checks (or a replica with another allow list).
  const secret = generateSecret();
  const receiver = await startWebhookReceiver(t, { secret });
  const port = Number(new URL(receiver.url).port);
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const urls = [`http://localhost:${port}/hooks`, `http://127.0.0.1:${port}/hooks`, `http://[::ffff:127.0.0.1]:${port}/hooks`, `http://127.0.0.1:${closedPort}/hooks`];
  const seed = await appWith(t, { WEBHOOKS_ENABLED: 'false' });
  const ids: string[] = [];
  for (const url of urls.slice(1, 2)) ids.push((await gqlOk(seed, CREATE_HOOK, { input: { url, secret } })).createWebhook.webhook.id);
  for (const url of [urls[0], ...urls.slice(2)]) {
    const [row] = await db.insert(webhooks).values({ url, secret, cursorPosition: (await readHook(ids[0])).cursorPosition }).returning();
    ids.push(row.id);
  }
  await seed.close();

  const app = await appWith(t, { WEBHOOK_ALLOW_CIDRS: '', WEBHOOK_MAX_ATTEMPTS: '1' });
  await gqlOk(app, CREATE, { input: { code: 'SSRF', name: 'SSRF' } });
  const errors = await eventually(
    async () => Promise.all(ids.map(async (id) => (await readHook(id)).lastError)),
    (e) => e.every((x) => x !== null),
    'every delivery to fail',
  );
  t.same(errors, urls.map(() => 'destination not allowed'), 'one generic message, whether the port answers or not');
  t.equal(receiver.received.length, 0, 'nothing reached the internal receiver');
  await app.close();
  for (const id of ids) await db.delete(webhooks).where(eq(webhooks.id, id));
});

t.test('secrets are sealed at rest, never returned, and plaintext rows from before keep working', async (t) => {
  const secret = generateSecret();
  const receiver = await startWebhookReceiver(t, { secret });
  const other = `test2:${Buffer.alloc(32, 9).toString('base64')}`;
  const a = await appWith(t, { WEBHOOKS_ENABLED: 'false' });
  const made = (await gqlOk(a, CREATE_HOOK, { input: { url: receiver.url, secret } })).createWebhook;
  const stored = (await readHook(made.webhook.id)).secret;
  t.match(stored, /^enc:v1:test1:/);
  t.notMatch(stored, secret.slice(6, 30), 'the secret is not in the row');
  t.notMatch(JSON.stringify(await gqlOk(a, '{ webhooks { id url } }')), /whsec_|enc:v1/);
  // A row stored in clear before this version.
  const plain = generateSecret();
  const plainReceiver = await startWebhookReceiver(t, { secret: plain });
  const [legacy] = await db.insert(webhooks).values({ url: plainReceiver.url, secret: plain, cursorPosition: (await readHook(made.webhook.id)).cursorPosition }).returning();
  await a.close();

  // Rotation: a new first key; the old one still decrypts. Start-up seals every row with the new key.
  const b = await appWith(t, { WEBHOOK_SECRET_KEYS: `${other},${TEST_WEBHOOK_KEYS}` });
  t.match((await readHook(legacy.id)).secret, /^enc:v1:test2:/, 'the plaintext secret was sealed at start-up');
  t.match((await readHook(made.webhook.id)).secret, /^enc:v1:test2:/, 'resealed with the current key');
  await gqlOk(b, CREATE, { input: { code: 'SEAL', name: 'Seal' } });
  await receiver.until(() => receiver.received.length >= 1, 'a delivery');
  await plainReceiver.until(() => plainReceiver.received.length >= 1, 'a delivery to the former plaintext row');
  t.ok(receiver.received[0].signatureValid && plainReceiver.received[0].signatureValid, 'both sign with the original secrets');
  await b.close();

  // After one restart under the new key, the old key can go.
  const c = await appWith(t, { WEBHOOK_SECRET_KEYS: other, WEBHOOKS_ENABLED: 'false' });
  const { secrets } = webhookDeps(testConfig({ WEBHOOK_SECRET_KEYS: other }));
  t.equal(secrets.open(legacy.id, (await readHook(legacy.id)).secret), plain);
  const legacySealed = (await readHook(legacy.id)).secret;
  t.throws(() => secrets.open(made.webhook.id, legacySealed), 'a sealed secret does not open under another webhook id');
  await c.close();
  for (const id of [legacy.id, made.webhook.id]) await db.delete(webhooks).where(eq(webhooks.id, id));
});

t.test('production needs WEBHOOK_SECRET_KEYS; a malformed list is refused', async (t) => {
  t.throws(() => webhookDeps(testConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', WEBHOOK_SECRET_KEYS: '' })), /WEBHOOK_SECRET_KEYS/);
  t.throws(() => testConfig({ WEBHOOK_SECRET_KEYS: 'k1:short' }), /WEBHOOK_SECRET_KEYS/);
  // Development without keys: one is generated into DATA_DIR and reused.
  const dev = testConfig({ WEBHOOK_SECRET_KEYS: '' });
  const sealed = webhookDeps(dev).secrets.seal('00000000-0000-4000-8000-000000000000', 'whsec_x');
  t.match(sealed, /^enc:v1:local:/);
  t.equal(webhookDeps(dev).secrets.open('00000000-0000-4000-8000-000000000000', sealed), 'whsec_x');
});
