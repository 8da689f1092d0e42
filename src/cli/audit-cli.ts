import { loadConfig, ConfigError, type Config } from '../config.js';
import { createDatabase, type Database } from '../db/client.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { CheckpointError } from '../audit/checkpoint.js';
import { fail } from './args.js';

// Shared by audit:verify and audit:checkpoint. Exit 2: could not check; 3: DATA_DIR in use.

export function auditCliConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

/** The database as the service sees it, read as it is: no migrations, a small pool. */
export async function openAuditDatabase(config: Config): Promise<Database> {
  try {
    return await createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR, poolMax: 2 });
  } catch (err) {
    if (err instanceof DataDirLockedError) fail(err.message, 3);
    fail(`Could not open the database: ${(err as Error).message}`, 2);
  }
}

/** Runs `work` on the open database, closes it, and turns a failure into exit 2 with `what` and no stack trace. */
export async function withAuditDatabase<T>(database: Database, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    fail(err instanceof CheckpointError ? err.message : `Could not ${what}: ${(err as Error).message}`, 2);
  } finally {
    await database.close();
  }
}

/** A key or checkpoint problem is "could not check" (exit 2), named without a stack trace. */
export function orExit2<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CheckpointError) fail(err.message, 2);
    throw err;
  }
}
