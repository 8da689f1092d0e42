import { CsvError, parse } from 'csv-parse/sync';
import type { RowError } from './vor-import.rows.js';

/** One record of a delimited file and the physical line it starts on (a quoted field may span lines). */
export interface TableRecord {
  line: number;
  cells: string[];
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Decodes UTF-8 (with or without BOM). Anything else is refused line by line rather than decoded into
 * replacement characters: a file saved as Windows-1252 would otherwise import "M�l" silently.
 */
export function decodeUtf8(buf: Buffer): { text: string } | { errors: RowError[] } {
  const body = buf.length >= 3 && BOM.every((b, i) => buf[i] === b) ? buf.subarray(3) : buf;
  const fatal = new TextDecoder('utf-8', { fatal: true });
  try {
    return { text: fatal.decode(body) };
  } catch {
    const errors: RowError[] = [];
    let start = 0;
    for (let line = 1; start <= body.length; line++) {
      let end = body.indexOf(0x0a, start);
      if (end === -1) end = body.length;
      try {
        fatal.decode(body.subarray(start, end));
      } catch {
        errors.push({ line, field: 'file', message: 'is not valid UTF-8: save the file as UTF-8 (CSV UTF-8 in Excel)' });
      }
      start = end + 1;
    }
    return { errors };
  }
}

// csv-parse's codes in the words of the import report.
const SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected text after a closing quote (a quote inside a field must be doubled: "")',
};

const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180 with a chosen delimiter (csv-parse): quoted fields may hold the delimiter, newlines and doubled quotes;
 * CRLF or LF; blank lines are no records. A syntax error stops the parse (what follows an unbalanced quote cannot be
 * read reliably) and is reported with its line and column.
 */
export function parseDelimited(text: string, delimiter = ';'): { records: TableRecord[]; errors: RowError[] } {
  const bytes = Buffer.from(text, 'utf8');
  const records: TableRecord[] = [];
  // The physical line a record starts on, counted from where the previous record ended (csv-parse's own line count
  // takes a CRLF inside quotes for two lines).
  let cursor = 0;
  let line = 1;
  const skipBlankLines = () => {
    for (;;) {
      if (bytes[cursor] === LF) cursor += 1;
      else if (bytes[cursor] === CR && bytes[cursor + 1] === LF) cursor += 2;
      else return line;
      line++;
    }
  };
  try {
    parse(bytes, {
      delimiter,
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (cells, { bytes: end }) => {
        records.push({ line: skipBlankLines(), cells });
        for (let i = bytes.indexOf(LF, cursor); i !== -1 && i < end; i = bytes.indexOf(LF, i + 1)) line++;
        cursor = end;
        return null;
      },
    });
    return { records, errors: [] };
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const e = err as CsvError & { column?: number | string };
    const column = typeof e.column === 'number' ? e.column + 1 : undefined;
    // Reported on the line its record starts on: the line of an unclosed quote, say.
    return { records: [], errors: [{ line: skipBlankLines(), ...(column ? { column } : {}), field: 'file', message: SYNTAX[e.code] ?? e.message }] };
  }
}
