import type { DbOrTx } from '../../db/client.js';
import { recordAudit, type RequestContext } from '../../audit/audit-log.js';
import { requireAdmin } from '../../auth/authorize.js';
import { AppError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { parseInput, year } from '../../lib/validate.js';
import { deadlineCalendar, PERIODS, periodDeadlineDate, type DeadlineCalendar, type Period } from './deadlines.js';
import { inputs } from './follow-ups.inputs.js';
import { followUpRepository, type PeriodDeadlineRow } from './follow-ups.repository.js';

/** A period's deadline in one year, as GraphQL shows it: the moved one, or the default. */
export interface PeriodDeadlineView {
  id: string;
  year: number;
  period: Period;
  deadline: string;
  isDefault: boolean;
  version: number;
  updatedAt: Date | null;
}

/** The moved period deadlines of these years as a calendar, in one statement. */
export const calendarOf = async (db: DbOrTx, years: readonly number[]): Promise<DeadlineCalendar> => deadlineCalendar(await followUpRepository.deadlines(db, years));

const entityId = (y: number, p: Period) => `${y}-${p}`;

function view(y: number, p: Period, row: PeriodDeadlineRow | undefined): PeriodDeadlineView {
  return row
    ? { id: entityId(y, p), year: y, period: p, deadline: row.deadline, isDefault: false, version: row.version, updatedAt: row.updatedAt }
    : { id: entityId(y, p), year: y, period: p, deadline: periodDeadlineDate(y, p), isDefault: true, version: 0, updatedAt: null };
}

/** Period deadlines: city-wide master data, set by an admin per year; every derived deadline reads this calendar. */
export function createDeadlineService({ db }: ServiceDeps) {
  return {
    /** The calendar of these years, in one statement (a request's or an export's deadlines). */
    calendar: (years: readonly number[]): Promise<DeadlineCalendar> => calendarOf(db, years),

    async list(ctx: RequestContext, rawYear: unknown): Promise<PeriodDeadlineView[]> {
      const y = parseInput(year(), rawYear, 'year');
      requireAdmin(ctx.actor);
      const rows = await followUpRepository.deadlines(db, [y]);
      return PERIODS.map((p) => view(y, p, rows.find((r) => r.period === p)));
    },

    /** Moves a period's deadline of a year; the year's follow-ups in that period show the new date at once. */
    async set(ctx: RequestContext, raw: unknown): Promise<PeriodDeadlineView> {
      const input = parseInput(inputs.setPeriodDeadline, raw);
      requireAdmin(ctx.actor);
      if (input.deadline < `${input.year}-01-01` || input.deadline > `${input.year + 1}-12-31`) {
        const message = `must fall in ${input.year} or ${input.year + 1}`;
        throw new AppError('DEADLINE_OUT_OF_RANGE', `The ${input.period} deadline of ${input.year} ${message}`, 422, { fields: [{ path: 'input.deadline', message }] });
      }
      return db.transaction(async (tx) => {
        const before = await followUpRepository.deadline(tx, input.year, input.period);
        const beforeDate = before?.deadline ?? periodDeadlineDate(input.year, input.period);
        const row = await followUpRepository.saveDeadline(tx, input.year, input.period, input.deadline);
        const touched = beforeDate === input.deadline ? 0 : await followUpRepository.touchFollowUps(tx, input.year, input.period);
        await recordAudit(tx, ctx, {
          action: 'periodDeadline.set',
          entityType: 'PeriodDeadline',
          entityId: entityId(input.year, input.period),
          namndCode: null,
          plan: null,
          entityVersion: row.version,
          reason: input.reason,
          changes: { before: { deadline: beforeDate }, after: { deadline: row.deadline } },
          eventData: { deadlineYear: input.year, period: input.period, deadline: row.deadline, followUpsChanged: touched },
        });
        return view(input.year, input.period, row);
      });
    },
  };
}

export type DeadlineService = ReturnType<typeof createDeadlineService>;
