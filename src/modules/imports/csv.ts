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

/** RFC 4180 with a chosen delimiter: quoted fields may hold the delimiter, newlines and doubled quotes; CRLF or LF. */
export function parseDelimited(text: string, delimiter = ';'): { records: TableRecord[]; errors: RowError[] } {
  const records: TableRecord[] = [];
  const errors: RowError[] = [];
  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let field = '';
  let i = 0;
  const endRecord = () => {
    cells.push(field);
    // A blank line is no record (files often end with one or two).
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    cells = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      const quoteLine = line;
      i++;
      let closed = false;
      while (i < text.length) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (text[i] === '\n') line++;
        field += text[i++];
      }
      if (!closed) {
        errors.push({ line: quoteLine, field: 'file', message: 'a quoted field is never closed' });
        return { records, errors };
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
        errors.push({ line, field: 'file', message: `unexpected text after a closing quote (a quote inside a field must be doubled: "")` });
        // Skip to the end of this record so the rest of the file is still checked.
        while (i < text.length && text[i] !== '\n') i++;
        cells = [];
        field = '';
        i++;
        line++;
        recordLine = line;
      }
      continue;
    }
    if (c === delimiter) {
      cells.push(field);
      field = '';
      i++;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRecord();
      i += c === '\r' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || cells.length) endRecord();
  return { records, errors };
}
