import closeWithGrace from 'close-with-grace';
import { loadConfig, ConfigError } from './config.js';
import { buildApp } from './app.js';
import { DataDirLockedError } from './db/data-dir-lock.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  let app;
  try {
    app = await buildApp(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(3);
    }
    throw err;
  }

  // SIGTERM (orchestrator) and SIGINT (Ctrl-C): stop accepting, let in-flight requests finish, close the database;
  // after 15 s, or on a second signal, exit 1. An uncaught error closes the same way, then exits 1.
  closeWithGrace({ delay: 15_000, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info({ database: app.database.kind }, 'internkontroll-api ready');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
