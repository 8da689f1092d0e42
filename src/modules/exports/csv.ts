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
const DELIMITER_SET: Record<string, true> = Object.fromEntries(Object.values(CSV_DELIMITERS).map((d) => [d, true]));
const quoteClass = (delimiter: string) => {
  if (!(delimiter in DELIMITER_SET)) throw new Error(`not a CSV delimiter: ${delimiter}`);
  return `[${delimiter}"\\r\\n]`;
};
const sqlNeedsQuotes = (delimiter: string) => sql.raw(`E'${quoteClass(delimiter)}'`);
// A character that needs quotes anywhere, or a formula start right after the \x01 put before each field.
const sqlNeedsCare = (delimiter: string) => sql.raw(`E'${quoteClass(delimiter)}|\\x01[=+@\\t\\r-]'`);

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
 * csvLine of fields, as one SQL text value ending in CRLF. Most rows need neither quotes nor a formula guard in any
 * field: one regular expression over all their texts, each after a \x01, picks the line of the texts as they are;
 * any other row (a \x01 in a text at worst sends a clean row there too) is quoted field by field as csvField does.
 */
export function csvLineSql(fields: SqlField[], delimiter: string): SQL {
  const join = (parts: SQL[]) => concat([...parts.flatMap((f, i) => (i ? [sqlText(delimiter), f] : [f])), sql.raw(`E'\\r\\n'`)]);
  const full = join(fields.map((f) => csvFieldSql(f, delimiter)));
  const risky = fields.filter((f) => !f.plain).map((f) => f.text);
  if (!risky.length) return full;
  const probe = concat(risky.flatMap((f) => [sql.raw(`E'\\x01'`), f]));
  return sql`case when ${probe} ~ ${sqlNeedsCare(delimiter)} then ${full} else ${join(fields.map((f) => f.text))} end`;
}
