// P5, the second peer: PostGraphile v5 (Grafast) on the benchmark database, set up as its docs set it up today: the
// amber preset, makePgService, served by grafserv's node adapter.
//   DATABASE_URL=… PORT=… node bench/postgraphile-v5/server.js
//   … node bench/postgraphile-v5/server.js --print-schema   (the generated SDL, to write the bench's queries against)
// Computed columns (rv, inIkp, bandKey, year): the same SQL functions as the v4 peer, bench/peer-functions.sql.
import './node20.js';
import fs from 'node:fs';
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { printSchema } from 'postgraphile/graphql';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { jsonPgSmartTags } from 'postgraphile/utils';

const url = process.env.DATABASE_URL;
const c = new pg.Client({ connectionString: url });
await c.connect();
await c.query(fs.readFileSync(new URL('../peer-functions.sql', import.meta.url), 'utf8'));
await c.end();

const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DB_POOL_MAX || 10) });
// v5 orders and filters only by indexed columns unless told otherwise (v4 ignored indexes): the tree's sort orders
// and the city-wide list's condition on the computed bandKey and year are allowed by smart tags, v5's way.
const orderBy = { tags: { behavior: ['+orderBy'] } };
const tags = jsonPgSmartTags({
  version: 1,
  config: {
    class: {
      ...Object.fromEntries(
        [['processes', 'sort_order'], ['working_methods', 'sort_order'], ['controls', 'sort_order'], ['control_activities', 'sort_order'], ['follow_ups', 'period']]
          .map(([table, column]) => [table, { attribute: { [column]: orderBy } }]),
      ),
      // Its row_id column clashes with v5's rowId (the primary key id, as `id` is the Node id); nothing here reads it.
      export_deletions: { tags: { behavior: ['-*'] } },
    },
    procedure: { risks_band_key: { tags: { behavior: ['+filterBy'] } }, risks_year: { tags: { behavior: ['+filterBy'] } } },
  },
});
/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [tags],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
if (process.argv.includes('--print-schema')) {
  console.log(printSchema(await pgl.getSchema()));
  await pgl.release();
  await pool.end();
  process.exit(0);
}
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
await pgl.getSchemaResult();
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`postgraphile v5 on ${JSON.stringify(server.address())}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => pgl.release().then(() => pool.end()).then(() => process.exit(0))));
