import { matchesName, type GoalRow, type IkpRow, type PlanChanges, type PlanTree, type ProcessRow } from '../plans/index.js';
import { DEFAULT_CALENDAR, isFollowUpOverdue, isLate, periodDeadlineDate, type DeadlineCalendar } from '../follow-ups/index.js';
import { PERIODS } from './labels.js';
import type { ActionRow, FollowUpRow, PlanFollowUpRows } from './reports.repository.js';

/** The mandatory process that Ledningens genomgång reports on (seed 003). */
export const SIS_PROCESS = 'Systematiskt informationssäkerhetsarbete';

/** Goal codes compare as numbers part by part, so 3.10 comes after 3.9. */
export function compareGoalCodes(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return Number.isNaN(d) ? a.localeCompare(b, 'sv') : d;
  }
  return 0;
}

export interface GoalGroup<T> {
  goal: GoalRow | null;
  processes: { process: ProcessRow; items: T[] }[];
}

/** One plan with its follow-up, actions and assessment: everything a report is drawn from. */
export class ReportData {
  readonly followUpsByActivity = new Map<string, FollowUpRow[]>();
  readonly actionsByFollowUp = new Map<string, ActionRow[]>();
  readonly followUpsById: Map<string, FollowUpRow>;

  constructor(
    readonly tree: PlanTree,
    readonly rows: PlanFollowUpRows,
    /** Today in Stockholm, by the app's clock: what "overdue" is measured against. */
    readonly today: string,
    /** The plan year's period deadlines (moved ones; defaults otherwise). */
    readonly deadlines: DeadlineCalendar = DEFAULT_CALENDAR,
    /** The risks' changes since the plan this one was rolled over from; null without a (readable) previous plan. */
    readonly changes: PlanChanges | null = null,
  ) {
    this.followUpsById = new Map(rows.followUps.map((f) => [f.id, f]));
    const order = (f: FollowUpRow) => PERIODS.indexOf(f.period);
    for (const f of [...rows.followUps].sort((a, b) => order(a) - order(b))) {
      const list = this.followUpsByActivity.get(f.controlActivityId) ?? [];
      list.push(f);
      this.followUpsByActivity.set(f.controlActivityId, list);
    }
    // Same order on both databases (their collations differ): year, due date, creation, then title as Swedish sorts it.
    rows.actions.sort(
      (a, b) =>
        (a.plannedYear ?? 9999) - (b.plannedYear ?? 9999) ||
        (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
        a.createdAt.getTime() - b.createdAt.getTime() ||
        a.title.localeCompare(b.title, 'sv'),
    );
    for (const a of rows.actions) {
      if (!a.followUpId) continue;
      const list = this.actionsByFollowUp.get(a.followUpId) ?? [];
      list.push(a);
      this.actionsByFollowUp.set(a.followUpId, list);
    }
  }

  /** A follow-up's deadline and lateness, as GraphQL and the exports derive them. */
  deadlineOf(f: FollowUpRow): { dueDate: string; late: boolean; overdue: boolean } {
    const year = this.plan.year;
    return { dueDate: periodDeadlineDate(year, f.period, this.deadlines), late: isLate(f, year, this.deadlines), overdue: isFollowUpOverdue(f, year, this.today, this.deadlines) };
  }

  get plan() {
    return this.tree.plan;
  }

  get namndName(): string {
    return this.rows.namnd?.name ?? this.plan.namndCode;
  }

  /** Actions recorded on the plan itself, not from a deviation (e.g. a three-year plan). */
  get planActions(): ActionRow[] {
    return this.rows.actions.filter((a) => !a.followUpId);
  }

  /** Processes grouped under their goals, goals in code order, processes in the plan's order. */
  byGoal<T>(items: (p: ProcessRow) => T[], keepEmpty = false): GoalGroup<T>[] {
    const groups = new Map<string, GoalGroup<T>>();
    for (const process of this.tree.processes) {
      const list = items(process);
      if (!list.length && !keepEmpty) continue;
      const goal = this.tree.goalOfProcess(process);
      const key = goal?.id ?? '';
      const group = groups.get(key) ?? { goal, processes: [] };
      group.processes.push({ process, items: list });
      groups.set(key, group);
    }
    return [...groups.values()].sort((a, b) => compareGoalCodes(a.goal?.code ?? '~', b.goal?.code ?? '~'));
  }

  /** IKP rows of one process, in risk-number order. */
  ikpOf(process: ProcessRow, ikp: IkpRow[] = this.tree.ikp()): IkpRow[] {
    return ikp.filter((r) => r.process.id === process.id);
  }

  /** The information-security processes: linked to the mandatory process, or named like it. */
  sisProcesses(): ProcessRow[] {
    const sis = this.rows.mandatoryProcesses.find((m) => m.name === SIS_PROCESS) ?? { id: '', name: SIS_PROCESS, aliases: [] };
    return this.tree.processes.filter((p) => (sis.id && p.mandatoryProcessId === sis.id) || matchesName(p.name, sis));
  }

  /** The process a follow-up's control activity belongs to. */
  processOfFollowUp(f: FollowUpRow): ProcessRow | null {
    const activity = this.tree.activitiesById.get(f.controlActivityId);
    const control = activity && this.tree.controlsById.get(activity.controlId);
    const risk = control && this.tree.risksById.get(control.riskId);
    const wm = risk && this.tree.workingMethodsById.get(risk.workingMethodId);
    return wm ? this.tree.processOf(wm) : null;
  }
}
