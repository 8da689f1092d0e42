import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import { canonicalJson } from './canonical-json.js';

/**
 * Signed checkpoints of every chain head, kept outside the database. The database's owner can rewrite a chain and
 * recompute every hash after the change, so the chain alone then verifies; a checkpoint signed earlier with a key the
 * database never sees still names the head that chain had, and the rewritten chain no longer has it.
 */
export const CHECKPOINT_FORMAT = 'internkontroll-audit-checkpoint/1';

const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  createdAt: z.iso.datetime(),
  keyId: z.string().min(1),
  chains: z.array(
    z.object({
      chain: z.string().min(1),
      namndCode: z.string().nullable(),
      namndId: z.string().nullable(),
      seq: z.number().int().min(0),
      hash: z.string(),
    }),
  ),
  signature: z.string().min(1),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;
export type CheckpointBody = Omit<Checkpoint, 'signature'>;

/** A checkpoint or key that cannot be used: nothing about the audit trail could be concluded from it. */
export class CheckpointError extends Error {}

export interface CheckpointBreak {
  chain: string;
  seq: number;
  eventId: number | null;
  problem: 'CHECKPOINT_MISMATCH';
  message: string;
}

const KEY_FILE = 'audit-checkpoint-key.pem';

/** PEM text as given, or the content of the file it names. */
function pemOrFile(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return fs.readFileSync(value, 'utf8');
  } catch (err) {
    throw new CheckpointError(`${what}: cannot read ${value}: ${(err as Error).message}`);
  }
}

function ed25519(load: () => crypto.KeyObject, what: string): crypto.KeyObject {
  let key: crypto.KeyObject;
  try {
    key = load();
  } catch (err) {
    throw new CheckpointError(`${what} is not a PEM key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CheckpointError(`${what} must be an Ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}

/**
 * The signing key: AUDIT_CHECKPOINT_KEY, or outside production one generated once into DATA_DIR (like the JWT
 * secret), so that checkpoints work without set-up in embedded mode.
 */
export function resolveCheckpointKey(config: Config): crypto.KeyObject {
  let pem: string;
  if (config.AUDIT_CHECKPOINT_KEY) pem = pemOrFile(config.AUDIT_CHECKPOINT_KEY, 'AUDIT_CHECKPOINT_KEY');
  else if (config.NODE_ENV === 'production') throw new CheckpointError('In production set AUDIT_CHECKPOINT_KEY (an Ed25519 private key, PEM text or a file path)');
  else pem = dataDirKey(config.DATA_DIR);
  return ed25519(() => crypto.createPrivateKey(pem), 'AUDIT_CHECKPOINT_KEY');
}

/** The key checkpoints are verified with: AUDIT_CHECKPOINT_PUBLIC_KEY (or a file given), else the signing key's. */
export function resolveCheckpointPublicKey(config: Config, given?: string): crypto.KeyObject {
  const value = given ?? config.AUDIT_CHECKPOINT_PUBLIC_KEY;
  if (value) return ed25519(() => crypto.createPublicKey(pemOrFile(value, 'the public key')), 'the public key');
  return crypto.createPublicKey(resolveCheckpointKey(config));
}

function dataDirKey(dataDir: string): string {
  const file = path.join(dataDir, KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  try {
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return fs.readFileSync(file, 'utf8');
}

/** A short, stable name for a key: the start of the SHA-256 of its public key (SPKI DER). */
export function keyIdOf(key: crypto.KeyObject): string {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return crypto.createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function publicKeyPem(key: crypto.KeyObject): string {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** Every chain head as the database has it now, signed. Heads move in the transaction of their event, so each is committed. */
export async function createCheckpoint(db: Db, key: crypto.KeyObject, now = new Date()): Promise<Checkpoint> {
  const rows = await rawRows<{ chain: string; seq: number | string; hash: string; namnd_code: string | null; namnd_id: string | number | null }>(db, sql`
    select h.chain, h.seq, h.hash, n.code as namnd_code, n.id as namnd_id
    from audit_chain_heads h left join namnder n on h.chain = 'namnd:' || n.code
    order by h.chain`);
  const body: CheckpointBody = {
    format: CHECKPOINT_FORMAT,
    createdAt: now.toISOString(),
    keyId: keyIdOf(key),
    chains: rows.map((r) => ({
      chain: r.chain,
      namndCode: r.chain.startsWith('namnd:') ? r.chain.slice('namnd:'.length) : null,
      namndId: r.namnd_id === null ? null : String(r.namnd_id),
      seq: Number(r.seq),
      hash: r.hash,
    })),
  };
  const signature = crypto.sign(null, Buffer.from(canonicalJson(body)), key).toString('base64');
  return { ...body, signature };
}

/** Reads a checkpoint file and checks its signature with the trusted public key. */
export function readCheckpoint(file: string, publicKey: crypto.KeyObject): Checkpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`Cannot read the checkpoint ${file}: ${(err as Error).message}`);
  }
  const result = checkpointSchema.safeParse(parsed);
  if (!result.success) throw new CheckpointError(`${file} is not an audit checkpoint: ${result.error.issues[0].path.join('.')}: ${result.error.issues[0].message}`);
  const { signature, ...body } = result.data;
  const expected = keyIdOf(publicKey);
  if (body.keyId !== expected) throw new CheckpointError(`The checkpoint was signed with key ${body.keyId}, not with the trusted key ${expected}`);
  if (!crypto.verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64'))) {
    throw new CheckpointError('The checkpoint signature is invalid: the file was altered after it was signed');
  }
  return result.data;
}

/**
 * Each checkpointed head must still be in its chain, at that sequence with that hash. Together with verify() (every
 * hash and link from the first event to the head) this pins every event up to the checkpoint.
 */
export async function compareWithCheckpoint(db: Db, checkpoint: Checkpoint): Promise<CheckpointBreak[]> {
  const heads = checkpoint.chains.filter((c) => c.seq > 0);
  const rows = await rawRows<{ chain: string; seq: number | string; id: number | string | null; hash: string | null }>(db, sql`
    select c.chain, c.seq, e.id, e.hash
    from jsonb_to_recordset(${JSON.stringify(heads.map(({ chain, seq }) => ({ chain, seq })))}::jsonb) as c(chain text, seq bigint)
    left join audit_events e on e.chain = c.chain and e.chain_seq = c.seq`);
  const found = new Map(rows.map((r) => [`${r.chain} ${Number(r.seq)}`, r]));
  const breaks: CheckpointBreak[] = [];
  for (const head of heads) {
    const row = found.get(`${head.chain} ${head.seq}`);
    const at = `seq ${head.seq} of chain ${head.chain}`;
    if (!row || row.hash === null) {
      breaks.push({ chain: head.chain, seq: head.seq, eventId: null, problem: 'CHECKPOINT_MISMATCH', message: `event ${at}, signed in the checkpoint of ${checkpoint.createdAt}, is gone` });
    } else if (row.hash !== head.hash) {
      breaks.push({
        chain: head.chain,
        seq: head.seq,
        eventId: Number(row.id),
        problem: 'CHECKPOINT_MISMATCH',
        message: `event ${at} is not the one signed in the checkpoint of ${checkpoint.createdAt}: the chain was rewritten at or before seq ${head.seq}`,
      });
    }
  }
  return breaks;
}

/**
 * Writes one checkpoint per interval into `dir`, named after the interval's start. The file appears whole (written
 * aside, then hard-linked into place, which fails if it exists), so replicas sharing the folder write it once and
 * replicas with folders of their own each write a valid copy.
 */
export async function writeScheduledCheckpoint(db: Db, key: crypto.KeyObject, dir: string, intervalMs: number, now = new Date()): Promise<string | null> {
  const slot = new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
  const file = path.join(dir, `audit-checkpoint-${slot.toISOString().replace(/[:.]/g, '-')}.json`);
  if (fs.existsSync(file)) return null;
  const checkpoint = await createCheckpoint(db, key, now);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
  fs.writeFileSync(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o644 });
  try {
    fs.linkSync(tmp, file);
    return file;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
