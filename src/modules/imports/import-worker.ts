import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError, ServiceUnavailableError } from '../../errors.js';
import { ImportTooLargeError } from './import-errors.js';
import { checkDeclaredSize, type ImportLimits } from './import-limits.js';
import type { VorFileFormat, VorFileRows } from './vor-file.js';

// From the build (dist/, Docker) the entry is plain JavaScript. Run from source (tsx: npm start, tap, the CLI) it is
// TypeScript, and Node 20 does not carry the parent's loader into a worker: a short bootstrap registers tsx there first.
const fromSource = import.meta.url.endsWith('.ts');
const ENTRY = new URL(`./import-worker-entry.${fromSource ? 'ts' : 'js'}`, import.meta.url);
const SOURCE_BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}); })`;

// Workers at once, so the memory imports may take is bounded too (IMPORT_MAX_MEMORY_MB each); a few more wait their
// turn, and beyond those an import is refused as busy (503, try again) rather than queued without end.
const MAX_WORKERS = Math.max(1, Math.min(4, availableParallelism() - 1));
const MAX_WAITING = 8;
let running = 0;
const waiting: (() => void)[] = [];
async function acquire(): Promise<void> {
  if (running < MAX_WORKERS) running++;
  else if (waiting.length >= MAX_WAITING) throw new ServiceUnavailableError('Other imports are being read; try again shortly');
  else await new Promise<void>((resolve) => waiting.push(resolve));
}
function release(): void {
  // The slot passes straight to the next in line.
  const next = waiting.shift();
  if (next) next();
  else running--;
}

type WorkerAnswer = { ok: true; result: VorFileRows } | { ok: false; error: { code: string; message: string; statusCode: number; details?: Record<string, unknown> } };

/**
 * Parses a VoR file in a worker thread with its own heap limit and a deadline, so a hostile file costs that worker,
 * not the service: the request thread keeps answering, and a worker out of memory or time is ended and reported as
 * 413 IMPORT_TOO_LARGE. A workbook whose central directory already declares too much is refused without a worker.
 */
export async function parseVorFileIsolated(content: Buffer, format: VorFileFormat, limits: ImportLimits): Promise<VorFileRows> {
  if (format === 'xlsx') checkDeclaredSize(content, limits);
  await acquire();
  try {
    return await runWorker(content, format, limits);
  } finally {
    release();
  }
}

function runWorker(content: Buffer, format: VorFileFormat, limits: ImportLimits): Promise<VorFileRows> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fromSource ? SOURCE_BOOTSTRAP : ENTRY, {
      eval: fromSource,
      workerData: { content, format, limits },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb, maxYoungGenerationSizeMb: Math.min(32, Math.ceil(limits.maxMemoryMb / 4)) },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Answer once the worker is gone, so its memory is free before the next one starts.
      void worker.terminate().finally(outcome);
    };
    const timer = setTimeout(
      () => settle(() => reject(new ImportTooLargeError('IMPORT_TIMEOUT_MS', limits.timeoutMs, `reading it took longer than ${limits.timeoutMs} ms`))),
      limits.timeoutMs,
    );
    worker.once('message', (answer: WorkerAnswer) =>
      settle(() => (answer.ok ? resolve(answer.result) : reject(new AppError(answer.error.code, answer.error.message, answer.error.statusCode, answer.error.details)))),
    );
    worker.once('error', (err: NodeJS.ErrnoException) =>
      settle(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new ImportTooLargeError('IMPORT_MAX_MEMORY_MB', limits.maxMemoryMb, 'reading it needs more memory') : err)),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`the import worker ended without an answer (exit code ${code})`))));
  });
}
