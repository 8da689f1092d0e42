import t from 'tap';
import { buildApp } from '../src/app.js';
import { createDatabase } from '../src/db/client.js';
import { testConfig } from './helper.js';

t.test('ready answers 503 when the database is unreachable', async (t) => {
  // A PostgreSQL URL where nothing listens: the pool fails fast instead of hanging.
  const database = await createDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none_test' });
  const app = await buildApp(testConfig(), { database });
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const live = await app.inject('/health/live');
  t.equal(live.statusCode, 200);
  const ready = await app.inject('/health/ready');
  t.equal(ready.statusCode, 503);
  t.equal(ready.headers['retry-after'], '5');
  const { token } = await import('./helper.js');
  const q = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token('admin')}`, 'content-type': 'application/json' }, payload: { query: '{ namnder { code } }' } });
  t.equal(q.json().errors[0].extensions.code, 'SERVICE_UNAVAILABLE');
});
