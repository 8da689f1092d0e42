import zlib from 'node:zlib';
import type { Config } from '../../config.js';
import { ImportTooLargeError, unreadableWorkbook } from './import-errors.js';

/** What a VoR file may be at most (README, "Importing a VoR table"). */
export interface ImportLimits {
  maxRows: number;
  maxColumns: number;
  maxCells: number;
  maxUncompressedBytes: number;
  maxCellChars: number;
  timeoutMs: number;
  maxMemoryMb: number;
}

export function importLimits(config: Config): ImportLimits {
  return {
    maxRows: config.IMPORT_MAX_ROWS,
    maxColumns: config.IMPORT_MAX_COLUMNS,
    maxCells: config.IMPORT_MAX_CELLS,
    maxUncompressedBytes: config.IMPORT_MAX_UNCOMPRESSED_BYTES,
    maxCellChars: config.IMPORT_MAX_CELL_CHARS,
    timeoutMs: config.IMPORT_TIMEOUT_MS,
    maxMemoryMb: config.IMPORT_MAX_MEMORY_MB,
  };
}


interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localHeader: number;
}

// A workbook has a dozen parts; thousands are no spreadsheet a person saved.
const MAX_ENTRIES = 1000;

/** The zip central directory: each part's name and declared sizes, read without decompressing anything. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadableWorkbook();
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  // Zip64 markers (count 0xffff) are no workbook a VoR table needs.
  if (count > MAX_ENTRIES) throw unreadableWorkbook();
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw unreadableWorkbook();
    const nameLength = zip.readUInt16LE(p + 28);
    entries.push({
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      declaredSize: zip.readUInt32LE(p + 24),
      localHeader: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return entries;
}

/** Cheap enough for the request thread: what the central directory declares, before any worker is started. */
export function checkDeclaredSize(zip: Buffer, limits: ImportLimits): void {
  const declared = zipEntries(zip).reduce((sum, e) => sum + e.declaredSize, 0);
  if (declared > limits.maxUncompressedBytes) {
    throw new ImportTooLargeError('IMPORT_MAX_UNCOMPRESSED_BYTES', limits.maxUncompressedBytes, `it unpacks to ${declared} bytes`);
  }
}

/**
 * Unpacks every part within the byte budget (declared sizes can lie, so the budget bounds the real output) and
 * checks each worksheet's declared dimension and its actual cells against the limits. Runs before the workbook is
 * parsed: the parser builds a dense table up to the furthest cell, so one cell at XFD1048576 would fill the heap.
 */
export function checkWorkbookBounds(zip: Buffer, limits: ImportLimits): void {
  let budget = limits.maxUncompressedBytes;
  for (const entry of zipEntries(zip)) {
    const p = entry.localHeader;
    if (p + 30 > zip.length || zip.readUInt32LE(p) !== 0x04034b50) throw unreadableWorkbook();
    const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
    const data = zip.subarray(start, start + entry.compressedSize);
    let content: Buffer;
    if (entry.method === 0) content = data;
    else if (entry.method === 8) {
      try {
        content = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, budget) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new ImportTooLargeError('IMPORT_MAX_UNCOMPRESSED_BYTES', limits.maxUncompressedBytes, 'it unpacks to more bytes than that');
        }
        throw unreadableWorkbook();
      }
    } else throw unreadableWorkbook();
    budget -= content.length;
    if (budget < 0) throw new ImportTooLargeError('IMPORT_MAX_UNCOMPRESSED_BYTES', limits.maxUncompressedBytes, 'it unpacks to more bytes than that');
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name)) checkSheet(content.toString('utf8'), limits);
  }
}

/** Column letters to a number: A → 1, XFD → 16384. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

const REF = /^([A-Za-z]{1,3})(\d{1,7})$/;

function checkSheet(xml: string, limits: ImportLimits): void {
  const tooLarge = (limit: 'IMPORT_MAX_ROWS' | 'IMPORT_MAX_COLUMNS' | 'IMPORT_MAX_CELLS', max: number, what: string) => {
    throw new ImportTooLargeError(limit, max, what);
  };
  const within = (column: number, row: number, where: string) => {
    if (row > limits.maxRows) tooLarge('IMPORT_MAX_ROWS', limits.maxRows, `${where} reaches row ${row}`);
    if (column > limits.maxColumns) tooLarge('IMPORT_MAX_COLUMNS', limits.maxColumns, `${where} reaches column ${column}`);
  };
  const dimension = /<(?:\w+:)?dimension\b[^>]*\bref="([^"]*)"/.exec(xml);
  if (dimension) {
    for (const ref of dimension[1].split(':')) {
      const m = REF.exec(ref);
      if (m) within(columnNumber(m[1]), Number(m[2]), `the sheet's declared dimension ${dimension[1]}`);
    }
  }
  // Rows and cells may leave out their reference (r): then they follow the one before.
  let row = 0;
  let column = 0;
  let cells = 0;
  const tags = /<(?:\w+:)?(row|c)\b([^>]*)>/g;
  for (let m = tags.exec(xml); m; m = tags.exec(xml)) {
    const r = /\br="([^"]*)"/.exec(m[2])?.[1];
    if (m[1] === 'row') {
      row = r && /^\d+$/.test(r) ? Number(r) : row + 1;
      column = 0;
      within(1, row, 'the sheet');
      continue;
    }
    const ref = r ? REF.exec(r) : null;
    column = ref ? columnNumber(ref[1]) : column + 1;
    within(column, ref ? Number(ref[2]) : row, `cell ${r ?? ''}`.trim());
    if (++cells > limits.maxCells) tooLarge('IMPORT_MAX_CELLS', limits.maxCells, `the sheet has more than ${limits.maxCells} cells`);
  }
}
