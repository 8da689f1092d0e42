import { getTableColumns, getTableName, is, SQL, sql, type AnyColumn } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';

/**
 * Many tables' rows in one statement: each as one json array built in PostgreSQL, keyed as drizzle keys the rows,
 * so a whole plan costs one round trip and one JSON.parse instead of a statement and a row mapping per table.
 */
export interface JsonRowsSpec {
  table: PgTable;
  where: SQL;
  /** Columns of `table` (or of `extra`, by key) the array is ordered by, ascending. */
  orderBy: (AnyColumn | string)[];
  /** More fields per row, from joined tables: key → expression. */
  extra?: Record<string, SQL>;
  join?: SQL;
  /** Rows from elsewhere than the table itself, named as the table (e.g. a CTE's RETURNING * of it). */
  from?: SQL;
}

const keysOf = new WeakMap<PgTable, Map<AnyColumn, string>>();
function columnKeys(table: PgTable): Map<AnyColumn, string> {
  let m = keysOf.get(table);
  if (!m) keysOf.set(table, (m = new Map(Object.entries(getTableColumns(table)).map(([k, c]) => [c as AnyColumn, k]))));
  return m;
}

/** `(select json_agg(…) …)`: the rows of one table as a json array ('[]' when none). */
export function jsonRowsSql({ table, where, orderBy, extra = {}, join, from }: JsonRowsSpec): SQL {
  const keys = columnKeys(table);
  const name = getTableName(table);
  const fields = [
    ...[...keys].map(([col, key]) => {
      const ref = sql`${sql.identifier(name)}.${sql.identifier(col.name)}`;
      // A timestamp travels as epoch milliseconds (what a Date holds): shorter than ISO text and cheaper to read.
      const value = col.columnType === 'PgTimestamp' ? sql`(extract(epoch from date_trunc('milliseconds', ${ref})) * 1000)::bigint` : ref;
      return sql`${value} as ${sql.identifier(key)}`;
    }),
    ...Object.entries(extra).map(([key, e]) => sql`${e} as ${sql.identifier(key)}`),
  ];
  const order = orderBy.map((o) => sql`x.${sql.identifier(typeof o === 'string' ? o : keys.get(o)!)}`);
  const ordered = order.length ? sql` order by ${sql.join(order, sql`, `)}` : sql``;
  return sql`(select coalesce(json_agg(x${ordered}), '[]'::json) from (select ${sql.join(fields, sql`, `)}
    from ${from ? sql`${from} as ${sql.identifier(name)}` : table} ${join ?? sql``} where ${where}) x)`;
}

const dateKeysOf = new WeakMap<PgTable, string[]>();

/** The rows as drizzle returns them: JSON has no dates, so timestamp columns (epoch ms) become Date again (in place). */
export function fromJsonRows<T>(table: PgTable, value: unknown): T[] {
  let dates = dateKeysOf.get(table);
  if (!dates) {
    dates = Object.entries(getTableColumns(table))
      .filter(([, c]) => c.columnType === 'PgTimestamp')
      .map(([k]) => k);
    dateKeysOf.set(table, dates);
  }
  const rows = (typeof value === 'string' ? JSON.parse(value) : value ?? []) as Record<string, unknown>[];
  if (dates.length) {
    for (const row of rows) {
      for (const k of dates) if (row[k] != null) row[k] = new Date(row[k] as number);
    }
  }
  return rows as T[];
}

const dialect = new PgDialect();

/**
 * A statement whose text does not depend on its values: rendered to text once, so a hot read does not rebuild and
 * render hundreds of SQL chunks per request. `build` gets one SQL parameter per value (`arity` of them). A value
 * that is itself SQL is spliced in as SQL (a clause whose shape varies, such as an export's filters); parameters the
 * statement has of its own are constants of the rendering and bound as they were.
 */
export function renderedOnce(build: (...p: SQL[]) => SQL, arity = 1): (...values: unknown[]) => SQL {
  let parts: string[] | undefined;
  // Per placeholder of the text, in order: which value goes there, or the statement's own constant.
  let slots: ({ value: number } | { own: unknown })[] = [];
  return (...values) => {
    if (!parts) {
      const markers = Array.from({ length: arity }, (_, i) => `\u0000param${i}`);
      const q = dialect.sqlToQuery(build(...markers.map((m) => sql`${m}`)));
      const numbers = [...q.sql.matchAll(/\$(\d+)\b/g)].map((m) => Number(m[1]));
      // drizzle numbers its placeholders $1, $2, … in order; anything else is a `$n` in the statement's own text.
      if (numbers.length !== q.params.length || numbers.some((n, i) => n !== i + 1)) throw new Error('renderedOnce: the statement text holds a $n of its own');
      parts = q.sql.split(/\$\d+\b/);
      slots = q.params.map((p) => (markers.includes(p as string) ? { value: markers.indexOf(p as string) } : { own: p }));
    }
    const chunks: SQL[] = [sql.raw(parts[0])];
    for (let i = 1; i < parts.length; i++) {
      const slot = slots[i - 1];
      const v = 'value' in slot ? values[slot.value] : slot.own;
      chunks.push(is(v, SQL) ? v : sql`${sql.param(v)}`, sql.raw(parts[i]));
    }
    return sql.join(chunks);
  };
}
