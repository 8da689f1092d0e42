import { ValidationError } from '../errors.js';

/** The largest page (`first`) any list of the API returns; the resolvers refuse more and the cost estimate assumes it. */
export const MAX_PAGE_SIZE = 500;
/** The largest `limit` of the event feed (GraphQL `domainEvents` and REST `/api/v1/events`). */
export const MAX_FEED_LIMIT = 1000;

/** What a cursor's key must look like, so a tampered one is refused before it reaches SQL. */
export const CURSOR_KEYS = {
  id: /^\d{1,15}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /** A plan's position: `year|nämnd code`. */
  yearAndCode: /^\d{4}\|[^|\s]{1,32}$/,
  any: /^.{1,200}$/s,
} as const;

/** Opaque cursors: clients must not build them, so they are base64url of a versioned key. */
export function encodeCursor(key: number | string): string {
  return Buffer.from(`v1:${key}`).toString('base64url');
}

const invalidCursor = (field: string) => new ValidationError('The cursor is not valid', [{ path: field, message: 'not a cursor from this API: use endCursor as given' }]);

export function decodeCursor(cursor: string, field = 'after'): number {
  return Number(decodeStringCursor(cursor, field, CURSOR_KEYS.id));
}

export function decodeStringCursor(cursor: string, field = 'after', key: RegExp = CURSOR_KEYS.any): string {
  const m = /^v1:(.*)$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || !key.test(m[1])) throw invalidCursor(field);
  return m[1];
}
