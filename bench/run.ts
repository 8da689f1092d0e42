/**
 * The benchmark (not a test): the service (S) against the raw-SQL limit (L) and PostGraphile v4 (P) and v5 (P5), in
 * one run, on one database and dataset. Usage and what is measured: README, "Benchmarks".
 *
 *   npm run bench -- [--embedded] [--duration 10] [--connections 10] [--seed 1] [--only W1,W3,W5] [--cpu-prof] [--regenerate]
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
const only = new Set((args.only ?? 'W1,W2,W3,W4,W5').split(',').map((s) => s.trim().toUpperCase()));
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

/**
 * Between workloads that write and the next: vacuum, analyze and checkpoint now (as pgbench vacuums before a run),
 * so the autovacuum and checkpoint the writes are owed do not land inside the next workload's measurement, on
 * whichever server happens to be running then. Embedded, PGlite is the service's own; nothing to do.
 */
async function settle() {
  if (EMB || !(only.has('W3') || only.has('W5'))) return;
  await sqlNow('vacuum (analyze)');
  await sqlNow('checkpoint');
}

/**
 * Waits (up to 30 s) until no statement runs on the bench database: autocannon stops sending, not PostgreSQL
 * executing, and a peer's W2 leaves seconds-long queries behind that would run into the next server's measurement.
 */
async function idle() {
  if (EMB) return;
  for (let i = 0; i < 300; i++) {
    const [{ n }] = await sqlNow<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'active'",
    );
    if (n === 0) return;
    await sleep(100);
  }
  log('the database was still busy after 30 s; measuring anyway');
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

async function startServer(name: Kind, dbUrl: string, extraEnv: Record<string, string> = {}, cpuProfDir?: string): Promise<Server> {
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
    argv = [name === 'P' ? 'bench/postgraphile/server.js' : 'bench/postgraphile-v5/server.js'];
    Object.assign(env, { DATABASE_URL: dbUrl, GRAPHILE_ENV: 'production' });
  }
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    const status = await fetch(`${base}${name === 'S' ? '/health/ready' : name === 'L' ? '/w2?year=0&band=X' : '/graphql'}`, name === 'P' || name === 'P5' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' } : {})
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
// v5's default inflection is v4's but for the primary key: `id` is the global Node id there, the uuid column is
// `rowId` (see `node bench/postgraphile-v5/server.js --print-schema`). Same fields, same order, same data otherwise.
const W1_P5 = W1_P.replace(/\bid\b/g, 'rowId');
const W2_P5 = W2_P.replace(/\bid\b/g, 'rowId');
const W3_S = `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id version likelihood } }`;
const QUERIES: Record<'W1' | 'W2', Partial<Record<Kind, string>>> = { W1: { S: W1_S, P: W1_P, P5: W1_P5 }, W2: { S: W2_S, P: W2_P, P5: W2_P5 } };

const json = (token: string | null) => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });
const gqlBody = (query: string, variables: unknown) => JSON.stringify({ query, variables });
/** A GraphQL read as each server is asked it: the service with a viewer's token, the peers without (no auth). */
const readBody = (w: 'W1' | 'W2', kind: Kind, variables: unknown) => ({ headers: json(kind === 'S' ? TOKENS.viewer : null), body: gqlBody(QUERIES[w][kind]!, variables) });
const randomPlan = () => ({ c: namndCode(1 + rand(size.namnder)), y: FIRST_YEAR + rand(size.years) });
// W5's nämnder: the reads' plan trees and the writes' draft risks are theirs (the city-wide list covers them too).
const W5_NAMNDER = Array.from({ length: Math.min(10, size.namnder) }, (_, i) => namndCode(1 + i));

type Kind = 'S' | 'L' | 'P' | 'P5';
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

/** One request shape: sets up the next request on a connection (state in ctx) and reads its response. */
interface Shape {
  setup: (req: any, ctx: any) => any;
  onResponse: (status: number, body: string, ctx: any) => void;
}
type Check = (status: number, body: string) => boolean;

function w1Shape(kind: Kind, check: Check, plan = randomPlan): Shape {
  return {
    setup: (req) => {
      const { c, y } = plan();
      if (kind === 'L') return { ...req, method: 'GET', path: `/w1?code=${c}&year=${y}`, headers: {}, body: undefined };
      return { ...req, method: 'POST', path: '/graphql', ...readBody('W1', kind, { c, y }) };
    },
    onResponse: (status, body) => check(status, body),
  };
}

// Each connection walks the pages of one year's critical risks, then starts on another year.
function w2Shape(kind: Kind, check: Check): Shape {
  return {
    setup: (req, ctx) => {
      if (ctx.year === undefined) Object.assign(ctx, { year: FIRST_YEAR + rand(size.years), after: null });
      if (kind === 'L') return { ...req, method: 'GET', path: `/w2?year=${ctx.year}&band=KRITISK${ctx.after ? `&after=${ctx.after}` : ''}`, headers: {}, body: undefined };
      return { ...req, method: 'POST', path: '/graphql', ...readBody('W2', kind, { y: ctx.year, b: 'KRITISK', a: ctx.after }) };
    },
    onResponse: (status, body, ctx) => {
      const ok = check(status, body);
      const next = ok && /"hasNextPage"\s*:\s*true/.test(body);
      ctx.after = next ? /"endCursor"\s*:\s*"([^"]*)"/.exec(body)![1] : null;
      if (!next) ctx.year = FIRST_YEAR + rand(size.years);
    },
  };
}

// W3: every connection owns a slice of draft risks and cycles through them, so it always sends the version it
// last saw and every request is a valid, successful change (likelihood moves 1→2→…→5→1).
function w3Shape(kind: Kind, check: Check, w3: W3State): Shape {
  return {
    setup: (req, ctx) => {
      if (!ctx.slice) Object.assign(ctx, { slice: w3.slices[w3.next++ % w3.slices.length], k: 0 });
      const t: Target = ctx.slice[ctx.k++ % ctx.slice.length];
      ctx.t = t;
      ctx.l = (t.l % 5) + 1;
      w3.inFlight.add(t);
      const input = { id: t.id, version: t.v, likelihood: ctx.l };
      if (kind === 'L') return { ...req, method: 'POST', path: '/w3', headers: json(null), body: JSON.stringify(input) };
      return { ...req, method: 'POST', path: '/graphql', headers: json(TOKENS.editor), body: gqlBody(W3_S, { i: input }) };
    },
    onResponse: (status, body, ctx) => {
      const t: Target = ctx.t;
      w3.inFlight.delete(t);
      if (check(status, body)) {
        w3.ok++;
        t.v = Number(/"version"\s*:\s*(\d+)/.exec(body)![1]);
        t.l = ctx.l;
      } else {
        w3.failed++;
        if (w3.failures.length < 3) w3.failures.push(body.slice(0, 300));
      }
    },
  };
}

/** W5's mix, per connection in a fixed cycle of 20: 2 writes (10 %), 9 plan trees and 9 city-wide pages (45 % each). */
const W5_CYCLE = ['W3', 'W1', 'W2', 'W1', 'W2', 'W1', 'W2', 'W1', 'W2', 'W1', 'W3', 'W2', 'W1', 'W2', 'W1', 'W2', 'W1', 'W2', 'W1', 'W2'] as const;
interface W5Mix {
  W1: number;
  W2: number;
  W3: number;
}

/** One autocannon request definition per workload and server. */
function requestFor(w: string, kind: Kind, w3?: W3State, mix?: W5Mix) {
  const bad = { count: 0, sample: '' };
  const check: Check = (status, body) => {
    if (status !== 200 || body.includes('"errors"')) {
      bad.count++;
      bad.sample ||= `${status} ${body.slice(0, 300)}`;
      return false;
    }
    return true;
  };
  let shape: Shape;
  if (w === 'W1') shape = w1Shape(kind, check);
  else if (w === 'W2') shape = w2Shape(kind, check);
  else if (w === 'W3') shape = w3Shape(kind, check, w3!);
  else {
    // W5: each connection keeps its own W2 page walk and W3 slice (separate ctx objects), and starts its cycle at a
    // random point so that the connections' writes do not come in step.
    const shapes = { W1: w1Shape(kind, check, () => ({ c: W5_NAMNDER[rand(W5_NAMNDER.length)], y: FIRST_YEAR + rand(size.years) })), W2: w2Shape(kind, check), W3: w3Shape(kind, check, w3!) };
    shape = {
      setup: (req, ctx) => {
        if (ctx.n === undefined) Object.assign(ctx, { n: rand(W5_CYCLE.length), W1: {}, W2: {}, W3: {} });
        const next = W5_CYCLE[ctx.n++ % W5_CYCLE.length];
        ctx.current = next;
        mix![next]++;
        return shapes[next].setup(req, ctx[next]);
      },
      onResponse: (status, body, ctx) => shapes[ctx.current as 'W1' | 'W2' | 'W3'].onResponse(status, body, ctx[ctx.current]),
    };
  }
  return { bad, shape };
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

async function load(w: string, kind: Kind, s: Server, w3?: W3State, label = w, mix?: W5Mix): Promise<LoadResult> {
  await idle();
  const { bad, shape } = requestFor(w, kind, w3, mix);
  // autocannon clears a request's context after every request when there is only one; state that must live as
  // long as the connection (W2's page cursor, W3's slice of risks) is kept per client instead.
  // The request given to autocannon itself is a placeholder that setupClient replaces before it is ever sent
  // (autocannon builds it once per client first, which must not take a slice of W3's risks).
  const placeholder = { method: 'GET' as const, path: '/' };
  const setupClient = (client: any) => {
    const state = {};
    client.setRequests([{ ...placeholder, setupRequest: (r: any) => shape.setup(r, state), onResponse: (st: number, body: string) => shape.onResponse(st, body, state) }]);
  };
  // A short warm-up (JIT, pools, caches) that is not measured.
  await autocannon({ url: s.base, connections: CONNECTIONS, duration: 2, requests: [placeholder], setupClient });
  // Writes the warm-up left in flight: learn their outcome, or the next request would send a stale version.
  if (w3) await settleInFlight(w3);
  bad.count = 0;
  bad.sample = '';
  if (mix) Object.assign(mix, { W1: 0, W2: 0, W3: 0 });
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

/** The dataset's assessed draft risks with their current versions (PostgreSQL). */
async function draftRisks(): Promise<Target[]> {
  const rows = await sqlNow<{ id: string; version: number; likelihood: number; code: string }>(
    `select r.id, r.version, r.likelihood, n.code from risks r join plans p on p.id = r.plan_id join namnder n on n.id = p.namnd_id
     where p.status = 'DRAFT' and r.likelihood is not null and r.consequence is not null and n.code like 'BN%' order by r.id`,
  );
  return rows.map((r) => ({ id: r.id, v: r.version, l: r.likelihood, code: r.code }));
}

async function w3Targets(): Promise<{ S: Target[]; L: Target[]; S1: Target[]; L1: Target[] }> {
  const out = { S: [] as Target[], L: [] as Target[], S1: [] as Target[], L1: [] as Target[] };
  (await draftRisks()).forEach((t, i) => {
    const one = t.code === namndCode(1);
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

/**
 * A load with writes (W3, or W5's mix): the audit events added while it ran must equal its successful writes.
 * auditEvents counts them: by actor in PostgreSQL; embedded, through verifyAuditTrail (PGlite is the service's).
 */
async function runWrites(w: 'W3' | 'W5', kind: Kind, s: Server, targets: Target[], label: string, auditEvents: () => Promise<number>): Promise<LoadResult> {
  const st = w3State(targets);
  const mix: W5Mix = { W1: 0, W2: 0, W3: 0 };
  const before = await auditEvents();
  // Warm-up writes count too: the audit comparison covers everything this state sent.
  const r = await load(w, kind, s, st, label, w === 'W5' ? mix : undefined);
  const settled = await settleInFlight(st);
  const added = (await auditEvents()) - before;
  r.note = `${st.ok} successful mutations, ${added} audit events added${added === st.ok ? ' (equal)' : ' (MISMATCH)'}, ${st.failed} refused, ${settled.unanswered} in flight at stop (${settled.committed} committed)`;
  if (w === 'W5') r.note = `measured requests sent: ${mix.W1} plan trees, ${mix.W2} city-wide pages, ${mix.W3} writes (on ${W5_NAMNDER[0]}–${W5_NAMNDER.at(-1)}); all runs' writes: ${r.note}`;
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

function fetchCsv(s: Server, kind: Kind, year: number | null, slowBytesPerSec = 0, gzip = false): Promise<{ rows: number; bytes: number; start: number; end: number }> {
  const p = kind === 'S' ? `/api/v1/exports/risks.csv${year ? `?year=${year}` : ''}` : `/w4${year ? `?year=${year}` : ''}`;
  const url = new URL(p, s.base);
  return new Promise((resolve, reject) => {
    const start = performance.now();
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
        body.on('end', () => resolve({ rows: lines - 1, bytes, start, end: performance.now() }));
        body.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * One export shape: `parallel` requests at once, timed from the first request sent to the last body's end. A short
 * export (`repeat` > 1) runs that many times in a row and counts its median run: a 0.1 s transfer measured once is
 * mostly noise.
 */
async function exportRun(s: Server, kind: Kind, label: string, year: number | null, parallel = 1, slow = 0, gzip = false, repeat = 1): Promise<ExportRun> {
  await sleep(500);
  await idle();
  const m = await measured(s.pid, async () => {
    const runs: { rows: number; bytes: number; ms: number }[] = [];
    for (let i = 0; i < repeat; i++) {
      const got = await Promise.all(Array.from({ length: parallel }, () => fetchCsv(s, kind, year, slow, gzip)));
      const ms = Math.max(...got.map((r) => r.end)) - Math.min(...got.map((r) => r.start));
      runs.push({ rows: got.reduce((a, r) => a + r.rows, 0), bytes: got.reduce((a, r) => a + r.bytes, 0), ms });
    }
    return runs.sort((a, b) => a.ms - b.ms)[Math.floor(repeat / 2)];
  });
  const seconds = m.result.ms / 1000;
  const rows = m.result.rows;
  const run = {
    label: repeat > 1 ? `${label}, median of ${repeat}` : label,
    server: kind,
    rows,
    mb: Math.round(m.result.bytes / 1e5) / 10,
    seconds: Math.round(seconds * 1000) / 1000,
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
  runs.push(await exportRun(s, kind, `one year (${year})`, year, 1, 0, false, 5));
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

const postRead = async (s: Server, w: 'W1' | 'W2', kind: Kind, variables: unknown) =>
  (await fetch(`${s.base}/graphql`, { method: 'POST', ...readBody(w, kind, variables) })).text();

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
  for (const kind of ['S', 'L', 'P', 'P5'] as Kind[]) {
    const peer = kind === 'P' || kind === 'P5';
    if (peer && args['no-peer']) continue;
    const s = await startServer(kind, proxied.toString(), kind === 'S' ? quiet : {});
    try {
      const row: Record<string, number | string> = {};
      const { c, y } = { c: namndCode(7), y: size.lastYear - 1 };
      if (only.has('W1')) {
        row.W1 =
          kind === 'L'
            ? await per(() => fetch(`${s.base}/w1?code=${c}&year=${y}`).then((r) => r.text()))
            : await per(() => postRead(s, 'W1', kind, { c, y }));
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
      if (only.has('W2')) {
        row.W2 =
          kind === 'L'
            ? await per(() => fetch(`${s.base}/w2?year=${y}&band=KRITISK`).then((r) => r.text()))
            : await per(() => postRead(s, 'W2', kind, { y, b: 'KRITISK', a: null }));
      }
      if (only.has('W3') && !peer) {
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
  if (!args['no-peer']) {
    servers.P = await startServer('P', DATABASE_URL);
    servers.P5 = await startServer('P5', DATABASE_URL);
  }
}
const results: LoadResult[] = [];
const exports: ExportRun[] = [];
let auditVerification: unknown = null;
try {
  const kinds = (['S', 'L', 'P', 'P5'] as Kind[]).filter((k) => servers[k]);
  for (const w of ['W1', 'W2']) {
    if (!only.has(w)) continue;
    for (const k of kinds) results.push(await load(w, k, servers[k]!));
  }
  // Embedded, PGlite is held by the service: write targets come from the service itself, the audit count from its trail.
  const embeddedAuditEvents = async () =>
    JSON.parse(await post(servers.S!, '/graphql', TOKENS.auditor, '{"query":"{ verifyAuditTrail { ok eventsChecked } }"}')).data.verifyAuditTrail.eventsChecked as number;
  if (only.has('W3')) {
    if (EMB) {
      results.push(await runWrites('W3', 'S', servers.S, await embeddedDraftRisks(), 'W3', embeddedAuditEvents));
    } else {
      const t = await w3Targets();
      results.push(await runWrites('W3', 'S', servers.S, t.S, 'W3', () => auditCount('bench-editor')));
      await settle();
      results.push(await runWrites('W3', 'L', servers.L!, t.L, 'W3', () => auditCount('bench-limit')));
      await settle();
      // The same writes all on one nämnd's chain: the head row serialises them. Spread over nämnder they do not wait.
      results.push(await runWrites('W3', 'S', servers.S, t.S1, 'W3 one nämnd', () => auditCount('bench-editor')));
      await settle();
      results.push(await runWrites('W3', 'L', servers.L!, t.L1, 'W3 one nämnd', () => auditCount('bench-limit')));
    }
  }
  await settle();
  if (only.has('W5')) {
    // The targets (and their versions) are read just before each run: W3, or the other server's W5, moved them on.
    const inW5 = (t: Target) => W5_NAMNDER.includes(t.code);
    if (EMB) results.push(await runWrites('W5', 'S', servers.S, (await embeddedDraftRisks()).filter(inW5), 'W5', embeddedAuditEvents));
    else {
      results.push(await runWrites('W5', 'S', servers.S, (await draftRisks()).filter(inW5), 'W5', () => auditCount('bench-editor')));
      await settle();
      results.push(await runWrites('W5', 'L', servers.L!, (await draftRisks()).filter(inW5), 'W5', () => auditCount('bench-limit')));
    }
  }
  if (only.has('W3') || only.has('W5')) {
    const v = JSON.parse(await post(servers.S, '/graphql', TOKENS.auditor, '{"query":"{ verifyAuditTrail { ok chains eventsChecked breaks { chain problem message } } }"}'));
    auditVerification = v.data?.verifyAuditTrail ?? v;
    log(`audit trail: ${JSON.stringify(auditVerification).slice(0, 300)}`);
  }
  await settle();
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

/** The draft year's assessed risks, read through the API page by page (pages hold at most 500). */
async function embeddedDraftRisks(): Promise<Target[]> {
  const q = `query($a: String) { risks(filter: { year: ${size.lastYear} }, first: 500, after: $a) { nodes { id version likelihood consequence plan { namnd { code } } }
    pageInfo { hasNextPage endCursor } } }`;
  const out: Target[] = [];
  for (let after: string | null = null; ; ) {
    const res = JSON.parse(await post(servers.S!, '/graphql', TOKENS.viewer, gqlBody(q, { a: after })));
    if (!res.data?.risks) throw new Error(`draft risks: ${JSON.stringify(res).slice(0, 300)}`);
    for (const r of res.data.risks.nodes) if (r.likelihood && r.consequence) out.push({ id: r.id, v: r.version, l: r.likelihood, code: r.plan.namnd.code });
    if (!res.data.risks.pageInfo.hasNextPage) return out;
    after = res.data.risks.pageInfo.endCursor;
  }
}

// ---------------------------------------------------------------- report

const find = (w: string, k: Kind) => results.find((r) => r.workload === w && r.server === k);
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
if (auditVerification) lines.push(`\nverifyAuditTrail after the writes (W3, W5): ${JSON.stringify(auditVerification)}`);
if (exports.length) {
  lines.push('\n| W4 export | server | rows | MB | s | rows/s | CPU % | RSS before / max / after MB | growth MB |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---|---:|');
  for (const e of exports) lines.push(`| ${e.label} | ${e.server} | ${e.rows} | ${e.mb} | ${e.seconds} | ${e.rowsPerSec} | ${e.cpuPct} | ${e.rssBefore} / ${e.rssMax} / ${e.rssAfter} | ${e.growth} |`);
}
// Issue 17's targets. Ratios with no counterpart in this run (embedded: S only, --no-peer: no P/P5) are left out.
lines.push('\n| ratio | measured | target | met? |');
lines.push('|---|---:|---|---|');
const over = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
const asPct = (v: number) => `${Math.round(v * 100)}%`;
const asTimes = (v: number) => `${v.toFixed(2)}×`;
const ratio = (label: string, value: number | undefined, fmt: (v: number) => string, target: string, met?: (v: number) => boolean) => {
  if (value === undefined || !Number.isFinite(value)) return;
  lines.push(`| ${label} | ${fmt(value)} | ${target} | ${met ? (met(value) ? 'yes' : 'no') : '–'} |`);
};
/** The faster of the two PostGraphiles on a workload, with both figures for the label. */
const fasterPeer = (w: string) => {
  const peers = (['P', 'P5'] as Kind[]).map((k) => find(w, k)).filter((r) => r !== undefined);
  if (!peers.length) return { rps: undefined, label: '' };
  return { rps: Math.max(...peers.map((r) => r.rps)), label: ` (${peers.map((r) => `${r.server} ${r.rps}`).join(', ')} req/s)` };
};
const w1Peer = fasterPeer('W1');
const w2Peer = fasterPeer('W2');
ratio('W1 S/L throughput', over(find('W1', 'S')?.rps, find('W1', 'L')?.rps), asPct, '≥ 50%', (v) => v >= 0.5);
ratio(`W1 S/max(P, P5) throughput${w1Peer.label}`, over(find('W1', 'S')?.rps, w1Peer.rps), asTimes, '≥ 1.5×', (v) => v >= 1.5);
ratio('W1 S/L p99', over(find('W1', 'S')?.p99, find('W1', 'L')?.p99), asTimes, '≤ 2×', (v) => v <= 2);
ratio('W2 S/L throughput', over(find('W2', 'S')?.rps, find('W2', 'L')?.rps), asPct, '≥ 85%', (v) => v >= 0.85);
ratio(`W2 S/max(P, P5) throughput${w2Peer.label}`, over(find('W2', 'S')?.rps, w2Peer.rps), asTimes, '(no target)');
ratio('W3 S/L throughput, spread over nämnder', over(find('W3', 'S')?.rps, find('W3', 'L')?.rps), asPct, '≥ 85%', (v) => v >= 0.85);
ratio('W3 S/L throughput, one nämnd', over(find('W3 one nämnd', 'S')?.rps, find('W3 one nämnd', 'L')?.rps), asPct, '≥ 70%', (v) => v >= 0.7);
// W4 by shape: S's row against L's of the same label; compressed rows against L's uncompressed one (COPY has none).
for (const e of exports.filter((x) => x.server === 'S')) {
  const l = exports.find((x) => x.server === 'L' && x.label === e.label.replace(/, gzip$/, ''));
  if (e.label.startsWith('slow reader')) ratio(`W4 S/L ${e.label}`, over(e.rowsPerSec, l?.rowsPerSec), asPct, "(the reader's rate: memory only)");
  else ratio(`W4 S/L ${e.label}`, over(e.rowsPerSec, l?.rowsPerSec), asPct, '≥ 90%', (v) => v >= 0.9);
  if (e.label.startsWith('10 in parallel')) ratio(`W4 S RSS growth, ${e.label}`, e.growth, (v) => `${v} MB`, '< 50 MB', (v) => v < 50);
}
ratio('W5 S/L throughput (90 % reads, 10 % writes)', over(find('W5', 'S')?.rps, find('W5', 'L')?.rps), asPct, '(no fixed target)');
ratio('W5 S/L p99', over(find('W5', 'S')?.p99, find('W5', 'L')?.p99), asTimes, '(no fixed target)');
const report = lines.join('\n');
console.log(report);
const outFile = args.out ?? path.join(ROOT, 'bench', '.data', `last-run${EMB ? '-embedded' : ''}.md`);
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, report + '\n');
fs.writeFileSync(outFile.replace(/\.md$/, '.json'), JSON.stringify({ machine, size, statements, results, exports, auditVerification }, null, 2));
if (profDir) log(`CPU profiles of the service: ${profDir}`);
