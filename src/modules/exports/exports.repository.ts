import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client.js';
import { rawRows } from '../../db/raw.js';
import type { Dataset } from './export-datasets.js';

export interface ExportSelection {
  dataset: Dataset;
  year?: number;
  /** The nämnder whose rows may be exported (the caller's scope, narrowed by the `namnd` filter). */
  namndCodes: '*' | string[];
  updatedSince?: Date;
  updatedBefore?: Date;
  /** Keyset position: only rows whose key sorts after it. */
  after?: string;
  /** At most this many rows (JSON pages); none for a full stream. */
  limit?: number;
}

type RawRow = Record<string, unknown>;
const dialect = new PgDialect();

/** By convention the first column of every dataset is its surrogate key. */
export const keyColumn = (dataset: Dataset) => dataset.columns[0].name;

function whereOf(sel: ExportSelection, after: string | undefined): SQL {
  const d = sel.dataset;
  const conds: SQL[] = [];
  if (sel.year !== undefined && d.year) conds.push(sql`${d.year} = ${sel.year}`);
  if (sel.namndCodes !== '*' && d.namndCode) {
    conds.push(
      sel.namndCodes.length
        ? sql`${d.namndCode} in (${sql.join(sel.namndCodes.map((c) => sql`${c}`), sql`, `)})`
        : sql`false`,
    );
  }
  if (sel.updatedSince) conds.push(sql`${d.updatedAt} >= ${sel.updatedSince.toISOString()}::timestamptz`);
  if (sel.updatedBefore) conds.push(sql`${d.updatedAt} < ${sel.updatedBefore.toISOString()}::timestamptz`);
  if (after !== undefined) {
    conds.push(d.key.kind === 'uuid' ? sql`${d.key.expr} > ${after}::uuid` : sql`${d.key.expr} > ${after}::bigint`);
  }
  return conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
}

function selectOf(sel: ExportSelection, after: string | undefined, limit: number | undefined): SQL {
  const d = sel.dataset;
  return sql`select ${d.select} from ${d.from} ${whereOf(sel, after)} order by ${d.key.expr}${limit === undefined ? sql`` : sql` limit ${limit}`}`;
}

/**
 * Raw rows in key order, a batch at a time, pulled only as fast as the consumer asks (backpressure).
 * PostgreSQL: one server-side cursor in a read-only snapshot, so memory stays flat and the result is consistent.
 * PGlite: keyset batches, each its own short query, so an export never holds the single connection for long.
 * Stopping the iteration (a client that disconnects) closes the cursor and frees the connection.
 */
export function streamRawRows(database: Database, sel: ExportSelection, batchSize: number): AsyncGenerator<RawRow[]> {
  return database.pool ? cursorBatches(database, sel, batchSize) : keysetBatches(database, sel, batchSize);
}

async function* cursorBatches(database: Database, sel: ExportSelection, batchSize: number): AsyncGenerator<RawRow[]> {
  const client = await database.pool!.connect();
  let finished = false;
  let broken = false;
  try {
    await client.query('begin transaction isolation level repeatable read, read only');
    const q = dialect.sqlToQuery(selectOf(sel, sel.after, sel.limit));
    await client.query(`declare export_rows no scroll cursor for ${q.sql}`, q.params);
    for (;;) {
      const { rows } = await client.query<RawRow>(`fetch forward ${batchSize} from export_rows`);
      if (rows.length) yield rows;
      if (rows.length < batchSize) break;
    }
    await client.query('commit');
    finished = true;
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    if (!finished && !broken) {
      // Abandoned early: the rollback closes the cursor, so the query stops here.
      try {
        await client.query('rollback');
      } catch {
        broken = true;
      }
    }
    // A connection whose state is unknown is discarded rather than handed to the next request.
    client.release(broken ? true : undefined);
  }
}

async function* keysetBatches(database: Database, sel: ExportSelection, batchSize: number): AsyncGenerator<RawRow[]> {
  const key = keyColumn(sel.dataset);
  let after = sel.after;
  let remaining = sel.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const n = Math.min(batchSize, remaining);
    const rows = await rawRows<RawRow>(database.db, selectOf(sel, after, n));
    if (rows.length) yield rows;
    if (rows.length < n) return;
    remaining -= rows.length;
    after = String(rows[rows.length - 1][key]);
  }
}
