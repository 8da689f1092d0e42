import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import type { ImportLimits } from './import-limits.js';
import { parseVorFile, type VorFileFormat } from './vor-file.js';

// The worker side of parseVorFileIsolated (import-worker.ts): parse one file, post the rows or the refusal, end.
const { content, format, limits } = workerData as { content: Uint8Array; format: VorFileFormat; limits: ImportLimits };
try {
  const result = await parseVorFile(Buffer.from(content.buffer, content.byteOffset, content.byteLength), format, limits);
  parentPort!.postMessage({ ok: true, result });
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  parentPort!.postMessage({ ok: false, error: { code: err.code, message: err.message, statusCode: err.statusCode, details: err.details } });
}
