import t from 'tap';
import { buildTestApp, gqlOk, token } from './helper.js';
import { startWebhookReceiver } from './webhook-receiver.js';
import { generateSecret } from '../src/modules/webhooks/signature.js';
import { buildKommunstyrelsen } from './support/kommunstyrelsen.js';

// A whole plan year replayed (Kommunstyrelsen 2024: build, adopt, report every follow-up, assess, close):
// a webhook subscriber for KS receives every event, exactly once, in the order of the outbox, with valid signatures.
const { app } = await buildTestApp(t, { WEBHOOK_POLL_MS: '100', WEBHOOK_BACKOFF_MS: '5', WEBHOOK_BACKOFF_MAX_MS: '20' });
await app.ready();
const secret = generateSecret();
const receiver = await startWebhookReceiver(t, { secret });
await gqlOk(app, `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`, {
  input: { url: receiver.url, secret, namndCodes: ['KS'] },
});

const editor = token(['editor:KS'], 'eva');
const approver = token(['approver:KS'], 'anders');
const { planId } = await buildKommunstyrelsen(app, editor, approver);
const plan = (await gqlOk(app, `{ planById(id: "${planId}") { version } }`)).planById;
await gqlOk(app, `mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { id } }`, { i: { id: planId, version: plan.version, decisionDate: '2024-01-25', decisionReference: '§ 12' } }, approver);
const fus = (await gqlOk(app, `{ planById(id: "${planId}") { followUps { id version } } }`)).planById.followUps;
for (const f of fus) {
  const s = await gqlOk(app, `mutation($i: VersionInput!) { startFollowUp(input: $i) { version } }`, { i: { id: f.id, version: f.version } }, editor);
  await gqlOk(app, `mutation($i: ReportFollowUpInput!) { reportFollowUp(input: $i) { id } }`, { i: { id: f.id, version: s.startFollowUp.version, outcome: 'NO_DEVIATION', resultText: 'Genomförd' } }, editor);
}
await gqlOk(app, `mutation($i: SetAssessmentInput!) { setAssessment(input: $i) { id } }`, { i: { planId, level: 'TILLRACKLIG', analysis: 'Tillräcklig' } }, editor);
const v = (await gqlOk(app, `{ planById(id: "${planId}") { version } }`)).planById.version;
await gqlOk(app, `mutation($i: VersionInput!) { closePlan(input: $i) { id } }`, { i: { id: planId, version: v } }, approver);

const feed = await app.inject({ url: '/api/v1/events?after=0&limit=1000', headers: { authorization: `Bearer ${token(['viewer:KS'])}` } });
const events = (feed.json().events as { position: number; type: string; namndCode: string }[]).filter((e) => e.namndCode === 'KS');

t.test('every event of the plan year arrives once, in order, signed', async (t) => {
  t.ok(events.length > 30, `${events.length} events in the year`);
  await receiver.until(() => receiver.received.length >= events.length, `${events.length} deliveries`);
  const got = receiver.received.map((r) => r.payload.data);
  t.same(got.map((e) => e.position), events.map((e) => e.position), 'the same events, in the order of the outbox');
  t.equal(new Set(got.map((e) => e.position)).size, got.length, 'no event twice');
  t.ok(receiver.received.every((r) => r.signatureValid), 'every signature verifies');
  const types = got.map((e) => e.type);
  t.equal(types[0], 'namnd.create');
  t.equal(types[types.length - 1], 'plan.close');
  t.ok(types.indexOf('plan.adopt') < types.indexOf('followUp.report'));
  const adopt = got.find((e) => e.type === 'plan.adopt')!;
  t.match(adopt.data, { fromState: 'DRAFT', toState: 'ADOPTED', planId, year: 2024 });
  t.notOk(JSON.stringify(got).includes('Genomförd'), 'no free text leaves the service');
});
