import t from 'tap';
import { sql } from 'drizzle-orm';
import { copyColumnBytes, inlinedSql, valuesOfBinaryCopy } from '../src/db/copy.js';
import { rawRows } from '../src/db/raw.js';
import { createTestDatabase } from './helper.js';

// The COPY path of CSV exports: the binary framing taken off exactly, wherever the socket splits it, and values
// inlined as literals that read back as they were (COPY takes no bind parameters).

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** A one-column binary COPY stream of these values (null: SQL NULL), with a header extension of `ext` bytes. */
function binaryCopy(values: (string | null)[], ext = 0): Buffer {
  const parts = [SIGNATURE, Buffer.from([0, 0, 0, 0]), Buffer.alloc(4), Buffer.alloc(ext, 0x55)];
  parts[2].writeUInt32BE(ext);
  for (const v of values) {
    const head = Buffer.alloc(6);
    head.writeInt16BE(1, 0);
    const bytes = v === null ? Buffer.alloc(0) : Buffer.from(v, 'utf8');
    head.writeInt32BE(v === null ? -1 : bytes.length, 2);
    parts.push(head, bytes);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

async function decode(chunks: Buffer[]): Promise<string> {
  async function* source() {
    // Copies: the decoder moves bytes within a chunk it is given.
    for (const c of chunks) yield Buffer.from(c);
  }
  const out: Buffer[] = [];
  for await (const b of valuesOfBinaryCopy(source())) out.push(Buffer.from(b));
  return Buffer.concat(out).toString('utf8');
}

const VALUES = ['a;b;c\r\n', '', null, '"åäö";\r\nmed radbrytning\r\n', 'x'.repeat(70_000) + '\r\n', 'sista\r\n'];
const EXPECTED = VALUES.map((v) => v ?? '').join('');

t.test('the values come out whole wherever the stream is split', async (t) => {
  const whole = binaryCopy(VALUES, 3);
  t.equal(await decode([whole]), EXPECTED, 'one chunk');
  const small = binaryCopy(['ab', null, '', 'cd', 'åäö'], 2);
  const want = 'abcdåäö';
  for (let at = 1; at < small.length; at++) t.equal(await decode([small.subarray(0, at), small.subarray(at)]), want, `split at byte ${at}`);
  t.equal(await decode([...small].map((b) => Buffer.from([b]))), want, 'one byte at a time');
  const pieces: Buffer[] = [];
  for (let i = 0; i < whole.length; i += 4093) pieces.push(whole.subarray(i, i + 4093));
  t.equal(await decode(pieces), EXPECTED, 'socket-sized chunks');
  t.equal(await decode([binaryCopy([])]), '', 'no rows');
});

t.test('a stream that is not one whole one-column binary COPY fails instead of passing garbage on', async (t) => {
  const good = binaryCopy(['ab', 'cd']);
  await t.rejects(decode([good.subarray(0, good.length - 2)]), /ended before its trailer/, 'cut before the trailer');
  await t.rejects(decode([good.subarray(0, good.length - 3)]), /ended before its trailer/, 'cut inside a value');
  const text = Buffer.from('risk_id;plan_id\r\n');
  await t.rejects(decode([Buffer.concat([text, Buffer.alloc(19)])]), /Not a binary COPY stream/);
  const twoColumns = Buffer.from(good);
  twoColumns.writeInt16BE(2, 19);
  await t.rejects(decode([twoColumns]), /of 2 columns, expected 1/);
  await t.rejects(decode([good, Buffer.from([0, 1])]), /after its trailer/);
});

t.test('inlined values read back exactly; only scalars are inlined', async (t) => {
  const tdb = await createTestDatabase(t);
  const tricky = ["O'Brien", 'back\\slash', "\\'; drop table risks; --", 'E\'x\'', 'åäö "citat"', '$1', ''];
  for (const v of tricky) {
    const text = inlinedSql(sql`select ${v}::text as v, ${42} as n, ${true} as b, ${null}::text as z`);
    if (!v.includes('$')) t.notMatch(text, /\$\d/, 'no bind parameter left');
    const [row] = await rawRows<{ v: string; n: number; b: boolean; z: null }>(tdb.database.db, sql.raw(text));
    t.same(row, { v, n: 42, b: true, z: null }, `${JSON.stringify(v)} reads back as it was`);
  }
  t.throws(() => inlinedSql(sql`select ${{ a: 1 }}::jsonb`), /must be a string, finite number, boolean or null/);
  t.throws(() => inlinedSql(sql`select ${Number.NaN}`), /finite number/);
});

t.test('PostgreSQL: a COPY streams its column, and an abandoned or failing one does not spoil the pool', async (t) => {
  const tdb = await createTestDatabase(t);
  const pool = tdb.database.pool;
  if (!pool) return t.pass('COPY is the PostgreSQL path only');
  const select = inlinedSql(sql`select 'rad ' || g || ${';"x"\r\n'} as line from generate_series(1, 20000) g order by g`);
  const chunks: Buffer[] = [];
  for await (const b of copyColumnBytes(pool, select)) chunks.push(Buffer.from(b));
  const text = Buffer.concat(chunks).toString('utf8');
  t.equal(text, Array.from({ length: 20000 }, (_, i) => `rad ${i + 1};"x"\r\n`).join(''));
  t.ok(chunks.length > 1, 'more than one chunk');

  for await (const first of copyColumnBytes(pool, select)) {
    t.ok(first.length > 0);
    break; // the consumer goes away mid-COPY
  }
  await t.rejects(async () => {
    for await (const _ of copyColumnBytes(pool, 'select no_such_column from generate_series(1, 3)')) void _;
  }, /no_such_column/);
  // Every connection is usable afterwards: as many queries at once as the pool holds.
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.query('select $1::int as i', [i])));
  t.same(answers.map((r) => r.rows[0].i), Array.from({ length: 10 }, (_, i) => i));
});
