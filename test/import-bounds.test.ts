import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { createTestDatabase, testConfig, token } from './helper.js';
import { VOR_TABLE, workbook } from './support/xlsx.js';

// Issue 16 item 1: hostile files cost a worker at most, get a stable refusal, and never stall or kill the service.
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const { database } = await createTestDatabase(t);
const app = await buildApp(testConfig(), { database });
t.teardown(() => app.close());
// A second app on the same database with a small cell limit (the first one has the defaults).
const fewCells = await buildApp(testConfig({ IMPORT_MAX_CELLS: '10' }), { database });
t.teardown(() => fewCells.close());

async function post(target: FastifyInstance, body: Buffer | string, contentType = XLSX) {
  const res = await target.inject({
    method: 'POST',
    url: '/api/v1/imports/vor?namnd=SN&year=2026&dryRun=true&namndName=Servicen%C3%A4mnden',
    headers: { 'content-type': contentType, authorization: `Bearer ${token('admin')}` },
    payload: body,
  });
  return { status: res.statusCode, bytes: res.rawPayload.length, body: res.json() };
}

const live = async (target: FastifyInstance) => (await target.inject({ method: 'GET', url: '/health/live' })).statusCode;
const FAR_CELL = (ref: string, row: number) => `<row r="${row}"><c r="${ref}"><v>1</v></c></row>`;
const CSV_HEADER = 'nr;mal;process;arbetssatt;oonskad_handelse;sannolikhet;konsekvens;rv;ikp\n';

await t.test('a workbook that is valid stays importable', async (t) => {
  const r = await post(app, workbook(VOR_TABLE, { dimension: 'A1:I2' }));
  t.equal(r.status, 200, JSON.stringify(r.body));
  t.match(r.body, { dryRun: true, created: { risks: 1 } });
});

await t.test('one extra cell at XFD1048576 is refused before parsing, declared or not', async (t) => {
  const declared = await post(app, workbook(VOR_TABLE, { dimension: 'A1:XFD1048576', extraRows: FAR_CELL('XFD1048576', 1048576) }));
  t.equal(declared.status, 413);
  t.match(declared.body, { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_ROWS', max: 10000 });
  t.match(declared.body.detail, /dimension A1:XFD1048576/);
  // The dimension element is advisory: a workbook without it is checked by its cells.
  const undeclared = await post(app, workbook(VOR_TABLE, { extraRows: FAR_CELL('XFD1048576', 1048576) }));
  t.match(undeclared, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_ROWS' } });
  const wide = await post(app, workbook(VOR_TABLE, { extraRows: FAR_CELL('XFD10000', 10000) }));
  t.match(wide, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_COLUMNS', max: 100 } });
  const manyCells = await post(fewCells, workbook(VOR_TABLE));
  t.match(manyCells, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_CELLS', max: 10 } });
  t.equal(await live(app), 200, 'the service is alive');
});

await t.test('a 100 MB text cell in a small workbook is refused by its unpacked size, even when the size lies', async (t) => {
  const hundredMb = Buffer.alloc(100 * 1024 * 1024, 'a');
  const honest = workbook(VOR_TABLE, { bigString: hundredMb });
  t.ok(honest.length < 1024 * 1024, `the workbook is small (${honest.length} bytes)`);
  const r = await post(app, honest);
  t.match(r, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_UNCOMPRESSED_BYTES', max: 32 * 1024 * 1024 } });
  // The central directory may claim a small part: the real output is bounded while unpacking.
  const lying = await post(app, workbook(VOR_TABLE, { bigString: hundredMb, sharedStringsDeclaredSize: 1000 }));
  t.match(lying, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_UNCOMPRESSED_BYTES' } });
});

await t.test('while a slow import runs, the service answers', async (t) => {
  // A 4 MB cell: parsing it in the request thread would block it for seconds; in the worker nothing waits.
  let pending = true;
  const slow = post(app, workbook(VOR_TABLE, { bigString: Buffer.alloc(4 * 1024 * 1024, 'b') })).finally(() => (pending = false));
  for (let i = 0; i < 3; i++) t.equal(await live(app), 200);
  const other = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token('admin')}` }, payload: { query: '{ namnder { code } }' } });
  t.equal(other.statusCode, 200);
  t.equal(pending, true, 'health and GraphQL answered while the import was still running');
  t.match(await slow, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_CELL_CHARS', max: 10000 } });
});

await t.test('a worker out of memory or time is ended; the service lives on', async (t) => {
  // Limits opened wide so the far cell reaches the parser: the worker's own heap limit is what stops it.
  const open = await buildApp(testConfig({ IMPORT_MAX_ROWS: '2000000', IMPORT_MAX_COLUMNS: '20000', IMPORT_MAX_MEMORY_MB: '32' }), { database });
  t.teardown(() => open.close());
  const r = await post(open, workbook(VOR_TABLE, { extraRows: FAR_CELL('XFD1048576', 1048576) }));
  t.match(r, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_MEMORY_MB', max: 32 } });
  t.equal(await live(open), 200);

  const hasty = await buildApp(testConfig({ IMPORT_TIMEOUT_MS: '1' }), { database });
  t.teardown(() => hasty.close());
  const late = await post(hasty, workbook(VOR_TABLE));
  t.match(late, { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_TIMEOUT_MS', max: 1 } });
  t.equal(await live(hasty), 200);

  // Imports at once are bounded (at most 4 workers and 8 waiting): the rest are told to come back, nothing fails.
  const burst = await Promise.all(Array.from({ length: 14 }, () => post(hasty, workbook(VOR_TABLE))));
  const codes = burst.map((r) => `${r.status} ${r.body.code}`);
  t.ok(codes.includes('503 SERVICE_UNAVAILABLE'), 'some imports are refused as busy');
  t.same([...new Set(codes)].sort(), ['413 IMPORT_TOO_LARGE', '503 SERVICE_UNAVAILABLE'], 'every other import ran (and hit its deadline)');
});

await t.test('CSV: 50 000 bad lines and a 20 000-column header get a short report, not a stack overflow', async (t) => {
  const bad = CSV_HEADER + 'x;y;;;;;;;\n'.repeat(50_000);
  t.match(await post(app, bad, 'text/csv'), { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_ROWS' } });
  const wideHeader = Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(';') + '\n1\n';
  t.match(await post(app, wideHeader, 'text/csv'), { status: 413, body: { code: 'IMPORT_TOO_LARGE', limit: 'IMPORT_MAX_COLUMNS' } });

  // With the limits raised, the same files are read to the end and reported: the first 100 problems and the count.
  const roomy = await buildApp(testConfig({ IMPORT_MAX_ROWS: '100000', IMPORT_MAX_COLUMNS: '100000', IMPORT_MAX_CELLS: '10000000' }), { database });
  t.teardown(() => roomy.close());
  const many = await post(roomy, bad, 'text/csv');
  t.equal(many.status, 422);
  t.equal(many.body.code, 'IMPORT_INVALID');
  t.equal(many.body.errors.length, 100);
  t.ok(many.body.errorCount >= 50_000, `every problem counted (${many.body.errorCount})`);
  t.same(many.body.errors[0].line, 2);
  const header = await post(roomy, wideHeader, 'text/csv');
  t.equal(header.status, 422);
  t.equal(header.body.errors.length, 100);
  t.ok(header.body.errorCount >= 20_000);
  t.ok(header.bytes < 64 * 1024, `the report is short (${header.bytes} bytes)`);
});

await t.test('a CSV syntax error names its line and column', async (t) => {
  const r = await post(app, CSV_HEADER + '1;"3.5 Hög";P;A;"Risk "x" y";1;1;1;Nej\n', 'text/csv');
  t.equal(r.status, 422);
  t.match(r.body.errors, [{ line: 2, column: 5, field: 'file', message: /closing quote/ }]);
});
