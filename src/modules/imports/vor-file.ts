import { decodeUtf8, parseDelimited, type TableRecord } from './csv.js';
import { ImportInvalidError, ImportTooLargeError, unreadableWorkbook } from './import-errors.js';
import { checkWorkbookBounds, type ImportLimits } from './import-limits.js';
import { validateRows, type RowError, type VorRowInput } from './vor-import.rows.js';

// The columns of a VoR table file (fixtures/servicenamnden-2026/vor.csv) and the import field each one feeds.
const REQUIRED = {
  nr: 'nr',
  mal: 'mal',
  process: 'process',
  arbetssatt: 'arbetssatt',
  oonskad_handelse: 'oonskadHandelse',
  sannolikhet: 'sannolikhet',
  konsekvens: 'konsekvens',
  rv: 'rv',
  ikp: 'ikp',
} as const;
const OPTIONAL = {
  motivering: 'motivering',
  systematisk_kontroll: 'systematiskKontroll',
  kontrollaktivitet: 'kontrollaktivitet',
} as const;
const COLUMNS: Record<string, keyof VorRowInput> = { ...REQUIRED, ...OPTIONAL };

export type VorFileFormat = 'csv' | 'xlsx';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the import service takes: the rows, and the line each came from (for the report). */
export interface VorFileRows {
  rows: VorRowInput[];
  lines: number[];
}

export function formatOfFileName(name: string): VorFileFormat | null {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' ? 'csv' : ext === 'xlsx' ? 'xlsx' : null;
}

/** Parses in the calling thread: a request uses parseVorFileIsolated (import-worker.ts), which runs this in a worker. */
export async function parseVorFile(content: Buffer, format: VorFileFormat, limits: ImportLimits): Promise<VorFileRows> {
  return format === 'csv' ? parseVorCsv(content, limits) : parseVorXlsx(content, limits);
}

/** Semicolon-separated, UTF-8 with or without BOM, CRLF or LF, RFC 4180 quoting. */
export function parseVorCsv(content: Buffer, limits: ImportLimits): VorFileRows {
  const decoded = decodeUtf8(content);
  if ('errors' in decoded) throw new ImportInvalidError(decoded.errors);
  const { records, errors } = parseDelimited(decoded.text, ';');
  if (errors.length) throw new ImportInvalidError(errors);
  return tableToRows(records, 'csv', limits);
}

/** The first sheet of a workbook; its row numbers are the lines of the report. */
export async function parseVorXlsx(content: Buffer, limits: ImportLimits): Promise<VorFileRows> {
  checkWorkbookBounds(content, limits);
  // Loaded on first use: a worker that reads a CSV file starts without it.
  const { readSheet } = await import('read-excel-file/node');
  let sheet: unknown[][];
  try {
    sheet = await readSheet(content);
  } catch {
    throw unreadableWorkbook();
  }
  const records: TableRecord[] = [];
  sheet.forEach((row, i) => {
    const cells = row.map(cellText);
    if (cells.some((c) => c !== '')) records.push({ line: i + 1, cells });
  });
  return tableToRows(records, 'xlsx', limits);
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'Ja' : 'Nej';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

/** The same bounds for a CSV file as for a workbook, checked before any row is validated. */
function checkTable(records: TableRecord[], limits: ImportLimits): void {
  let cells = 0;
  for (const { line, cells: row } of records) {
    if (line > limits.maxRows) throw new ImportTooLargeError('IMPORT_MAX_ROWS', limits.maxRows, `line ${line} is beyond it`);
    if (row.length > limits.maxColumns) throw new ImportTooLargeError('IMPORT_MAX_COLUMNS', limits.maxColumns, `line ${line} has ${row.length} fields`);
    cells += row.length;
    if (cells > limits.maxCells) throw new ImportTooLargeError('IMPORT_MAX_CELLS', limits.maxCells, `the file has more than ${limits.maxCells} cells`);
    for (const cell of row) {
      if (cell.length > limits.maxCellChars) throw new ImportTooLargeError('IMPORT_MAX_CELL_CHARS', limits.maxCellChars, `a cell on line ${line} has ${cell.length} characters`);
    }
  }
}

function tableToRows(records: TableRecord[], format: VorFileFormat, limits: ImportLimits): VorFileRows {
  checkTable(records, limits);
  const [header, ...body] = records;
  if (!header) throw new ImportInvalidError([{ line: 1, field: 'file', message: `is empty: the first line must be the header ${Object.keys(REQUIRED).join(';')}` }]);
  const errors: RowError[] = [];
  const names = header.cells.map((c) => c.trim().toLowerCase());
  // Trailing empty header cells are what spreadsheets leave behind; they name no column.
  while (names.length && names[names.length - 1] === '') names.pop();
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (!(name in COLUMNS)) errors.push({ line: header.line, field: name || `column ${i + 1}`, message: `is not a column of the VoR format (${Object.keys(COLUMNS).join(', ')})` });
    else if (seen.has(name)) errors.push({ line: header.line, field: name, message: 'appears twice in the header' });
    seen.add(name);
  });
  for (const required of Object.keys(REQUIRED)) {
    if (!seen.has(required)) errors.push({ line: header.line, field: required, message: 'required column is missing from the header' });
  }
  if (errors.length) throw new ImportInvalidError(errors);
  if (!body.length) throw new ImportInvalidError([{ line: header.line, field: 'file', message: 'has a header but no rows' }]);

  const rows: VorRowInput[] = [];
  const lines: number[] = [];
  for (const record of body) {
    const extra = record.cells.slice(names.length);
    if (record.cells.length < names.length && format === 'csv') {
      errors.push({ line: record.line, field: 'file', message: `has ${record.cells.length} fields, the header has ${names.length} (is a ; inside a field not quoted?)` });
      continue;
    }
    if (extra.some((c) => c.trim() !== '')) {
      errors.push({ line: record.line, field: 'file', message: `has ${record.cells.length} fields, the header has ${names.length} (is a ; inside a field not quoted?)` });
      continue;
    }
    // Every required column is in the header (checked above), so each of these is overwritten below.
    const row: VorRowInput = { nr: '', mal: '', process: '', arbetssatt: '', oonskadHandelse: '' };
    names.forEach((name, i) => (row[COLUMNS[name]] = record.cells[i] ?? ''));
    rows.push(row);
    lines.push(record.line);
  }
  // Check the rows here too, so one report names the misshapen lines and the bad values together.
  // A loop, not push(...spread): tens of thousands of errors as arguments overflow the stack.
  for (const e of validateRows(rows, 2, lines).errors) errors.push(e);
  if (errors.length) throw new ImportInvalidError(errors.sort((a, b) => a.line - b.line));
  return { rows, lines };
}
