import type { Cell } from './export-datasets.js';

// RFC 4180: CRLF line ends; a field holding the delimiter, a quote or a line break is quoted, quotes doubled.

export const BOM = '\uFEFF';
export const CSV_DELIMITERS = { semicolon: ';', comma: ',' } as const;
export type CsvDelimiterName = keyof typeof CSV_DELIMITERS;

export function csvField(value: Cell, delimiter: string): string {
  if (value === null) return '';
  const s = typeof value === 'string' ? value : String(value);
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
