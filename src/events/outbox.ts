import { sql, type SQL } from 'drizzle-orm';

/** The channel the outbox trigger (migration 0002) notifies on commit. */
export const EVENTS_CHANNEL = 'domain_events';

/** Values allowed in an event's data: ids, states, numbers; the doors never put free text here. */
export type EventDataValue = string | number | boolean | null | string[];
export type EventData = Record<string, EventDataValue>;

/**
 * The one outbox insert: every domain event enters through this statement, inside the writer's transaction (the
 * audit log's CTE, the due job's select). Rows become visible to readers once sequenced after commit.
 */
export function insertDomainEvents(rows: SQL): SQL {
  return sql`insert into domain_events (type, namnd_code, entity_type, entity_id, entity_version, occurred_at, data) ${rows}`;
}

/**
 * The names of the fields a change touched, when `changes` is a diff ({ field: { before, after } }).
 * Names are safe to publish; the values may be free text and stay in the audit trail.
 */
export function changedFields(changes: unknown): string[] | undefined {
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) return undefined;
  const entries = Object.entries(changes as Record<string, unknown>);
  if (!entries.length) return undefined;
  const isDiff = entries.every(
    ([k, v]) => k !== 'before' && k !== 'after' && v !== null && typeof v === 'object' && ('before' in v || 'after' in v),
  );
  return isDiff ? entries.map(([k]) => k).sort() : undefined;
}
