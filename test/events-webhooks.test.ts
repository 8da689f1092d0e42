import t from 'tap';
import { buildTestApp, gql, gqlOk, codeOf } from './helper.js';
import { eventually, startWebhookReceiver } from './webhook-receiver.js';
import { generateSecret } from '../src/modules/webhooks/signature.js';

// Fast retries so the retry tests take milliseconds; the worker is woken by commits, polling is the fallback.
const { app } = await buildTestApp(t, {
  WEBHOOK_BACKOFF_MS: '5',
  WEBHOOK_BACKOFF_MAX_MS: '20',
  WEBHOOK_POLL_MS: '100',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_FAILING_AFTER: '2',
});
await app.ready();

const CREATE_HOOK = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id status cursorPosition } } }`;
const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id version } }`;
const UPDATE = `mutation($input: UpdateNamndInput!) { updateNamnd(input: $input) { id version } }`;
const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus) { webhookDeliveries(webhookId: $id, status: $status) { nodes { position eventType status attempts lastStatusCode deliveredAt } } }`;

async function registerReceiver(input: Record<string, unknown> = {}, respond?: Parameters<typeof startWebhookReceiver>[1]['respond']) {
  const secret = generateSecret();
  const receiver = await startWebhookReceiver(t, { secret, respond });
  const d = await gqlOk(app, CREATE_HOOK, { input: { url: receiver.url, secret, ...input } });
  return { receiver, hook: d.createWebhook.webhook as { id: string }, secret };
}

t.test('a receiver gets every event of a sequence of changes, in order, signed', async (t) => {
  const { receiver } = await registerReceiver();
  const sn = (await gqlOk(app, CREATE, { input: { code: 'SN', name: 'Servicenämnden' } })).createNamnd;
  await gqlOk(app, UPDATE, { input: { id: sn.id, version: 1, forvaltning: 'Serviceförvaltningen' } });
  const ks = (await gqlOk(app, CREATE, { input: { code: 'KS', name: 'Kommunstyrelsen' } })).createNamnd;
  await gqlOk(app, UPDATE, { input: { id: sn.id, version: 2, name: 'Servicenämnden i Stockholm' } });
  await gqlOk(app, UPDATE, { input: { id: ks.id, version: 1, kind: 'NAMND' } });

  await receiver.until(() => receiver.received.length >= 5, '5 events');
  const got = receiver.received.map((r) => r.payload.data);
  t.same(
    got.map((e) => [e.type, e.namndCode, e.entityVersion]),
    [
      ['namnd.create', 'SN', 1],
      ['namnd.update', 'SN', 2],
      ['namnd.create', 'KS', 1],
      ['namnd.update', 'SN', 3],
      ['namnd.update', 'KS', 2],
    ],
  );
  t.ok(got.every((e, i) => i === 0 || e.position > got[i - 1].position), 'positions increase');
  t.ok(receiver.received.every((r) => r.signatureValid), 'every signature verifies');
  t.ok(receiver.received.every((r) => r.id === `evt_${r.payload.data.position}`), 'webhook-id names the event');
  t.same(got[1].data, { changedFields: ['forvaltning'] }, 'field names only, never their values');
  t.notMatch(receiver.received[1].body, /Serviceförvaltningen/, 'no free text leaves the service');
  // A tampered body does not verify with the secret.
  const { verify } = await import('../src/modules/webhooks/signature.js');
  const r0 = receiver.received[0];
  const headers = { 'webhook-id': r0.id, 'webhook-timestamp': String(r0.timestamp), 'webhook-signature': 'v1,AAAA' };
  t.notOk(verify(generateSecret(), headers, r0.body));
});

t.test('filters: a webhook for one nämnd and one type gets only those', async (t) => {
  const { receiver } = await registerReceiver({ namndCodes: ['ks'], eventTypes: ['namnd.update'] });
  const ks = (await gqlOk(app, '{ namnd(code: "KS") { id version } }')).namnd;
  const sn = (await gqlOk(app, '{ namnd(code: "SN") { id version } }')).namnd;
  await gqlOk(app, UPDATE, { input: { id: sn.id, version: sn.version, forvaltning: 'SF' } });
  await gqlOk(app, CREATE, { input: { code: 'UTN', name: 'Utbildningsnämnden' } });
  await gqlOk(app, UPDATE, { input: { id: ks.id, version: ks.version, forvaltning: 'SLK' } });
  await receiver.until(() => receiver.received.length >= 1, 'the KS update');
  t.same(receiver.received.map((r) => [r.payload.type, r.payload.data.namndCode]), [['namnd.update', 'KS']]);
});

t.test('a receiver failing twice gets the event on the third try', async (t) => {
  const { receiver, hook } = await registerReceiver({}, ({ attemptOfId }) => (attemptOfId <= 2 ? 503 : 200));
  await gqlOk(app, CREATE, { input: { code: 'FN', name: 'Fastighetsnämnden' } });
  await receiver.until(() => receiver.accepted().length >= 1, 'the third attempt');
  t.same(receiver.received.map((r) => r.status), [503, 503, 200]);
  t.equal(new Set(receiver.received.map((r) => r.id)).size, 1, 'the same message each time');
  t.ok(receiver.received.every((r) => r.signatureValid));
  const deliveries = async () => (await gqlOk(app, DELIVERIES, { id: hook.id })).webhookDeliveries.nodes;
  const d = await eventually(deliveries, (n) => n[0]?.status === 'SUCCEEDED', 'the success to be recorded');
  t.match(d, [{ eventType: 'namnd.create', status: 'SUCCEEDED', attempts: 3, lastStatusCode: 200 }]);
  const hooks = (await gqlOk(app, '{ webhooks { id status consecutiveFailures lastSuccessAt } }')).webhooks;
  t.match(hooks.find((h: { id: string }) => h.id === hook.id), { status: 'ACTIVE', consecutiveFailures: 0 });
});

t.test('after the maximum attempts the webhook pauses, keeps order, and resumes with nothing lost', async (t) => {
  let down = true;
  const { receiver, hook } = await registerReceiver({ namndCodes: ['MN'] }, () => (down ? 500 : 204));
  const mn = (await gqlOk(app, CREATE, { input: { code: 'MN', name: 'Miljönämnden' } })).createNamnd;
  await receiver.until(() => receiver.received.length >= 3, 'three failed attempts');
  // A later event for the paused webhook waits behind the failed one instead of overtaking it.
  await gqlOk(app, UPDATE, { input: { id: mn.id, version: 1, forvaltning: 'MF' } });
  const readHook = async () => (await gqlOk(app, '{ webhooks { id status lastError } }')).webhooks.find((h: { id: string }) => h.id === hook.id);
  const paused = await eventually(readHook, (h) => h.status === 'PAUSED', 'the webhook to pause');
  t.match(paused, { status: 'PAUSED', lastError: 'HTTP 500' });
  const failed = (await gqlOk(app, DELIVERIES, { id: hook.id, status: 'FAILED' })).webhookDeliveries.nodes;
  t.match(failed, [{ eventType: 'namnd.create', attempts: 3 }]);

  down = false;
  const resumed = await gqlOk(app, `mutation($id: ID!) { resumeWebhook(id: $id) { status } }`, { id: hook.id });
  t.equal(resumed.resumeWebhook.status, 'ACTIVE');
  await receiver.until(() => receiver.accepted().length >= 2, 'both events after resume');
  t.same(receiver.accepted().map((r) => r.payload.type), ['namnd.create', 'namnd.update']);
  t.equal(receiver.received.length, 5, 'three failures, then each event once');
});

t.test('webhook administration is admin-only and validated', async (t) => {
  for (const roles of [['approver:*'], ['auditor'], ['integration'], ['viewer:SN']]) {
    t.equal(codeOf(await gql(app, '{ webhooks { id } }', {}, roles)), 'FORBIDDEN', roles.join());
    const r = await gql(app, CREATE_HOOK, { input: { url: 'https://example.org/h' } }, roles);
    t.equal(codeOf(r), 'FORBIDDEN', roles.join());
  }
  const bad = await gql(app, CREATE_HOOK, { input: { url: 'ftp://x', secret: 'hunter2', eventTypes: ['nope'] } });
  t.equal(codeOf(bad), 'VALIDATION_FAILED');
  t.same((bad.errors![0].extensions.fields as { path: string }[]).map((f) => f.path).sort(), ['input.eventTypes.0', 'input.secret', 'input.url']);
  const made = await gqlOk(app, CREATE_HOOK, { input: { url: 'https://example.org/h' } });
  t.match(made.createWebhook.secret, /^whsec_/);
  const listed = await gqlOk(app, '{ webhooks { id url } }');
  t.notMatch(JSON.stringify(listed), /whsec_/, 'the secret is never listed');
  const id = made.createWebhook.webhook.id;
  const upd = await gqlOk(app, `mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { status version eventTypes } }`, {
    input: { id, version: 1, paused: true, eventTypes: ['plan.adopt'] },
  });
  t.match(upd.updateWebhook, { status: 'PAUSED', version: 2, eventTypes: ['plan.adopt'] });
  t.equal((await gqlOk(app, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id })).deleteWebhook, true);
  t.equal(codeOf(await gql(app, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id })), 'NOT_FOUND');
  const audit = await gqlOk(app, `{ auditEvents(filter: { entityType: "Webhook", entityId: "${id}" }) { nodes { action changes } } }`);
  t.same(audit.auditEvents.nodes.map((n: { action: string }) => n.action), ['webhook.create', 'webhook.update', 'webhook.delete']);
  t.notMatch(JSON.stringify(audit), /whsec_/, 'the secret never enters the audit trail');
  const feed = await gqlOk(app, '{ domainEvents(limit: 1000) { events { type } } }');
  t.notOk(feed.domainEvents.events.some((e: { type: string }) => e.type.startsWith('webhook.')), 'webhook administration is not published');
});
