// A tiny RFC 4180 reader for tests: quoted fields, doubled quotes, line breaks inside quotes, CRLF records.
export function parseCsv(text: string, delimiter = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') throw new Error(`bare line break outside quotes at ${i}`);
    else field += ch;
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length) throw new Error('the last record does not end with CRLF');
  return rows;
}

/** Header + records as objects keyed by column name. */
export function csvRecords(text: string, delimiter = ';'): { header: string[]; records: Record<string, string>[] } {
  if (!text.startsWith('\uFEFF')) throw new Error('no UTF-8 BOM');
  const [header, ...rest] = parseCsv(text.slice(1), delimiter);
  for (const r of rest) if (r.length !== header.length) throw new Error(`a record has ${r.length} fields, the header ${header.length}`);
  return { header, records: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}
