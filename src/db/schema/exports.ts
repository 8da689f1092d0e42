import { bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per deleted export row (the `deletions` export), written by AFTER/BEFORE DELETE triggers
 * (migration 0005), so cascaded deletions and REPLACE imports are recorded as well as direct deletes.
 */
export const exportDeletions = pgTable(
  'export_deletions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dataset: text('dataset').notNull(),
    rowId: text('row_id').notNull(),
    planId: uuid('plan_id'),
    namndCode: text('namnd_code'),
    year: integer('year'),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('export_deletions_deleted_idx').on(t.deletedAt),
    index('export_deletions_dataset_deleted_idx').on(t.dataset, t.deletedAt),
    index('export_deletions_plan_idx').on(t.planId, t.dataset),
    index('export_deletions_row_idx').on(t.rowId),
  ],
);
