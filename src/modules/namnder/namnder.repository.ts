import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { namnder } from '../../db/schema/index.js';
import { ALL } from '../../auth/actor.js';
import { updateVersioned } from '../../db/versioned.js';

export type NamndRow = typeof namnder.$inferSelect;

export const namndRepository = {
  update: (db: DbOrTx, id: string, version: number, patch: Partial<typeof namnder.$inferInsert>) => updateVersioned(db, namnder, 'Nämnd', id, version, patch),
  async list(db: DbOrTx, codes: typeof ALL | string[]): Promise<NamndRow[]> {
    if (codes !== ALL && codes.length === 0) return [];
    const q = db.select().from(namnder);
    return (codes === ALL ? q : q.where(inArray(namnder.code, codes))).orderBy(asc(namnder.code));
  },

  async byCode(db: DbOrTx, code: string): Promise<NamndRow | undefined> {
    const [row] = await db.select().from(namnder).where(eq(namnder.code, code));
    return row;
  },

  async byIds(db: DbOrTx, ids: readonly string[]): Promise<NamndRow[]> {
    if (!ids.length) return [];
    return db.select().from(namnder).where(inArray(namnder.id, [...ids]));
  },

  async insert(db: DbOrTx, values: typeof namnder.$inferInsert): Promise<NamndRow> {
    const [row] = await db.insert(namnder).values(values).returning();
    return row;
  },
};
