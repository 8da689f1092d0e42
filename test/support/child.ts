import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The environment a child process of the service gets: the machine's, without any database or JWT settings. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(DATABASE_URL|DATA_DIR|JWT_|REDIS_URL|TEST_DATABASE_URL|TAP)/.test(k)) delete env[k];
  }
  return { ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent', LOAD_MAX_EVENT_LOOP_DELAY_MS: '0', ...extra };
}

/** Starts a TypeScript entry point of the project (src/… or test/…) with tsx, as `npm run` would. */
export function spawnTs(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export const runTs = (script: string, env: Record<string, string>, args: string[] = []) => finished(spawnTs(script, env, args));
