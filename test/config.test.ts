import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test('defaults', async (t) => {
  const c = loadConfig({});
  t.equal(c.PORT, 3000);
  t.equal(c.DATA_DIR, './data');
  t.equal(c.DATABASE_URL, undefined);
});

t.test('a bad value names the variable and what is expected', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL: must be a postgres/);
  t.throws(() => loadConfig({ JWT_SECRET: 'short' }), /JWT_SECRET: must be at least 32/);
  t.throws(() => loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks' }), /JWT_ISSUER/);
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /DATABASE_URL is required/);
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
});

t.test('empty strings count as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined);
});
