import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

export type JwtKeys =
  | { mode: 'secret'; secret: string; source: 'config' | 'data-dir' }
  | { mode: 'public-key'; publicKey: string }
  | { mode: 'jwks'; jwksUrl: string };

/**
 * Without configured keys (embedded mode, development) a random HS256 secret is created once in DATA_DIR,
 * so that `npm run token` and the service agree without any set-up.
 */
export function resolveJwtKeys(config: Config): JwtKeys {
  if (config.JWT_JWKS_URL) return { mode: 'jwks', jwksUrl: config.JWT_JWKS_URL };
  if (config.JWT_PUBLIC_KEY) return { mode: 'public-key', publicKey: config.JWT_PUBLIC_KEY };
  if (config.JWT_SECRET) return { mode: 'secret', secret: config.JWT_SECRET, source: 'config' };
  if (config.NODE_ENV === 'production') {
    throw new Error('In production set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL');
  }
  return { mode: 'secret', secret: dataDirSecret(config.DATA_DIR), source: 'data-dir' };
}

export function dataDirSecret(dataDir: string): string {
  return dataDirFile(dataDir, 'jwt-secret', () => crypto.randomBytes(48).toString('base64url'));
}

/** A secret kept in DATA_DIR: created once (only by the first of racing processes), readable by the owner only. */
export function dataDirFile(dataDir: string, name: string, create: () => string): string {
  const file = path.join(dataDir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, create(), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
