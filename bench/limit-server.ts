/**
 * L, the limit: the least a server can do to answer the benchmark's questions. One hand-written statement per
 * request builds the response in PostgreSQL and the bytes go out as they are: no auth, no validation, no GraphQL.
 *
 *   DATABASE_URL=… PORT=… node --import tsx bench/limit-server.ts
 */
import Fastify from 'fastify';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { CONSEQUENCE_LABELS, LIKELIHOOD_LABELS } from '../src/modules/risks/risk-matrix.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
const app = Fastify({ logger: false });

// Shared SQL fragments: what the service derives in TypeScript (risk-matrix.ts), here derived in the statement.
const rv = 'r.likelihood * r.consequence';
const bandKey = `(p.matrix -> 'cells' -> (r.likelihood - 1) ->> (r.consequence - 1))`;
const inIkp = `(case when r.likelihood is null or r.consequence is null then false
  when r.ikp_override = 'INCLUDE' then true when r.ikp_override = 'EXCLUDE' then false else ${rv} >= p.ikp_threshold end)`;
const labels = (l: Record<number, string>) => `(array[${[1, 2, 3, 4, 5].map((i) => `'${l[i]}'`).join(', ')}])`;

// W1: one plan's tree, nested as the GraphQL query asks for it.
const W1 = `
select json_build_object('data', json_build_object('plan', (
  select json_build_object('id', p.id, 'year', p.year, 'status', p.status, 'ikpThreshold', p.ikp_threshold,
    'processes', coalesce((select json_agg(json_build_object('id', pr.id, 'name', pr.name, 'sortOrder', pr.sort_order,
      'goal', (select json_build_object('code', g.code, 'title', g.title) from goals g where g.id = pr.goal_id),
      'workingMethods', coalesce((select json_agg(json_build_object('id', w.id, 'name', w.name, 'sortOrder', w.sort_order,
        'risks', coalesce((select json_agg(json_build_object('id', r.id, 'nr', r.nr, 'title', r.title, 'description', r.description,
          'likelihood', r.likelihood, 'consequence', r.consequence, 'rv', ${rv}, 'inIkp', ${inIkp},
          'band', case when r.likelihood is not null and r.consequence is not null then json_build_object('key', ${bandKey}) end,
          'controls', coalesce((select json_agg(json_build_object('id', c.id, 'description', c.description,
            'activities', coalesce((select json_agg(json_build_object('id', a.id, 'description', a.description, 'responsible', a.responsible,
              'periods', a.periods, 'followUps', coalesce((select json_agg(json_build_object('id', f.id, 'period', f.period, 'status', f.status,
                'outcome', f.outcome) order by f.period) from follow_ups f where f.control_activity_id = a.id), '[]'))
              order by a.sort_order, a.id) from control_activities a where a.control_id = c.id), '[]'))
            order by c.sort_order, c.id) from controls c where c.risk_id = r.id), '[]'))
          order by r.nr) from risks r where r.working_method_id = w.id), '[]'))
        order by w.sort_order, w.id) from working_methods w where w.process_id = pr.id), '[]'))
      order by pr.sort_order, pr.id) from processes pr where pr.plan_id = p.id), '[]'))
  from plans p join namnder n on n.id = p.namnd_id where n.code = $1 and p.year = $2)))::text as body`;

// W2: one page of a year's risks in a band, keyset-paginated on the id as the service does.
const W2 = `
with page as (
  select r.id, r.nr, r.title, r.likelihood, r.consequence, ${rv} as rv, ${bandKey} as band, p.year, n.code
  from risks r join plans p on p.id = r.plan_id join namnder n on n.id = p.namnd_id
  where p.year = $1 and r.likelihood is not null and r.consequence is not null and ${bandKey} = $2 and ($3::uuid is null or r.id > $3::uuid)
  order by r.id limit $4::int + 1)
select json_build_object('data', json_build_object('risks', json_build_object(
  'nodes', coalesce((select json_agg(json_build_object('id', id, 'nr', nr, 'title', title, 'likelihood', likelihood,
    'consequence', consequence, 'rv', rv, 'band', json_build_object('key', band), 'plan', json_build_object('year', year,
    'namnd', json_build_object('code', code))) order by id) from (select * from page order by id limit $4::int) x), '[]'),
  'pageInfo', json_build_object('hasNextPage', (select count(*) from page) > $4::int,
    'endCursor', (select max(id::text) from (select id from page order by id limit $4::int) y)))))::text as body`;

// W3: the risk's update, its audit event (hash-chained exactly as src/audit/audit-log.ts hashes, so the trail
// still verifies), the outbox event and the chain head, in one statement. The head row is locked per nämnd.
const str = (e: string) => `coalesce(to_json(${e}::text)::text, 'null')`;
const W3 = `
with old as (select id, likelihood from risks where id = $1 for update),
r as (
  update risks r set likelihood = $3, version = r.version + 1, updated_at = now()
  from old, plans p, namnder n
  where r.id = old.id and r.version = $2 and p.id = r.plan_id and p.status = 'DRAFT' and n.id = p.namnd_id
  returning r.id, r.version, old.likelihood as before, r.likelihood as after, n.code, 'namnd:' || n.code as chain),
h as (select seq, hash from audit_chain_heads where chain = (select chain from r) for update),
t as (select date_trunc('milliseconds', clock_timestamp()) as at),
e as (
  select r.*, h.seq + 1 as chain_seq, nullif(h.hash, '') as prev_hash, t.at,
    json_build_object('likelihood', json_build_object('after', r.after, 'before', r.before)) as changes
  from r, h, t),
x as (
  select e.*, encode(sha256(convert_to(
    '{"action":"risk.update","actor":"bench-limit","chain":' || ${str('e.chain')} || ',"chainSeq":' || e.chain_seq ||
    ',"changes":{"likelihood":{"after":' || coalesce(e.after::text, 'null') || ',"before":' || coalesce(e.before::text, 'null') || '}}' ||
    ',"entityId":' || ${str('e.id')} || ',"entityType":"Risk","fromState":null,"namndCode":' || ${str('e.code')} ||
    ',"occurredAt":"' || to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","prevHash":' || ${str('e.prev_hash')} ||
    ',"reason":null,"requestId":null,"toState":null}', 'UTF8')), 'hex') as hash
  from e),
ev as (
  insert into audit_events (occurred_at, actor, action, entity_type, entity_id, namnd_code, changes, chain, chain_seq, prev_hash, hash)
  select at, 'bench-limit', 'risk.update', 'Risk', id::text, code, changes::jsonb, chain, chain_seq, prev_hash, hash from x
  returning 1),
de as (
  insert into domain_events (type, namnd_code, entity_type, entity_id, entity_version, occurred_at, data)
  select 'risk.update', code, 'Risk', id::text, version, at, '{"changedFields":["likelihood"]}'::jsonb from x
  returning 1)
update audit_chain_heads hd set seq = x.chain_seq, hash = x.hash from x where hd.chain = x.chain
returning json_build_object('data', json_build_object('updateRisk', json_build_object('id', x.id, 'version', x.version, 'likelihood', x.after)))::text as body`;

// W4: the risks export's columns (all 27 the service's risks.csv has), derived in SQL, streamed by COPY.
const w4Copy = (year: number | null) => `copy (
  select r.id as risk_id, r.plan_id, n.code as namnd_code, p.year, g.code as goal_code, pr.name as process, wm.name as working_method,
    r.nr, r.title, r.likelihood, ${labels(LIKELIHOOD_LABELS)}[r.likelihood] as likelihood_label, r.consequence,
    ${labels(CONSEQUENCE_LABELS)}[r.consequence] as consequence_label, ${rv} as rv, ${bandKey} as band,
    (select b ->> 'label' from jsonb_array_elements(p.matrix -> 'bands') b where b ->> 'key' = ${bandKey}) as band_label,
    (select b ->> 'color' from jsonb_array_elements(p.matrix -> 'bands') b where b ->> 'key' = ${bandKey}) as band_color,
    ${inIkp} as in_ikp,
    case when r.likelihood is null or r.consequence is null then 'UNASSESSED'
      when r.ikp_override = 'INCLUDE' and ${rv} < p.ikp_threshold then 'MOTIVATED_INCLUSION'
      when r.ikp_override = 'EXCLUDE' and ${rv} >= p.ikp_threshold then 'MOTIVATED_EXCLUSION' else 'THRESHOLD' end as ikp_basis,
    r.ikp_motivation, to_char(r.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at,
    to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at, r.working_method_id, wm.process_id, pr.goal_id,
    (select o from jsonb_array_elements(p.matrix -> 'bands') with ordinality b(v, o) where v ->> 'key' = ${bandKey}) as band_order, r.origin_id
  from risks r join plans p on p.id = r.plan_id join namnder n on n.id = p.namnd_id
  join working_methods wm on wm.id = r.working_method_id join processes pr on pr.id = wm.process_id join goals g on g.id = pr.goal_id
  ${year ? `where p.year = ${year}` : ''} order by r.id) to stdout with (format csv, header)`;

const send = (reply: any, body: string | undefined) => reply.header('content-type', 'application/json; charset=utf-8').send(body);

app.get('/w1', async (req, reply) => {
  const q = req.query as { code: string; year: string };
  const { rows } = await pool.query(W1, [q.code, Number(q.year)]);
  return send(reply, rows[0].body);
});

app.get('/w2', async (req, reply) => {
  const q = req.query as { year: string; band: string; after?: string; first?: string };
  const { rows } = await pool.query(W2, [Number(q.year), q.band, q.after || null, Number(q.first ?? 100)]);
  return send(reply, rows[0].body);
});

app.post('/w3', async (req, reply) => {
  const b = req.body as { id: string; version: number; likelihood: number };
  const { rows } = await pool.query(W3, [b.id, b.version, b.likelihood]);
  if (!rows.length) return reply.code(409).send({ errors: [{ message: 'stale version or not a draft' }] });
  return send(reply, rows[0].body);
});

app.get('/w4', async (req, reply) => {
  const q = req.query as { year?: string };
  const client = await pool.connect();
  const stream = client.query(copyTo(w4Copy(q.year ? Number(q.year) : null)));
  let released = false;
  const release = (err?: Error) => {
    if (!released) client.release(err);
    released = true;
  };
  stream.on('end', () => release());
  stream.on('error', (e: Error) => release(e));
  reply.raw.on('close', () => {
    // A reader that goes away mid-stream: drop the connection rather than return it mid-COPY.
    if (!released) release(new Error('client went away'));
  });
  return reply.header('content-type', 'text/csv; charset=utf-8').send(stream);
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`limit server on ${JSON.stringify(app.server.address())}`);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => app.close().then(() => pool.end()).then(() => process.exit(0)));
