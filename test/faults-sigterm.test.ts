import t from 'tap';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../src/db/client.js';
import { buildApp } from '../src/app.js';
import { gqlOk, testConfig, token, TEST_SECRET } from './helper.js';
import { createPostgresDatabase } from './support/postgres.js';
import { finished, spawnTs } from './support/child.js';

// The real server (src/server.ts) as a child process: SIGTERM while a request is still arriving must let that
// request finish and be committed, then exit 0.
t.test('SIGTERM drains the in-flight request, then exits 0', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-sigterm-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dbEnv: Record<string, string> = process.env.TEST_DATABASE_URL ? { DATABASE_URL: await createPostgresDatabase(t), MIGRATE_ON_START: 'false' } : { DATA_DIR: dir };

  const server = spawnTs('src/server.ts', { ...dbEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', JWT_SECRET: TEST_SECRET });
  const exit = finished(server);
  let log = '';
  const waitFor = (re: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = log.match(re);
        if (m) resolve(m);
      };
      server.stdout!.on('data', (d) => {
        log += d;
        check();
      });
      server.on('close', () => reject(new Error(`server ended: ${log}`)));
      check();
    });
  const [, port] = await waitFor(/listening at http:\/\/127\.0\.0\.1:(\d+)/);

  // A legitimate mutation whose body arrives in two parts, with SIGTERM in between.
  const body = JSON.stringify({ query: 'mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { code } }' });
  const req = http.request({
    host: '127.0.0.1',
    port: Number(port),
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token('admin')}` },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: data }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 20));
  // Only a request the server has started on is in flight (one still in the accept queue is not).
  await waitFor(/incoming request/);
  server.kill('SIGTERM');
  await waitFor(/shutting down/);

  // A new connection is not served once draining (refused, or dropped if it raced the listener's close).
  const refused = await new Promise<string>((resolve) => {
    http.get({ host: '127.0.0.1', port: Number(port), path: '/health/live' }, () => resolve('accepted')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  t.match(refused, /^ECONN(REFUSED|RESET)$/, 'no new requests once draining');

  req.end(body.slice(20));
  const res = await response;
  t.equal(res.status, 200, res.body);
  t.same(JSON.parse(res.body), { data: { createNamnd: { code: 'SN' } } });
  const end = await exit;
  t.equal(end.code, 0, `exit code 0 (${end.stderr})`);

  // What it answered was committed, with its audit event.
  const database = await createDatabase(dbEnv.DATABASE_URL ? { databaseUrl: dbEnv.DATABASE_URL } : { dataDir: dir });
  const app = await buildApp(testConfig(), { database });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const d = await gqlOk(app, '{ namnd(code: "SN") { name history { action } } }');
  t.same(d.namnd, { name: 'Servicenämnden', history: [{ action: 'namnd.create' }] });
});
