import fs from 'node:fs';
import { createCheckpoint, keyIdOf, publicKeyPem, resolveCheckpointKey } from '../audit/checkpoint.js';
import { cliArgs, fail } from './args.js';
import { auditCliConfig, openAuditDatabase, orExit2, withAuditDatabase } from './audit-cli.js';

// Writes a signed checkpoint of every audit chain head to a file outside the database (never overwriting one).
const USAGE =
  'npm run audit:checkpoint -- --out FILE        sign every chain head into FILE (refuses an existing FILE)\n' +
  '       npm run audit:checkpoint -- --print-public-key   the PEM public key and key id that verify checkpoints\n' +
  '  signs with AUDIT_CHECKPOINT_KEY (outside production: a key generated once in DATA_DIR)';
const args = cliArgs({ out: { type: 'string' }, 'print-public-key': { type: 'boolean', default: false } }, USAGE);
if (!args.out && !args['print-public-key']) fail(`Give --out FILE or --print-public-key\n\nUsage: ${USAGE}`, 2);

const config = auditCliConfig();
const key = orExit2(() => resolveCheckpointKey(config));
if (args['print-public-key']) {
  process.stdout.write(`# key id ${keyIdOf(key)}\n${publicKeyPem(key)}`);
  process.exit(0);
}

const out = args.out!;
if (fs.existsSync(out)) fail(`Refused: ${out} exists; a checkpoint is evidence and is never overwritten`, 2);
const database = await openAuditDatabase(config);
const checkpoint = await withAuditDatabase(database, 'read the chain heads', () => createCheckpoint(database.db, key));
try {
  fs.writeFileSync(out, `${JSON.stringify(checkpoint, null, 2)}\n`, { flag: 'wx' });
} catch (err) {
  fail(`Could not write ${out}: ${(err as Error).message}`, 2);
}
const events = checkpoint.chains.reduce((n, c) => n + c.seq, 0);
console.log(`Checkpoint written to ${out}: ${checkpoint.chains.length} chain heads (${events} events), key ${checkpoint.keyId}.`);
