import { integer, timestamp, uuid } from 'drizzle-orm/pg-core';

// Shared column sets: every mutable row carries a surrogate key, an optimistic-concurrency version
// and timestamps (updated_at drives incremental refresh of the exports).
export const id = () => uuid('id').primaryKey().defaultRandom();
export const version = () => integer('version').notNull().default(1);
export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};
