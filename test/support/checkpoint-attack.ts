import type { Test } from 'tap';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { gqlOk, testConfig } from '../helper.js';
import { runTs } from './child.js';
import { ownerRewrite, UPDATE_NAMND, writeHistory } from './audit-history.js';

export const tmpDir = (t: Test, prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** One more event on N1 after the checkpoint: later events must not count as tampering. */
async function renameN1(database: Database) {
  const app = await buildApp(testConfig(), { database });
  const n1 = (await gqlOk(app, `{ namnder { id code version } }`)).namnder.find((n: { code: string }) => n.code === 'N1');
  await gqlOk(app, UPDATE_NAMND, { input: { id: n1.id, version: n1.version, name: 'Nämnd N1 v4' } });
  await app.close();
}

/**
 * The attack of issue 16 item 6, end to end through the CLIs. `use` gives the test the database between CLI runs
 * (PGlite's DATA_DIR belongs to one process at a time, so it is opened and closed around each use).
 */
export async function attackScenario(
  t: Test,
  env: Record<string, string>,
  use: (fn: (db: Database) => Promise<void>) => Promise<void>,
  { refusals }: { refusals: boolean },
) {
  const dir = tmpDir(t, 'ik-cp-');
  const file = path.join(dir, 'checkpoint.json');
  await use(writeHistory);

  const written = await runTs('src/cli/audit-checkpoint.ts', env, ['--out', file]);
  t.equal(written.code, 0, written.stderr);
  t.match(written.stdout, /Checkpoint written to .*: 3 chain heads \(9 events\)/);
  const checkpoint = JSON.parse(fs.readFileSync(file, 'utf8'));
  t.same(checkpoint.chains.map((c: { chain: string; seq: number }) => `${c.chain}@${c.seq}`), ['namnd:N1@3', 'namnd:N2@3', 'namnd:N3@3']);
  t.ok(checkpoint.chains.every((c: { namndId: string | null; namndCode: string }) => c.namndId && /^N\d$/.test(c.namndCode)));

  await use(renameN1);
  const intact = await runTs('src/cli/audit-verify.ts', env, ['--checkpoint', file]);
  t.equal(intact.code, 0, intact.stdout + intact.stderr);
  t.match(intact.stdout, /Audit trail intact: 3 chains, 10 events checked/);
  t.match(intact.stdout, /matches: 3 chain heads found unchanged/);

  await use((db) => ownerRewrite(db, 'namnd:N1', 2));
  // The documented limit of the chain alone: a rewrite with recomputed hashes and head verifies.
  const plain = await runTs('src/cli/audit-verify.ts', env);
  t.equal(plain.code, 0, 'without a checkpoint the full rewrite is not visible');
  t.match(plain.stdout, /Audit trail intact: 3 chains, 10 events checked/);

  const caught = await runTs('src/cli/audit-verify.ts', env, ['--checkpoint', file]);
  t.equal(caught.code, 1, caught.stderr);
  t.match(caught.stdout, /Audit trail intact: 3 chains/, 'the chains are consistent in themselves');
  t.match(caught.stdout, /Audit trail TAMPERED: 1 of 3 chain heads/);
  t.match(caught.stdout, /namnd:N1: seq 3 \(event id \d+\): CHECKPOINT_MISMATCH: .*rewritten at or before seq 3/);
  t.notMatch(caught.stdout, /namnd:N[23]/);
  // The rest runs once (on PostgreSQL): child processes are slow on a busy machine.
  if (!refusals) return;
  const again = await runTs('src/cli/audit-checkpoint.ts', env, ['--out', file]);
  t.equal(again.code, 2, 'an existing checkpoint is never overwritten');
  t.match(again.stderr, /exists/);
  const pub = await runTs('src/cli/audit-checkpoint.ts', env, ['--print-public-key']);
  t.equal(pub.code, 0, pub.stderr);
  t.match(pub.stdout, new RegExp(`# key id ${checkpoint.keyId}\\n-----BEGIN PUBLIC KEY-----`));
  const json = await runTs('src/cli/audit-verify.ts', env, ['--checkpoint', file, '--json']);
  t.equal(json.code, 1);
  const result = JSON.parse(json.stdout);
  t.equal(result.ok, false);
  t.same(result.checkpoint.breaks.map((b: { chain: string; seq: number; problem: string }) => [b.chain, b.seq, b.problem]), [['namnd:N1', 3, 'CHECKPOINT_MISMATCH']]);

  // A checkpoint edited to match the rewrite no longer verifies; nor does one checked with another key.
  const forged = path.join(dir, 'forged.json');
  fs.writeFileSync(forged, JSON.stringify({ ...checkpoint, chains: checkpoint.chains.map((c: { chain: string }) => (c.chain === 'namnd:N1' ? { ...c, hash: '0'.repeat(64) } : c)) }));
  const bad = await runTs('src/cli/audit-verify.ts', env, ['--checkpoint', forged]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /signature is invalid/);
  const other = path.join(dir, 'other.pem');
  fs.writeFileSync(other, crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const wrongKey = await runTs('src/cli/audit-verify.ts', env, ['--checkpoint', file, '--public-key', other]);
  t.equal(wrongKey.code, 2);
  t.match(wrongKey.stderr, new RegExp(`signed with key ${checkpoint.keyId}, not with the trusted key`));
  t.notMatch(wrongKey.stderr, /at .*\.ts:\d+/, 'no stack trace');
}

