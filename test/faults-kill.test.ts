import t, { type Test } from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { createDatabase, type Database } from '../src/db/client.js';
import { migrateEmbedded } from '../src/db/migrate.js';
import { gqlOk, testConfig } from './helper.js';
import { createPostgresDatabase } from './support/postgres.js';
import { finished, spawnTs } from './support/child.js';

const STATE = '{ namnder { code name version } auditEvents(first: 500) { nodes { id } } verifyAuditTrail { ok eventsChecked } }';

/** Runs the half-writer until its writes are done, then SIGKILLs it before it can commit. */
async function killMidTransaction(t: Test, env: Record<string, string>) {
  const child = spawnTs('test/fixtures/half-write.ts', env);
  const done = finished(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('WRITTEN')) resolve();
    });
    child.on('close', () => reject(new Error(`half-writer ended before writing: ${out}`)));
  });
  child.kill('SIGKILL');
  const end = await done;
  t.equal(end.signal, 'SIGKILL', 'the writer died mid-transaction');
}

async function checkNothingHalfWritten(t: Test, database: Database, before: unknown) {
  const app = await buildApp(testConfig(), { database });
  t.teardown(() => app.close());
  const after = await gqlOk(app, STATE, {}, ['admin']);
  t.same(after, before, 'no nämnd, change or audit event of the killed transaction is there, and the chains verify');
  // Its locks are gone too: the same codes and the same chain can be written at once.
  await gqlOk(app, `mutation { createNamnd(input: { code: "K1", name: "Hel" }) { id } }`);
  const again = await gqlOk(app, '{ verifyAuditTrail { ok eventsChecked } }', {}, ['auditor']);
  t.same(again.verifyAuditTrail, { ok: true, eventsChecked: 2 });
}

async function seed(database: Database) {
  const app = await buildApp(testConfig(), { database });
  await gqlOk(app, `mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }`);
  const state = await gqlOk(app, STATE);
  await app.close();
  return state;
}

t.test('PostgreSQL: a process killed mid-transaction leaves nothing half-written', async (t) => {
  const url = await createPostgresDatabase(t);
  const database = await createDatabase({ databaseUrl: url, poolMax: 2 });
  t.teardown(() => database.close());
  const before = await seed(database);
  await killMidTransaction(t, { DATABASE_URL: url });
  await checkNothingHalfWritten(t, database, before);
});

t.test('embedded DATA_DIR: a process killed mid-transaction leaves nothing half-written', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-kill-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  let database = await createDatabase({ dataDir: dir });
  await migrateEmbedded(database.pglite!);
  const before = await seed(database);
  await database.close();

  await killMidTransaction(t, { DATA_DIR: dir });
  // The killed process's lock file is stale; reopening recovers the database as PostgreSQL does after a crash.
  database = await createDatabase({ dataDir: dir });
  t.teardown(() => database.close());
  await checkNothingHalfWritten(t, database, before);
});
