import crypto from 'node:crypto';
import os from 'node:os';
import type { Config } from '../config.js';
import { openDatabase } from '../app.js';
import type { Database } from '../db/client.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { Actor } from '../auth/actor.js';
import type { RequestContext } from '../audit/audit-log.js';
import { AppError } from '../errors.js';
import { fail } from './args.js';

/** Exit code of a command refused because the service holds the embedded database. */
export const EXIT_LOCKED = 3;

/**
 * Opens the database for a CLI command. PGlite's DATA_DIR belongs to one process: when the service holds it,
 * the command stops before touching anything and says how to reach the same service instead.
 */
export async function openCliDatabase(config: Config, instead: string): Promise<Database> {
  try {
    return await openDatabase(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      fail(
        `Refused: the embedded database in ${err.dataDir} is in use by process ${err.pid} (the running service).\n` +
          'It belongs to one process at a time, so nothing was read or written.\n' +
          `Stop the service and run this command again, or ${instead}`,
        EXIT_LOCKED,
      );
    }
    throw err;
  }
}

/** The CLI acts as an admin named after the operating-system user, so the audit trail says who ran it. */
export function cliContext(): RequestContext {
  let user = 'unknown';
  try {
    user = os.userInfo().username || user;
  } catch {
    // Containers may run as a uid without a passwd entry.
  }
  return { actor: new Actor(`cli:${user}`, ['admin']), requestId: `cli-${crypto.randomUUID()}` };
}

/** Prints an AppError as a user should read it (code, message, the bad lines of an import) and exits. */
export function failWith(err: unknown): never {
  if (!(err instanceof AppError)) throw err;
  const lines = [`${err.code}: ${err.message}`];
  const errors = (err.details as { errors?: { line: number; field: string; message: string }[] } | undefined)?.errors;
  if (Array.isArray(errors)) for (const e of errors) lines.push(`  line ${e.line}, ${e.field}: ${e.message}`);
  const fields = (err.details as { fields?: { path: string; message: string }[] } | undefined)?.fields;
  if (Array.isArray(fields)) for (const f of fields) lines.push(`  ${f.path}: ${f.message}`);
  fail(lines.join('\n'));
}
