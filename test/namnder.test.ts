import t from 'tap';
import { buildTestApp, gql, gqlOk, codeOf } from './helper.js';

const { app, database } = await buildTestApp(t);

const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id code name kind forvaltning version } }`;
const UPDATE = `mutation($input: UpdateNamndInput!) { updateNamnd(input: $input) { id name version forvaltning } }`;
const LIST = `{ namnder { code name } }`;

const auditCount = async () => (await gqlOk(app, '{ auditEvents(first: 500) { nodes { id } } }', {}, ['auditor'])).auditEvents.nodes.length;

t.test('admin creates and reads a nämnd; it is audited', async (t) => {
  const d = await gqlOk(app, CREATE, { input: { code: 'sn', name: 'Servicenämnden', forvaltning: 'Serviceförvaltningen' } });
  t.match(d.createNamnd, { code: 'SN', name: 'Servicenämnden', kind: 'NAMND', version: 1 });
  const got = await gqlOk(app, `{ namnd(code: "SN") { name history { action actor entityType changes } } }`);
  t.equal(got.namnd.name, 'Servicenämnden');
  t.equal(got.namnd.history.length, 1);
  t.match(got.namnd.history[0], { action: 'namnd.create', actor: 'tester', entityType: 'Namnd' });
});

t.test('only admin may create', async (t) => {
  for (const roles of [['approver:*'], ['editor:SN'], ['viewer:*'], ['auditor'], ['integration']]) {
    const r = await gql(app, CREATE, { input: { code: 'XX', name: 'X' } }, roles);
    t.equal(codeOf(r), 'FORBIDDEN', roles.join());
  }
});

t.test('validation errors name the field, and nothing is written', async (t) => {
  const before = await auditCount();
  const r = await gql(app, CREATE, { input: { code: 'bad code!', name: '' } });
  t.equal(codeOf(r), 'VALIDATION_FAILED');
  const paths = (r.errors![0].extensions.fields as { path: string }[]).map((f) => f.path).sort();
  t.same(paths, ['input.code', 'input.name']);
  const wrongType = await gql(app, CREATE, { input: { code: 'OK', name: 'x', kind: 'KOMMUN' } });
  t.equal(codeOf(wrongType), 'VALIDATION_FAILED');
  t.equal(await auditCount(), before);
});

t.test('a duplicate code is a CONFLICT and leaves no audit event', async (t) => {
  const before = await auditCount();
  const r = await gql(app, CREATE, { input: { code: 'SN', name: 'Again' } });
  t.equal(codeOf(r), 'CONFLICT');
  t.equal(await auditCount(), before);
});

t.test('optimistic concurrency: a stale version gets CONFLICT', async (t) => {
  const { createNamnd: n } = await gqlOk(app, CREATE, { input: { code: 'KS', name: 'Kommunstyrelsen' } });
  const u1 = await gqlOk(app, UPDATE, { input: { id: n.id, version: 1, forvaltning: 'Stadsledningskontoret' } });
  t.equal(u1.updateNamnd.version, 2);
  const stale = await gql(app, UPDATE, { input: { id: n.id, version: 1, name: 'Stale' } });
  t.equal(codeOf(stale), 'CONFLICT');
  t.equal(stale.errors![0].extensions.currentVersion, 2);
  const hist = await gqlOk(app, `{ namnd(code: "KS") { name history { action changes } } }`);
  t.equal(hist.namnd.name, 'Kommunstyrelsen');
  t.same(hist.namnd.history[1].changes, { forvaltning: { before: null, after: 'Stadsledningskontoret' } });
  const missing = await gql(app, UPDATE, { input: { id: '00000000-0000-4000-8000-000000000000', version: 1, name: 'x' } });
  t.equal(codeOf(missing), 'NOT_FOUND');
});

t.test('readers see only their nämnder', async (t) => {
  t.same((await gqlOk(app, LIST, {}, ['viewer:KS'])).namnder.map((n: { code: string }) => n.code), ['KS']);
  t.same((await gqlOk(app, LIST, {}, ['viewer:*'])).namnder.length, 2);
  t.same((await gqlOk(app, LIST, {}, ['integration'])).namnder.length, 2);
  t.same((await gqlOk(app, LIST, {}, ['somebody-else'])).namnder, []);
  const r = await gql(app, `{ namnd(code: "SN") { name } }`, {}, ['editor:KS']);
  t.equal(codeOf(r), 'FORBIDDEN');
  t.notOk(r.data?.namnd);
});

t.test('the database refuses to update or delete audit events', async (t) => {
  const db = database.db;
  const { sql } = await import('drizzle-orm');
  await t.rejects(db.execute(sql`update audit_events set actor = 'mallory'`));
  await t.rejects(db.execute(sql`delete from audit_events`));
  await t.rejects(db.execute(sql`truncate audit_events`));
  t.ok((await auditCount()) >= 3);
});
