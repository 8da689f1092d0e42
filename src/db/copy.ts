import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/**
 * COPY takes no bind parameters, so its values are inlined as literals. pg.escapeLiteral (E'…' with backslashes
 * doubled when there are any) is safe whatever standard_conforming_strings is; drizzle's default is not.
 */
class InliningDialect extends PgDialect {
  override escapeString(str: string): string {
    return pg.escapeLiteral(str);
  }
}
const plain = new PgDialect();
const inlining = new InliningDialect();

/** The statement's text with its parameters as literals; only scalars, which inline exactly. */
export function inlinedSql(query: SQL): string {
  const bad = plain.sqlToQuery(query).params.find((p) => !(p === null || typeof p === 'string' || typeof p === 'boolean' || (typeof p === 'number' && Number.isFinite(p))));
  if (bad !== undefined) throw new Error(`A COPY parameter must be a string, finite number, boolean or null, not ${typeof bad}`);
  const q = inlining.sqlToQuery(query.inlineParams());
  if (q.params.length) throw new Error('A COPY statement kept a bind parameter');
  return q.sql;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = SIGNATURE.length + 8; // signature, flags (int32), header extension length (int32)

/**
 * The bytes of a one-column `COPY (select) TO STDOUT (format binary)` (select: inlinedSql's text), every row's
 * value one after the other, as Buffers straight from the socket (pg-copy-streams): no JS string or object per row. Binary, because the text
 * and csv formats escape or quote what the value holds (newlines, quotes) and end rows with their own LF.
 * Read only as fast as the consumer asks (backpressure down to PostgreSQL). Stopping early discards the
 * connection, which ends the COPY on the server.
 */
export async function* copyColumnBytes(pool: pg.Pool, select: string): AsyncGenerator<Buffer> {
  const text = `copy (${select}) to stdout (format binary)`;
  const client = await pool.connect();
  let clean = false;
  try {
    const stream = client.query(copyTo(text));
    // The iteration sees the stream's errors; this keeps a late one (the discarded connection's end, reported to
    // the query after the consumer left) from being an unhandled 'error' event.
    stream.on('error', () => {});
    yield* valuesOfBinaryCopy(stream);
    clean = true;
  } finally {
    // Mid-COPY (abandoned or failed) the connection cannot be reused: it is closed, not returned to the pool.
    client.release(clean ? undefined : true);
  }
}

/** The binary COPY framing (header, per row a field count and a length, the trailer) taken off: values only. */
export async function* valuesOfBinaryCopy(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest: Buffer | undefined; // framing bytes split across two chunks
  let headerRead = false;
  let valueLeft = 0; // bytes of the current value still to come
  let ended = false;
  for await (const chunk of chunks) {
    if (ended) throw new Error('Binary COPY data after its trailer');
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    rest = undefined;
    // The values are moved forward over the framing in place: the chunk is ours, and no copy is allocated.
    let n = 0;
    let i = 0;
    while (i < buf.length) {
      if (valueLeft) {
        const take = Math.min(valueLeft, buf.length - i);
        n += buf.copy(buf, n, i, i + take);
        i += take;
        valueLeft -= take;
        continue;
      }
      if (!headerRead) {
        if (buf.length - i < SIGNATURE.length) break;
        if (!buf.subarray(i, i + SIGNATURE.length).equals(SIGNATURE)) throw new Error('Not a binary COPY stream');
        if (buf.length - i < HEADER || buf.length - i < HEADER + buf.readUInt32BE(i + HEADER - 4)) break;
        i += HEADER + buf.readUInt32BE(i + HEADER - 4);
        headerRead = true;
        continue;
      }
      if (buf.length - i < 2) break;
      const fields = buf.readInt16BE(i);
      if (fields === -1) {
        ended = true;
        i += 2;
        break;
      }
      if (fields !== 1) throw new Error(`A binary COPY row of ${fields} columns, expected 1`);
      if (buf.length - i < 6) break;
      const length = buf.readInt32BE(i + 2);
      i += 6;
      if (length > 0) valueLeft = length; // -1 (null) and 0 add nothing
    }
    if (i < buf.length && !ended) rest = Buffer.from(buf.subarray(i));
    if (n) yield buf.subarray(0, n);
  }
  if (!ended || rest) throw new Error('Binary COPY stream ended before its trailer');
}
