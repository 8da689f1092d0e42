import fs from 'node:fs';
import { loadConfig } from '../config.js';
import { createServices } from '../services.js';
import { formatOfFileName, importLimits, parseVorFileIsolated } from '../modules/imports/index.js';
import { cliArgs, fail } from './args.js';
import { cliContext, failWith, openCliDatabase } from './cli-context.js';

const USAGE = 'npm run import -- --file <vor.csv|vor.xlsx> --namnd <code> --year <year> [--mode CREATE|REPLACE] [--dry-run] [--namnd-name "<name>"]';

const args = cliArgs(
  {
    file: { type: 'string' },
    namnd: { type: 'string' },
    year: { type: 'string' },
    mode: { type: 'string', default: 'CREATE' },
    'dry-run': { type: 'boolean', default: false },
    'namnd-name': { type: 'string' },
  },
  USAGE,
);
if (!args.file || !args.namnd || !args.year) fail(`--file, --namnd and --year are required\n\nUsage: ${USAGE}`, 2);
const format = formatOfFileName(args.file);
if (!format) fail(`${args.file}: the file must be .csv or .xlsx`, 2);
let content: Buffer;
try {
  content = fs.readFileSync(args.file);
} catch (err) {
  fail(`${args.file}: ${(err as Error).message}`, 2);
}

const config = loadConfig();
// The file is read and checked before the database is opened: a broken file needs no database.
const parsed = await parseVorFileIsolated(content, format, importLimits(config)).catch(failWith);
const database = await openCliDatabase(config, `import through it: POST /api/v1/imports/vor?namnd=${args.namnd}&year=${args.year} with the file as the body (text/csv or .xlsx).`);
try {
  const services = createServices(database);
  const report = await services.imports
    .importVor(cliContext(), { namndCode: args.namnd, year: Number(args.year), namndName: args['namnd-name'], mode: args.mode?.toUpperCase(), dryRun: args['dry-run'], ...parsed })
    .catch(failWith);
  const c = report.created;
  console.log(`${report.dryRun ? 'Dry run (nothing written): would import' : 'Imported'} ${args.file} into ${args.namnd.toUpperCase()} ${args.year}, plan ${report.planId}`);
  console.log(`  created: nämnd ${c.namnd}, plan ${c.plan}, goals ${c.goals}, processes ${c.processes}, working methods ${c.workingMethods}, risks ${c.risks}, controls ${c.controls}, control activities ${c.controlActivities}`);
  for (const change of ['updated', 'deleted'] as const) {
    const d = report.diff[change];
    if (report.mode === 'REPLACE') console.log(`  ${change}: processes ${d.processes.count}, working methods ${d.workingMethods.count}, risks ${d.risks.count} [${d.risks.riskNumbers.join(', ')}], controls ${d.controls.count}, control activities ${d.controlActivities.count}`);
  }
  console.log(`  rule violations: ${report.violations.length}`);
  for (const v of report.violations) console.log(`    ${v.rule} ${v.message}`);
} finally {
  await database.close();
}
