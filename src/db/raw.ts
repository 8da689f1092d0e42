import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/** Runs hand-written SQL on either driver and returns its rows (both drivers answer `{ rows }`). */
export async function rawRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
