// A tiny RFC 4180 reader for tests: quoted fields, doubled quotes, line breaks inside quotes, CRLF records.
export function parseCsv(text: string, delimiter = ';'): string[][] {
  const d = delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // One field and what ends it: the delimiter, CRLF, or (only valid after the last record) the end of the text.
  const field = new RegExp(`(?:"((?:[^"]|"")*)"|([^"${d}\\r\\n]*))(${d}|\\r\\n|$)`, 'y');
  const rows: string[][] = [];
  let row: string[] = [];
  while (field.lastIndex < text.length) {
    const at = field.lastIndex;
    const m = field.exec(text);
    if (!m || (m[3] === '' && field.lastIndex < text.length)) throw new Error(`malformed CSV at offset ${at}`);
    if (m[3] === '') throw new Error('the last record does not end with CRLF');
    row.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    if (m[3] === '\r\n') {
      rows.push(row);
      row = [];
    }
  }
  if (row.length) throw new Error('the last record does not end with CRLF');
  return rows;
}

/** Header + records as objects keyed by column name. */
export function csvRecords(text: string, delimiter = ';'): { header: string[]; records: Record<string, string>[] } {
  if (!text.startsWith('\uFEFF')) throw new Error('no UTF-8 BOM');
  const [header, ...rest] = parseCsv(text.slice(1), delimiter);
  for (const r of rest) if (r.length !== header.length) throw new Error(`a record has ${r.length} fields, the header ${header.length}`);
  return { header, records: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}
