/**
 * The benchmark (not a test): the service (S) against the raw-SQL limit (L) and PostGraphile v4 (P), in one run,
 * on one database and dataset. Usage and what is measured: README, "Benchmarks".
 *
 *   npm run bench -- [--embedded] [--duration 10] [--connections 10] [--seed 1] [--only W1,W3] [--cpu-prof] [--regenerate]
 */
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createSigner } from 'fast-jwt';
import pg from 'pg';
import { migrateEmbedded, migratePostgres } from '../src/db/migrate.js';
import { EMBEDDED, FULL, ensureDataset, namndCode, type DatasetSize, type Query } from './dataset.js';
import { startSqlCounter } from './sql-counter.js';

const { values: args } = parseArgs({
  options: {
    embedded: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'no-peer': { type: 'boolean', default: false },
    'no-count': { type: 'boolean', default: false },
    regenerate: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..');
const EMB = args.embedded;
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections ?? (EMB ? 2 : 10));
const size: DatasetSize = { seed: Number(args.seed), ...(EMB ? EMBEDDED : FULL) };
const FIRST_YEAR = size.lastYear - size.years + 1;
const only = new Set((args.only ?? 'W1,W2,W3,W4').split(',').map((s) => s.trim().toUpperCase()));
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ik_bench';
const DATA_DIR = path.join(ROOT, 'bench', '.data', `embedded-seed${size.seed}`);
const SECRET = process.env.JWT_SECRET ?? 'bench-secret-that-is-long-enough-for-hs256-signing';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 6 * 3_600_000 });
const TOKENS = {
  viewer: sign({ sub: 'bench-viewer', roles: ['viewer:*'] }),
  editor: sign({ sub: 'bench-editor', roles: ['editor:*'] }),
  admin: sign({ sub: 'bench-admin', roles: ['admin'] }),
  auditor: sign({ sub: 'bench-auditor', roles: ['auditor'] }),
  integration: sign({ sub: 'bench-integration', roles: ['integration'] }),
};
const log = (s: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)} load ${os.loadavg()[0].toFixed(2)}] ${s}`);
const rand = (n: number) => Math.floor(Math.random() * n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the dataset

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function prepareDataset() {
  if (EMB) {
    const { PGlite } = await import('@electric-sql/pglite');
    if (args.regenerate) fs.rmSync(DATA_DIR, { recursive: true, force: true });
    fs.mkdirSync(DATA_DIR, { recursive: true });
    const db = new PGlite(path.join(DATA_DIR, 'pg'));
    await migrateEmbedded(db);
    const r = await ensureDataset((t, p) => db.query(t, p) as ReturnType<Query>, size, log);
    await db.close();
    return r;
  }
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await withPg(admin.toString(), async (c) => {
    if (args.regenerate) await c.query(`drop database if exists "${name}" with (force)`);
    const { rows } = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (!rows.length) await c.query(`create database "${name}"`);
  });
  await migratePostgres(DATABASE_URL);
  return withPg(DATABASE_URL, (c) => ensureDataset((t, p) => c.query(t, p as unknown[]), size, log));
}

/** Runs SQL against the dataset: PostgreSQL directly; PGlite only while the service is not running. */
async function sqlNow<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  return withPg(DATABASE_URL, async (c) => (await c.query(text, params)).rows as T[]);
}

// ---------------------------------------------------------------- the servers

interface Server {
  name: string;
  child: ChildProcess;
  pid: number;
  base: string;
  output: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(name: 'S' | 'L' | 'P', dbUrl: string, extraEnv: Record<string, string> = {}, cpuProfDir?: string): Promise<Server> {
  const port = await freePort();
  const env: Record<string, string> = { ...(process.env as Record<string, string>), PORT: String(port), HOST: '127.0.0.1', ...extraEnv };
  let argv: string[];
  if (name === 'S') {
    argv = [...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []), '--import', 'tsx', 'src/server.ts'];
    Object.assign(env, { JWT_SECRET: SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', GRAPHIQL: 'false' });
    if (EMB) Object.assign(env, { DATA_DIR, NODE_ENV: 'development', DATABASE_URL: '' });
    else Object.assign(env, { DATABASE_URL: dbUrl, NODE_ENV: 'production', WEBHOOK_SECRET_KEYS: `bench:${crypto.randomBytes(32).toString('base64')}` });
  } else if (name === 'L') {
    argv = ['--import', 'tsx', 'bench/limit-server.ts'];
    env.DATABASE_URL = dbUrl;
  } else {
    argv = ['bench/postgraphile/server.js'];
    env.DATABASE_URL = dbUrl;
  }
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    const status = await fetch(`${base}${name === 'S' ? '/health/ready' : name === 'L' ? '/w2?year=0&band=X' : '/graphql'}`, name === 'P' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' } : {})
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return { name, child, pid: child.pid!, base, output };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output.join('').slice(-3000)}`);
}

async function stopServer(s: Server) {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => s.child.kill('SIGKILL'))]);
}

function procSample(pid: number): { ticks: number; rss: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { ticks: Number(f[11]) + Number(f[12]), rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024 };
}

/** CPU (% of one core) and RSS (MB) of a server while fn runs, sampled every 100 ms. */
async function measured<T>(pid: number, fn: () => Promise<T>) {
  const before = procSample(pid);
  const t0 = Date.now();
  const rss: number[] = [];
  const timer = setInterval(() => rss.push(procSample(pid).rss), 100);
  const result = await fn();
  clearInterval(timer);
  const during = procSample(pid);
  const seconds = (Date.now() - t0) / 1000;
  await sleep(1000);
  const after = procSample(pid);
  return {
    result,
    cpuPct: Math.round(((during.ticks - before.ticks) / 100 / seconds) * 100),
    rssBefore: Math.round(before.rss),
    rssAvg: Math.round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)),
    rssMax: Math.round(Math.max(before.rss, ...rss)),
    rssAfter: Math.round(after.rss),
  };
}

// ---------------------------------------------------------------- the workloads

const W1_S = `query($c: String!, $y: Int!) { plan(namndCode: $c, year: $y) { id year status ikpThreshold
  processes { id name sortOrder goal { code title } workingMethods { id name sortOrder risks { id nr title description
  likelihood consequence rv inIkp band { key } controls { id description activities { id description responsible periods
  followUps { id period status outcome } } } } } } } }`;
const W1_P = `query($c: String!, $y: Int!) { namnderByCode(code: $c) { plansByNamndId(condition: { year: $y }) { nodes {
  id year status ikpThreshold processesByPlanId(orderBy: SORT_ORDER_ASC) { nodes { id name sortOrder goalByGoalId { code title }
  workingMethodsByProcessId(orderBy: SORT_ORDER_ASC) { nodes { id name sortOrder risksByWorkingMethodId(orderBy: NR_ASC) { nodes {
  id nr title description likelihood consequence rv inIkp bandKey controlsByRiskId(orderBy: SORT_ORDER_ASC) { nodes { id description
  controlActivitiesByControlId(orderBy: SORT_ORDER_ASC) { nodes { id description responsible periods
  followUpsByControlActivityId(orderBy: PERIOD_ASC) { nodes { id period status outcome } } } } } } } } } } } } } } } }`;
const W2_S = `query($y: Int!, $b: String!, $a: String) { risks(filter: { year: $y, band: $b }, first: 100, after: $a) {
  nodes { id nr title likelihood consequence rv band { key } plan { year namnd { code } } } pageInfo { hasNextPage endCursor } } }`;
const W2_P = `query($y: Int!, $b: String!, $a: Cursor) { allRisks(condition: { year: $y, bandKey: $b }, orderBy: PRIMARY_KEY_ASC, first: 100, after: $a) {
  nodes { id nr title likelihood consequence rv bandKey planByPlanId { year namnderByNamndId { code } } } pageInfo { hasNextPage endCursor } } }`;
const W3_S = `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id version likelihood } }`;

const json = (token: string | null) => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });
const gqlBody = (query: string, variables: unknown) => JSON.stringify({ query, variables });
const randomPlan = () => ({ c: namndCode(1 + rand(size.namnder)), y: FIRST_YEAR + rand(size.years) });

type Kind = 'S' | 'L' | 'P';
interface Target {
  id: string;
  v: number;
  l: number;
  code: string;
}
interface W3State {
  slices: Target[][];
  next: number;
  ok: number;
  failed: number;
  inFlight: Set<Target>;
  failures: string[];
}

/** One autocannon request definition per workload and server. */
function requestFor(w: string, kind: Kind, s: Server, w3?: W3State): any {
  const bad = { count: 0, sample: '' };
  const check = (status: number, body: string) => {
    if (status !== 200 || body.includes('"errors"')) {
      bad.count++;
      bad.sample ||= `${status} ${body.slice(0, 300)}`;
      return false;
    }
    return true;
  };
  if (w === 'W1') {
    return {
      bad,
      req: {
        method: kind === 'L' ? 'GET' : 'POST',
        path: kind === 'L' ? '/w1' : '/graphql',
        setupRequest: (req: any) => {
          const { c, y } = randomPlan();
          if (kind === 'L') return { ...req, path: `/w1?code=${c}&year=${y}` };
          return { ...req, headers: json(kind === 'S' ? TOKENS.viewer : null), body: gqlBody(kind === 'S' ? W1_S : W1_P, { c, y }) };
        },
        onResponse: (status: number, body: string) => check(status, body),
      },
    };
  }
  if (w === 'W2') {
    return {
      bad,
      req: {
        method: kind === 'L' ? 'GET' : 'POST',
        path: kind === 'L' ? '/w2' : '/graphql',
        // Each connection walks the pages of one year's critical risks, then starts on another year.
        setupRequest: (req: any, ctx: any) => {
          if (ctx.year === undefined) Object.assign(ctx, { year: FIRST_YEAR + rand(size.years), after: null });
          if (kind === 'L') return { ...req, path: `/w2?year=${ctx.year}&band=KRITISK${ctx.after ? `&after=${ctx.after}` : ''}` };
          const vars = { y: ctx.year, b: 'KRITISK', a: ctx.after };
          return { ...req, headers: json(kind === 'S' ? TOKENS.viewer : null), body: gqlBody(kind === 'S' ? W2_S : W2_P, vars) };
        },
        onResponse: (status: number, body: string, ctx: any) => {
          const ok = check(status, body);
          const next = ok && /"hasNextPage"\s*:\s*true/.test(body);
          ctx.after = next ? /"endCursor"\s*:\s*"([^"]*)"/.exec(body)![1] : null;
          if (!next) ctx.year = FIRST_YEAR + rand(size.years);
        },
      },
    };
  }
  // W3: every connection owns a slice of draft risks and cycles through them, so it always sends the version it
  // last saw and every request is a valid, successful change (likelihood moves 1→2→…→5→1).
  return {
    bad,
    req: {
      method: 'POST',
      path: kind === 'L' ? '/w3' : '/graphql',
      setupRequest: (req: any, ctx: any) => {
        if (!ctx.slice) Object.assign(ctx, { slice: w3!.slices[w3!.next++ % w3!.slices.length], k: 0 });
        const t: Target = ctx.slice[ctx.k++ % ctx.slice.length];
        ctx.t = t;
        ctx.l = (t.l % 5) + 1;
        w3!.inFlight.add(t);
        const input = { id: t.id, version: t.v, likelihood: ctx.l };
        if (kind === 'L') return { ...req, headers: json(null), body: JSON.stringify(input) };
        return { ...req, headers: json(TOKENS.editor), body: gqlBody(W3_S, { i: input }) };
      },
      onResponse: (status: number, body: string, ctx: any) => {
        const t: Target = ctx.t;
        w3!.inFlight.delete(t);
        if (check(status, body)) {
          w3!.ok++;
          t.v = Number(/"version"\s*:\s*(\d+)/.exec(body)![1]);
          t.l = ctx.l;
        } else {
          w3!.failed++;
          if (w3!.failures.length < 3) w3!.failures.push(body.slice(0, 300));
        }
      },
    },
  };
}

interface LoadResult {
  workload: string;
  server: Kind;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  errorSample?: string;
  kbPerReq: number;
  cpuPct: number;
  rssBefore: number;
  rssAvg: number;
  rssMax: number;
  rssAfter: number;
  note?: string;
}

async function load(w: string, kind: Kind, s: Server, w3?: W3State, label = w): Promise<LoadResult> {
  const { bad, req } = requestFor(w, kind, s, w3);
  // autocannon clears a request's context after every request when there is only one; state that must live as
  // long as the connection (W2's page cursor, W3's slice of risks) is kept per client instead.
  // The request given to autocannon itself is a placeholder that setupClient replaces before it is ever sent
  // (autocannon builds it once per client first, which must not take a slice of W3's risks).
  const setupClient = (client: any) => {
    const state = {};
    client.setRequests([{ ...req, setupRequest: (r: any) => req.setupRequest(r, state), onResponse: (st: number, body: string) => req.onResponse(st, body, state) }]);
  };
  const placeholder = { method: req.method, path: req.path };
  // A short warm-up (JIT, pools, caches) that is not measured.
  await autocannon({ url: s.base, connections: CONNECTIONS, duration: 2, requests: [placeholder], setupClient });
  // Writes the warm-up left in flight: learn their outcome, or the next request would send a stale version.
  if (w3) await settleInFlight(w3);
  bad.count = 0;
  bad.sample = '';
  const m = await measured(s.pid, () => autocannon({ url: s.base, connections: CONNECTIONS, duration: DURATION, requests: [placeholder], setupClient }));
  const r = m.result;
  const errors = bad.count + r.errors + r.timeouts;
  log(`${label} ${kind}: ${Math.round(r.requests.average)} req/s p50 ${r.latency.p50} p99 ${r.latency.p99} ms, errors ${errors}, cpu ${m.cpuPct}%, rss ${m.rssBefore}/${m.rssMax}/${m.rssAfter} MB`);
  return {
    workload: label,
    server: kind,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors,
    errorSample: bad.sample || undefined,
    kbPerReq: Math.round(r.throughput.total / Math.max(1, r.requests.total) / 102.4) / 10,
    cpuPct: m.cpuPct,
    rssBefore: m.rssBefore,
    rssAvg: m.rssAvg,
    rssMax: m.rssMax,
    rssAfter: m.rssAfter,
  };
}

// ---------------------------------------------------------------- W3 bookkeeping

async function w3Targets(): Promise<{ S: Target[]; L: Target[]; S1: Target[]; L1: Target[] }> {
  const rows = await sqlNow<{ id: string; version: number; likelihood: number; code: string }>(
    `select r.id, r.version, r.likelihood, n.code from risks r join plans p on p.id = r.plan_id join namnder n on n.id = p.namnd_id
     where p.status = 'DRAFT' and r.likelihood is not null and r.consequence is not null and n.code like 'BN%' order by r.id`,
  );
  const out = { S: [] as Target[], L: [] as Target[], S1: [] as Target[], L1: [] as Target[] };
  rows.forEach((r, i) => {
    const t = { id: r.id, v: r.version, l: r.likelihood, code: r.code };
    const one = r.code === namndCode(1);
    (i % 2 === 0 ? (one ? out.S1 : out.S) : one ? out.L1 : out.L).push(t);
  });
  return out;
}

function w3State(targets: Target[]): W3State {
  const slices: Target[][] = Array.from({ length: CONNECTIONS }, () => []);
  targets.forEach((t, i) => slices[i % CONNECTIONS].push(t));
  return { slices, next: 0, ok: 0, failed: 0, inFlight: new Set(), failures: [] };
}

const auditCount = async (actor: string) => Number((await sqlNow(`select count(*)::int as n from audit_events where actor = $1`, [actor]))[0].n);

/** Writes still in flight when autocannon stopped listening: committed if the row's version moved on. */
async function settleInFlight(st: W3State) {
  await sleep(1500);
  if (EMB) return settleEmbedded(st);
  let committed = 0;
  for (const t of [...st.inFlight]) {
    const [row] = await sqlNow<{ version: number; likelihood: number }>('select version, likelihood from risks where id = $1', [t.id]);
    if (row.version > t.v) {
      committed++;
      t.v = row.version;
      t.l = row.likelihood;
    }
  }
  st.ok += committed;
  const unanswered = st.inFlight.size;
  st.inFlight.clear();
  return { unanswered, committed };
}

async function runW3(kind: Kind, s: Server, targets: Target[], label: string, actor: string): Promise<LoadResult> {
  const st = w3State(targets);
  const before = await auditCount(actor);
  // Warm-up writes count too: the audit comparison covers everything this state sent.
  const r = await load('W3', kind, s, st, label);
  const settled = await settleInFlight(st);
  const added = (await auditCount(actor)) - before;
  r.note = `${st.ok} successful mutations, ${added} audit events added${added === st.ok ? ' (equal)' : ' (MISMATCH)'}, ${st.failed} refused, ${settled.unanswered} in flight at stop (${settled.committed} committed)`;
  if (st.failures.length) r.note += `; first refusal: ${st.failures[0]}`;
  log(`${label} ${kind}: ${r.note}`);
  return r;
}

// ---------------------------------------------------------------- W4

interface ExportRun {
  label: string;
  server: Kind;
  rows: number;
  mb: number;
  seconds: number;
  rowsPerSec: number;
  rssBefore: number;
  rssMax: number;
  rssAfter: number;
  growth: number;
  cpuPct: number;
}

function fetchCsv(s: Server, kind: Kind, year: number | null, slowBytesPerSec = 0, gzip = false): Promise<{ rows: number; bytes: number }> {
  const p = kind === 'S' ? `/api/v1/exports/risks.csv${year ? `?year=${year}` : ''}` : `/w4${year ? `?year=${year}` : ''}`;
  const url = new URL(p, s.base);
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { authorization: `Bearer ${TOKENS.integration}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) }, agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`${p}: ${res.statusCode}`));
        if (gzip && res.headers['content-encoding'] !== 'gzip') return reject(new Error(`${p}: not compressed`));
        let bytes = 0;
        let lines = 0;
        const t0 = Date.now();
        // Compressed: bytes are what crossed the wire, rows are counted in the inflated stream.
        const body = gzip ? res.pipe(zlib.createGunzip()) : res;
        if (gzip) res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        body.on('data', (chunk: Buffer) => {
          if (!gzip) bytes += chunk.length;
          // Records end with a newline (CRLF from S, LF from COPY); no exported risk field contains one.
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
          if (slowBytesPerSec) {
            // A slow reader: stop reading until the bytes so far fit the rate; TCP backpressure does the rest.
            const due = (bytes / slowBytesPerSec) * 1000 - (Date.now() - t0);
            if (due > 0) {
              res.pause();
              setTimeout(() => res.resume(), due);
            }
          }
        });
        body.on('end', () => resolve({ rows: lines - 1, bytes }));
        body.on('error', reject);
      })
      .on('error', reject);
  });
}

async function exportRun(s: Server, kind: Kind, label: string, year: number | null, parallel = 1, slow = 0, gzip = false): Promise<ExportRun> {
  await sleep(500);
  const t0 = Date.now();
  const m = await measured(s.pid, () => Promise.all(Array.from({ length: parallel }, () => fetchCsv(s, kind, year, slow, gzip))));
  const seconds = (Date.now() - t0 - 1000) / 1000;
  const rows = m.result.reduce((a, r) => a + r.rows, 0);
  const run = {
    label,
    server: kind,
    rows,
    mb: Math.round(m.result.reduce((a, r) => a + r.bytes, 0) / 1e5) / 10,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSec: Math.round(rows / seconds),
    rssBefore: m.rssBefore,
    rssMax: m.rssMax,
    rssAfter: m.rssAfter,
    growth: m.rssMax - m.rssBefore,
    cpuPct: m.cpuPct,
  };
  log(`W4 ${kind} ${label}: ${rows} rows in ${run.seconds} s = ${run.rowsPerSec} rows/s, rss ${run.rssBefore} → max ${run.rssMax} → ${run.rssAfter} MB`);
  return run;
}

async function runW4(s: Server, kind: Kind): Promise<ExportRun[]> {
  const year = size.lastYear - 1;
  await fetchCsv(s, kind, year); // warm-up
  const runs: ExportRun[] = [];
  runs.push(await exportRun(s, kind, `one year (${year})`, year));
  runs.push(await exportRun(s, kind, 'all years', null));
  runs.push(await exportRun(s, kind, 'all years, again', null));
  runs.push(await exportRun(s, kind, '10 in parallel, all years', null, 10));
  // rows/s of the slow reader is the reader's rate: only its memory matters.
  runs.push(await exportRun(s, kind, 'slow reader (2 MB/s), all years', null, 1, 2_000_000));
  // With compression on (Accept-Encoding: gzip, issue 15): the service only; L's COPY has none.
  if (kind === 'S') {
    runs.push(await exportRun(s, kind, 'all years, gzip', null, 1, 0, true));
    runs.push(await exportRun(s, kind, '10 in parallel, all years, gzip', null, 10, 0, true));
  }
  return runs;
}

// ---------------------------------------------------------------- SQL statements per request

async function post(s: Server, p: string, token: string | null, body: string) {
  const r = await fetch(`${s.base}${p}`, { method: 'POST', headers: json(token), body });
  return r.text();
}

/** Statements per request, counted at the wire (bench/sql-counter.ts), over sequential requests. */
async function countStatements(): Promise<Record<string, Record<string, number | string>>> {
  const url = new URL(DATABASE_URL);
  const counter = await startSqlCounter(url.hostname, Number(url.port || 5432));
  const proxied = new URL(DATABASE_URL);
  proxied.host = `127.0.0.1:${counter.port}`;
  const out: Record<string, Record<string, number | string>> = {};
  const N = 10;
  const per = async (fn: () => Promise<unknown>) => {
    await fn();
    await fn();
    await sleep(200);
    counter.reset();
    for (let i = 0; i < N; i++) await fn();
    return Math.round((counter.count() / N) * 10) / 10;
  };
  // Background loops (webhook relay, subscriptions poll, due job) are not per request: off while counting.
  const quiet = { WEBHOOKS_ENABLED: 'false', SUBSCRIPTIONS_ENABLED: 'false', DUE_JOB_ENABLED: 'false' };
  for (const kind of ['S', 'L', 'P'] as Kind[]) {
    if (kind === 'P' && args['no-peer']) continue;
    const s = await startServer(kind, proxied.toString(), kind === 'S' ? quiet : {});
    try {
      const row: Record<string, number | string> = {};
      const { c, y } = { c: namndCode(7), y: size.lastYear - 1 };
      if (only.has('W1')) {
        row.W1 =
          kind === 'L'
            ? await per(() => fetch(`${s.base}/w1?code=${c}&year=${y}`).then((r) => r.text()))
            : await per(() => post(s, '/graphql', kind === 'S' ? TOKENS.viewer : null, gqlBody(kind === 'S' ? W1_S : W1_P, { c, y })));
        if (kind === 'S') {
          // The same query on a much smaller tree (a new nämnd's draft: the mandatory process only): independent of size?
          const small = namndCode(999).replace('BN', 'BS');
          if (!JSON.parse(await post(s, '/graphql', TOKENS.admin, gqlBody('query($c: String!) { namnd(code: $c) { id } }', { c: small }))).data.namnd) {
            await post(s, '/graphql', TOKENS.admin, gqlBody('mutation($c: String!) { createNamnd(input: { code: $c, name: "Liten bänknämnd" }) { id } }', { c: small }));
            await post(s, '/graphql', TOKENS.admin, gqlBody('mutation($c: String!, $y: Int!) { createPlan(input: { namndCode: $c, year: $y }) { id } }', { c: small, y: size.lastYear }));
          }
          row['W1 small tree'] = await per(() => post(s, '/graphql', TOKENS.viewer, gqlBody(W1_S, { c: small, y: size.lastYear })));
        }
      }
      if (only.has('W2') && kind !== 'P') {
        row.W2 =
          kind === 'L'
            ? await per(() => fetch(`${s.base}/w2?year=${y}&band=KRITISK`).then((r) => r.text()))
            : await per(() => post(s, '/graphql', TOKENS.viewer, gqlBody(W2_S, { y, b: 'KRITISK', a: null })));
      } else if (only.has('W2')) {
        row.W2 = await per(() => post(s, '/graphql', null, gqlBody(W2_P, { y, b: 'KRITISK', a: null })));
      }
      if (only.has('W3') && kind !== 'P') {
        // One risk of BN002's draft, changed back and forth; its version is read before each write.
        const [t] = await sqlNow<{ id: string }>(
          `select r.id from risks r join plans p on p.id = r.plan_id join namnder n on n.id = p.namnd_id where n.code = $1 and p.status = 'DRAFT' and r.likelihood is not null order by r.nr desc limit 1`,
          [namndCode(2)],
        );
        let cur = (await sqlNow<{ version: number; likelihood: number }>('select version, likelihood from risks where id = $1', [t.id]))[0];
        row.W3 = await per(async () => {
          const input = { id: t.id, version: cur.version, likelihood: (cur.likelihood % 5) + 1 };
          const body = kind === 'L' ? await post(s, '/w3', null, JSON.stringify(input)) : await post(s, '/graphql', TOKENS.editor, gqlBody(W3_S, { i: input }));
          if (body.includes('errors')) throw new Error(body);
          cur = { version: cur.version + 1, likelihood: input.likelihood };
        });
      }
      out[kind] = row;
      log(`statements per request ${kind}: ${JSON.stringify(row)}`);
    } finally {
      await stopServer(s);
    }
  }
  await counter.close();
  return out;
}

// ---------------------------------------------------------------- main

const machine = {
  date: new Date().toISOString(),
  nproc: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memGB: Math.round(os.totalmem() / 1e9),
  node: process.version,
  pg: '',
  loadBefore: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  loadAfter: '',
};

log(`dataset: ${JSON.stringify(size)} ${EMB ? `(PGlite in ${DATA_DIR})` : `on ${DATABASE_URL}`}`);
const dataset = await prepareDataset();
log(dataset.generated ? `generated ${dataset.rows} rows` : `reusing the dataset (${dataset.rows} rows)`);
if (!EMB) machine.pg = (await sqlNow('show server_version'))[0].server_version;

const statements = EMB || args['no-count'] ? {} : await countStatements();

const profDir = args['cpu-prof'] ? fs.mkdtempSync(path.join(os.tmpdir(), 'ik-bench-prof-')) : undefined;
const servers: Partial<Record<Kind, Server>> = {};
servers.S = await startServer('S', DATABASE_URL, {}, profDir);
if (!EMB) {
  servers.L = await startServer('L', DATABASE_URL);
  if (!args['no-peer']) servers.P = await startServer('P', DATABASE_URL);
}
const results: LoadResult[] = [];
const exports: ExportRun[] = [];
let auditVerification: unknown = null;
try {
  const kinds = (['S', 'L', 'P'] as Kind[]).filter((k) => servers[k]);
  for (const w of ['W1', 'W2']) {
    if (!only.has(w)) continue;
    for (const k of kinds) results.push(await load(w, k, servers[k]!));
  }
  if (only.has('W3')) {
    if (EMB) {
      // PGlite is held by the service: targets come from the service itself, the audit count from its trail.
      const targets = await embeddedDraftRisks();
      const count = async () => JSON.parse(await post(servers.S!, '/graphql', TOKENS.auditor, '{"query":"{ verifyAuditTrail { ok eventsChecked } }"}')).data.verifyAuditTrail.eventsChecked as number;
      const st = w3State(targets);
      const before = await count();
      const r = await load('W3', 'S', servers.S, st, 'W3');
      const settled = await settleInFlight(st);
      const added = (await count()) - before;
      r.note = `${st.ok} successful mutations, ${added} audit events added${added === st.ok ? ' (equal)' : ' (MISMATCH)'}, ${st.failed} refused, ${settled.unanswered} in flight at stop (${settled.committed} committed)`;
      log(r.note);
      results.push(r);
    } else {
      const t = await w3Targets();
      results.push(await runW3('S', servers.S, t.S, 'W3', 'bench-editor'));
      results.push(await runW3('L', servers.L!, t.L, 'W3', 'bench-limit'));
      // The same writes all on one nämnd's chain: the head row serialises them. Spread over nämnder they do not wait.
      results.push(await runW3('S', servers.S, t.S1, 'W3 one nämnd', 'bench-editor'));
      results.push(await runW3('L', servers.L!, t.L1, 'W3 one nämnd', 'bench-limit'));
    }
    const v = JSON.parse(await post(servers.S, '/graphql', TOKENS.auditor, '{"query":"{ verifyAuditTrail { ok chains eventsChecked breaks { chain problem message } } }"}'));
    auditVerification = v.data?.verifyAuditTrail ?? v;
    log(`audit trail: ${JSON.stringify(auditVerification).slice(0, 300)}`);
  }
  if (only.has('W4')) {
    exports.push(...(await runW4(servers.S, 'S')));
    if (servers.L) exports.push(...(await runW4(servers.L, 'L')));
  }
} finally {
  for (const s of Object.values(servers)) await stopServer(s!);
}
machine.loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** Embedded: PGlite is held by the service, so the outcome of a write in flight is read back through the API. */
async function settleEmbedded(st: W3State) {
  let committed = 0;
  const now = new Map((await embeddedDraftRisks()).map((t) => [t.id, t]));
  for (const t of st.inFlight) {
    const cur = now.get(t.id)!;
    if (cur.v > t.v) {
      committed++;
      t.v = cur.v;
      t.l = cur.l;
    }
  }
  st.ok += committed;
  const unanswered = st.inFlight.size;
  st.inFlight.clear();
  return { unanswered, committed };
}

async function embeddedDraftRisks(): Promise<Target[]> {
  const q = `{ risks(filter: { year: ${size.lastYear} }, first: 1000) { nodes { id version likelihood consequence plan { namnd { code } } } } }`;
  const page = JSON.parse(await post(servers.S!, '/graphql', TOKENS.viewer, gqlBody(q, {})));
  return page.data.risks.nodes.filter((r: any) => r.likelihood && r.consequence).map((r: any) => ({ id: r.id, v: r.version, l: r.likelihood, code: r.plan.namnd.code }));
}

// ---------------------------------------------------------------- report

const find = (w: string, k: Kind) => results.find((r) => r.workload === w && r.server === k);
const pct = (a?: number, b?: number) => (a !== undefined && b ? `${Math.round((a / b) * 100)}%` : '–');
const lines: string[] = [];
lines.push(`Run ${machine.date}: ${EMB ? 'PGlite (embedded)' : `PostgreSQL ${machine.pg}`}, ${CONNECTIONS} connections, ${DURATION} s per run, seed ${size.seed}, ${dataset.rows} rows.`);
lines.push(`Machine: ${machine.nproc} × ${machine.cpu}, ${machine.memGB} GB, Node ${machine.node}; load average before ${machine.loadBefore}, after ${machine.loadAfter}.`);
lines.push('');
lines.push('| workload | server | req/s | p50 ms | p99 ms | errors | KB/req | SQL/req | CPU % | RSS before / avg / max / after MB |');
lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const sq = statements[r.server]?.[r.workload.split(' ')[0]] ?? '–';
  lines.push(`| ${r.workload} | ${r.server} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.kbPerReq} | ${sq} | ${r.cpuPct} | ${r.rssBefore} / ${r.rssAvg} / ${r.rssMax} / ${r.rssAfter} |`);
}
if (statements.S?.['W1 small tree'] !== undefined) lines.push(`\nSQL statements for W1 on a small tree (new draft, mandatory process only): ${statements.S['W1 small tree']} (full tree: ${statements.S.W1}).`);
for (const r of results.filter((x) => x.note)) lines.push(`\n${r.workload} ${r.server}: ${r.note}`);
for (const r of results.filter((x) => x.errorSample)) lines.push(`\n${r.workload} ${r.server} first error: ${r.errorSample}`);
if (auditVerification) lines.push(`\nverifyAuditTrail after W3: ${JSON.stringify(auditVerification)}`);
if (exports.length) {
  lines.push('\n| W4 export | server | rows | MB | s | rows/s | CPU % | RSS before / max / after MB | growth MB |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---|---:|');
  for (const e of exports) lines.push(`| ${e.label} | ${e.server} | ${e.rows} | ${e.mb} | ${e.seconds} | ${e.rowsPerSec} | ${e.cpuPct} | ${e.rssBefore} / ${e.rssMax} / ${e.rssAfter} | ${e.growth} |`);
}
lines.push('\n| ratio | measured | target |');
lines.push('|---|---:|---|');
// Ratios with no counterpart in this run (embedded: S only) are left out.
const ratio = (label: string, value: string, target: string) => value !== '–' && lines.push(`| ${label} | ${value} | ${target} |`);
if (find('W1', 'S')) {
  ratio('W1 S/L throughput', pct(find('W1', 'S')?.rps, find('W1', 'L')?.rps), '≥ 75%');
  ratio('W1 S/L p99', find('W1', 'L') ? `${(find('W1', 'S')!.p99 / find('W1', 'L')!.p99).toFixed(2)}×` : '–', '≤ 1.5×');
  ratio('W1 S/P throughput', pct(find('W1', 'S')?.rps, find('W1', 'P')?.rps), '> 100%');
}
if (find('W2', 'S')) {
  ratio('W2 S/L throughput', pct(find('W2', 'S')?.rps, find('W2', 'L')?.rps), '≥ 85%');
  ratio('W2 S/P throughput', pct(find('W2', 'S')?.rps, find('W2', 'P')?.rps), '(no target)');
}
if (find('W3', 'S')) ratio('W3 S/L throughput', pct(find('W3', 'S')?.rps, find('W3', 'L')?.rps), '≥ 80%');
if (find('W3 one nämnd', 'S')) ratio('W3 S one nämnd / spread', pct(find('W3 one nämnd', 'S')?.rps, find('W3', 'S')?.rps), '(chain head per nämnd)');
for (const e of exports.filter((x) => x.server === 'S')) ratio(`W4 S ${e.label}`, `${e.rowsPerSec} rows/s, +${e.growth} MB`, '≥ 300 000 rows/s, < 50 MB');
const report = lines.join('\n');
console.log(report);
const outFile = args.out ?? path.join(ROOT, 'bench', '.data', `last-run${EMB ? '-embedded' : ''}.md`);
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, report + '\n');
fs.writeFileSync(outFile.replace(/\.md$/, '.json'), JSON.stringify({ machine, size, statements, results, exports, auditVerification }, null, 2));
if (profDir) log(`CPU profiles of the service: ${profDir}`);
