import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { buildApp } from '../src/app.js';
import { gql, gqlOk, testConfig } from './helper.js';

// The CLI commands as an operator runs them: child processes on an embedded DATA_DIR (whatever TEST_DATABASE_URL says).
const ROOT = new URL('..', import.meta.url).pathname;
const CSV = path.join(ROOT, 'fixtures/servicenamnden-2026/vor.csv');

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...extra };
  delete env.DATABASE_URL;
  return env;
}

function start(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(script, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const tempDir = (t: { teardown(fn: () => void): void }, prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
};

t.test('import, rollover and migrate refuse while the service holds DATA_DIR, and work once it is stopped', async (t) => {
  const dir = tempDir(t, 'ik-cli-');
  const config = testConfig({ DATA_DIR: dir });
  const service = await buildApp(config);
  const env = { DATA_DIR: dir };

  const imp = await run('src/cli/import.ts', ['--file', CSV, '--namnd', 'SN', '--year', '2026', '--namnd-name', 'Servicenämnden'], env);
  t.equal(imp.code, 3, imp.stderr);
  t.match(imp.stderr, new RegExp(`in use by process ${process.pid}`));
  t.match(imp.stderr, /nothing was read or written/);
  t.match(imp.stderr, /POST \/api\/v1\/imports\/vor\?namnd=SN&year=2026/);
  const roll = await run('src/cli/rollover.ts', ['--from', '2026', '--to', '2027'], env);
  t.equal(roll.code, 3, roll.stderr);
  t.match(roll.stderr, /GraphQL mutation rollover\(input: \{ fromYear: 2026, toYear: 2027 \}\)/);
  const mig = await run('src/cli/migrate.ts', [], env);
  t.equal(mig.code, 3, mig.stderr);
  t.match(mig.stderr, /in use by process/);

  // The service was not disturbed: it still answers, and nothing was imported behind its back.
  t.equal((await gql(service, `{ namnd(code: "SN") { id } }`)).errors?.[0].extensions.code, 'NOT_FOUND');
  await service.close();

  const dry = await run('src/cli/import.ts', ['--file', CSV, '--namnd', 'SN', '--year', '2026', '--namnd-name', 'Servicenämnden', '--dry-run'], env);
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /Dry run \(nothing written\)/);
  const real = await run('src/cli/import.ts', ['--file', CSV, '--namnd', 'SN', '--year', '2026', '--namnd-name', 'Servicenämnden'], env);
  t.equal(real.code, 0, real.stderr);
  t.match(real.stdout, /risks 70/);
  t.match(real.stdout, /R2 Risk 31/);
  const rolled = await run('src/cli/rollover.ts', ['--from', '2026', '--to', '2027', '--namnd', 'SN'], env);
  t.equal(rolled.code, 0, rolled.stderr);
  t.match(rolled.stdout, /SN: plan \S+: created \d+, skipped 0 .*risks 70\/0/);

  const after = await buildApp(config);
  t.teardown(() => after.close());
  const d = await gqlOk(after, `{ plan(namndCode: "SN", year: 2027) { risks { nr } history { actor action } } }`);
  t.equal(d.plan.risks.length, 70);
  t.match(d.plan.history.map((h: { actor: string; action: string }) => `${h.actor} ${h.action}`).sort(), [/^cli:\S+ plan.create$/, /^cli:\S+ plan.rollover$/]);
});

t.test('a broken file is refused before the database is opened, naming its lines', async (t) => {
  const dir = tempDir(t, 'ik-cli-bad-');
  const file = path.join(dir, 'vor.csv');
  fs.writeFileSync(file, fs.readFileSync(CSV, 'utf8').split('\n').map((l, i) => (i === 2 ? l.replace(/;Nej$/, ';Kanske') : l)).join('\n'));
  const r = await run('src/cli/import.ts', ['--file', file, '--namnd', 'SN', '--year', '2026'], { DATA_DIR: path.join(dir, 'data') });
  t.equal(r.code, 1);
  t.match(r.stderr, /IMPORT_INVALID/);
  t.match(r.stderr, /line 3, ikp: "Kanske" must be Ja or Nej/);
  t.notOk(fs.existsSync(path.join(dir, 'data')), 'no database was created');
});

t.test('npm run demo starts the service with Servicenämnden 2026 and prints a working token', async (t) => {
  const child = start('src/cli/demo.ts', [], { PORT: '0', HOST: '127.0.0.1' });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let out = '';
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/export TOKEN=\S+/.test(out) && /^curl /m.test(out)) resolve(out);
    });
    child.on('close', (code) => reject(new Error(`demo exited (${code}) before printing its token: ${out}`)));
  });
  const token = /export TOKEN=(\S+)/.exec(banner)![1];
  const base = /Listening on (http:\/\/\S+)/.exec(banner)![1];
  const dataDir = /\(70 risks\) in (\S+)/.exec(banner)![1];
  t.ok(fs.existsSync(dataDir));

  // The query the banner prints, sent as printed.
  const payload = /-d '(.+)'$/m.exec(banner)![1];
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: payload });
  const { data, errors } = (await res.json()) as { data: any; errors?: unknown };
  t.equal(errors, undefined);
  t.same(Object.fromEntries(data.plan.bandCounts.bands.map((b: { band: { label: string }; count: number }) => [b.band.label, b.count])), { Låg: 2, Medium: 64, Kritisk: 3 });
  t.equal(data.plan.matrix.length, 25);
  t.same(data.plan.matrix.find((c: { likelihood: number; consequence: number }) => c.likelihood === 3 && c.consequence === 4).riskNumbers, [38, 39, 55]);
  t.same(data.plan.ruleViolations.map((v: { rule: string }) => v.rule), ['R2'], 'controls loaded too: only risk 31 blocks adoption');

  child.kill('SIGTERM');
  t.equal(await exited, 0);
  t.notOk(fs.existsSync(dataDir), 'its temporary database is removed when it stops');
});
