/**
 * CPU per request of the service for one workload shape, in process (app.inject, no sockets): a figure that moves
 * less than req/s when the machine is shared. Not a test; a tool for profiling between bench runs.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ik_bench npx tsx bench/cpu-per-request.ts [W1|W2|W3|ME|W4] [requests]
 *
 * W4 is the risks CSV export of one year (EXPORT_YEAR, default 2025; a year without plans shows the fixed cost).
 */
import { sql } from 'drizzle-orm';
import { createSigner } from 'fast-jwt';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { namndCode } from './dataset.js';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';
const shape = (process.argv[2] ?? 'W1').toUpperCase();
const N = Number(process.argv[3] ?? 300);
const signer = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });
const token = signer({ sub: 'bench-viewer', roles: ['viewer:*'] });
const editor = signer({ sub: 'bench-editor', roles: ['editor:*'] });
const integration = signer({ sub: 'bench-integration', roles: ['integration'] });
const config = loadConfig({ ...process.env, JWT_SECRET: SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', NODE_ENV: 'production', WEBHOOKS_ENABLED: 'false', SUBSCRIPTIONS_ENABLED: 'false', DUE_JOB_ENABLED: 'false', WEBHOOK_SECRET_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}` });
const app = await buildApp(config);
await app.ready();
const W1 = process.env.W1_QUERY ?? `query($c: String!, $y: Int!) { plan(namndCode: $c, year: $y) { id year status ikpThreshold
  processes { id name sortOrder goal { code title } workingMethods { id name sortOrder risks { id nr title description
  likelihood consequence rv inIkp band { key } controls { id description activities { id description responsible periods
  followUps { id period status outcome } } } } } } } }`;
const W2 = `query($y: Int!, $b: String!, $a: String) { risks(filter: { year: $y, band: $b }, first: 100, after: $a) {
  nodes { id nr title likelihood consequence rv band { key } plan { year namnd { code } } } pageInfo { hasNextPage endCursor } } }`;
// W3: the draft risks, each updated at the version it is at (kept here).
const drafts = shape === 'W3'
  ? ((await app.database.db.execute(sql`select r.id, r.version from risks r join plans p on p.id = r.plan_id where p.status = 'DRAFT' order by r.id limit 2000`)) as unknown as { rows: { id: string; version: number }[] }).rows
  : [];
const W3 = 'mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id version likelihood } }';
const one = async (i: number) => {
  if (shape === 'W3') {
    const r0 = drafts[i % drafts.length];
    const payload = JSON.stringify({ query: W3, variables: { i: { id: r0.id, version: r0.version, likelihood: 1 + (i % 5) } } });
    const r = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${editor}`, 'content-type': 'application/json' }, payload });
    if (r.statusCode !== 200 || r.body.includes('"errors"')) throw new Error(r.body.slice(0, 300));
    r0.version++;
    return r.body.length;
  }
  if (shape === 'W4') {
    const r = await app.inject({ method: 'GET', url: `/api/v1/exports/risks.csv?year=${process.env.EXPORT_YEAR ?? 2025}`, headers: { authorization: `Bearer ${integration}` } });
    if (r.statusCode !== 200) throw new Error(r.body.slice(0, 300));
    return r.rawPayload.length;
  }
  if (shape === 'ME') {
    const r = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"query":"{ me { sub } }"}' });
    return r.body.length;
  }
  const variables = shape === 'W1' ? { c: namndCode(1 + (i % 100)), y: 2017 + (i % 10) } : { y: 2017 + (i % 10), b: 'KRITISK', a: null };
  const r = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ query: shape === 'W1' ? W1 : W2, variables }) });
  if (r.statusCode !== 200 || r.body.includes('"errors"')) throw new Error(r.body.slice(0, 300));
  return r.body.length;
};
for (let i = 0; i < 50; i++) await one(i);
const c0 = process.cpuUsage();
const t0 = performance.now();
let bytes = 0;
for (let i = 0; i < N; i++) bytes += await one(i);
const cpu = process.cpuUsage(c0);
console.log(`${shape}: ${N} requests, ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms CPU each (user ${(cpu.user / 1000 / N).toFixed(2)}), ${((performance.now() - t0) / N).toFixed(2)} ms wall, ${Math.round(bytes / N)} B`);
await app.close();
