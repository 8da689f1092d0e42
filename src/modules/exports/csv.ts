import { sql, type SQL } from 'drizzle-orm';

// RFC 4180: CRLF line ends; a field holding the delimiter, a quote or a line break is quoted, quotes doubled.
// CSV injection (OWASP): a text cell that Excel would read as a formula (it starts with =, +, -, @, tab or
// carriage return) gets a leading single quote, so Excel shows it as text. Numbers are never changed;
// JSON exports carry every value exactly, so Power BI should read JSON.

export type ColumnType = 'uuid' | 'text' | 'integer' | 'boolean' | 'timestamp' | 'date';
export type Cell = string | number | boolean | null;

export const BOM = '\uFEFF';
export const CSV_DELIMITERS = { semicolon: ';', comma: ',' } as const;
export type CsvDelimiterName = keyof typeof CSV_DELIMITERS;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: Cell, delimiter: string): string {
  if (value === null) return '';
  const s = typeof value === 'string' ? (FORMULA_START.test(value) ? `'${value}` : value) : String(value);
  return s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly Cell[], delimiter: string): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i) line += delimiter;
    line += csvField(values[i], delimiter);
  }
  return line + '\r\n';
}

// The same rules as SQL, for CSV lines built in the database (test/export-sql.test.ts checks that both agree).
// Only ';' and ',' are delimiters: neither is special in a regular expression's bracket.
const SQL_FORMULA_START = sql.raw(`E'^[=+@\\t\\r-]'`);
// ascii() of the characters FORMULA_START names: a cheap test of a field's first character.
const FORMULA_CODES = sql.raw(['=', '+', '-', '@', '\t', '\r'].map((ch) => ch.charCodeAt(0)).join(', '));
const DELIMITER_SET: Record<string, true> = Object.fromEntries(Object.values(CSV_DELIMITERS).map((d) => [d, true]));
const sqlNeedsQuotes = (delimiter: string) => {
  if (!(delimiter in DELIMITER_SET)) throw new Error(`not a CSV delimiter: ${delimiter}`);
  return sql.raw(`E'[${delimiter}"\\r\\n]'`);
};

/** A field of a line built in SQL: its text (null = empty), and whether it can never need quotes or a formula guard. */
export interface SqlField {
  text: SQL;
  plain: boolean;
}

/** A value of the given type as a field. Numbers, booleans and uuids hold no delimiter, quote or line break and are never formulas. */
export function sqlField(value: SQL, type: ColumnType): SqlField {
  if (type === 'integer') return { text: sql`(${value})::text`, plain: true };
  if (type === 'boolean') return { text: sql`case when ${value} then 'true' when not ${value} then 'false' end`, plain: true };
  // The cast guarantees a uuid: hex digits and dashes.
  if (type === 'uuid') return { text: sql`(${value})::uuid::text`, plain: true };
  return { text: sql`(${value})::text`, plain: false };
}

/** csvField of a field, as SQL. */
export function csvFieldSql(field: SqlField, delimiter: string): SQL {
  if (field.plain) return field.text;
  const v = field.text;
  return sql`case when ${v} ~ ${sqlNeedsQuotes(delimiter)}
    then '"' || case when ${v} ~ ${SQL_FORMULA_START} then '''' else '' end || replace(${v}, '"', '""') || '"'
    when ${v} ~ ${SQL_FORMULA_START} then '''' || ${v} else ${v} end`;
}

/** A quoted SQL literal of a constant text. */
export const sqlText = (s: string) => sql.raw(`'${s.replace(/'/g, "''")}'`);

// concat() reads null as empty; it takes at most 100 arguments, so long lists nest.
const concat = (xs: SQL[]): SQL => (xs.length <= 90 ? sql`concat(${sql.join(xs, sql`, `)})` : concat([concat(xs.slice(0, 90)), ...xs.slice(90)]));

/**
 * csvLine of fields, as one SQL text value ending in CRLF. Most rows have no delimiter, quote or line break in any
 * field: one test over all of them picks the line with only the formula guards, else every field is quoted as
 * csvField does.
 */
export function csvLineSql(fields: SqlField[], delimiter: string): SQL {
  const join = (parts: SQL[]) => concat([...parts.flatMap((f, i) => (i ? [sqlText(delimiter), f] : [f])), sql.raw(`E'\\r\\n'`)]);
  const full = join(fields.map((f) => csvFieldSql(f, delimiter)));
  const risky = fields.filter((f) => !f.plain).map((f) => f.text);
  if (!risky.length) return full;
  const guarded = join(fields.map((f) => (f.plain ? f.text : sql`case when ascii(${f.text}) in (${FORMULA_CODES}) then '''' || ${f.text} else ${f.text} end`)));
  return sql`case when ${concat(risky)} ~ ${sqlNeedsQuotes(delimiter)} then ${full} else ${guarded} end`;
}
