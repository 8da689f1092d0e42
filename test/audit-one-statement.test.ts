import t from 'tap';
import { sql } from 'drizzle-orm';
import { canonicalJson } from '../src/audit/canonical-json.js';
import { hashTemplate } from '../src/audit/audit-log.js';
import { rawRows } from '../src/db/raw.js';
import { QUIET, buildTestApp, codeOf, gql, gqlOk } from './helper.js';
import { IMPORT, snRows } from './support/servicenamnden.js';

// A VoR update, its audit event, its domain event and the chain head in one statement after one read (issue 17.4).

t.test('the hash template filled in is the canonical JSON the hash covers', async (t) => {
  const base = {
    chain: 'namnd:SN',
    occurredAt: new Date('2026-12-02T10:11:12.345Z'),
    actor: 'a "quoted" actor\\ with ünïcödé',
    action: 'risk.update',
    entityType: 'Risk',
    entityId: 'e1',
    namndCode: 'SN',
    fromState: null,
    toState: null,
    reason: 'line\nbreak, "chainSeq": 9, "prevHash": "x"',
    changes: { title: { before: 'a', after: 'b' }, likelihood: { before: null, after: 3 } },
    requestId: null,
  };
  const [a, b, c] = hashTemplate(base);
  for (const [seq, prev] of [[1, null], [42, 'ab'.repeat(32)]] as const) {
    t.equal(`${a}${seq}${b}${JSON.stringify(prev)}${c}`, canonicalJson({ ...base, chainSeq: seq, prevHash: prev }));
  }
});

const { app, database, queries } = await buildTestApp(t, QUIET);
await gqlOk(app, IMPORT, { input: { namndCode: 'SN', namndName: 'Servicenämnden', year: 2026, rows: snRows() } });
const PLAN = `{ plan(namndCode: "SN", year: 2026) { id risks { id version likelihood workingMethod { id } } } }`;
const UPDATE = `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id version likelihood workingMethod { id } } }`;
const count = async (table: 'audit_events' | 'domain_events', entityId: string) =>
  Number((await rawRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(table)} where entity_id = ${entityId}`))[0].n);
const verify = async () => (await gqlOk(app, '{ verifyAuditTrail { ok breaks { chain problem } } }', {}, ['auditor'])).verifyAuditTrail;

t.test('updateRisk: two statements, one audit event with the diff, one domain event, the chain verifying', async (t) => {
  const [risk] = (await gqlOk(app, PLAN)).plan.risks;
  const likelihood = risk.likelihood === 2 ? 3 : 2;
  const audits = await count('audit_events', risk.id);
  const events = await count('domain_events', risk.id);
  queries.length = 0;
  // The benchmark's W3 shape.
  const d = await gqlOk(app, `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id version likelihood } }`, { i: { id: risk.id, version: risk.version, likelihood } }, ['editor:SN']);
  t.ok(queries.length <= 2, `${queries.length} statements: ${queries.map((q) => q.slice(0, 50)).join(' ;; ')}`);
  t.same(d.updateRisk, { id: risk.id, version: risk.version + 1, likelihood });
  t.equal(await count('audit_events', risk.id), audits + 1, 'one audit event');
  t.equal(await count('domain_events', risk.id), events + 1, 'one domain event');
  const [ev] = (await gqlOk(app, `query($id: ID) { auditEvents(first: 1, order: DESC, filter: { entityId: $id }) { nodes { action actor changes } } }`, { id: risk.id }, ['auditor'])).auditEvents.nodes;
  t.same(ev, { action: 'risk.update', actor: 'tester', changes: { likelihood: { before: risk.likelihood, after: likelihood } } });
  const [de] = await rawRows<{ entity_version: number; data: { changedFields: string[] } }>(database.db, sql`select entity_version, data from domain_events where entity_id = ${risk.id} order by id desc limit 1`);
  t.equal(de.entity_version, risk.version + 1);
  t.same(de.data.changedFields, ['likelihood']);
  t.same(await verify(), { ok: true, breaks: [] });
});

t.test('an id sent in upper case is audited as stored', async (t) => {
  const risks = (await gqlOk(app, PLAN)).plan.risks;
  const risk = risks[1];
  const other = risks.find((r: { workingMethod: { id: string } }) => r.workingMethod.id !== risk.workingMethod.id);
  const d = await gqlOk(app, UPDATE, { i: { id: risk.id.toUpperCase(), version: risk.version, workingMethodId: other.workingMethod.id.toUpperCase() } }, ['editor:SN']);
  t.equal(d.updateRisk.workingMethod.id, other.workingMethod.id);
  const [ev] = (await gqlOk(app, `query($id: ID) { auditEvents(first: 1, order: DESC, filter: { entityId: $id }) { nodes { changes } } }`, { id: risk.id }, ['auditor'])).auditEvents.nodes;
  t.same(ev.changes, { workingMethodId: { before: risk.workingMethod.id, after: other.workingMethod.id } });
  t.same(await verify(), { ok: true, breaks: [] });
});

t.test('refusals write nothing: a stale version, a gone risk, another nämnd, a duplicate number', async (t) => {
  const risks = (await gqlOk(app, PLAN)).plan.risks;
  const risk = risks[2];
  const before = await count('audit_events', risk.id);
  const stale = await gql(app, UPDATE, { i: { id: risk.id, version: risk.version + 5, likelihood: 1 } }, ['editor:SN']);
  t.equal(codeOf(stale), 'CONFLICT');
  t.equal(stale.errors![0].extensions.currentVersion, risk.version);
  t.equal(codeOf(await gql(app, UPDATE, { i: { id: risk.id, version: risk.version, likelihood: 1 } }, ['editor:XX'])), 'FORBIDDEN');
  t.equal(codeOf(await gql(app, UPDATE, { i: { id: '00000000-0000-4000-8000-000000000000', version: 1, likelihood: 1 } }, ['editor:SN'])), 'NOT_FOUND');
  const nrs = (await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { risks { nr } } }`)).plan.risks.map((r: { nr: number }) => r.nr);
  const taken = nrs.find((n: number) => n !== nrs[2]);
  t.equal(codeOf(await gql(app, UPDATE, { i: { id: risk.id, version: risk.version, nr: taken } }, ['editor:SN'])), 'DUPLICATE_RISK_NUMBER');
  t.equal(await count('audit_events', risk.id), before, 'no audit event for a refusal');
});

t.test('concurrent writers on one chain: each success is one audit event, the losers of a race are CONFLICTs, the chain verifies', async (t) => {
  const risks = (await gqlOk(app, PLAN)).plan.risks.slice(0, 12);
  const sent = risks.flatMap((r: { id: string; version: number }) => [1, 2].map((k) => ({ id: r.id, version: r.version, likelihood: k + 2 })));
  const audits = await Promise.all(risks.map((r: { id: string }) => count('audit_events', r.id)));
  const results = await Promise.all(sent.map((i: unknown) => gql(app, UPDATE, { i }, ['editor:SN'])));
  const ok = results.filter((r) => !r.errors);
  t.equal(ok.length, risks.length, 'one of the two writes of each version wins');
  t.same([...new Set(results.filter((r) => r.errors).map(codeOf))], ['CONFLICT']);
  const after = await Promise.all(risks.map((r: { id: string }) => count('audit_events', r.id)));
  t.same(after, audits.map((n) => n + 1), 'exactly one audit event per successful write');
  t.same(await verify(), { ok: true, breaks: [] });
});
