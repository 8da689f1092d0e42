import t from 'tap';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { buildTestApp, gqlOk, token } from './helper.js';
import { sequencePending } from '../src/events/sequencer.js';

const { app, database, url } = await buildTestApp(t, { WEBHOOKS_ENABLED: 'false', SUBSCRIPTIONS_ENABLED: 'false', DUE_JOB_ENABLED: 'false' });
const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id } }`;
const UPDATE = `mutation($input: UpdateNamndInput!) { updateNamnd(input: $input) { id } }`;

const feed = (query: string, roles: string[] | null = ['admin']) =>
  app.inject({ method: 'GET', url: `/api/v1/events${query}`, headers: roles ? { authorization: `Bearer ${token(roles)}` } : {} });

const sn = (await gqlOk(app, CREATE, { input: { code: 'SN', name: 'Servicenämnden' } })).createNamnd;
const ks = (await gqlOk(app, CREATE, { input: { code: 'KS', name: 'Kommunstyrelsen' } })).createNamnd;
await gqlOk(app, UPDATE, { input: { id: sn.id, version: 1, forvaltning: 'SF' } });
await gqlOk(app, UPDATE, { input: { id: ks.id, version: 1, forvaltning: 'SLK' } });

t.test('the feed returns events after a position, in order, and continues from lastPosition', async (t) => {
  const all = (await feed('')).json();
  t.same(all.events.map((e: { type: string; namndCode: string }) => `${e.type} ${e.namndCode}`), [
    'namnd.create SN',
    'namnd.create KS',
    'namnd.update SN',
    'namnd.update KS',
  ]);
  const first = (await feed('?limit=2')).json();
  t.equal(first.events.length, 2);
  const rest = (await feed(`?after=${first.lastPosition}`)).json();
  t.same(rest.events, all.events.slice(2));
  const end = (await feed(`?after=${all.lastPosition}`)).json();
  t.same(end, { events: [], lastPosition: all.lastPosition }, 'nothing new: same position back');
  const types = (await feed('?types=namnd.update')).json();
  t.ok(types.events.length === 2 && types.events.every((e: { type: string }) => e.type === 'namnd.update'));
});

t.test('the feed is filtered to the nämnder the caller may read', async (t) => {
  const viewer = (await feed('', ['viewer:SN'])).json();
  t.same([...new Set(viewer.events.map((e: { namndCode: string }) => e.namndCode))], ['SN']);
  t.equal((await feed('', ['viewer:XX'])).json().events.length, 0);
  t.equal((await feed('', ['integration'])).json().events.length, 4);
  const gq = await gqlOk(app, '{ domainEvents(after: 0) { events { namndCode } lastPosition } }', {}, ['editor:KS']);
  t.same(gq.domainEvents.events.map((e: { namndCode: string }) => e.namndCode), ['KS', 'KS']);
});

t.test('bad parameters are a 400 problem, no token a 401', async (t) => {
  for (const q of ['?after=-1', '?after=abc', '?limit=0', '?limit=5000', '?after=1.5']) {
    const r = await feed(q);
    t.equal(r.statusCode, 400, q);
    t.match(r.headers['content-type'], /application\/problem\+json/);
    t.equal(r.json().code, 'VALIDATION_FAILED', q);
  }
  t.equal((await feed('', null)).statusCode, 401);
});

t.test('a transaction that commits later with an earlier insert is not skipped by a reader', async (t) => {
  const before = (await feed('')).json().lastPosition;
  const insert = (code: string) =>
    sql`insert into domain_events (type, namnd_code, entity_type, entity_id, data) values ('test.event', ${code}, 'Test', ${code}, '{}')`;
  if (url) {
    // Two real connections: A inserts first but commits last.
    const a = new pg.Client({ connectionString: url });
    await a.connect();
    t.teardown(() => a.end());
    await a.query('begin');
    await a.query(`insert into domain_events (type, namnd_code, entity_type, entity_id, data) values ('test.event', 'SN', 'Test', 'A', '{}')`);
    await database.db.execute(insert('B'));
    const mid = (await feed(`?after=${before}`)).json();
    t.same(mid.events.map((e: { entityId: string }) => e.entityId), ['B'], 'only the committed event is visible');
    await a.query('commit');
    const next = (await feed(`?after=${mid.lastPosition}`)).json();
    t.same(next.events.map((e: { entityId: string }) => e.entityId), ['A'], 'the late commit comes after, not lost');
  } else {
    // PGlite runs one transaction at a time, so commit order is insert order; the feed still pages without gaps.
    await database.db.execute(insert('B'));
    const mid = (await feed(`?after=${before}`)).json();
    await database.db.execute(insert('A'));
    const next = (await feed(`?after=${mid.lastPosition}`)).json();
    t.same([...mid.events, ...next.events].map((e: { entityId: string }) => e.entityId), ['B', 'A']);
  }
  // Unsequenced events are invisible until the sequencer has run; every reader runs it first.
  await database.db.execute(insert('C'));
  const [row] = (await database.db.execute(sql`select position from domain_events where entity_id = 'C'`) as unknown as { rows: { position: unknown }[] }).rows;
  t.equal(row.position, null);
  t.equal(await sequencePending(database.db), 1);
});
