import { and, eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { controlActivities, controls, goals, processes, risks, workingMethods } from '../../db/schema/index.js';

/** A table of the VoR tree: every node has an id, its plan, a version. */
export type NodeTable = PgTable & { id: PgColumn; planId: PgColumn; version: PgColumn; updatedAt: PgColumn };

/** The VoR's tables, for the service's per-entity specs (it never queries them itself). */
export const VOR_TABLES = { processes, workingMethods, risks, controls, controlActivities } satisfies Record<string, NodeTable>;

const inserted = async <T>(rows: Promise<T[]>): Promise<T> => (await rows)[0];

export const vorRepository = {
  async node<R>(db: DbOrTx, table: NodeTable, id: string): Promise<R | undefined> {
    const [row] = (await db.select().from(table as PgTable).where(eq(table.id, id))) as R[];
    return row;
  },
  /** Deletes a node at the version read; false when someone changed it since. */
  async deleteVersioned(db: DbOrTx, table: NodeTable, id: string, version: number): Promise<boolean> {
    const deleted = await db.delete(table).where(and(eq(table.id, id), eq(table.version, version))).returning({ id: table.id });
    return deleted.length > 0;
  },
  async goal(db: DbOrTx, id: string) {
    const [row] = await db.select().from(goals).where(eq(goals.id, id));
    return row;
  },
  async nextRiskNr(db: DbOrTx, planId: string): Promise<number> {
    const [{ max }] = await db.select({ max: sql<number | null>`max(${risks.nr})` }).from(risks).where(eq(risks.planId, planId));
    return (max ?? 0) + 1;
  },
  async riskNrTaken(db: DbOrTx, planId: string, nr: number): Promise<boolean> {
    const [taken] = await db.select({ id: risks.id }).from(risks).where(and(eq(risks.planId, planId), eq(risks.nr, nr)));
    return !!taken;
  },
  /** A plan's processes and a process's working methods: what a mandatory name is checked against. */
  processesOf: (db: DbOrTx, planId: string) => db.select().from(processes).where(eq(processes.planId, planId)),
  workingMethodsOf: (db: DbOrTx, processId: string) => db.select().from(workingMethods).where(eq(workingMethods.processId, processId)),
  insertProcess: (db: DbOrTx, v: typeof processes.$inferInsert) => inserted(db.insert(processes).values(v).returning()),
  insertWorkingMethod: (db: DbOrTx, v: typeof workingMethods.$inferInsert) => inserted(db.insert(workingMethods).values(v).returning()),
  insertRisk: (db: DbOrTx, v: typeof risks.$inferInsert) => inserted(db.insert(risks).values(v).returning()),
  insertControl: (db: DbOrTx, v: typeof controls.$inferInsert) => inserted(db.insert(controls).values(v).returning()),
  insertControlActivity: (db: DbOrTx, v: typeof controlActivities.$inferInsert) => inserted(db.insert(controlActivities).values(v).returning()),
};
