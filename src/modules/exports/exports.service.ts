import { Readable } from 'node:stream';
import type { Database } from '../../db/client.js';
import type { Actor } from '../../auth/actor.js';
import { ALL } from '../../auth/actor.js';
import { requireAuditReader, requireRead } from '../../auth/authorize.js';
import { AppError, ForbiddenError, ValidationError } from '../../errors.js';
import { decodeStringCursor, encodeCursor } from '../../lib/cursor.js';
import { columnMapper, columnNames, csvInSql, DATASETS, keyOf, type DatasetName, type ExportRow } from './export-datasets.js';
import { fingerprint, streamCsvBatches, streamRawRows, type ExportSelection } from './exports.repository.js';
import { BOM, csvLine } from './csv.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { today } from '../follow-ups/index.js';

export interface ExportFilters {
  year?: number;
  namnd?: string[];
  updatedSince?: Date;
  updatedBefore?: Date;
  createdSince?: Date;
  createdBefore?: Date;
}

export interface ExportServiceOptions {
  /** Exports streaming at once; more wait for a slot, so exports never take every database connection. */
  maxConcurrent: number;
  /** How long a request waits for a slot before it gets EXPORTS_BUSY (503, Retry-After). */
  slotWaitMs?: number;
  /** Rows per database round trip. */
  batchSize?: number;
  /** "Today" of the date-derived columns (overdue): the app's clock. */
  clock?: Clock;
}

export class ExportsBusyError extends AppError {
  constructor() {
    super('EXPORTS_BUSY', 'Too many exports are running at once; try again shortly', 503);
  }
}

/** A counting semaphore whose waiters give up after a while. */
function createSlots(max: number, waitMs: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<() => void> {
      if (running < max) running++;
      else {
        await new Promise<void>((resolve, reject) => {
          const wake = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            waiting.splice(waiting.indexOf(wake), 1);
            reject(new ExportsBusyError());
          }, waitMs);
          waiting.push(wake);
        });
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // The slot passes straight to the next waiter, if any.
        const next = waiting.shift();
        if (next) next();
        else running--;
      };
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createExportService(database: Database, opts: ExportServiceOptions) {
  const batchSize = opts.batchSize ?? 1000;
  const slots = createSlots(opts.maxConcurrent, opts.slotWaitMs ?? 30_000);
  const clock = opts.clock ?? systemClock;

  async function* mappedBatches(sel: ExportSelection): AsyncGenerator<ExportRow[]> {
    const mapper = sel.dataset.mapper?.(database.db, { today: today(clock) }) ?? columnMapper(sel.dataset);
    for await (const raw of streamRawRows(database, sel, batchSize)) {
      await mapper.prepare(raw);
      yield raw.map((r) => mapper.map(r));
    }
  }

  /**
   * Opens the export and reads its first batch before a byte is sent, so a failing query still gets a proper
   * error response; the stream then holds a slot until it ends, fails or its client goes away.
   */
  async function open<T>(source: () => AsyncGenerator<T>, render: (batches: AsyncIterable<T>) => AsyncGenerator<string | Buffer>): Promise<Readable> {
    const release = await slots.acquire();
    const batches = source();
    let first: IteratorResult<T>;
    try {
      first = await batches.next();
    } catch (err) {
      release();
      throw err;
    }
    async function* all() {
      try {
        if (first.done) return;
        yield first.value;
        yield* batches;
      } finally {
        // Also when the consumer stops early: this closes the cursor.
        await batches.return(undefined);
      }
    }
    // Byte mode with a small buffer: the database is read only as fast as the client takes the response.
    const stream = Readable.from(render(all()), { objectMode: false, highWaterMark: 64 * 1024 });
    stream.once('close', () => {
      release();
      // A stream destroyed before it was ever read (the client left while waiting) never runs all()'s finally.
      batches.return(undefined).catch(() => {});
    });
    return stream;
  }

  return {
    /** Authorizes and narrows the export to the caller's nämnder; throws before a byte is sent. */
    select(actor: Actor, name: DatasetName, filters: ExportFilters, cursor?: string): ExportSelection {
      const dataset = DATASETS[name];
      const inverted = (['updated', 'created'] as const).filter((w) => {
        const since = filters[`${w}Since`];
        const before = filters[`${w}Before`];
        return since && before && since.getTime() > before.getTime();
      });
      if (inverted.length) {
        throw new ValidationError(
          `Invalid query parameters: ${inverted.map((w) => `${w}Since is after ${w}Before`).join('; ')}`,
          inverted.map((w) => ({ path: `${w}Since`, message: `must not be after ${w}Before` })),
        );
      }
      if (dataset.auditOnly) requireAuditReader(actor);
      const scope = actor.readable();
      if (scope !== ALL && scope.length === 0) throw new ForbiddenError('Your token has no role that may read exports');
      let namndCodes: ExportSelection['namndCodes'] = scope;
      if (filters.namnd?.length) {
        for (const code of filters.namnd) requireRead(actor, code);
        namndCodes = [...new Set(filters.namnd)];
      }
      return {
        dataset,
        year: filters.year,
        namndCodes,
        updatedSince: filters.updatedSince,
        updatedBefore: filters.updatedBefore,
        createdSince: filters.createdSince,
        createdBefore: filters.createdBefore,
        after: cursor === undefined ? undefined : decodeExportCursor(name, cursor),
      };
    },

    /** Changes whenever the selected content does; read from aggregates, for ETag and Last-Modified. */
    fingerprint: async (sel: ExportSelection) => ({ ...(await fingerprint(database, sel)), ...(sel.dataset.asOfToday ? { day: today(clock) } : {}) }),

    csv(sel: ExportSelection, delimiter: string): Promise<Readable> {
      const names = columnNames(sel.dataset);
      // The BOM makes Excel read UTF-8 (å, ä, ö) correctly; Power BI ignores it.
      const header = BOM + csvLine(names, delimiter);
      if (csvInSql(sel.dataset)) {
        // Lines built in the database: node only passes their bytes on.
        return open(
          () => streamCsvBatches(database, sel, delimiter, { today: today(clock) }, batchSize),
          async function* (batches) {
            yield header;
            yield* batches;
          },
        );
      }
      return open(() => mappedBatches(sel), async function* (batches) {
        yield header;
        for await (const batch of batches) {
          let out = '';
          for (const row of batch) out += csvLine(names.map((n) => row[n]), delimiter);
          yield out;
        }
      });
    },

    /** One page `{ value, nextLink }`; one row more than asked for says whether another page exists. */
    jsonPage(sel: ExportSelection, top: number, linkTo: (cursor: string) => string): Promise<Readable> {
      return open(() => mappedBatches({ ...sel, limit: top + 1 }), async function* (batches) {
        yield '{"value":[';
        let count = 0;
        let lastKey = '';
        let more = false;
        for await (const batch of batches) {
          let out = '';
          for (const row of batch) {
            if (count === top) {
              more = true;
              break;
            }
            out += (count ? ',' : '') + JSON.stringify(row);
            lastKey = keyOf(sel.dataset, row);
            count++;
          }
          if (out) yield out;
        }
        const next = more ? JSON.stringify(linkTo(encodeCursor(`${sel.dataset.name}:${lastKey}`))) : 'null';
        yield `],"nextLink":${next}}`;
      });
    },
  };
}

function decodeExportCursor(name: DatasetName, cursor: string): string {
  const invalid = () => new ValidationError('The cursor is not valid', [{ path: 'cursor', message: `not a cursor of the ${name} export: use nextLink as given` }]);
  let decoded: string;
  try {
    decoded = decodeStringCursor(cursor, 'cursor');
  } catch {
    throw invalid();
  }
  const prefix = `${name}:`;
  if (!decoded.startsWith(prefix)) throw invalid();
  const key = decoded.slice(prefix.length);
  const k = DATASETS[name].key;
  const ok = k.kind === 'uuid' ? UUID.test(key) : k.kind === 'bigint' ? /^\d{1,18}$/.test(key) : !!k.pattern?.test(key);
  if (!ok) throw invalid();
  return key;
}

export type ExportService = ReturnType<typeof createExportService>;
