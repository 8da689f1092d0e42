import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Append-only: a trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE.
 * Each event links to the previous one of its chain (one chain per nämnd, plus "city" for master data),
 * so that tampering outside the service is detectable without making all writes queue on one lock.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    namndCode: text('namnd_code'),
    fromState: text('from_state'),
    toState: text('to_state'),
    reason: text('reason'),
    changes: jsonb('changes'),
    requestId: text('request_id'),
    chain: text('chain').notNull(),
    chainSeq: bigint('chain_seq', { mode: 'number' }).notNull(),
    prevHash: text('prev_hash'),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_events_entity_idx').on(t.entityType, t.entityId),
    index('audit_events_namnd_idx').on(t.namndCode, t.id),
    index('audit_events_actor_idx').on(t.actor, t.id),
    index('audit_events_occurred_idx').on(t.occurredAt),
    uniqueIndex('audit_events_chain_seq_unique').on(t.chain, t.chainSeq),
  ],
);

/** The head of each chain; locking its row serialises writers of one chain only. */
export const auditChainHeads = pgTable('audit_chain_heads', {
  chain: text('chain').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});
