// Deadlines on the Stockholm calendar: period deadlines, late reports, overdue actions, due soon. Every door
// (GraphQL, reports, the due job's SQL) derives them here, from one clock, so they cannot disagree around midnight.
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Clock } from '../../lib/clock.js';

export type Period = 'T1' | 'T2' | 'VB';

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

/** A period's deadline as a Stockholm date, YYYY-MM-DD. */
export function periodDeadlineDate(year: number, period: Period): string {
  const { month, day } = PERIOD_ENDS[period];
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The last instant of a period's deadline day in Stockholm (summer time in April and August, winter time in December). */
export function periodDeadline(year: number, period: Period): Date {
  const offset = PERIOD_ENDS[period].month >= 4 && PERIOD_ENDS[period].month <= 10 ? '+02:00' : '+01:00';
  return new Date(`${periodDeadlineDate(year, period)}T23:59:59.999${offset}`);
}

/** Reported after the period's deadline day. */
export const isLate = (f: { period: Period; reportedAt: Date | null }, year: number) => !!f.reportedAt && f.reportedAt > periodDeadline(year, f.period);

/** A follow-up not reported when its period's deadline day has passed (Stockholm calendar). */
export const isFollowUpOverdue = (f: { period: Period; status: string }, year: number, todayDate: string) =>
  f.status !== 'REPORTED' && todayDate > periodDeadlineDate(year, f.period);

/** Overdue is derived: an open action whose due date is before today in Stockholm. */
export const isOverdue = (a: { status: string; dueDate: string | null }, todayDate: string) => isOpenAction(a) && !!a.dueDate && a.dueDate < todayDate;

/** The same deadline as SQL (the due job selects by it), built from PERIOD_ENDS. */
export function periodDeadlineSql(year: SQLWrapper, period: SQLWrapper) {
  const cases = (k: 'month' | 'day') =>
    sql.join((Object.keys(PERIOD_ENDS) as Period[]).map((p) => sql.raw(`when '${p}' then ${PERIOD_ENDS[p][k]}`)), sql.raw(' '));
  return sql`make_date(${year}, case ${period} ${cases('month')} end, case ${period} ${cases('day')} end)`;
}

/** The open states as an SQL list. */
export const openActionStatusesSql = sql.raw(OPEN_ACTION_STATUSES.map((s) => `'${s}'`).join(', '));

export interface FollowUpSummary {
  followUps: number;
  reported: number;
  deviations: number;
  notPerformed: number;
  late: number;
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
): FollowUpSummary {
  const reported = followUps.filter((f) => f.status === 'REPORTED');
  const outcome = (o: string) => reported.filter((f) => f.outcome === o).length;
  return {
    followUps: followUps.length,
    reported: reported.length,
    deviations: followUps.filter((f) => f.outcome === 'DEVIATION').length,
    notPerformed: followUps.filter((f) => f.outcome === 'NOT_PERFORMED').length,
    late: followUps.filter((f) => isLate(f, year)).length,
    openActions: actions.filter(isOpenAction).length,
    overdueActions: actions.filter((a) => isOverdue(a, todayDate)).length,
    reportedOutcomes: { NO_DEVIATION: outcome('NO_DEVIATION'), DEVIATION: outcome('DEVIATION'), NOT_PERFORMED: outcome('NOT_PERFORMED') },
  };
}
