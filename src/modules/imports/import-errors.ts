import { AppError } from '../../errors.js';
import type { RowError } from './vor-import.rows.js';

/** A report names at most this many problems (and counts all of them): 50 000 bad lines must not make a 4 MB answer. */
export const MAX_REPORTED_ERRORS = 100;

export class ImportInvalidError extends AppError {
  constructor(errors: RowError[]) {
    const first = errors[0];
    super(
      'IMPORT_INVALID',
      `The import was refused and nothing was written: ${errors.length} problem(s), first on line ${first.line} (${first.field}: ${first.message})`,
      422,
      { errors: errors.slice(0, MAX_REPORTED_ERRORS), errorCount: errors.length },
    );
  }
}

export const unreadableWorkbook = () => new ImportInvalidError([{ line: 1, field: 'file', message: 'is not a readable .xlsx workbook' }]);

/** The import limits (src/config.ts), named by the setting that refuses a file, so the refusal says what to change. */
export type ImportLimitName =
  | 'IMPORT_MAX_ROWS'
  | 'IMPORT_MAX_COLUMNS'
  | 'IMPORT_MAX_CELLS'
  | 'IMPORT_MAX_UNCOMPRESSED_BYTES'
  | 'IMPORT_MAX_CELL_CHARS'
  | 'IMPORT_TIMEOUT_MS'
  | 'IMPORT_MAX_MEMORY_MB';

export class ImportTooLargeError extends AppError {
  constructor(limit: ImportLimitName, max: number, what: string) {
    super('IMPORT_TOO_LARGE', `The file is larger than a VoR table can be: ${what} (limit ${limit}=${max}); nothing was read or written`, 413, { limit, max });
  }
}
