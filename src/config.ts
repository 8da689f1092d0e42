import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

// The only reader of process.env: everything else receives a typed Config.
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().min(1).default('./data'),
    /** `npm run demo` only: keep the demo database here (default: a new temporary folder each run). */
    DEMO_DATA_DIR: z.string().min(1).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** The tables' owner, for `npm run db:migrate` and `db:grant` when the service's DATABASE_URL is a least-privilege role. */
    MIGRATION_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    MIGRATE_ON_START: bool.optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' }).optional(),
    JWT_JWKS_URL: z.url().optional(),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWT_ROLES_CLAIM: z.string().min(1).default('roles'),
    BODY_LIMIT: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
    GRAPHIQL: bool.optional(),
    GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
    GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(250_000),
    GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
    GRAPHQL_MAX_BATCH: z.coerce.number().int().min(1).default(10),
    /** Largest GraphQL answer sent, in bytes (0: no cap); a larger one is refused with RESPONSE_TOO_LARGE. */
    GRAPHQL_MAX_RESPONSE_BYTES: z.coerce.number().int().min(0).default(0),
    /** "Did you mean …" in GraphQL errors; off in production unless set. */
    GRAPHQL_SUGGESTIONS: bool.optional(),
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_WINDOW: z.string().min(1).default('1 minute'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
    CORS_ORIGINS: z.string().optional(),
    /** Which proxies' X-Forwarded-* headers to believe: off by default; `true`, a hop count, or addresses/CIDRs. */
    TRUST_PROXY: z
      .string()
      .trim()
      .refine((v) => trustProxy(v) !== undefined, 'must be true, false, a hop count, or comma-separated addresses/CIDRs')
      .optional(),
    /** Absolute URL the service is reached at; links in responses are built from it, never from request headers. */
    PUBLIC_BASE_URL: z
      .url()
      .refine((u) => /^https?:\/\//i.test(u) && !new URL(u).search && !new URL(u).hash, 'must be an http(s) URL without query or fragment')
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    // Events (README, "Events for other systems"). Loops are woken by LISTEN/NOTIFY; the intervals are the fallback polls.
    WEBHOOKS_ENABLED: bool.default(true),
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(5000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(5000),
    WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(60 * 60_000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
    WEBHOOK_FAILING_AFTER: z.coerce.number().int().min(1).default(3),
    WEBHOOK_BATCH: z.coerce.number().int().min(1).max(100).default(10),
    WEBHOOK_ALLOW_HTTP: bool.optional(),
    /** Internal destinations webhooks may reach anyway (comma-separated CIDRs or addresses); empty by default. */
    WEBHOOK_ALLOW_CIDRS: z
      .string()
      .refine((v) => listOf(v).every(isCidrOrAddress), 'must be comma-separated addresses or CIDRs such as 10.1.2.0/24')
      .optional(),
    /** `keyId:base64key,…` (32-byte AES keys): the first encrypts webhook secrets, every one decrypts. */
    WEBHOOK_SECRET_KEYS: z
      .string()
      .refine((v) => listOf(v).length > 0 && listOf(v).every((k) => /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]{43}=?$/.test(k)), {
        message: 'must be comma-separated keyId:base64key entries, each key 32 random bytes in base64',
      })
      .optional(),
    SUBSCRIPTIONS_ENABLED: bool.default(true),
    SUBSCRIPTION_POLL_MS: z.coerce.number().int().min(10).default(2000),
    DUE_JOB_ENABLED: bool.default(true),
    DUE_JOB_INTERVAL_MS: z.coerce.number().int().min(1000).default(60 * 60_000),
    DUE_SOON_DAYS: z.coerce.number().int().min(0).max(365).default(14),
    // Load shedding (@fastify/under-pressure): 0 turns a check off. Sampled every LOAD_SAMPLE_INTERVAL_MS.
    LOAD_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
    LOAD_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
    LOAD_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).default(0),
    LOAD_MAX_RSS_BYTES: z.coerce.number().int().min(0).default(0),
    LOAD_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
    // VoR file imports (README, "Importing a VoR table"): a file beyond these is refused with 413 IMPORT_TOO_LARGE.
    IMPORT_MAX_ROWS: z.coerce.number().int().min(2).default(10_000),
    IMPORT_MAX_COLUMNS: z.coerce.number().int().min(12).default(100),
    IMPORT_MAX_CELLS: z.coerce.number().int().min(1).default(200_000),
    IMPORT_MAX_UNCOMPRESSED_BYTES: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
    IMPORT_MAX_CELL_CHARS: z.coerce.number().int().min(1000).default(10_000),
    IMPORT_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
    IMPORT_MAX_MEMORY_MB: z.coerce.number().int().min(16).default(256),
    // Signed audit checkpoints (README, "Tamper-evident audit trail"): Ed25519 PEM text or a file path.
    AUDIT_CHECKPOINT_KEY: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_PUBLIC_KEY: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).default(0),
    AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  })
  .refine((c) => !(c.AUDIT_CHECKPOINT_INTERVAL_MS > 0 && !c.AUDIT_CHECKPOINT_DIR), {
    message: 'AUDIT_CHECKPOINT_DIR is required with AUDIT_CHECKPOINT_INTERVAL_MS',
    path: ['AUDIT_CHECKPOINT_DIR'],
  })
  .refine((c) => c.AUDIT_CHECKPOINT_INTERVAL_MS === 0 || c.AUDIT_CHECKPOINT_INTERVAL_MS >= 1000, {
    message: 'must be 0 (off) or at least 1000',
    path: ['AUDIT_CHECKPOINT_INTERVAL_MS'],
  })
  .refine((c) => !(c.JWT_JWKS_URL && !c.JWT_ISSUER), {
    message: 'JWT_ISSUER is required with JWT_JWKS_URL',
    path: ['JWT_ISSUER'],
  })
  .refine((c) => c.NODE_ENV !== 'production' || !(c.JWT_PUBLIC_KEY || c.JWT_JWKS_URL) || (c.JWT_ISSUER && c.JWT_AUDIENCE), {
    message: 'JWT_ISSUER and JWT_AUDIENCE are both required in production with JWT_PUBLIC_KEY or JWT_JWKS_URL',
    path: ['JWT_AUDIENCE'],
  })
  .refine((c) => !c.CORS_ORIGINS || corsOrigins(c.CORS_ORIGINS).every((o) => /^https?:\/\/[^/\s]+$/.test(o)), {
    message: 'must be a comma-separated list of origins such as https://app.stockholm.se (scheme and host, no path)',
    path: ['CORS_ORIGINS'],
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.DATABASE_URL, {
    message: 'DATABASE_URL is required when NODE_ENV=production',
    path: ['DATABASE_URL'],
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in env files mean "not set", not "set to nothing".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** A comma-separated setting as a list of its non-empty, trimmed entries. */
export function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

/** CORS_ORIGINS as a list; empty means no cross-origin caller is allowed. */
export const corsOrigins = listOf;

function isCidrOrAddress(v: string): boolean {
  const [address, bits, ...rest] = v.split('/');
  if (rest.length || !isIP(address)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
}

/** TRUST_PROXY as Fastify's `trustProxy`: false when unset, else true, n hops (nearest first), or addresses/CIDRs. */
export function trustProxy(value: string | undefined): boolean | string[] | ((address: string, hop: number) => boolean) | undefined {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d{1,2}$/.test(value)) return (_address, hop) => hop < Number(value);
  const list = listOf(value);
  return list.length && list.every(isCidrOrAddress) ? list : undefined;
}

export const isProduction = (c: Config) => c.NODE_ENV === 'production';
