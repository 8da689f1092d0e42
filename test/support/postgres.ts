import crypto from 'node:crypto';
import pg from 'pg';
import { migratePostgres } from '../../src/db/migrate.js';

type Teardown = { teardown(fn: () => unknown): void };

/** The machine's PostgreSQL (always there in CI), also used by the PGlite run for tests that need a server. */
export const POSTGRES_BASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, migrated PostgreSQL database for one test, dropped on teardown; returns its URL. */
export async function createPostgresDatabase(t: Teardown): Promise<string> {
  const base = new URL(POSTGRES_BASE_URL);
  if (!/test/i.test(base.pathname)) throw new Error(`the test PostgreSQL URL must name a test database, got ${base.pathname}`);
  const name = `ik_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: base.toString() });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  await migratePostgres(url.toString());
  return url.toString();
}
