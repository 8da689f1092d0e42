import type { Cell } from './export-datasets.js';

// RFC 4180: CRLF line ends; a field holding the delimiter, a quote or a line break is quoted, quotes doubled.
// CSV injection (OWASP): a text cell that Excel would read as a formula (it starts with =, +, -, @, tab or
// carriage return) gets a leading single quote, so Excel shows it as text. Numbers are never changed;
// JSON exports carry every value exactly, so Power BI should read JSON.

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
