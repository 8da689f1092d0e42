import fs from 'node:fs';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { createLoop } from '../lib/loop.js';
import { resolveCheckpointKey, writeScheduledCheckpoint } from './checkpoint.js';

/** With AUDIT_CHECKPOINT_INTERVAL_MS, signs every chain head into AUDIT_CHECKPOINT_DIR at start and then on that clock. */
async function auditCheckpointPlugin(app: FastifyInstance, { config }: { config: Config }) {
  const intervalMs = config.AUDIT_CHECKPOINT_INTERVAL_MS;
  if (!intervalMs || !config.AUDIT_CHECKPOINT_DIR) return;
  const dir = config.AUDIT_CHECKPOINT_DIR;
  // A missing or bad key stops the start, as a bad JWT key does.
  const key = resolveCheckpointKey(config);
  fs.mkdirSync(dir, { recursive: true });
  const loop = createLoop('audit-checkpoints', intervalMs, async () => {
    const file = await writeScheduledCheckpoint(app.database.db, key, dir, intervalMs);
    if (file) app.log.info({ file }, 'audit checkpoint written');
  }, app.log);
  app.addHook('onReady', () => loop.runOnce());
  app.addHook('onClose', () => loop.stop());
}

export default fp(auditCheckpointPlugin, { name: 'audit-checkpoints' });
