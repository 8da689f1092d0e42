import { loadConfig } from '../config.js';
import { createDatabase } from '../db/client.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { migrateEmbedded, migratePostgres } from '../db/migrate.js';
import { fail } from './args.js';
import { EXIT_LOCKED } from './cli-context.js';

const config = loadConfig();
try {
  // The owner's URL when the service's own DATABASE_URL is a least-privilege role (README, "Running on PostgreSQL").
  const ownerUrl = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL;
  if (ownerUrl) {
    await migratePostgres(ownerUrl);
    console.log('Migrations applied to PostgreSQL.');
  } else {
    // Embedded mode migrates on start too; this is for preparing a DATA_DIR ahead of time.
    const database = await createDatabase({ dataDir: config.DATA_DIR });
    await migrateEmbedded(database.pglite!);
    await database.close();
    console.log(`Migrations applied to the embedded database in ${config.DATA_DIR}.`);
  }
} catch (err) {
  if (err instanceof DataDirLockedError) {
    fail(
      `Refused: the embedded database in ${err.dataDir} is in use by process ${err.pid} (the running service).\n` +
        'Nothing was changed. The service applies pending migrations itself when it starts: restart it, or stop it and run this command again.',
      EXIT_LOCKED,
    );
  }
  fail(`Migration failed: ${(err as Error).message}`);
}
