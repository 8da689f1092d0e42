import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildTestApp, gql, gqlOk, codeOf } from './helper.js';

const { app, database } = await buildTestApp(t);
const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id } }`;
for (let i = 0; i < 7; i++) await gqlOk(app, CREATE, { input: { code: `N${i}`, name: `Nämnd ${i}` } }, ['admin']);

t.test('auditEvents is for auditor and admin only', async (t) => {
  for (const roles of [['viewer:*'], ['integration'], ['approver:N1']]) {
    t.equal(codeOf(await gql(app, '{ auditEvents { nodes { id } } }', {}, roles)), 'FORBIDDEN');
  }
  t.notOk((await gql(app, '{ auditEvents { nodes { id } } }', {}, ['auditor'])).errors);
});

t.test('filters and cursor pagination walk every event once', async (t) => {
  const Q = `query($after: String) { auditEvents(first: 3, after: $after, filter: { action: "namnd.create" }) { nodes { id namndCode } pageInfo { hasNextPage endCursor } } }`;
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const d: any = await gqlOk(app, Q, { after }, ['auditor']);
    seen.push(...d.auditEvents.nodes.map((n: { id: string }) => n.id));
    if (!d.auditEvents.pageInfo.hasNextPage) break;
    after = d.auditEvents.pageInfo.endCursor;
  }
  t.equal(seen.length, 7);
  t.equal(new Set(seen).size, 7);
  const one = await gqlOk(app, `{ auditEvents(filter: { namndCode: "N3" }) { nodes { namndCode action } } }`, {}, ['auditor']);
  t.same(one.auditEvents.nodes, [{ namndCode: 'N3', action: 'namnd.create' }]);
  const desc = await gqlOk(app, `{ auditEvents(first: 1, order: DESC) { nodes { namndCode } } }`, {}, ['auditor']);
  t.equal(desc.auditEvents.nodes[0].namndCode, 'N6');
  const bad = await gql(app, `{ auditEvents(after: "nonsense") { nodes { id } } }`, {}, ['auditor']);
  t.equal(codeOf(bad), 'VALIDATION_FAILED');
  const tooMany = await gql(app, `{ auditEvents(first: 100000) { nodes { id } } }`, {}, ['auditor']);
  t.equal(codeOf(tooMany), 'VALIDATION_FAILED');
});

t.test('the hash chain verifies, and tampering outside the service is found', async (t) => {
  const ok = await gqlOk(app, '{ verifyAuditTrail { ok eventsChecked breaks { chain } } }', {}, ['auditor']);
  t.same(ok.verifyAuditTrail, { ok: true, eventsChecked: 7, breaks: [] });
  // Bypass the append-only trigger the way a database superuser could.
  await database.db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
  await database.db.execute(sql`update audit_events set actor = 'mallory' where namnd_code = 'N2'`);
  await database.db.execute(sql`delete from audit_events where namnd_code = 'N4'`);
  await database.db.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
  const res = await gqlOk(app, '{ verifyAuditTrail { ok breaks { chain problem message } } }', {}, ['auditor']);
  t.equal(res.verifyAuditTrail.ok, false);
  const byChain = Object.fromEntries(res.verifyAuditTrail.breaks.map((b: { chain: string; problem: string }) => [b.chain, b.problem]));
  t.same(byChain, { 'namnd:N2': 'HASH_MISMATCH', 'namnd:N4': 'HEAD_MISMATCH' });
});
