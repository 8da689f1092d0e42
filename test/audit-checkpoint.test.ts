import t from 'tap';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  compareWithCheckpoint,
  createCheckpoint,
  keyIdOf,
  readCheckpoint,
  resolveCheckpointKey,
  resolveCheckpointPublicKey,
  writeScheduledCheckpoint,
} from '../src/audit/checkpoint.js';
import { buildTestApp, gqlOk, testConfig } from './helper.js';
import { tmpDir } from './support/checkpoint-attack.js';

t.test('the service writes checkpoints on a schedule, once per interval even with several replicas', async (t) => {
  const dir = path.join(tmpDir(t, 'ik-cp-sched-'), 'checkpoints');
  const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const env = { AUDIT_CHECKPOINT_INTERVAL_MS: '3600000', AUDIT_CHECKPOINT_DIR: dir, AUDIT_CHECKPOINT_KEY: pem };
  const { app, database } = await buildTestApp(t, env);
  await app.ready();
  const files = fs.readdirSync(dir);
  t.equal(files.length, 1, 'one checkpoint written at start');
  t.match(files[0], /^audit-checkpoint-\d{4}-\d\d-\d\dT\d\d-00-00-000Z\.json$/);
  const config = testConfig(env);
  const publicKey = resolveCheckpointPublicKey(config);
  t.same(readCheckpoint(path.join(dir, files[0]), publicKey).chains, [], 'an empty trail at start');
  await gqlOk(app, `mutation { createNamnd(input: { code: "S1", name: "Nämnd S1" }) { id } }`);

  // A second replica in the same interval, sharing the folder: nothing more is written.
  const key = resolveCheckpointKey(config);
  t.equal(await writeScheduledCheckpoint(database.db, key, dir, 3_600_000), null);
  t.equal(fs.readdirSync(dir).length, 1);
  const next = await writeScheduledCheckpoint(database.db, key, dir, 3_600_000, new Date(Date.now() + 3_600_000));
  t.equal(fs.readdirSync(dir).length, 2, 'the next interval gets its own file; no temporary files are left');
  const second = readCheckpoint(next!, publicKey);
  t.same(second.chains.map((c) => [c.chain, c.namndCode, c.seq]), [['namnd:S1', 'S1', 1]]);
  t.same(await compareWithCheckpoint(database.db, second), []);
});

t.test('checkpoint configuration', async (t) => {
  t.throws(() => testConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '60000' }), /AUDIT_CHECKPOINT_DIR is required/, 'an interval needs a folder');
  t.throws(() => testConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '10', AUDIT_CHECKPOINT_DIR: '/tmp/x' }), /must be 0 \(off\) or at least 1000/);
  t.equal(testConfig().AUDIT_CHECKPOINT_INTERVAL_MS, 0, 'off by default');
  const production = { ...testConfig(), NODE_ENV: 'production' as const };
  t.throws(() => resolveCheckpointKey(production), /In production set AUDIT_CHECKPOINT_KEY/, 'production needs a configured key');
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  t.throws(() => resolveCheckpointKey(testConfig({ AUDIT_CHECKPOINT_KEY: rsa })), /must be an Ed25519 key/);
  t.throws(() => resolveCheckpointKey(testConfig({ AUDIT_CHECKPOINT_KEY: '/nonexistent/key.pem' })), /cannot read/);
  const pair = crypto.generateKeyPairSync('ed25519');
  const pubPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  t.equal(keyIdOf(resolveCheckpointPublicKey(testConfig({ AUDIT_CHECKPOINT_PUBLIC_KEY: pubPem }))), keyIdOf(pair.privateKey), 'a verifier needs only the public key');
});

t.test('a checkpoint of an empty trail has no chains, and matches', async (t) => {
  const { database } = await buildTestApp(t);
  const key = crypto.generateKeyPairSync('ed25519').privateKey;
  const cp = await createCheckpoint(database.db, key);
  t.same(cp.chains, []);
  t.same(await compareWithCheckpoint(database.db, cp), []);
});
