import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { createDatabase } from '../src/db/client.js';
import { createPostgresDatabase } from './support/postgres.js';
import { attackScenario, tmpDir } from './support/checkpoint-attack.js';

t.test('PostgreSQL: the owner rewrites a chain and its head; only the checkpoint finds it', async (t) => {
  const url = await createPostgresDatabase(t);
  const database = await createDatabase({ databaseUrl: url, poolMax: 2 });
  t.teardown(() => database.close());
  // Outside production the signing key is generated into DATA_DIR on first use.
  const dataDir = tmpDir(t, 'ik-cp-data-');
  await attackScenario(t, { DATABASE_URL: url, DATA_DIR: dataDir }, (fn) => fn(database), { refusals: true });
  t.ok(fs.existsSync(path.join(dataDir, 'audit-checkpoint-key.pem')));
});

