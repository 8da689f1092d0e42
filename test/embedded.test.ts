import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { createDatabase } from '../src/db/client.js';
import { testConfig, gqlOk } from './helper.js';

// Embedded mode on disk (PGlite in DATA_DIR), whatever TEST_DATABASE_URL says.
t.test('data survives a restart, and a second process cannot open the same DATA_DIR', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-embedded-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = testConfig({ DATA_DIR: dir });

  const first = await buildApp(config);
  await gqlOk(first, `mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }`);
  await t.rejects(createDatabase({ dataDir: dir }).then(() => undefined), { message: /in use by process/ });
  await first.close();

  const second = await buildApp(config);
  t.teardown(() => second.close());
  const d = await gqlOk(second, `{ namnd(code: "SN") { name history { action } } }`);
  t.equal(d.namnd.name, 'Servicenämnden');
  t.equal(d.namnd.history.length, 1);
});
