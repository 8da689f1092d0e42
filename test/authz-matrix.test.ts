import t from 'tap';
import WebSocket from 'ws';
import { sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import type { RouteOptions } from 'fastify';
import { buildApp } from '../src/app.js';
import { rawRows } from '../src/db/raw.js';
import { namndRepository } from '../src/modules/namnder/namnder.repository.js';
import { createTestDatabase, testConfig } from './helper.js';
import { authorization, BAD_TOKENS, CALLERS, ISSUER, SUBJECT_NAMND, type Caller } from './authz/callers.js';
import { buildFixture, SECRET, type Admin } from './authz/fixture.js';
import { graphqlMatrix, historyMatrix, READS_SUBJECT, restMatrix, type MatrixContext } from './authz/matrix.js';

const routes: string[] = [];
const collect = (route: RouteOptions) => {
  for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
};
const { database } = await createTestDatabase(t);
// No background deliveries or due-date scans: a refused call must be the only thing that could change the database.
const config = testConfig({ JWT_ISSUER: ISSUER, WEBHOOKS_ENABLED: 'false', DUE_JOB_ENABLED: 'false', SUBSCRIPTION_POLL_MS: '50' });
const app = await buildApp(config, { database, onRoute: collect });
t.teardown(() => app.close());
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;

type GqlBody = { data: Record<string, unknown> | null; errors?: { extensions: { code: string } }[] };
async function gqlAs(caller: Caller, query: string, variables: Record<string, unknown> = {}) {
  const auth = authorization(caller);
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    payload: { query, variables },
  });
  return { status: res.statusCode, body: res.body, json: res.json() as GqlBody };
}
const admin: Admin = async (query, variables = {}) => {
  const r = await gqlAs('admin', query, variables);
  if (r.json.errors) throw new Error(`fixture: ${r.body.slice(0, 500)}`);
  return r.json.data as never;
};

let counter = 0;
const ctx: MatrixContext = {
  async namnd(code) {
    const row = await namndRepository.byCode(database.db, code);
    if (!row) throw new Error(`fixture ${code} missing`);
    return row;
  },
  unique: () => String(++counter),
  admin,
  fx: await buildFixture(admin),
};

// Every row count and version sum of every table a call may write; the event feed's bookkeeping (positions assigned
// by the sequencer when anyone reads the feed) is derived from the audit trail and left out.
const tables = (
  await rawRows<{ t: string; v: boolean }>(
    database.db,
    sql`select c.table_name as t, bool_or(c.column_name = 'version') as v from information_schema.columns c
        where c.table_schema = 'public' and c.table_name not in ('domain_events', 'scheduled_event_markers') and c.table_name not like '%migrations%'
        group by c.table_name order by c.table_name`,
  )
).map((r) => sql.raw(`select '${r.t}:' || count(*)::text || ':' || ${r.v ? 'coalesce(sum(version), 0)' : '0'}::text as n from "${r.t}"`));
const footprint = async () => (await rawRows<{ n: string }>(database.db, sql.join(tables, sql` union all `))).map((r) => r.n).sort().join(' ');
const MAY_NOT_READ_SUBJECT = CALLERS.filter((c) => !READS_SUBJECT.includes(c));

t.test('every GraphQL operation and REST route has an entry in the matrix, and every entry still exists', async (t) => {
  const schema = app.graphql.schema;
  const served = {
    Query: Object.keys(schema.getQueryType()!.getFields()),
    Mutation: Object.keys(schema.getMutationType()?.getFields() ?? {}),
    Subscription: Object.keys(schema.getSubscriptionType()?.getFields() ?? {}),
  };
  for (const type of ['Query', 'Mutation', 'Subscription'] as const) {
    const entries = Object.keys(graphqlMatrix[type]);
    t.same(served[type].filter((f) => !entries.includes(f)), [], `${type} fields without a matrix entry (add them to test/authz/matrix.ts)`);
    t.same(entries.filter((f) => !served[type].includes(f)), [], `matrix entries for ${type} fields that are no longer served`);
  }
  const get = new Set(routes.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4)));
  const registered = [...new Set(routes)].filter((r) => !(r.startsWith('HEAD ') && get.has(r.slice(5))));
  t.same(registered.filter((r) => !(r in restMatrix)).sort(), [], 'routes without a matrix entry (add them to test/authz/matrix.ts)');
  t.same(Object.keys(restMatrix).filter((r) => !registered.includes(r)).sort(), [], 'matrix entries for routes that are no longer registered');
});

let cells = 0;
for (const type of ['Query', 'Mutation'] as const) {
  for (const [field, entry] of Object.entries(graphqlMatrix[type])) {
    t.test(`${type}.${field} × every caller`, async (t) => {
      for (const caller of CALLERS) {
        const expected = entry.expect[caller];
        const request = await entry.request(ctx);
        const before = await footprint();
        const r = await gqlAs(caller, request.query, request.variables);
        const code = r.json.errors?.[0]?.extensions.code;
        cells++;
        if (expected === 'ok' || expected === 'ok-filtered') {
          t.equal(code, undefined, `${caller}: allowed (${r.body.slice(0, 300)})`);
          if (field !== '_noop') t.ok(r.json.data?.[field] ?? null, `${caller}: an answer`);
          if (type === 'Mutation' && field !== '_noop') t.not(await footprint(), before, `${caller}: the change was made`);
          if (expected === 'ok-filtered') {
            t.notMatch(r.body, SECRET, `${caller}: sees nothing of ${SUBJECT_NAMND}`);
            t.notMatch(r.body, /"namndCode":"SN"/, `${caller}: no event of ${SUBJECT_NAMND}`);
          }
          continue;
        }
        t.equal(code, expected, `${caller}: ${expected} (${r.body.slice(0, 200)})`);
        if (expected === 'UNAUTHENTICATED') t.equal(r.status, 401, `${caller}: HTTP 401`);
        t.notOk(r.json.data?.[field], `${caller}: no data`);
        t.notMatch(r.body, SECRET, `${caller}: nothing of ${SUBJECT_NAMND} in the refusal`);
        t.equal(await footprint(), before, `${caller}: nothing written`);
      }
    });
  }
}

t.test('history: every reader of the entity sees who changed it; only auditors and admins read the whole trail', async (t) => {
  t.same(historyMatrix.expect.viewer, 'ok', 'a viewer reads the history of its own nämnd');
  t.same(graphqlMatrix.Query.auditEvents.expect.viewer, 'FORBIDDEN', 'but not the audit trail');
  for (const caller of CALLERS) {
    const request = await historyMatrix.request(ctx);
    const r = await gqlAs(caller, request.query, request.variables);
    const expected = historyMatrix.expect[caller];
    if (expected !== 'ok') {
      t.equal(r.json.errors?.[0]?.extensions.code, expected, `${caller}: ${expected}`);
      t.notOk(r.json.data?.planById, `${caller}: no history`);
      continue;
    }
    t.notOk(r.json.errors, `${caller}: allowed`);
    const plan = r.json.data?.planById as { history: unknown[]; risks: { history: unknown[] }[] };
    t.match(plan.history, [{ actor: /./, action: /^plan\./ }], `${caller}: the plan's history names its actor`);
    t.ok(plan.risks.some((k) => k.history.length > 0), `${caller}: and its risks'`);
  }
});

/** A graphql-transport-ws client; `next()` waits for the next message, or null once the socket closed. */
async function connect(auth: string | undefined) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  const inbox: { type: string; payload?: unknown }[] = [];
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
  ws.send(JSON.stringify({ type: 'connection_init', payload: auth ? { authorization: auth } : {} }));
  const next = async () => {
    while (!inbox.length && !closed) await new Promise<void>((r) => (wake = r));
    return inbox.shift() ?? null;
  };
  return { ws, next, poll: () => inbox.shift() ?? null };
}

for (const [field, entry] of Object.entries(graphqlMatrix.Subscription)) {
  t.test(`Subscription.${field} × every caller (over WebSocket)`, async (t) => {
    for (const caller of CALLERS) {
      const expected = entry.expect[caller];
      const request = await entry.request(ctx);
      const c = await connect(authorization(caller));
      t.teardown(() => c.ws.terminate());
      const first = await c.next();
      cells++;
      if (expected === 'UNAUTHENTICATED') {
        t.not(first?.type, 'connection_ack', `${caller}: refused at connect`);
        c.ws.terminate();
        continue;
      }
      t.equal(first?.type, 'connection_ack', `${caller}: connected`);
      c.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: request.query, variables: request.variables } }));
      if (expected === 'ok') {
        // An SN event is delivered; the subscription starts asynchronously, so change SN until one arrives.
        let msg = null;
        while (!msg) {
          const sn = await ctx.namnd(SUBJECT_NAMND);
          await admin('mutation($i: UpdateNamndInput!) { updateNamnd(input: $i) { id } }', { i: { id: sn.id, version: sn.version, forvaltning: `v${sn.version}` } });
          await new Promise((r) => setTimeout(r, 100));
          msg = c.poll();
        }
        t.match(msg, { type: 'next', payload: { data: { [field]: { namndCode: SUBJECT_NAMND } } } }, `${caller}: receives ${SUBJECT_NAMND}'s events`);
      } else {
        const msg = await c.next();
        t.equal(msg?.type, 'error', `${caller}: refused`);
        t.match(JSON.stringify(msg?.payload), expected, `${caller}: ${expected}`);
      }
      c.ws.terminate();
    }
  });
}

for (const [route, entry] of Object.entries(restMatrix)) {
  t.test(`${route} × every caller`, async (t) => {
    for (const caller of CALLERS) {
      const request = typeof entry.request === 'function' ? await entry.request(ctx) : entry.request;
      const auth = authorization(caller);
      const before = await footprint();
      const res = await app.inject({
        method: request.method,
        url: request.url,
        headers: { ...(request.headers ?? {}), ...(auth ? { authorization: auth } : {}) },
        ...(request.payload ? { payload: request.payload as string } : {}),
      });
      cells++;
      const expected = entry.expect[caller];
      t.equal(res.statusCode, expected, `${caller}: HTTP ${expected} (${res.body.slice(0, 200)})`);
      if (MAY_NOT_READ_SUBJECT.includes(caller)) t.notMatch(res.body, SECRET, `${caller}: nothing of ${SUBJECT_NAMND}`);
      if (MAY_NOT_READ_SUBJECT.includes(caller) && route.startsWith('GET /api/v1/events')) t.notMatch(res.body, /"namndCode":"SN"/, `${caller}: no event of ${SUBJECT_NAMND}`);
      if (expected >= 400) t.equal(await footprint(), before, `${caller}: nothing written`);
      if (BAD_TOKENS.includes(caller) && expected === 401) t.notMatch(res.body, /"value"|"events"/, `${caller}: no data`);
    }
  });
}

t.teardown(() => {
  const ops = Object.keys(graphqlMatrix.Query).length + Object.keys(graphqlMatrix.Mutation).length + Object.keys(graphqlMatrix.Subscription).length;
  console.log(`# authorization matrix: ${ops} GraphQL operations + ${Object.keys(restMatrix).length} routes × ${CALLERS.length} callers = ${cells} cells checked`);
});
