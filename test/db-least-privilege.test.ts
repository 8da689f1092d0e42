import t, { type Test } from 'tap';
import crypto from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { gqlOk, testConfig } from './helper.js';
import { createPostgresDatabase, POSTGRES_BASE_URL } from './support/postgres.js';
import { buildPlan, CREATE_RISK } from './support/plan-builder.js';
import { runTs } from './support/child.js';

/** A login role for this run only (roles are cluster-wide), dropped with whatever it was granted. */
async function loginRole(t: Test, dbUrl: string, memberOf: string): Promise<string> {
  const name = `ik_svc_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  await sqlAs(POSTGRES_BASE_URL, `create role ${name} login in role ${memberOf}`);
  t.teardown(() => dropRole(dbUrl, name));
  const url = new URL(dbUrl);
  url.username = name;
  return url.toString();
}

async function dropRole(dbUrl: string, name: string) {
  await sqlAs(dbUrl, `drop owned by ${name}`).catch(() => {}); // the database may be gone already
  await sqlAs(POSTGRES_BASE_URL, `drop role if exists ${name}`);
}

async function sqlAs(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

/** Each statement is refused for lack of rights: by PostgreSQL's privileges, not by the audit trigger. */
async function refused(t: Test, url: string, statements: string[]) {
  for (const s of statements) {
    await t.rejects(sqlAs(url, s), { message: /permission denied|must be owner/ }, s);
  }
}

const ATTACKS = [
  'alter table audit_events disable trigger all',
  'alter table audit_events disable trigger audit_events_no_update_delete',
  'drop trigger audit_events_no_update_delete on audit_events',
  "update audit_events set reason = 'x'",
  'delete from audit_events',
  'truncate audit_events',
  'alter table audit_events add column note text',
  'delete from audit_chain_heads',
  'truncate audit_chain_heads',
  'create table sneaky (id int)',
];

t.test('the service role cannot rewrite the audit trail, and the service works as it', async (t) => {
  const url = await createPostgresDatabase(t);
  const serviceUrl = await loginRole(t, url, 'internkontroll_service');
  const app = await buildApp(testConfig({ DATABASE_URL: serviceUrl }));
  t.teardown(() => app.close());

  // Ordinary writes through GraphQL, each with its audit event and outbox event.
  const { wm } = await buildPlan(app, 'LP');
  await gqlOk(app, CREATE_RISK, { i: { workingMethodId: wm.id, nr: 1, title: 'Risk för felaktiga avtal', likelihood: 3, consequence: 3 } });
  const hook = await gqlOk(app, `mutation { createWebhook(input: { url: "http://127.0.0.1:9/hook" }) { webhook { id } } }`);
  t.ok(hook.createWebhook.webhook.id);
  const verified = await gqlOk(app, '{ verifyAuditTrail { ok eventsChecked } }', {}, ['auditor']);
  t.equal(verified.verifyAuditTrail.ok, true);
  t.ok(verified.verifyAuditTrail.eventsChecked >= 5);

  await refused(t, serviceUrl, ATTACKS);
  const count = await sqlAs(url, 'select count(*)::int as n from audit_events');
  t.equal(count.rows[0].n, verified.verifyAuditTrail.eventsChecked, 'every audit event is still there');
});

t.test('db:grant gives a named role the same rights, and refuses a superuser', async (t) => {
  const url = await createPostgresDatabase(t);
  const group = `ik_grp_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  t.teardown(() => dropRole(url, group));
  const granted = await runTs('src/cli/db-grant.ts', { DATABASE_URL: url }, ['--role', group]);
  t.equal(granted.code, 0, granted.stderr);
  const memberUrl = await loginRole(t, url, group);
  await sqlAs(memberUrl, `insert into settings (key, value) values ('lp-test', '{}'::jsonb)`);
  t.equal((await sqlAs(memberUrl, 'select count(*)::int as n from audit_events')).rows[0].n, 0, 'it may read the audit trail');
  await refused(t, memberUrl, ATTACKS);

  const superuser = await runTs('src/cli/db-grant.ts', { DATABASE_URL: url }, ['--role', 'postgres']);
  t.equal(superuser.code, 1);
  t.match(superuser.stderr, /Refused: role postgres is a superuser or the owner/);
});
