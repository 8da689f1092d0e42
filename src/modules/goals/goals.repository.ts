import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { goals, mandatoryProcesses, mandatoryWorkingMethods, settings } from '../../db/schema/index.js';
import { defaultMatrix, type RiskMatrix } from '../risks/index.js';

export type GoalRow = typeof goals.$inferSelect;
export type MandatoryProcessRow = typeof mandatoryProcesses.$inferSelect & {
  workingMethods: (typeof mandatoryWorkingMethods.$inferSelect)[];
};

export const goalRepository = {
  byYear(db: DbOrTx, year: number): Promise<GoalRow[]> {
    return db.select().from(goals).where(eq(goals.year, year)).orderBy(asc(goals.code));
  },
  async byYearCode(db: DbOrTx, year: number, code: string): Promise<GoalRow | undefined> {
    const [row] = await db.select().from(goals).where(and(eq(goals.year, year), eq(goals.code, code)));
    return row;
  },
  async byId(db: DbOrTx, id: string): Promise<GoalRow | undefined> {
    const [row] = await db.select().from(goals).where(eq(goals.id, id));
    return row;
  },
  byIds(db: DbOrTx, ids: readonly string[]): Promise<GoalRow[]> {
    return ids.length ? db.select().from(goals).where(inArray(goals.id, [...ids])) : Promise.resolve([]);
  },
  async insert(db: DbOrTx, values: typeof goals.$inferInsert): Promise<GoalRow> {
    const [row] = await db.insert(goals).values(values).returning();
    return row;
  },
  async delete(db: DbOrTx, id: string): Promise<void> {
    await db.delete(goals).where(eq(goals.id, id));
  },

  /** Mandatory processes in force for a year, with their working methods. */
  async mandatoryFor(db: DbOrTx, year?: number): Promise<MandatoryProcessRow[]> {
    const procs = await db.select().from(mandatoryProcesses).orderBy(asc(mandatoryProcesses.name));
    const inForce = procs.filter((p) => year === undefined || (p.fromYear <= year && (p.toYear === null || p.toYear >= year)));
    if (!inForce.length) return [];
    const wms = await db
      .select()
      .from(mandatoryWorkingMethods)
      .where(inArray(mandatoryWorkingMethods.mandatoryProcessId, inForce.map((p) => p.id)))
      .orderBy(asc(mandatoryWorkingMethods.sortOrder));
    return inForce.map((p) => ({ ...p, workingMethods: wms.filter((w) => w.mandatoryProcessId === p.id) }));
  },

  async defaultMatrix(db: DbOrTx): Promise<{ matrix: RiskMatrix; version: number }> {
    const [row] = await db.select().from(settings).where(eq(settings.key, 'default_matrix'));
    return row ? { matrix: row.value as RiskMatrix, version: row.version } : { matrix: defaultMatrix(), version: 0 };
  },
};
