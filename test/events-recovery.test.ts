import t from 'tap';
import { buildApp } from '../src/app.js';
import { createDatabase } from '../src/db/client.js';
import { createDeliveryWorker } from '../src/modules/webhooks/delivery-worker.js';
import { generateSecret } from '../src/modules/webhooks/signature.js';
import { webhookDeps } from '../src/modules/webhooks/webhook-deps.js';
import { createTestDatabase, gqlOk, testConfig } from './helper.js';
import { eventually, startWebhookReceiver } from './webhook-receiver.js';

const tdb = await createTestDatabase(t);
const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id } }`;

t.test('a crash between commit and delivery loses nothing: a new app delivers on start', async (t) => {
  const secret = generateSecret();
  const receiver = await startWebhookReceiver(t, { secret });
  // The first app commits events but never delivers (as if it died right after commit).
  const first = await buildApp(testConfig({ WEBHOOKS_ENABLED: 'false' }), { database: tdb.database });
  await gqlOk(first, `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }`, { input: { url: receiver.url, secret } });
  for (const code of ['A1', 'A2', 'A3']) await gqlOk(first, CREATE, { input: { code, name: code } });
  await first.close();
  t.equal(receiver.received.length, 0, 'nothing was sent before the crash');

  const second = await buildApp(testConfig({ WEBHOOK_POLL_MS: '100' }), { database: tdb.database });
  t.teardown(() => second.close());
  await second.ready();
  await receiver.until(() => receiver.received.length >= 3, 'the pending events');
  t.same(receiver.received.map((r) => r.payload.data.namndCode), ['A1', 'A2', 'A3']);
  t.ok(receiver.received.every((r) => r.signatureValid));
});

t.test('two workers on one database never deliver one event twice, nor at the same time', async (t) => {
  const secret = generateSecret();
  // Each request is held open a little, so that a second worker claiming the same delivery would overlap.
  const receiver = await startWebhookReceiver(t, { secret, holdMs: 15 });
  const app = await buildApp(testConfig({ WEBHOOKS_ENABLED: 'false' }), { database: tdb.database });
  t.teardown(() => app.close());
  const hooks = [];
  // Several webhooks, so that both workers have work to claim side by side.
  for (let i = 0; i < 3; i++) {
    hooks.push(await gqlOk(app, `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`, { input: { url: `${receiver.url}/${i}`, secret } }));
  }
  const codes = Array.from({ length: 8 }, (_, i) => `W${i}`);
  for (const code of codes) await gqlOk(app, CREATE, { input: { code, name: code } });

  // A second replica: its own connection pool on PostgreSQL; on PGlite the same in-process database.
  const other = tdb.url ? await createDatabase({ databaseUrl: tdb.url, poolMax: 4 }) : tdb.database;
  if (tdb.url) t.teardown(() => other.close());
  const opts = { pollMs: 60_000, timeoutMs: 5000, backoffMs: 5, backoffMaxMs: 20, maxAttempts: 5, failingAfter: 3, batch: 2, ...webhookDeps(testConfig()) };
  const w1 = createDeliveryWorker(tdb.database.db, opts, app.log);
  const w2 = createDeliveryWorker(other.db, opts, app.log);
  t.teardown(() => Promise.all([w1.stop(), w2.stop()]));
  const expected = codes.length * hooks.length;
  await eventually(
    () => Promise.all([w1.runOnce(), w2.runOnce(), w1.runOnce(), w2.runOnce()]).then(() => receiver.received.length),
    (n) => n >= expected,
    `${expected} deliveries`,
  );
  t.equal(receiver.received.length, expected, 'no event was sent twice');
  t.equal(new Set(receiver.received.map((r) => `${r.path} ${r.id}`)).size, expected, 'each event once per webhook');
  t.equal(receiver.maxConcurrentPerDelivery(), 1, 'never two requests for one delivery at once');
  const byPath = new Map<string, number[]>();
  for (const r of receiver.received) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.payload.data.position]);
  t.equal(byPath.size, hooks.length);
  for (const [path, positions] of byPath) {
    t.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]), `${path} got its events in feed order`);
  }
});
