// Deadlines on the Stockholm calendar: period deadlines (defaults, moved per year as master data), late and overdue
// follow-ups, overdue actions, due soon. Every door (GraphQL, reports, exports, the due job's SQL) derives them here,
// from one clock, so they cannot disagree around midnight or after a deadline moved.
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Clock } from '../../lib/clock.js';

/** Tertialrapport 1, 2 and verksamhetsberättelse, in their order in the year. */
export const PERIODS = ['T1', 'T2', 'VB'] as const;
export type Period = (typeof PERIODS)[number];

export const TIME_ZONE = 'Europe/Stockholm';

/** Tertialrapport 1 per 30 April, 2 per 31 August, verksamhetsberättelse per 31 December. */
export const PERIOD_ENDS: Record<Period, { month: number; day: number }> = {
  T1: { month: 4, day: 30 },
  T2: { month: 8, day: 31 },
  VB: { month: 12, day: 31 },
};

/** The action states that are still open: carried over by the rollover, counted and listed by the reports. */
export const OPEN_ACTION_STATUSES = ['PLANNED', 'IN_PROGRESS'] as const;
export const isOpenAction = (a: { status: string }) => (OPEN_ACTION_STATUSES as readonly string[]).includes(a.status);

const stockholmDay = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in Stockholm (the nämnder's deadlines are Swedish dates), as YYYY-MM-DD. */
export function stockholmDate(at: Date): string {
  return stockholmDay.format(at);
}

/** Today in Stockholm, by the given clock. */
export const today = (clock: Clock) => stockholmDate(clock.now());

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A year's moved period deadlines (master data, table period_deadlines), by year and period. A period without an
 * entry keeps its default from PERIOD_ENDS. Built once per request or export from one query (`deadlineCalendar`).
 */
export type DeadlineCalendar = ReadonlyMap<number, Partial<Record<Period, string>>>;

/** No moved deadlines: every year has the defaults. */
export const DEFAULT_CALENDAR: DeadlineCalendar = new Map();

/** The calendar from the master-data rows (year, period, deadline YYYY-MM-DD). */
export function deadlineCalendar(rows: readonly { year: number; period: Period; deadline: string }[]): DeadlineCalendar {
  const cal = new Map<number, Partial<Record<Period, string>>>();
  for (const r of rows) cal.set(r.year, { ...cal.get(r.year), [r.period]: r.deadline });
  return cal;
}

/** The default deadline of a period (30 April, 31 August, 31 December), YYYY-MM-DD. */
export function defaultDeadlineDate(year: number, period: Period): string {
  const { month, day } = PERIOD_ENDS[period];
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A period's deadline as a Stockholm date, YYYY-MM-DD: the year's moved one, else the default. */
export function periodDeadlineDate(year: number, period: Period, calendar: DeadlineCalendar = DEFAULT_CALENDAR): string {
  return calendar.get(year)?.[period] ?? defaultDeadlineDate(year, period);
}

/** Reported after the deadline day (by the Stockholm date of the report). */
export const reportedLate = (reportedAt: Date | null, deadline: string) => !!reportedAt && stockholmDate(reportedAt) > deadline;

/** Not reported, and the deadline day is over in Stockholm. */
export const pastDeadline = (status: string, deadline: string, todayDate: string) => status !== 'REPORTED' && deadline < todayDate;

/** Reported after the period's deadline day. */
export const isLate = (f: { period: Period; reportedAt: Date | null }, year: number, calendar: DeadlineCalendar = DEFAULT_CALENDAR) =>
  reportedLate(f.reportedAt, periodDeadlineDate(year, f.period, calendar));

/** A follow-up not reported whose deadline day is over in Stockholm. */
export const isFollowUpOverdue = (f: { period: Period; status: string }, year: number, todayDate: string, calendar: DeadlineCalendar = DEFAULT_CALENDAR) =>
  pastDeadline(f.status, periodDeadlineDate(year, f.period, calendar), todayDate);

/** Overdue is derived: an open action whose due date is before today in Stockholm. */
export const isOverdue = (a: { status: string; dueDate: string | null }, todayDate: string) => isOpenAction(a) && !!a.dueDate && a.dueDate < todayDate;

/** An action may not be due before its plan's year starts (1 January). */
export const dueBeforePlanYear = (dueDate: string | null | undefined, planYear: number) => !!dueDate && dueDate < `${planYear}-01-01`;

/**
 * The same deadline as SQL (the due job and the exports select by it): the year's row in period_deadlines, else
 * the default built from PERIOD_ENDS. One indexed look-up per row inside the one statement.
 */
export function periodDeadlineSql(year: SQLWrapper, period: SQLWrapper) {
  const cases = (k: 'month' | 'day') =>
    sql.join((Object.keys(PERIOD_ENDS) as Period[]).map((p) => sql.raw(`when '${p}' then ${PERIOD_ENDS[p][k]}`)), sql.raw(' '));
  return sql`coalesce((select pd.deadline from period_deadlines pd where pd.year = ${year} and pd.period::text = (${period})::text),
    make_date(${year}, case (${period})::text ${cases('month')} end, case (${period})::text ${cases('day')} end))`;
}

/** The open states as an SQL list. */
export const openActionStatusesSql = sql.raw(OPEN_ACTION_STATUSES.map((s) => `'${s}'`).join(', '));

export interface FollowUpSummary {
  followUps: number;
  reported: number;
  deviations: number;
  notPerformed: number;
  late: number;
  /** Not reported and past the deadline. */
  overdueFollowUps: number;
  openActions: number;
  overdueActions: number;
  /** Outcomes of the reported follow-ups only (the printed report counts these per period). */
  reportedOutcomes: Record<'NO_DEVIATION' | 'DEVIATION' | 'NOT_PERFORMED', number>;
}

/** The follow-up figures behind the assessment, computed once for GraphQL and the follow-up report. */
export function summarize(
  followUps: { period: Period; status: string; outcome: string | null; reportedAt: Date | null }[],
  actions: { status: string; dueDate: string | null }[],
  year: number,
  todayDate: string,
  calendar: DeadlineCalendar = DEFAULT_CALENDAR,
): FollowUpSummary {
  const reported = followUps.filter((f) => f.status === 'REPORTED');
  const outcome = (o: string) => reported.filter((f) => f.outcome === o).length;
  return {
    followUps: followUps.length,
    reported: reported.length,
    deviations: followUps.filter((f) => f.outcome === 'DEVIATION').length,
    notPerformed: followUps.filter((f) => f.outcome === 'NOT_PERFORMED').length,
    late: followUps.filter((f) => isLate(f, year, calendar)).length,
    overdueFollowUps: followUps.filter((f) => isFollowUpOverdue(f, year, todayDate, calendar)).length,
    openActions: actions.filter(isOpenAction).length,
    overdueActions: actions.filter((a) => isOverdue(a, todayDate)).length,
    reportedOutcomes: { NO_DEVIATION: outcome('NO_DEVIATION'), DEVIATION: outcome('DEVIATION'), NOT_PERFORMED: outcome('NOT_PERFORMED') },
  };
}

/**
 * reportedLate, pastDeadline and isOverdue as SQL, for exports built in the database (dates as date or
 * 'YYYY-MM-DD' text, the report time as timestamptz). test/export-sql.test.ts checks them against the functions.
 */
export const exportSqlDeadlines = {
  reportedLate: (reportedAt: SQLWrapper, deadline: SQLWrapper) =>
    sql`coalesce(((${reportedAt}) at time zone ${sql.raw(`'${TIME_ZONE}'`)})::date > (${deadline})::date, false)`,
  pastDeadline: (status: SQLWrapper, deadline: SQLWrapper, todayDate: SQLWrapper) =>
    sql`coalesce((${status})::text <> 'REPORTED' and (${deadline})::date < (${todayDate})::date, false)`,
  isOverdue: (status: SQLWrapper, dueDate: SQLWrapper, todayDate: SQLWrapper) =>
    sql`coalesce((${status})::text in (${openActionStatusesSql}) and (${dueDate})::date < (${todayDate})::date, false)`,
};
