import t from 'tap';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { rawRows } from '../src/db/raw.js';
import { createTestDatabase, gqlOk, testConfig, token } from './helper.js';
import { csvRecords } from './csv-parse.js';
import { seedPlan, smallVor } from './fixtures/seed-plan.js';

// Streaming over a real socket: the whole table arrives, a client that goes away ends the database work,
// and an export waiting for a slot does not block other requests.

const BULK = 20_000;
const tdb = await createTestDatabase(t);
const plan = await seedPlan(tdb.database.db, smallVor('SN', 2026));
// Long titles make the export far larger than the socket buffers, so a paused client really holds it back.
await tdb.database.db.execute(sql`
  insert into risks (plan_id, working_method_id, nr, title, likelihood, consequence)
  select ${plan.planId}, r.working_method_id, 100 + g, 'Risk ' || g || ' ' || repeat('å', 1000), 1 + g % 5, 1 + (g / 5) % 5
  from generate_series(1, ${BULK}) g, (select working_method_id from risks where plan_id = ${plan.planId} limit 1) r`);

// DB_POOL_MAX=2: one export slot, so the second export must wait for the first.
const app = await buildApp(testConfig({ DB_POOL_MAX: '2' }), { database: tdb.database });
t.teardown(() => app.close());
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const auth = { authorization: `Bearer ${token('integration')}` };

function open(path: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: auth, agent: false }, resolve).on('error', reject);
  });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sessions of this database still running an export's COPY (PostgreSQL only). */
const copySessions = async () =>
  Number(
    (await rawRows<{ n: number }>(tdb.database.db, sql`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' and query ilike 'copy (%'`))[0].n,
  );

async function until(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`gave up waiting until ${what}`);
}

t.test('a large export streams completely, chunked, without a content length', async (t) => {
  const res = await open('/api/v1/exports/risks.csv');
  t.equal(res.statusCode, 200);
  t.equal(res.headers['transfer-encoding'], 'chunked');
  t.notOk(res.headers['content-length']);
  const { records } = csvRecords(await readAll(res));
  t.equal(records.length, BULK + 2);
  t.equal(new Set(records.map((r) => r.risk_id)).size, BULK + 2);
  t.ok(records.every((r) => r.band && r.rv), 'every bulk row is derived');
});

t.test('a client that disconnects ends the export and frees its slot', async (t) => {
  const res = await open('/api/v1/exports/risks.csv');
  t.equal(res.statusCode, 200);
  await new Promise((resolve) => res.once('data', resolve));
  res.pause();
  if (tdb.database.kind === 'postgres') t.equal(await copySessions(), 1, 'the COPY runs while the client reads');
  res.destroy();
  if (tdb.database.kind === 'postgres') await until('the COPY has ended', async () => (await copySessions()) === 0);
  // With one slot, this export could not start if the abandoned one still held it.
  const next = await open('/api/v1/exports/risks.json?top=3');
  t.equal(next.statusCode, 200);
  t.equal(JSON.parse(await readAll(next)).value.length, 3);
});

t.test('an export waits for a slot while another streams; other requests are not blocked', async (t) => {
  const first = await open('/api/v1/exports/risks.csv');
  await new Promise((resolve) => first.once('data', resolve));
  first.pause(); // a slow client: the server must wait for it, not buffer the rest of the table

  let firstClosedAt = 0;
  let secondDoneAt = 0;
  let clock = 0;
  const second = open('/api/v1/exports/risks.json?top=2').then(async (res) => {
    const body = JSON.parse(await readAll(res));
    secondDoneAt = ++clock;
    return { status: res.statusCode, rows: body.value.length };
  });

  // GraphQL still answers while the export slot is taken.
  const me = await gqlOk(app, '{ me { sub } }', {}, ['integration']);
  t.equal(me.me.sub, 'tester');
  await sleep(300); // give the second export time to reach the slot queue
  t.equal(secondDoneAt, 0, 'the second export has not finished while the first holds the slot');

  first.destroy();
  firstClosedAt = ++clock;
  t.same(await second, { status: 200, rows: 2 });
  t.ok(secondDoneAt > firstClosedAt, 'the second export ran after the first let go');
});
