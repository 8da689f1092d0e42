// P, the peer: PostGraphile v4 on the benchmark database, as a PostGraphile user would serve it.
//   DATABASE_URL=… PORT=… node bench/postgraphile/server.js
// Computed columns (rv, inIkp, bandKey, year): SQL functions in bench/peer-functions.sql, shared with the v5 peer.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const pg = require('pg');
const { postgraphile } = require('postgraphile');

const url = process.env.DATABASE_URL;
const SETUP = fs.readFileSync(path.join(__dirname, '..', 'peer-functions.sql'), 'utf8');

(async () => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(SETUP);
  await c.end();
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DB_POOL_MAX || 10) });
  const handler = postgraphile(pool, 'public', {
    graphiql: false,
    disableQueryLog: true,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    retryOnInitFail: false,
  });
  const server = http.createServer(handler);
  server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`postgraphile on ${JSON.stringify(server.address())}`));
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => pool.end().then(() => process.exit(0))));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
