import { createAuditService } from '../audit/audit.service.js';
import { compareWithCheckpoint, readCheckpoint, resolveCheckpointPublicKey } from '../audit/checkpoint.js';
import { cliArgs } from './args.js';
import { auditCliConfig, openAuditDatabase, orExit2, withAuditDatabase } from './audit-cli.js';

// Recomputes every audit hash chain with the same verify() the GraphQL query uses; with --checkpoint, also checks
// that every head a signed checkpoint names is still in its chain.
// Exit 0: intact. Exit 1: broken (the first broken link of each chain is named). Exit 2/3: could not check.
const USAGE =
  'npm run audit:verify [-- --json] [--checkpoint FILE [--public-key PEM_FILE]]\n' +
  '  reads DATABASE_URL (PostgreSQL) or DATA_DIR (embedded) like the service; the checkpoint is checked with\n' +
  '  --public-key, else AUDIT_CHECKPOINT_PUBLIC_KEY, else the public half of AUDIT_CHECKPOINT_KEY';
const args = cliArgs(
  { json: { type: 'boolean', default: false }, checkpoint: { type: 'string' }, 'public-key': { type: 'string' } },
  USAGE,
);

const config = auditCliConfig();
const checkpoint = args.checkpoint
  ? orExit2(() => readCheckpoint(args.checkpoint!, resolveCheckpointPublicKey(config, args['public-key'])))
  : null;

const database = await openAuditDatabase(config);
const result = await withAuditDatabase(database, 'read the audit trail', async () => {
  const chains = await createAuditService(database.db).verify(null);
  if (!checkpoint) return chains;
  const checkpointBreaks = await compareWithCheckpoint(database.db, checkpoint);
  return {
    ...chains,
    ok: chains.ok && checkpointBreaks.length === 0,
    checkpoint: { createdAt: checkpoint.createdAt, keyId: checkpoint.keyId, chains: checkpoint.chains.length, breaks: checkpointBreaks },
  };
});

const checkpointBreaks = 'checkpoint' in result ? result.checkpoint.breaks : [];
if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  if (result.breaks.length === 0) {
    console.log(`Audit trail intact: ${result.chains} chains, ${result.eventsChecked} events checked.`);
  } else {
    console.log(`Audit trail BROKEN in ${result.breaks.length} of ${result.chains} chains (${result.eventsChecked} events checked):`);
    for (const b of result.breaks) {
      console.log(`  ${b.chain}: first broken link at seq ${b.seq}${b.eventId !== null ? ` (event id ${b.eventId})` : ''}: ${b.problem}: ${b.message}`);
    }
  }
  if ('checkpoint' in result) {
    const cp = result.checkpoint;
    if (checkpointBreaks.length === 0) {
      console.log(`Checkpoint of ${cp.createdAt} (key ${cp.keyId}) matches: ${cp.chains} chain heads found unchanged.`);
    } else {
      console.log(`Audit trail TAMPERED: ${checkpointBreaks.length} of ${cp.chains} chain heads of the checkpoint of ${cp.createdAt} (key ${cp.keyId}) are not in the database:`);
      for (const b of checkpointBreaks) console.log(`  ${b.chain}: seq ${b.seq}${b.eventId !== null ? ` (event id ${b.eventId})` : ''}: ${b.problem}: ${b.message}`);
    }
  }
}
process.exit(result.ok ? 0 : 1);
