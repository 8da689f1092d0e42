import { ValidationError } from '../errors.js';

/** Opaque cursors: clients must not build them, so they are base64url of a versioned key. */
export function encodeCursor(key: number | string): string {
  return Buffer.from(`v1:${key}`).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): number {
  const m = /^v1:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new ValidationError('The cursor is not valid', [{ path: field, message: 'not a cursor from this API' }]);
  return Number(m[1]);
}

export function decodeStringCursor(cursor: string, field = 'after'): string {
  const m = /^v1:(.{1,200})$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new ValidationError('The cursor is not valid', [{ path: field, message: 'not a cursor from this API' }]);
  return m[1];
}
