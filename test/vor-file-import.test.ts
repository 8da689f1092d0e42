import t from 'tap';
import fs from 'node:fs';
import writeXlsxFile from 'write-excel-file/node';
import { buildTestApp, gql, gqlOk, token } from './helper.js';
import { parseDelimited } from '../src/modules/imports/csv.js';

// VoR table files through POST /api/v1/imports/vor: the real CSV, broken copies of it, and .xlsx workbooks.
const { app } = await buildTestApp(t);
const CSV_FILE = new URL('../fixtures/servicenamnden-2026/vor.csv', import.meta.url);
const csvText = fs.readFileSync(CSV_FILE, 'utf8');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function post(q: string, body: Buffer | string, contentType = 'text/csv', roles: string[] | null = ['admin']) {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (roles) headers.authorization = `Bearer ${token(roles)}`;
  const res = await app.inject({ method: 'POST', url: `/api/v1/imports/vor?${q}`, headers, payload: body });
  return { status: res.statusCode, type: res.headers['content-type'], body: res.json() };
}

const namndExists = async (code: string) => !(await gql(app, `{ namnd(code: "${code}") { id } }`)).errors;
/** The fixture with some lines replaced (1-based line numbers, the header is line 1). */
const edited = (changes: Record<number, (line: string) => string>) =>
  csvText.split('\n').map((l, i) => (changes[i + 1] ? changes[i + 1](l) : l)).join('\n');
const setField = (index: number, value: string) => (line: string) => line.split(';').map((f, i) => (i === index ? value : f)).join(';');

await t.test('refuses callers who may not edit the nämnd, and other media types', async (t) => {
  t.equal((await post('namnd=SN&year=2026', csvText, 'text/csv', null)).status, 401);
  const r = await post('namnd=SN&year=2026', csvText, 'text/csv', ['editor:KS']);
  t.equal(r.status, 403);
  t.equal(r.type, 'application/problem+json; charset=utf-8');
  t.equal(r.body.code, 'FORBIDDEN');
  t.equal((await post('namnd=SN&year=2026', '{}', 'application/json')).status, 415);
  const q = await post('namnd=SN&year=twenty', csvText);
  t.equal(q.body.code, 'VALIDATION_FAILED');
  t.equal(await namndExists('SN'), false);
});

await t.test('a dry run reports the real file and writes nothing', async (t) => {
  const r = await post('namnd=SN&year=2026&dryRun=true&namndName=Servicen%C3%A4mnden', fs.readFileSync(CSV_FILE));
  t.equal(r.status, 200);
  t.match(r.body, { dryRun: true, created: { namnd: 1, plan: 1, risks: 70 } });
  t.equal(await namndExists('SN'), false);
});

await t.test('the real file: 70 risks, risk 31 reported, and read back as they were written', async (t) => {
  const r = await post('namnd=SN&year=2026&namndName=Servicen%C3%A4mnden', fs.readFileSync(CSV_FILE));
  t.equal(r.status, 201);
  t.match(r.body, { dryRun: false, created: { namnd: 1, plan: 1, goals: 15, risks: 70, controls: 0 } });
  const r2 = r.body.violations.filter((v: { rule: string }) => v.rule === 'R2');
  t.equal(r2.length, 1);
  t.match(r2[0].message, /^Risk 31 .* has RV 9/);

  // Round trip: the risks the API gives back are the file's rows, value for value.
  const { plan } = await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { risks { nr title likelihood consequence rv inIkp workingMethod { name } process { name goal { code } } } } }`);
  const [header, ...lines] = csvText.trim().split('\n');
  t.equal(header, 'nr;mal;process;arbetssatt;oonskad_handelse;sannolikhet;konsekvens;rv;ikp');
  const num = (s: string) => (s === '' ? null : Number(s));
  const fromFile = lines.map((l) => {
    const [nr, mal, process, arbetssatt, title, s, k, rv, ikp] = l.split(';');
    return { nr: Number(nr), title, likelihood: num(s), consequence: num(k), rv: num(rv), inIkp: ikp === 'Ja', workingMethod: { name: arbetssatt }, process: { name: process, goal: { code: mal.split(' ')[0] } } };
  });
  t.equal(fromFile.length, 70);
  fromFile.sort((a, b) => a.nr - b.nr);
  // The mandatory process (R5) takes its catalogue name however the file spells it; every other name is kept as written.
  const MANDATORY = 'Systematiskt informationssäkerhetsarbete';
  const inMandatory = new Set(plan.risks.filter((r: { process: { name: string } }) => r.process.name === MANDATORY).map((r: { nr: number }) => r.nr));
  t.ok(inMandatory.size >= 5);
  const catalogued = (r: (typeof fromFile)[number]) => (inMandatory.has(r.nr) ? { ...r, process: { ...r.process, name: MANDATORY }, workingMethod: { name: 'catalogue' } } : r);
  t.same(plan.risks.map(catalogued), fromFile.map(catalogued));
  t.equal(plan.risks.filter((r: { rv: number | null }) => r.rv === null).length, 1, 'risk 70 unassessed');
});

await t.test('broken files write nothing and name each bad line', async (t) => {
  const bad = edited({
    3: setField(5, '7'), // sannolikhet outside 1–5
    5: setField(7, '8'), // rv is 6
    8: setField(0, '2'), // number 2 again
  });
  const r = await post('namnd=BR&year=2026&namndName=Trasig', bad);
  t.equal(r.status, 422);
  t.equal(r.type, 'application/problem+json; charset=utf-8');
  t.equal(r.body.code, 'IMPORT_INVALID');
  t.same(r.body.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[3, 'sannolikhet'], [5, 'rv'], [8, 'nr']]);
  t.match(r.body.errors[2].message, /repeated \(also on line 3\)/);

  const missing = edited({ 1: (h) => h.replace(';rv;', ';') }).split('\n').map((l, i) => (i === 0 ? l : l.split(';').filter((_, j) => j !== 7).join(';'))).join('\n');
  const m = await post('namnd=BR&year=2026&namndName=Trasig', missing);
  t.equal(m.status, 422);
  t.same(m.body.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[1, 'rv']]);
  t.match(m.body.detail, /rv: required column is missing/);

  // Line 4 saved as Latin-1 ("ö" as one byte): refused, not imported as replacement characters.
  const lines = csvText.split('\n').map((l) => Buffer.from(l + '\n', 'utf8'));
  lines[3] = Buffer.from(csvText.split('\n')[3] + '\n', 'latin1');
  const enc = await post('namnd=BR&year=2026&namndName=Trasig', Buffer.concat(lines));
  t.equal(enc.status, 422);
  t.same(enc.body.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[4, 'file']]);
  t.match(enc.body.errors[0].message, /UTF-8/);

  const shape = await post('namnd=BR&year=2026&namndName=Trasig', edited({ 6: (l) => l.replace(/;Nej$/, '') }));
  t.same(shape.body.errors.map((e: { line: number }) => e.line), [6]);
  t.match(shape.body.errors[0].message, /has 8 fields, the header has 9/);

  t.equal(await namndExists('BR'), false, 'nothing of any of them was written');
});

await t.test('BOM, CRLF, quoted fields and a motivation column', async (t) => {
  const body =
    '\uFEFFnr;mal;process;arbetssatt;oonskad_handelse;sannolikhet;konsekvens;rv;ikp;motivering\r\n' +
    '1;3.5 Hög beredskap;"Process; med semikolon";Arbetssätt;"Risk för ""fel""\r\növer två rader";3;3;9;Nej;"Hanteras av\r\nannan kontroll"\r\n' +
    '\r\n' +
    '2;3.5 Hög beredskap;Process;Arbetssätt;Risk två;1;2;2;Nej;\r\n';
  const r = await post('namnd=QT&year=2026&namndName=Citatn%C3%A4mnden', Buffer.from(body, 'utf8'));
  t.equal(r.status, 201, JSON.stringify(r.body));
  t.same(r.body.violations.filter((v: { rule: string }) => v.rule === 'R2'), [], 'the exclusion is motivated');
  const { plan } = await gqlOk(app, `{ plan(namndCode: "QT", year: 2026) { risks { nr title ikpMotivation process { name } } } }`);
  t.same(plan.risks[0], { nr: 1, title: 'Risk för "fel"\r\növer två rader', ikpMotivation: 'Hanteras av\r\nannan kontroll', process: { name: 'Process; med semikolon' } });

  // Line numbers count physical lines: the bad row below starts on line 6, after a two-line record and a blank line.
  const broken = body.replace('Risk två;1;2;2', 'Risk två;1;2;3');
  const b = await post('namnd=QU&year=2026&namndName=X', broken);
  t.same(b.body.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[6, 'rv']]);
  const unclosed = await post('namnd=QU&year=2026&namndName=X', 'nr;mal\n1;"öppet\n');
  t.same(unclosed.body.errors.map((e: { line: number }) => e.line), [2]);
});

await t.test('the parser keeps what RFC 4180 says', async (t) => {
  t.same(parseDelimited('a;"b;c";"d""e"\n\n"f\ng";h\r\n', ';').records, [
    { line: 1, cells: ['a', 'b;c', 'd"e'] },
    { line: 3, cells: ['f\ng', 'h'] },
  ]);
});

await t.test('an .xlsx workbook of the same table', async (t) => {
  const header = ['nr', 'mal', 'process', 'arbetssatt', 'oonskad_handelse', 'sannolikhet', 'konsekvens', 'rv', 'ikp'];
  const rows = [
    [1, '3.5 Hög beredskap', 'Informationssäkerhet', 'Behörighetshantering', 'Risk för obehörig åtkomst', 3, 4, 12, 'Ja'],
    [2, '3.1 Stark ekonomi', 'Inköp', 'Avtalsuppföljning', 'Risk för felaktiga fakturor', 2, 3, 6, 'Nej'],
    [3, '3.1 Stark ekonomi', 'Inköp', 'Avtalsuppföljning', 'Risk utan bedömning', null, null, null, 'Nej'],
  ];
  const xlsx = await writeXlsxFile([header, ...rows] as never).toBuffer();
  const r = await post('namnd=XL&year=2026&namndName=Excelnämnden', xlsx, XLSX);
  t.equal(r.status, 201, JSON.stringify(r.body));
  t.match(r.body.created, { namnd: 1, risks: 3, goals: 0 });
  const { plan } = await gqlOk(app, `{ plan(namndCode: "XL", year: 2026) { risks { nr title likelihood consequence rv inIkp } } }`);
  t.same(plan.risks, [
    { nr: 1, title: 'Risk för obehörig åtkomst', likelihood: 3, consequence: 4, rv: 12, inIkp: true },
    { nr: 2, title: 'Risk för felaktiga fakturor', likelihood: 2, consequence: 3, rv: 6, inIkp: false },
    { nr: 3, title: 'Risk utan bedömning', likelihood: null, consequence: null, rv: null, inIkp: false },
  ]);

  const bad = await writeXlsxFile([header, [], ...rows.map((row) => row.map((c, i) => (i === 0 ? Number(c) + 10 : i === 7 && c === 6 ? 5 : c)))] as never).toBuffer();
  const b = await post('namnd=XM&year=2026&namndName=X', bad, XLSX);
  t.equal(b.status, 422);
  t.same(b.body.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[4, 'rv']], 'sheet row numbers, the empty row 2 counted');
  const notXlsx = await post('namnd=XM&year=2026&namndName=X', Buffer.from('not a workbook'), XLSX);
  t.match(notXlsx.body, { code: 'IMPORT_INVALID', errors: [{ field: 'file', message: /not a readable .xlsx/ }] });
  t.equal(await namndExists('XM'), false);
});
