import crypto from 'node:crypto';
import { listOf, type Config } from '../../config.js';
import { dataDirFile } from '../../auth/keys.js';

// Webhook secrets at rest: AES-256-GCM under WEBHOOK_SECRET_KEYS, bound to the webhook's id (so a sealed secret
// copied to another row does not open). Stored as `enc:v1:<keyId>:<base64url(iv | tag | ciphertext)>`.

const PREFIX = 'enc:v1:';

export interface SecretBox {
  seal(webhookId: string, secret: string): string;
  /** The clear secret; a value stored before encryption (`whsec_…`) is returned as it is. */
  open(webhookId: string, stored: string): string;
  /** Stored in clear, or under a key other than the current one: to be sealed again (startup, rotation). */
  needsSealing(stored: string): boolean;
}

export function createSecretBox(keys: readonly { id: string; key: Buffer }[]): SecretBox {
  if (!keys.length) throw new Error('at least one webhook secret key is required');
  const current = keys[0];
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    seal(webhookId, secret) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', current.key, iv).setAAD(Buffer.from(webhookId));
      const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${PREFIX}${current.id}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
    },
    open(webhookId, stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [keyId, data] = stored.slice(PREFIX.length).split(':');
      const key = byId.get(keyId);
      if (!key) throw new Error(`webhook secret sealed with key ${keyId}, which is not in WEBHOOK_SECRET_KEYS`);
      const raw = Buffer.from(data, 'base64url');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(Buffer.from(webhookId));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    needsSealing: (stored) => !stored.startsWith(`${PREFIX}${current.id}:`),
  };
}

/** From WEBHOOK_SECRET_KEYS; without it (development, embedded) a key is generated once into DATA_DIR. */
export function resolveSecretBox(config: Config): SecretBox {
  let entries = listOf(config.WEBHOOK_SECRET_KEYS);
  if (!entries.length) {
    if (config.NODE_ENV === 'production') throw new Error('In production set WEBHOOK_SECRET_KEYS (keyId:base64key) to encrypt webhook secrets');
    entries = [dataDirFile(config.DATA_DIR, 'webhook-secret-key', () => `local:${crypto.randomBytes(32).toString('base64')}`)];
  }
  return createSecretBox(
    entries.map((e) => {
      const [id, b64] = e.split(':');
      const key = Buffer.from(b64, 'base64');
      if (key.length !== 32) throw new Error(`WEBHOOK_SECRET_KEYS: key ${id} must be 32 bytes`);
      return { id, key };
    }),
  );
}

/** For tools that never touch webhooks (CLIs): any use is a programming error, not a silent plaintext fallback. */
export const noSecretKeys: SecretBox = {
  seal: () => {
    throw new Error('webhook secret keys are not configured here');
  },
  open: () => {
    throw new Error('webhook secret keys are not configured here');
  },
  needsSealing: () => false,
};
