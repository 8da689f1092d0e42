import type { DbOrTx } from '../db/client.js';
import { domainEvents } from '../db/schema/index.js';

/** The channel the outbox trigger (migration 0002) notifies on commit. */
export const EVENTS_CHANNEL = 'domain_events';

/** Values allowed in an event's data: ids, states, numbers; the doors never put free text here. */
export type EventDataValue = string | number | boolean | null | string[];
export type EventData = Record<string, EventDataValue>;

export interface NewDomainEvent {
  type: string;
  namndCode: string | null;
  entityType: string;
  entityId: string;
  entityVersion?: number | null;
  data: EventData;
}

/** Inserts events inside the caller's transaction; they become visible to readers once sequenced after commit. */
export async function appendDomainEvents(tx: DbOrTx, events: NewDomainEvent[]): Promise<void> {
  if (!events.length) return;
  await tx.insert(domainEvents).values(
    events.map((e) => ({
      type: e.type,
      namndCode: e.namndCode,
      entityType: e.entityType,
      entityId: e.entityId,
      entityVersion: e.entityVersion ?? null,
      data: e.data,
    })),
  );
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
