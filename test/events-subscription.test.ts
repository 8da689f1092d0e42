import t from 'tap';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { buildTestApp, gqlOk, token } from './helper.js';

const { app } = await buildTestApp(t, { WEBHOOKS_ENABLED: 'false', DUE_JOB_ENABLED: 'false', SUBSCRIPTION_POLL_MS: '100' });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;

const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id version } }`;
const UPDATE = `mutation($input: UpdateNamndInput!) { updateNamnd(input: $input) { id version } }`;
const sn = (await gqlOk(app, CREATE, { input: { code: 'SN', name: 'Servicenämnden' } })).createNamnd;
const ks = (await gqlOk(app, CREATE, { input: { code: 'KS', name: 'Kommunstyrelsen' } })).createNamnd;
const versions: Record<string, number> = { [sn.id]: 1, [ks.id]: 1 };
const bump = async (id: string) => {
  await gqlOk(app, UPDATE, { input: { id, version: versions[id], forvaltning: `v${versions[id]}` } });
  versions[id]++;
};

type Msg = { type: string; id?: string; payload?: any };

/** A graphql-transport-ws client that records messages; `next()` waits for the next one (or fails after ms). */
async function connect(t: { teardown(fn: () => unknown): void }, authorization?: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  t.teardown(() => ws.terminate());
  const inbox: Msg[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  ws.on('message', (d) => {
    inbox.push(JSON.parse(String(d)));
    wake?.();
  });
  ws.on('close', () => {
    closed = true;
    wake?.();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }));
  const next = async (ms = 1500): Promise<Msg | null> => {
    const deadline = Date.now() + ms;
    while (!inbox.length && !closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50).unref();
      });
    }
    return inbox.shift() ?? null;
  };
  return { ws, next, isClosed: () => closed };
}

const SUB = `subscription($codes: [String!]) { domainEvents(namndCodes: $codes) { position type namndCode entityId entityVersion data } }`;

t.test('a subscriber receives events of its nämnder only', async (t) => {
  const c = await connect(t, `Bearer ${token(['viewer:SN'])}`);
  t.match(await c.next(), { type: 'connection_ack' });
  c.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUB } }));
  // The subscription is set up asynchronously: change both nämnder until an event arrives.
  let msg: Msg | null = null;
  for (let i = 0; i < 10 && !msg; i++) {
    await bump(ks.id);
    await bump(sn.id);
    msg = await c.next(500);
  }
  t.ok(msg, 'an event arrived');
  t.match(msg, { type: 'next', id: '1', payload: { data: { domainEvents: { type: 'namnd.update', namndCode: 'SN', entityId: sn.id } } } });
  await bump(ks.id);
  await bump(sn.id);
  let m: Msg | null;
  while ((m = await c.next(700))) t.equal(m.payload.data.domainEvents.namndCode, 'SN', 'never a KS event');
});

t.test("a token without the role cannot subscribe to another nämnd's events", async (t) => {
  const c = await connect(t, `Bearer ${token(['viewer:SN'])}`);
  t.match(await c.next(), { type: 'connection_ack' });
  c.ws.send(JSON.stringify({ id: '7', type: 'subscribe', payload: { query: SUB, variables: { codes: ['KS'] } } }));
  await bump(ks.id);
  const m = await c.next();
  t.equal(m?.type, 'error');
  t.match(JSON.stringify(m?.payload), /may not read nämnd KS/);
  await bump(ks.id);
  t.equal(await c.next(700), null, 'and no KS event follows');
});

t.test('a missing or invalid token is refused at connect', async (t) => {
  for (const auth of [undefined, 'Bearer not-a-token', `Bearer ${token(['viewer:SN']).slice(0, -3)}xyz`]) {
    const c = await connect(t, auth);
    const m = await c.next();
    t.not(m?.type, 'connection_ack', String(auth).slice(0, 20));
    t.ok(m === null || m.type === 'connection_error' || c.isClosed());
  }
});
