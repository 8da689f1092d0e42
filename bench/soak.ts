// Soak: a bounded mixed read/write load on loopback against a service started here on a fresh database.
// Checks: no 5xx, RSS flat, and one audit event per successful write (and the audit chains verify).
//   npm run soak -- [--db pglite|postgres] [--duration 60] [--connections 10] [--rate 200]
// PostgreSQL: a fresh database on SOAK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), dropped after.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createSigner } from 'fast-jwt';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    'write-share': { type: 'string', default: '0.25' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const rate = Number(args.rate);
const writeShare = Number(args['write-share']);
const ROOT = path.resolve(import.meta.dirname, '..');

const secret = crypto.randomBytes(32).toString('base64url');
const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: 3_600_000 });
const adminToken = sign({ sub: 'soak-admin', roles: ['admin'] });
const viewerToken = sign({ sub: 'soak-viewer', roles: ['viewer:*'] });
const auditorToken = sign({ sub: 'soak-auditor', roles: ['auditor'] });

// A fresh database.
const env: Record<string, string> = {};
let dropDatabase = async () => {};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-soak-'));
if (args.db === 'postgres') {
  const base = new URL(process.env.SOAK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const name = `ik_soak_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  Object.assign(env, { DATABASE_URL: url.toString(), MIGRATE_ON_START: 'true' });
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: base.toString() });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
} else {
  env.DATA_DIR = dataDir;
}

// The service, as `npm start` runs it, with limits raised so that the quota does not shape the load.
const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: ROOT,
  env: { ...process.env, ...env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', JWT_SECRET: secret, RATE_LIMIT_MAX: '100000000', GRAPHIQL: 'false' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverLog = '';
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));
const exited = new Promise<number | null>((resolve) => server.on('close', (code) => resolve(code)));

// LOG_LEVEL=warn hides the listening line; find the port from the process's listening socket instead.
async function findPort(): Promise<number> {
  for (let i = 0; i < 600; i++) {
    const inodes = new Set(
      fs.readdirSync(`/proc/${server.pid}/fd`).flatMap((fd) => {
        try {
          const m = /socket:\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${server.pid}/fd/${fd}`));
          return m ? [m[1]] : [];
        } catch {
          return [];
        }
      }),
    );
    for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // state 0A = LISTEN
      if (cols[3] === '0A' && inodes.has(cols[9])) return parseInt(cols[1].split(':')[1], 16);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the service did not start:\n${serverLog}`);
}
const port = await findPort();
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {
  const ready = await fetch(`${base}/health/ready`).then((r) => r.status).catch(() => 0);
  if (ready === 200) break;
  await new Promise((r) => setTimeout(r, 100));
}

async function gql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data: any; errors?: unknown[] };
}
const setup = await gql(adminToken, 'mutation { createNamnd(input: { code: "SN", name: "Servicenämnden" }) { id } }');
if (setup.errors) throw new Error(JSON.stringify(setup.errors));
const setupWrites = 1;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
const samples: { t: number; rss: number }[] = [];
const started = Date.now();
const sampler = setInterval(() => samples.push({ t: (Date.now() - started) / 1000, rss: rssOf(server.pid!) }), 1000);

// The mix: each connection writes (a new nämnd, one audit event) in writeShare of its requests and reads otherwise.
let seq = 0;
let writesOk = 0;
let writesRefused = 0;
// Writes still in flight when the load stops are answered after autocannon stops listening: checked afterwards.
const inFlight = new Set<string>();
const READS = [
  { token: viewerToken, query: '{ namnd(code: "SN") { code name history { action occurredAt } } }' },
  { token: viewerToken, query: '{ me { sub roles } }' },
  { token: auditorToken, query: '{ auditEvents(first: 20, order: DESC) { nodes { id action namndCode } pageInfo { hasNextPage } } }' },
  { token: viewerToken, query: 'query($c: String!) { namnd(code: $c) { code name } }', variables: () => ({ c: `S${Math.max(1, Math.floor(Math.random() * Math.max(1, seq)))}` }) },
];
const instance = autocannon({
  url: base,
  connections,
  overallRate: rate,
  duration,
  requests: [
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (req: any, ctx: any) => {
        const write = Math.random() < writeShare;
        ctx.write = write;
        if (write) {
          const code = `S${++seq}`;
          ctx.code = code;
          inFlight.add(code);
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
            body: JSON.stringify({ query: 'mutation($i: CreateNamndInput!) { createNamnd(input: $i) { id } }', variables: { i: { code, name: `Soaknämnd ${code}` } } }),
          };
        }
        const r = READS[Math.floor(Math.random() * READS.length)];
        return {
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` },
          body: JSON.stringify({ query: r.query, variables: typeof r.variables === 'function' ? r.variables() : {} }),
        };
      },
      onResponse: (status: number, body: string, ctx: any) => {
        if (!ctx.write) return;
        inFlight.delete(ctx.code);
        if (status === 200 && !body.includes('"errors"')) writesOk++;
        else writesRefused++;
      },
    },
  ],
});
const result = await instance;
clearInterval(sampler);

await new Promise((r) => setTimeout(r, 1000));
let writesUnanswered = 0;
for (const code of inFlight) {
  writesUnanswered++;
  if ((await gql(adminToken, 'query($c: String!) { namnd(code: $c) { id } }', { c: code })).data?.namnd) writesOk++;
}

// Every successful write left exactly one audit event, and the chains verify.
const verify = await gql(auditorToken, '{ verifyAuditTrail { ok chains eventsChecked } }');
const audit = verify.data.verifyAuditTrail as { ok: boolean; chains: number; eventsChecked: number };

server.kill('SIGTERM');
const exitCode = await exited;
await dropDatabase();
fs.rmSync(dataDir, { recursive: true, force: true });

const status: Record<string, number> = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, Number((v as { count: number }).count)]));
const fivexx = Object.entries(status).filter(([k]) => k.startsWith('5')).reduce((n, [, v]) => n + v, 0);
const mb = (b: number) => Math.round(b / 1024 / 102.4) / 10;
// RSS is compared between the second quarter (after warm-up) and the last quarter of the run.
const quarter = (q: number) => samples.filter((s) => s.t >= (duration * q) / 4 && s.t < (duration * (q + 1)) / 4).map((s) => s.rss);
const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const rssWarm = avg(quarter(1));
const rssEnd = avg(quarter(3));
const growth = rssWarm ? (rssEnd - rssWarm) / rssWarm : 0;
const rssFlat = growth < 0.15;

const report = {
  database: args.db,
  durationSeconds: duration,
  connections,
  targetRate: rate,
  requests: result.requests.total,
  throughputPerSecond: Math.round(result.requests.average),
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  statusCodes: status,
  fivexx,
  socketErrors: result.errors,
  timeouts: result.timeouts,
  writesOk,
  writesRefused,
  writesUnansweredAtStop: writesUnanswered,
  auditEvents: audit.eventsChecked,
  auditEventsExpected: writesOk + setupWrites,
  auditChainsOk: audit.ok,
  rssMiB: { start: mb(samples[0]?.rss ?? 0), warm: mb(rssWarm), end: mb(rssEnd), max: mb(Math.max(...samples.map((s) => s.rss))), growthAfterWarmup: `${(growth * 100).toFixed(1)}%` },
  serverExitCode: exitCode,
};
console.log(JSON.stringify(report, null, 2));
const failures = [
  fivexx > 0 && `${fivexx} responses were 5xx`,
  (result.errors > 0 || result.timeouts > 0) && `${result.errors} socket errors, ${result.timeouts} timeouts`,
  audit.eventsChecked !== writesOk + setupWrites && `audit events ${audit.eventsChecked} ≠ successful writes ${writesOk + setupWrites}`,
  !audit.ok && 'the audit chains do not verify',
  !rssFlat && `RSS grew ${(growth * 100).toFixed(1)}% after warm-up`,
  exitCode !== 0 && `the service exited with ${exitCode} on SIGTERM`,
].filter(Boolean);
if (failures.length) {
  console.error(`SOAK FAILED:\n  ${failures.join('\n  ')}\n${serverLog.slice(-2000)}`);
  process.exit(1);
}
console.log(`SOAK OK: ${report.requests} requests in ${duration}s on ${args.db}, 0 5xx, ${writesOk} writes = ${audit.eventsChecked - setupWrites} audit events, RSS ${report.rssMiB.warm} → ${report.rssMiB.end} MiB`);
