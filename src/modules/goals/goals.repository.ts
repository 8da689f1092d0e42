import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { goals, mandatoryProcesses, mandatoryWorkingMethods, processes, settings, workingMethods } from '../../db/schema/index.js';
import { updateVersioned } from '../../db/versioned.js';
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
  update: (db: DbOrTx, id: string, version: number, patch: Partial<typeof goals.$inferInsert>) => updateVersioned(db, goals, 'Goal', id, version, patch),
  async processCount(db: DbOrTx, goalId: string): Promise<number> {
    const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(processes).where(eq(processes.goalId, goalId));
    return n;
  },
  /** Inserts a mandatory process, or updates the one with this id (a new version). */
  async saveMandatoryProcess(db: DbOrTx, id: string | null, values: typeof mandatoryProcesses.$inferInsert) {
    const [row] = id
      ? await db.update(mandatoryProcesses).set({ ...values, version: sql`${mandatoryProcesses.version} + 1`, updatedAt: new Date() }).where(eq(mandatoryProcesses.id, id)).returning()
      : await db.insert(mandatoryProcesses).values(values).returning();
    return row;
  },
  async saveMandatoryWorkingMethod(db: DbOrTx, values: typeof mandatoryWorkingMethods.$inferInsert & { aliases: string[]; sortOrder: number }) {
    await db
      .insert(mandatoryWorkingMethods)
      .values(values)
      .onConflictDoUpdate({ target: [mandatoryWorkingMethods.mandatoryProcessId, mandatoryWorkingMethods.name], set: { aliases: values.aliases, sortOrder: values.sortOrder, updatedAt: new Date() } });
  },
  /** Plans keep their working method; it is just no longer a mandatory one. */
  async dropMandatoryWorkingMethod(db: DbOrTx, id: string): Promise<void> {
    await db.update(workingMethods).set({ mandatoryWorkingMethodId: null }).where(eq(workingMethods.mandatoryWorkingMethodId, id));
    await db.delete(mandatoryWorkingMethods).where(eq(mandatoryWorkingMethods.id, id));
  },
  async setDefaultMatrix(db: DbOrTx, matrix: RiskMatrix): Promise<{ version: number }> {
    const [row] = await db
      .insert(settings)
      .values({ key: 'default_matrix', value: matrix })
      .onConflictDoUpdate({ target: settings.key, set: { value: matrix, version: sql`${settings.version} + 1`, updatedAt: new Date() } })
      .returning({ version: settings.version });
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
