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
  })
  .refine((c) => !(c.JWT_JWKS_URL && !c.JWT_ISSUER), {
    message: 'JWT_ISSUER is required with JWT_JWKS_URL',
    path: ['JWT_ISSUER'],
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

/** CORS_ORIGINS as a list; empty means no cross-origin caller is allowed. */
export function corsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

export const isProduction = (c: Config) => c.NODE_ENV === 'production';
