import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client.js';
import { copyColumnBytes, inlinedSql } from '../../db/copy.js';
import { renderedOnce } from '../../db/json-rows.js';
import { preparedRows, rawRows } from '../../db/raw.js';
import { csvLineOf, keyOf, type Dataset, type ExportMoment } from './export-datasets.js';

export interface ExportSelection {
  dataset: Dataset;
  year?: number;
  /** The nämnder whose rows may be exported (the caller's scope, narrowed by the `namnd` filter). */
  namndCodes: '*' | string[];
  updatedSince?: Date;
  updatedBefore?: Date;
  createdSince?: Date;
  createdBefore?: Date;
  /** Keyset position: only rows whose key sorts after it. */
  after?: string;
  /** At most this many rows (JSON pages); none for a full stream. */
  limit?: number;
}

type RawRow = Record<string, unknown>;
const dialect = new PgDialect();

function whereOf(sel: ExportSelection, after: string | undefined): SQL {
  const d = sel.dataset;
  const conds: SQL[] = [];
  if (sel.year !== undefined && d.year) conds.push(sql`${d.year} = ${sel.year}`);
  if (sel.namndCodes !== '*' && d.namndCode) {
    const inScope = sel.namndCodes.length ? sql`${d.namndCode} in (${sql.join(sel.namndCodes.map((c) => sql`${c}`), sql`, `)})` : sql`false`;
    conds.push(d.cityWide ? sql`(${d.cityWide} or ${inScope})` : inScope);
  }
  const at = (t: Date) => sql`${t.toISOString()}::timestamptz`;
  if (sel.updatedSince) conds.push(sql`${d.updatedAt} >= ${at(sel.updatedSince)}`);
  if (sel.updatedBefore) conds.push(sql`${d.updatedAt} < ${at(sel.updatedBefore)}`);
  if (sel.createdSince) conds.push(sql`${d.createdAt} >= ${at(sel.createdSince)}`);
  if (sel.createdBefore) conds.push(sql`${d.createdAt} < ${at(sel.createdBefore)}`);
  if (after !== undefined) {
    const cast = d.key.kind === 'text' ? sql`${after}` : d.key.kind === 'uuid' ? sql`${after}::uuid` : sql`${after}::bigint`;
    conds.push(sql`${d.key.expr} > ${cast}`);
  }
  return conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
}

function selectOf(sel: ExportSelection, after: string | undefined, limit: number | undefined): SQL {
  const d = sel.dataset;
  return sql`select ${d.select} from ${d.from} ${whereOf(sel, after)} order by ${d.key.expr}${limit === undefined ? sql`` : sql` limit ${limit}`}`;
}

// The lines' statement is hundreds of SQL fragments, whose rendering cost more CPU than the rest of a small export:
// rendered once per dataset, delimiter and day (renderedOnce), only its tail (filters, order, limit) each time.
const linesTemplates = new Map<string, (tail: SQL) => SQL>();
const MAX_LINES_TEMPLATES = 100;

/** The dataset's CSV lines in key order, each one text value built in the database (csvLineOf). */
function csvLinesOf(sel: ExportSelection, delimiter: string, at: ExportMoment, after: string | undefined, limit: number | undefined): SQL {
  const d = sel.dataset;
  const key = JSON.stringify([d.name, delimiter, at]);
  let template = linesTemplates.get(key);
  if (!template) {
    if (linesTemplates.size >= MAX_LINES_TEMPLATES) linesTemplates.clear(); // past days' templates
    const extra = d.csvSql?.(at);
    template = renderedOnce(
      (tail) => sql`select ${csvLineOf(d, delimiter, at)} as line, q.export_key from (select ${d.select}${extra?.select ? sql`, ${extra.select}` : sql``},
        ${d.key.expr} as export_key from ${d.from} ${extra?.joins ?? sql``} ${tail}) q`,
    );
    linesTemplates.set(key, template);
  }
  return template(sql`${whereOf(sel, after)} order by ${d.key.expr}${limit === undefined ? sql`` : sql` limit ${limit}`}`);
}

/**
 * CSV lines in key order, pulled only as fast as the consumer asks, node never seeing a row's fields.
 * PostgreSQL: one COPY of the lines, passed on as the socket's Buffers (one statement, one snapshot, no string or
 * object per row in node). PGlite: keyset batches, each one text value, so the single connection is never held long.
 */
export async function* streamCsvBatches(database: Database, sel: ExportSelection, delimiter: string, at: ExportMoment, batchSize: number): AsyncGenerator<string | Buffer> {
  if (database.pool) {
    const lines = sql`select x.line from (${csvLinesOf(sel, delimiter, at, sel.after, sel.limit)}) x order by x.export_key`;
    yield* copyColumnBytes(database.pool, inlinedSql(lines));
    return;
  }
  let after = sel.after;
  for (;;) {
    // One batch, one text value: its lines in key order, and the last key to go on from.
    const [batch] = await rawRows<{ lines: string | null; n: number | string; last: string | null }>(
      database.db,
      sql`select string_agg(x.line, '' order by x.export_key) as lines, count(*) as n, ((array_agg(x.export_key order by x.export_key desc))[1])::text as last
        from (${csvLinesOf(sel, delimiter, at, after, batchSize)}) x`,
    );
    if (batch.lines) yield batch.lines;
    if (Number(batch.n) < batchSize || batch.last === null) return;
    after = batch.last;
  }
}

/**
 * Raw rows in key order, a batch at a time, pulled only as fast as the consumer asks (backpressure).
 * PostgreSQL: one server-side cursor in a read-only snapshot, so memory stays flat and the result is consistent.
 * PGlite: keyset batches, each its own short query, so an export never holds the single connection for long.
 * Stopping the iteration (a client that disconnects) closes the cursor and frees the connection.
 */
export function streamRawRows(database: Database, sel: ExportSelection, batchSize: number): AsyncGenerator<RawRow[]> {
  return database.pool ? cursorBatches(database, selectOf(sel, sel.after, sel.limit), batchSize) : keysetBatches(database, sel, batchSize);
}

async function* cursorBatches(database: Database, query: SQL, batchSize: number): AsyncGenerator<RawRow[]> {
  const client = await database.pool!.connect();
  let finished = false;
  let broken = false;
  try {
    await client.query('begin transaction isolation level repeatable read, read only');
    // An export reads the cursor to its end: plan for all rows (hash joins and one sort), not for the first 10 %
    // (the default fast-start plan walks the key index with a nested loop per row, slower for the whole).
    await client.query('set local cursor_tuple_fraction = 1.0');
    const q = dialect.sqlToQuery(query);
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
  let after = sel.after;
  let remaining = sel.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const n = Math.min(batchSize, remaining);
    const rows = await rawRows<RawRow>(database.db, selectOf(sel, after, n));
    if (rows.length) yield rows;
    if (rows.length < n) return;
    remaining -= rows.length;
    after = keyOf(sel.dataset, rows[rows.length - 1]);
  }
}

export interface ExportFingerprint {
  count: number;
  /** The latest updated_at of the selected rows and of the dataset's deletions in scope; null when there are none. */
  lastChange: Date | null;
}

/**
 * What changes whenever the export's content does: the number of selected rows, their latest change and the
 * latest deletion in scope. Aggregates over the same filters (their indexes), never the rows themselves.
 */
export async function fingerprint(database: Database, sel: ExportSelection): Promise<ExportFingerprint> {
  const d = sel.dataset;
  const scope =
    sel.namndCodes === '*' || !d.namndCode
      ? sql``
      : sel.namndCodes.length
        ? sql` and (namnd_code is null or namnd_code in (${sql.join(sel.namndCodes.map((c) => sql`${c}`), sql`, `)}))`
        : sql` and false`;
  // One round trip: the selection's count and latest change, and the latest deletion in its scope.
  const deleted = d.name === 'deletions' ? sql`null::text` : sql`(select ${isoOf(sql`max(deleted_at)`)} from export_deletions where dataset = ${d.name}${scope})`;
  // Prepared: the text depends only on which filters are given, and planning it was a third of its time.
  const [rows] = await preparedRows<{ n: number | string; last: string | null; deleted: string | null }>(
    database.db,
    sql`select count(*) as n, ${isoOf(sql`max(${d.updatedAt})`)} as last, ${deleted} as deleted from ${d.countFrom ?? d.from} ${whereOf(sel, undefined)}`,
  );
  const last = rows.deleted && (!rows.last || rows.deleted > rows.last) ? rows.deleted : rows.last;
  return { count: Number(rows.n), lastChange: last ? new Date(last) : null };
}

// Microseconds: two changes within one millisecond still give different fingerprints.
const isoOf = (expr: SQL) => sql`to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
