import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { Actor } from '../auth/actor.js';
import { createServices } from '../services.js';
import { parseVorCsv } from '../modules/imports/index.js';
import { importLimits } from '../modules/imports/index.js';
import { openCliDatabase } from './cli-context.js';

// `npm run demo`: the service on a fresh embedded database holding Servicenämnden's real VoR and IKP for 2026.
const FIXTURES = new URL('../../fixtures/servicenamnden-2026/', import.meta.url);

interface VorJson {
  goals: { code: string; title: string }[];
  risks: { nr: number; kontroll?: { systematiskKontroll: string; kontrollaktivitet: string } }[];
}

const config = loadConfig();
const ownDir = !config.DEMO_DATA_DIR;
const dataDir = config.DEMO_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'internkontroll-demo-'));
// Always embedded and always with a locally generated signing key, so the demo can hand out its own admin token.
const demoConfig: Config = {
  ...config,
  DATA_DIR: dataDir,
  DATABASE_URL: undefined,
  JWT_JWKS_URL: undefined,
  JWT_PUBLIC_KEY: undefined,
  JWT_ISSUER: undefined,
  JWT_AUDIENCE: undefined,
  NODE_ENV: config.NODE_ENV === 'production' ? 'development' : config.NODE_ENV,
};

const database = await openCliDatabase(demoConfig, 'use the demo that is already running on it, or set DEMO_DATA_DIR to another folder.');
const services = createServices(database);
const ctx = { actor: new Actor('demo', ['admin']), requestId: 'demo-load' };

if (!(await services.plans.get(ctx, 'SN', 2026))) {
  // The city's goals for 2026 first (master data), then the VoR table through the same import as the API's.
  const vor = JSON.parse(fs.readFileSync(new URL('vor.json', FIXTURES), 'utf8')) as VorJson;
  const existing = new Set((await services.goals.list(2026)).map((g) => g.code));
  for (const g of vor.goals) if (!existing.has(g.code)) await services.goals.create(ctx, { year: 2026, code: g.code, title: g.title });
  const { rows, lines } = parseVorCsv(fs.readFileSync(new URL('vor.csv', FIXTURES)), importLimits(demoConfig));
  // The CSV is the VoR; the IKP's controls and control activities come from the document's extract beside it.
  const controls = new Map(vor.risks.filter((r) => r.kontroll).map((r) => [String(r.nr), r.kontroll!]));
  const withControls = rows.map((r) => ({ ...r, ...controls.get(String(r.nr).trim()) }));
  await services.imports.importVor(ctx, { namndCode: 'SN', namndName: 'Servicenämnden', year: 2026, rows: withControls, lines });
}

const app = await buildApp(demoConfig, { database });
let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  await app.close();
  await database.close();
  if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

await app.listen({ port: config.PORT, host: config.HOST });
const { port } = app.server.address() as AddressInfo;
const host = ['0.0.0.0', '::'].includes(config.HOST) ? 'localhost' : config.HOST;
const base = `http://${host}:${port}`;
const token = app.jwt.sign({ sub: 'demo-admin', [config.JWT_ROLES_CLAIM]: ['admin'] }, { expiresIn: '8h' });
const query = '{ plan(namndCode: \\"SN\\", year: 2026) { status bandCounts { bands { band { label } count } total unassessed } matrix { likelihood consequence band { label } riskNumbers } ruleViolations { rule message } } }';

console.log(`
internkontroll-api demo: Servicenämnden's VoR and IKP for 2026 (70 risks) in ${dataDir}${ownDir ? ' (removed when you stop the demo)' : ''}
Listening on ${base}   GraphiQL: ${base}/graphiql   Stop with Ctrl-C.

An admin token (8 hours):
export TOKEN=${token}

The plan's risk matrix and band counts:
curl -s ${base}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
  -d '{"query":"${query}"}'
`);
