import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../src/app.js';
import { createDatabase } from '../src/db/client.js';
import { QUIET, codeOf, gql, gqlOk, testConfig } from './helper.js';
import { createPostgresDatabase } from './support/postgres.js';
import { TcpProxy } from './support/tcp-proxy.js';

// Runs against the machine's PostgreSQL in both suites: an embedded PGlite cannot become unreachable.
t.test('the database goes away and comes back: 503 and SERVICE_UNAVAILABLE meanwhile, recovery without a restart', async (t) => {
  const url = new URL(await createPostgresDatabase(t));
  const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
  await proxy.start();
  t.teardown(() => proxy.cut());
  url.host = `127.0.0.1:${proxy.port}`;
  const database = await createDatabase({ databaseUrl: url.toString(), poolMax: 4 });
  // Requests are what this test is about; the event loops' own reconnects are tested in the events suites.
  const app = await buildApp(testConfig(QUIET), { database });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });

  await gqlOk(app, `mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }`);
  t.equal((await app.inject('/health/ready')).statusCode, 200);

  await proxy.cut();
  const ready = await app.inject('/health/ready');
  t.equal(ready.statusCode, 503);
  t.equal(ready.headers['retry-after'], '5');
  t.equal((await app.inject('/health/live')).statusCode, 200, 'the process itself is alive: no restart wanted');
  const read = await gql(app, '{ namnder { code } }');
  t.equal(codeOf(read), 'SERVICE_UNAVAILABLE');
  t.notMatch(JSON.stringify(read.errors), /ECONNREFUSED|127\.0\.0\.1|select/i, 'no driver detail reaches the client');
  const write = await gql(app, `mutation { createNamnd(input: { code: "KS", name: "Kommunstyrelsen" }) { id } }`);
  t.equal(codeOf(write), 'SERVICE_UNAVAILABLE');

  await proxy.restore();
  // The pool drops its dead connections and opens new ones on demand; readiness returns within a few tries.
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) {
    status = (await app.inject('/health/ready')).statusCode;
    if (status !== 200) await sleep(100);
  }
  t.equal(status, 200, 'ready again');
  await gqlOk(app, `mutation { createNamnd(input: { code: "KS", name: "Kommunstyrelsen" }) { id } }`);
  const after = await gqlOk(app, '{ namnder { code } verifyAuditTrail { ok eventsChecked } }');
  t.same(after.namnder.map((n: { code: string }) => n.code), ['KS', 'SN'], 'the refused write was not half-done, the retried one is there');
  t.same(after.verifyAuditTrail, { ok: true, eventsChecked: 2 });
});
