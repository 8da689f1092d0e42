import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createSigner } from 'fast-jwt';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { createDatabase, type Database } from '../src/db/client.js';
import { migrateEmbedded, migratePostgres } from '../src/db/migrate.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';
export const TEST_WEBHOOK_KEYS = `test1:${Buffer.alloc(32, 7).toString('base64')}`;

type Teardown = { teardown(fn: () => unknown): void };

export interface TestDatabase {
  database: Database;
  url?: string;
  /** SQL statements seen since the last reset (to assert that nested queries are batched). */
  queries: string[];
}

/**
 * A fresh, isolated database per test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL (dropped on teardown), so files can run in parallel.
 */
export async function createTestDatabase(t: Teardown): Promise<TestDatabase> {
  const queries: string[] = [];
  const onQuery = (q: string) => queries.push(q);
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const database = await createDatabase({ onQuery });
    await migrateEmbedded(database.pglite!);
    t.teardown(() => database.close());
    return { database, queries };
  }
  const baseUrl = new URL(base);
  // Refuse to touch a database that does not say it is for tests.
  if (!/test/i.test(baseUrl.pathname)) throw new Error(`TEST_DATABASE_URL must name a test database, got ${baseUrl.pathname}`);
  const name = `ik_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  await migratePostgres(url.toString());
  const database = await createDatabase({ databaseUrl: url.toString(), poolMax: 10, onQuery });
  t.teardown(async () => {
    await database.close();
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  return { database, url: url.toString(), queries };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_SECRET,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'ik-test-')),
    RATE_LIMIT_MAX: '100000',
    // A busy test machine stalls the event loop (PGlite starting up): shedding load then would fail unrelated tests.
    LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    // The tests' webhook receivers listen on 127.0.0.1, which production refuses; one key, so apps built on one
    // database (a restart) open each other's sealed secrets.
    WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
    WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_KEYS,
    ...overrides,
  });
}

/** No background loops (webhooks, subscriptions, due job): a test that counts SQL statements sees only its request's. */
export const QUIET = { WEBHOOKS_ENABLED: 'false', SUBSCRIPTIONS_ENABLED: 'false', DUE_JOB_ENABLED: 'false' };

export interface TestApp extends TestDatabase {
  app: FastifyInstance;
}

export async function buildTestApp(t: Teardown, env: Record<string, string> = {}): Promise<TestApp> {
  const tdb = await createTestDatabase(t);
  const app = await buildApp(testConfig(env), { database: tdb.database });
  t.teardown(() => app.close());
  return { ...tdb, app };
}

const signer = createSigner({ key: TEST_SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });

export function token(roles: string[] | string, sub = 'tester'): string {
  return signer({ sub, roles: Array.isArray(roles) ? roles : [roles] });
}

export interface GqlResult<T = Record<string, any>> {
  statusCode: number;
  data: T;
  errors?: { message: string; path?: string[]; extensions: { code: string; [k: string]: unknown } }[];
}

/** POSTs a GraphQL operation as a client would; `auth` is a token, a role list, or null for no header. */
export async function gql<T = Record<string, any>>(
  app: FastifyInstance,
  query: string,
  variables: Record<string, unknown> = {},
  auth: string | string[] | null = ['admin'],
): Promise<GqlResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth !== null) headers.authorization = `Bearer ${Array.isArray(auth) ? token(auth) : auth}`;
  const res = await app.inject({ method: 'POST', url: '/graphql', headers, payload: { query, variables } });
  const body = res.json();
  return { statusCode: res.statusCode, data: body.data, errors: body.errors };
}

/** The code of the first error, or undefined; the usual assertion target. */
export const codeOf = (r: GqlResult) => r.errors?.[0]?.extensions.code;

/** Runs a mutation that must succeed and returns its data; fails loudly with the errors otherwise. */
export async function gqlOk<T = Record<string, any>>(
  app: FastifyInstance,
  query: string,
  variables: Record<string, unknown> = {},
  auth: string | string[] | null = ['admin'],
): Promise<T> {
  const r = await gql<T>(app, query, variables, auth);
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors, null, 2)}`);
  return r.data;
}
