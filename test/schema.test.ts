import t from 'tap';
import fs from 'node:fs';
import { printSchema } from 'graphql';
import { buildTestApp } from './helper.js';

t.test('the committed schema.graphql is what the server serves', async (t) => {
  const { app } = await buildTestApp(t);
  const served = printSchema(app.graphql.schema) + '\n';
  const committed = fs.readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
  t.equal(served, committed, 'schema.graphql is stale: run `npm run schema:print` and commit it');
});
