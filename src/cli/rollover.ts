import { loadConfig } from '../config.js';
import { createServices } from '../services.js';
import { ENTITY_KINDS } from '../modules/rollover/index.js';
import { cliArgs, fail } from './args.js';
import { cliContext, failWith, openCliDatabase } from './cli-context.js';

const USAGE = 'npm run rollover -- --from <year> --to <year> [--namnd <code>]';

const args = cliArgs({ from: { type: 'string' }, to: { type: 'string' }, namnd: { type: 'string' } }, USAGE);
if (!args.from || !args.to) fail(`--from and --to are required\n\nUsage: ${USAGE}`, 2);

const config = loadConfig();
const database = await openCliDatabase(config, `run it through the service: the GraphQL mutation rollover(input: { fromYear: ${args.from}, toYear: ${args.to} }) with an admin token.`);
let failed = 0;
try {
  const services = createServices(database);
  const report = await services.rollover
    .rollover(cliContext(), { fromYear: Number(args.from), toYear: Number(args.to), namndCode: args.namnd })
    .catch(failWith);
  console.log(`Rollover ${report.fromYear} → ${report.toYear}: created ${report.created}, skipped ${report.skipped}, failed nämnder ${report.failed}`);
  console.log(`  goals: created ${report.goals.created}, skipped ${report.goals.skipped}`);
  for (const n of report.namnder) {
    if (n.error) {
      console.log(`  ${n.namndCode}: REFUSED, nothing written: ${n.error.code}: ${n.error.message}`);
      continue;
    }
    const kinds = ENTITY_KINDS.map((k) => `${k} ${n.counts[k].created}/${n.counts[k].skipped}`).join(', ');
    console.log(`  ${n.namndCode}: plan ${n.planId}: created ${n.created}, skipped ${n.skipped} (created/skipped: ${kinds})`);
  }
  failed = report.failed;
} finally {
  await database.close();
}
if (failed) process.exitCode = 1;
