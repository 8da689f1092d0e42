/**
 * Benchmark (not a test): streams the risks CSV export of a large generated dataset from a running server and
 * samples the server's resident memory before, during and after, to show that an export streams with flat memory.
 *
 *   npx tsx bench/export-memory.ts [--risks 300000] [--pg postgres://postgres@127.0.0.1:5432/postgres] [--heap-mb 64] [--keep]
 *
 * --heap-mb caps the server's V8 old space: an export that buffered its rows would crash the server there.
 *
 * It creates (and afterwards drops, unless --keep) a scratch database `ik_bench_exports` on that server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createSigner } from 'fast-jwt';
import { migratePostgres } from '../src/db/migrate.js';
import { defaultMatrix } from '../src/modules/risks/risk-matrix.js';

const { values: args } = parseArgs({
  options: {
    risks: { type: 'string', default: '300000' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'heap-mb': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const TOTAL_RISKS = Number(args.risks);
const NAMNDER = 20;
const YEARS = [2022, 2023, 2024, 2025, 2026];
const PROCESSES_PER_PLAN = 10;
const METHODS_PER_PROCESS = 5;
const PLANS = NAMNDER * YEARS.length;
const RISKS_PER_PLAN = Math.ceil(TOTAL_RISKS / PLANS);
const DB_NAME = 'ik_bench_exports';
const SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';

const adminUrl = new URL(args.pg!);
const benchUrl = new URL(args.pg!);
benchUrl.pathname = `/${DB_NAME}`;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function generate() {
  await withClient(adminUrl.toString(), async (c) => {
    await c.query(`drop database if exists ${DB_NAME} with (force)`);
    await c.query(`create database ${DB_NAME}`);
  });
  await migratePostgres(benchUrl.toString());
  const started = Date.now();
  await withClient(benchUrl.toString(), async (c) => {
    // Multi-row INSERT … SELECT generate_series: the whole dataset in a few statements.
    await c.query(`insert into namnder (code, name) select 'N' || lpad(g::text, 2, '0'), 'Nämnd ' || g from generate_series(1, ${NAMNDER}) g`);
    await c.query(`insert into goals (year, code, title) select y, '3.' || g, 'Mål 3.' || g || ' för ' || y
                   from unnest($1::int[]) y, generate_series(1, 5) g`, [YEARS]);
    await c.query(`insert into plans (namnd_id, year, matrix, status) select n.id, y, $2::jsonb, 'ADOPTED'
                   from namnder n, unnest($1::int[]) y`, [YEARS, JSON.stringify(defaultMatrix())]);
    await c.query(`insert into processes (plan_id, goal_id, name, sort_order)
                   select p.id, g.id, 'Process ' || s, s from plans p
                   cross join generate_series(1, ${PROCESSES_PER_PLAN}) s
                   join goals g on g.year = p.year and g.code = '3.' || (1 + s % 5)`);
    await c.query(`insert into working_methods (plan_id, process_id, name, sort_order)
                   select pr.plan_id, pr.id, pr.name || ', arbetssätt ' || s, s from processes pr
                   cross join generate_series(1, ${METHODS_PER_PROCESS}) s`);
    await c.query(`with wm as (select id, plan_id, row_number() over (partition by plan_id order by id) - 1 as k from working_methods)
                   insert into risks (plan_id, working_method_id, nr, title, likelihood, consequence, ikp_override, ikp_motivation)
                   select p.id, wm.id, g,
                     'Risk ' || g || ': "oönskad händelse"; med citat' || case when g % 10 = 0 then E'\\noch radbrytning' else '' end,
                     case when g % 50 = 0 then null else 1 + g % 5 end, 1 + (g / 5) % 5,
                     case when g % 97 = 0 then 'EXCLUDE'::ikp_override end,
                     case when g % 97 = 0 then 'Motiverat undantag' end
                   from plans p
                   cross join generate_series(1, ${RISKS_PER_PLAN}) g
                   join wm on wm.plan_id = p.id and wm.k = g % ${PROCESSES_PER_PLAN * METHODS_PER_PROCESS}`);
    await c.query('analyze');
  });
  const count = await withClient(benchUrl.toString(), async (c) => Number((await c.query('select count(*) from risks')).rows[0].count));
  console.log(`generated ${count} risks in ${PLANS} plans in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return count;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function startServer(port: number): Promise<ChildProcess> {
  const heap = args['heap-mb'] ? [`--max-old-space-size=${Number(args['heap-mb'])}`] : [];
  const child = spawn(process.execPath, [...heap, '--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, DATABASE_URL: benchUrl.toString(), JWT_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/health/ready' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the server did not become ready');
}

interface Run {
  label: string;
  rows: number;
  bytes: number;
  seconds: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  /** RSS when 20 %, 40 %, … of the rows had arrived: flat memory means this plateaus instead of climbing. */
  timeline: number[];
}

async function streamExport(port: number, pid: number, path: string, label: string, expectedRows: number): Promise<Run> {
  const token = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })({ sub: 'bench', roles: ['integration'] });
  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMb(pid));
  }, 50);
  const started = process.hrtime.bigint();
  let bytes = 0;
  let newlines = 0;
  let previous = 0;
  const timeline: number[] = [];
  await new Promise<void>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // Records end with CRLF; line breaks inside values are bare LF, so counting CRLF counts records.
          if (previous === 13 && chunk[0] === 10) newlines++;
          for (let i = chunk.indexOf(10, 1); i !== -1; i = chunk.indexOf(10, i + 1)) if (chunk[i - 1] === 13) newlines++;
          previous = chunk[chunk.length - 1];
          while (timeline.length < 5 && newlines - 1 >= (expectedRows * (timeline.length + 1)) / 5) timeline.push(rssMb(pid));
        });
        res.on('end', resolve);
        res.on('error', reject);
      })
      .on('error', reject);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, 1000));
  return { label, rows: newlines - 1, bytes, seconds, rssBefore, rssPeak, rssAfter: rssMb(pid), timeline };
}

const generated = await generate();
const port = await freePort();
const server = await startServer(port);
try {
  const runs: Run[] = [];
  // A warm-up run so that lazily loaded code and the JIT do not count as export memory.
  const perYear = generated / YEARS.length;
  await streamExport(port, server.pid!, '/api/v1/exports/risks.csv?year=2026&namnd=N01', 'warm-up', perYear / NAMNDER);
  runs.push(await streamExport(port, server.pid!, '/api/v1/exports/risks.csv?year=2026', 'risks.csv, one year', perYear));
  runs.push(await streamExport(port, server.pid!, '/api/v1/exports/risks.csv', 'risks.csv, all years', generated));
  runs.push(await streamExport(port, server.pid!, '/api/v1/exports/risks.csv', 'risks.csv, all years (again)', generated));
  const cap = args['heap-mb'] ? `, server old space capped at ${args['heap-mb']} MB` : '';
  console.log(`\n${generated} risks; server RSS in MB sampled every 50 ms${cap}\n`);
  console.log('| export | rows | MB sent | seconds | rows/s | RSS before | RSS at 20/40/60/80/100 % | RSS peak | RSS after | growth |');
  console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const r of runs) {
    console.log(
      `| ${r.label} | ${r.rows} | ${(r.bytes / 1e6).toFixed(1)} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds)} | ` +
        `${r.rssBefore.toFixed(0)} | ${r.timeline.map((m) => m.toFixed(0)).join(' / ')} | ${r.rssPeak.toFixed(0)} | ${r.rssAfter.toFixed(0)} | ` +
        `${(r.rssPeak - r.rssBefore).toFixed(0)} |`,
    );
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (!args.keep) await withClient(adminUrl.toString(), (c) => c.query(`drop database if exists ${DB_NAME} with (force)`));
}
