import t, { type Test } from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createDatabase, type Database } from '../src/db/client.js';
import { migrateEmbedded } from '../src/db/migrate.js';
import { createPostgresDatabase } from './support/postgres.js';
import { runTs } from './support/child.js';
import { writeHistory } from './support/audit-history.js';

/** What a database superuser could do: switch off the append-only trigger, then alter and delete. */
async function tamper(database: Database) {
  await database.db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
  await database.db.execute(sql`update audit_events set reason = 'nothing to see' where chain = 'namnd:N1' and chain_seq = 2`);
  await database.db.execute(sql`delete from audit_events where chain = 'namnd:N2' and chain_seq = 2`);
  await database.db.execute(sql`delete from audit_events where chain = 'namnd:N3' and chain_seq = 3`);
  await database.db.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
}

function expectBroken(t: Test, out: { code: number | null; stdout: string }) {
  t.equal(out.code, 1, 'exit code 1 when broken');
  t.match(out.stdout, /BROKEN in 3 of 3 chains/);
  t.match(out.stdout, /namnd:N1: first broken link at seq 2 \(event id \d+\): HASH_MISMATCH/);
  t.match(out.stdout, /namnd:N2: first broken link at seq 2: MISSING/);
  t.match(out.stdout, /namnd:N3: first broken link at seq 3: HEAD_MISMATCH/);
}

t.test('audit:verify on PostgreSQL finds an altered row, a deleted row and a deleted tail', async (t) => {
  const url = await createPostgresDatabase(t);
  const database = await createDatabase({ databaseUrl: url, poolMax: 2 });
  t.teardown(() => database.close());
  await writeHistory(database);

  const intact = await runTs('src/cli/audit-verify.ts', { DATABASE_URL: url });
  t.equal(intact.code, 0, intact.stderr);
  t.match(intact.stdout, /Audit trail intact: 3 chains, 9 events checked/);

  await tamper(database);
  expectBroken(t, await runTs('src/cli/audit-verify.ts', { DATABASE_URL: url }));
  const json = await runTs('src/cli/audit-verify.ts', { DATABASE_URL: url }, ['--json']);
  t.equal(json.code, 1);
  t.same(
    JSON.parse(json.stdout).breaks.map((b: { chain: string; problem: string }) => `${b.chain} ${b.problem}`).sort(),
    ['namnd:N1 HASH_MISMATCH', 'namnd:N2 MISSING', 'namnd:N3 HEAD_MISMATCH'],
  );
});

t.test('audit:verify on an embedded DATA_DIR', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-verify-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const open = async () => {
    const database = await createDatabase({ dataDir: dir });
    await migrateEmbedded(database.pglite!);
    return database;
  };
  let database = await open();
  await writeHistory(database);

  // PGlite allows one process at a time: the CLI says so instead of opening a DATA_DIR in use.
  const locked = await runTs('src/cli/audit-verify.ts', { DATA_DIR: dir });
  t.equal(locked.code, 3);
  t.match(locked.stderr, /in use by process/);
  await database.close();

  const intact = await runTs('src/cli/audit-verify.ts', { DATA_DIR: dir });
  t.equal(intact.code, 0, intact.stderr);
  t.match(intact.stdout, /3 chains, 9 events checked/);

  database = await open();
  await tamper(database);
  await database.close();
  expectBroken(t, await runTs('src/cli/audit-verify.ts', { DATA_DIR: dir }));
});

t.test('audit:verify says why it could not check, with exit code 2', async (t) => {
  const out = await runTs('src/cli/audit-verify.ts', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing_test' });
  t.equal(out.code, 2);
  t.match(out.stderr, /Could not (open the database|read the audit trail)/);
  t.notMatch(out.stderr, /at .*\.ts:\d+/, 'no stack trace');
});
