import pg from 'pg';
import { loadConfig } from '../config.js';
import { cliArgs, fail } from './args.js';

// Grants the service's least-privilege rights (migration 0004's function) to a role, creating it NOLOGIN if missing.
// Runs as the tables' owner: MIGRATION_DATABASE_URL, else DATABASE_URL.
const USAGE = 'npm run db:grant -- --role NAME\n  connects with MIGRATION_DATABASE_URL (or DATABASE_URL) as the owner of the tables, after `npm run db:migrate`';
const args = cliArgs({ role: { type: 'string' } }, USAGE);
if (!args.role) fail(`Give --role NAME\n\nUsage: ${USAGE}`, 2);
const role = args.role;

const config = loadConfig();
const url = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL;
if (!url) fail('db:grant is for PostgreSQL: set MIGRATION_DATABASE_URL or DATABASE_URL to the owner of the tables', 2);

const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
  // A role that is (or acts as) the owner or a superuser could switch the audit trigger off: granting would mislead.
  const [powerful] = (await client.query<{ too_strong: boolean | null }>(
    `select r.rolsuper or pg_has_role(r.oid, (select relowner from pg_class where oid = 'audit_events'::regclass), 'MEMBER') as too_strong
     from pg_roles r where r.rolname = $1`,
    [role],
  )).rows;
  if (powerful?.too_strong) {
    fail(`Refused: role ${role} is a superuser or the owner of the tables (or a member of it), so it can disable the audit trail's trigger. Give the service a role of its own.`);
  }
  await client.query('select internkontroll_grant_service($1)', [role]);
  console.log(`Granted the service's rights to role ${role}: DML on ordinary tables, INSERT and SELECT on audit_events, no DDL.`);
} catch (err) {
  fail(`Grant failed: ${(err as Error).message}`);
} finally {
  await client.end().catch(() => {});
}
