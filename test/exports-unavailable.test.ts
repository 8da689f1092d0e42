import t from 'tap';
import { buildApp } from '../src/app.js';
import { createDatabase } from '../src/db/client.js';
import { testConfig, token } from './helper.js';

t.test('an export whose database is gone answers 503 problem+json before sending any row', async (t) => {
  // A PostgreSQL URL where nothing listens: the export fails on its first batch, before the headers are sent.
  const database = await createDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none_test', poolMax: 2 });
  const app = await buildApp(testConfig({ DB_POOL_MAX: '2' }), { database });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const headers = { authorization: `Bearer ${token('integration')}` };
  // Twice: the failed export must give its slot back (one slot with DB_POOL_MAX=2).
  for (const url of ['/api/v1/exports/risks.csv', '/api/v1/exports/plans.json']) {
    const res = await app.inject({ url, headers });
    t.equal(res.statusCode, 503, url);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    t.equal(res.headers['retry-after'], '5');
    t.match(res.json(), { code: 'SERVICE_UNAVAILABLE', status: 503 });
    t.notMatch(res.body, /ECONNREFUSED|127\.0\.0\.1/, 'no driver internals');
  }
});
