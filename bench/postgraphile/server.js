// P, the peer: PostGraphile v4 on the benchmark database, as a PostGraphile user would serve it.
//   DATABASE_URL=… PORT=… node bench/postgraphile/server.js
// Computed columns (rv, inIkp, bandKey) are SQL functions, PostGraphile's way of deriving fields, so that it answers
// with the same data as the service; bandKey and year are @filterable so the city-wide list can be a condition.
'use strict';
const http = require('node:http');
const pg = require('pg');
const { postgraphile } = require('postgraphile');

const url = process.env.DATABASE_URL;
const SETUP = `
create or replace function risks_rv(r risks) returns int language sql stable as $$ select r.likelihood * r.consequence $$;
create or replace function risks_band_key(r risks) returns text language sql stable as $$
  select p.matrix -> 'cells' -> (r.likelihood - 1) ->> (r.consequence - 1) from plans p where p.id = r.plan_id $$;
create or replace function risks_in_ikp(r risks) returns boolean language sql stable as $$
  select case when r.likelihood is null or r.consequence is null then false when r.ikp_override = 'INCLUDE' then true
    when r.ikp_override = 'EXCLUDE' then false else r.likelihood * r.consequence >= p.ikp_threshold end
  from plans p where p.id = r.plan_id $$;
create or replace function risks_year(r risks) returns int language sql stable as $$ select p.year from plans p where p.id = r.plan_id $$;
comment on function risks_band_key(risks) is E'@filterable';
comment on function risks_year(risks) is E'@filterable';
`;

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
