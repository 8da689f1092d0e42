import { pgEnum, pgTable, text } from 'drizzle-orm/pg-core';
import { id, timestamps, version } from './columns.js';

export const namndKind = pgEnum('namnd_kind', ['NAMND', 'BOLAG']);

export const namnder = pgTable('namnder', {
  id: id(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  kind: namndKind('kind').notNull().default('NAMND'),
  forvaltning: text('forvaltning'),
  version: version(),
  ...timestamps,
});
