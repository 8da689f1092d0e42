import t from 'tap';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createDatabase } from '../src/db/client.js';
import { migrateEmbedded } from '../src/db/migrate.js';
import { attackScenario, tmpDir } from './support/checkpoint-attack.js';

t.test('embedded DATA_DIR: the same rewrite, found by the checkpoint', async (t) => {
  const dataDir = tmpDir(t, 'ik-cp-data-');
  const key = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = path.join(tmpDir(t, 'ik-cp-key-'), 'key.pem');
  fs.writeFileSync(keyFile, key, { mode: 0o600 });
  await attackScenario(t, { DATA_DIR: dataDir, AUDIT_CHECKPOINT_KEY: keyFile }, async (fn) => {
    const database = await createDatabase({ dataDir });
    try {
      await migrateEmbedded(database.pglite!);
      await fn(database);
    } finally {
      await database.close();
    }
  }, { refusals: false });
  t.notOk(fs.existsSync(path.join(dataDir, 'audit-checkpoint-key.pem')), 'a configured key is used, none generated');
});

