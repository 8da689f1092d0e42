import { loadConfig, ConfigError } from '../config.js';
import { createDatabase } from '../db/client.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { createAuditService } from '../audit/audit.service.js';
import { cliArgs, fail } from './args.js';

// Recomputes every audit hash chain with the same verify() the GraphQL query uses.
// Exit 0: intact. Exit 1: broken (the first broken link of each chain is named). Exit 2/3: could not check.
const USAGE = 'npm run audit:verify [-- --json]\n  reads DATABASE_URL (PostgreSQL) or DATA_DIR (embedded) like the service';
const args = cliArgs({ json: { type: 'boolean', default: false } }, USAGE);

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, 2);
  throw err;
}

let database;
try {
  database = await createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR, poolMax: 2 });
} catch (err) {
  if (err instanceof DataDirLockedError) fail(err.message, 3);
  fail(`Could not open the database: ${(err as Error).message}`, 2);
}

let result;
try {
  result = await createAuditService(database.db).verify(null);
} catch (err) {
  await database.close();
  fail(`Could not read the audit trail: ${(err as Error).message}`, 2);
}
await database.close();

if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else if (result.ok) {
  console.log(`Audit trail intact: ${result.chains} chains, ${result.eventsChecked} events checked.`);
} else {
  console.log(`Audit trail BROKEN in ${result.breaks.length} of ${result.chains} chains (${result.eventsChecked} events checked):`);
  for (const b of result.breaks) {
    console.log(`  ${b.chain}: first broken link at seq ${b.seq}${b.eventId !== null ? ` (event id ${b.eventId})` : ''}: ${b.problem}: ${b.message}`);
  }
}
process.exit(result.ok ? 0 : 1);
