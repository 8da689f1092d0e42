import { sql } from 'drizzle-orm';
import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './columns.js';

/**
 * The transactional outbox: one row per domain event, written in the transaction of the change it reports.
 * `id` is the insertion order; `position` is the feed order, assigned after commit by the sequencer
 * (src/events/sequencer.ts), so that a reader paging by position never skips a late-committing transaction.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    position: bigint('position', { mode: 'number' }),
    type: text('type').notNull(),
    namndCode: text('namnd_code'),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    entityVersion: integer('entity_version'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Ids and states only, never free text: events leave the service. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    unique('domain_events_position_unique').on(t.position),
    index('domain_events_unsequenced_idx').on(t.id).where(sql`position is null`),
    index('domain_events_namnd_position_idx').on(t.namndCode, t.position),
  ],
);

export const webhookStatus = pgEnum('webhook_status', ['ACTIVE', 'FAILING', 'PAUSED']);
export const deliveryStatus = pgEnum('webhook_delivery_status', ['PENDING', 'SUCCEEDED', 'FAILED']);

/** A subscriber system: where to send which events. Empty filters mean "all". */
export const webhooks = pgTable('webhooks', {
  id: id(),
  url: text('url').notNull(),
  /** The `whsec_` secret sealed with WEBHOOK_SECRET_KEYS (`enc:v1:…`, see secret-box.ts); never returned after creation. */
  secret: text('secret').notNull(),
  eventTypes: text('event_types').array().notNull().default([]),
  namndCodes: text('namnd_codes').array().notNull().default([]),
  status: webhookStatus('status').notNull().default('ACTIVE'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  lastError: text('last_error'),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true, mode: 'date' }),
  /** Events up to this position have been fanned out into deliveries. */
  cursorPosition: bigint('cursor_position', { mode: 'number' }).notNull().default(0),
  version: version(),
  ...timestamps,
});

/** One event for one webhook: its attempts and outcome. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => domainEvents.id),
    position: bigint('position', { mode: 'number' }).notNull(),
    status: deliveryStatus('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** A claim by one worker; another worker may take the delivery only after it expires. */
    leasedUntil: timestamp('leased_until', { withTimezone: true, mode: 'date' }),
    leaseToken: uuid('lease_token'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    unique('webhook_deliveries_webhook_event_unique').on(t.webhookId, t.eventId),
    index('webhook_deliveries_open_idx').on(t.webhookId, t.position).where(sql`status <> 'SUCCEEDED'`),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'PENDING'`),
  ],
);

/** Scheduled events (due, overdue) already emitted: at most one per kind, item and day, across replicas. */
export const scheduledEventMarkers = pgTable(
  'scheduled_event_markers',
  {
    kind: text('kind').notNull(),
    entityId: uuid('entity_id').notNull(),
    day: date('day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.entityId, t.day] })],
);
