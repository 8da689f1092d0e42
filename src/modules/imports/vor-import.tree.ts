import type { Tx } from '../../db/client.js';
import { recordAudit, type RequestContext } from '../../audit/audit-log.js';
import type { goalRepository } from '../goals/index.js';
import { holderOf, mandatoryProcessNamed, mandatoryWorkingMethodNamed, normalizeName, type PlanWithNamnd, type planRepository, type ProcessRow, type WorkingMethodRow } from '../plans/index.js';
import { overrideFor } from '../risks/index.js';
import { vorRepository } from '../vor/index.js';
import type { ImportChangeLog } from './import-diff.js';
import type { VorRow } from './vor-import.rows.js';

export type PlanContent = Awaited<ReturnType<typeof planRepository.content>>;
type MandatoryCatalogue = Awaited<ReturnType<typeof goalRepository.mandatoryFor>>;
type GoalRow = PlanContent['goals'][number];

export interface ImportCreated {
  namnd: number;
  plan: number;
  goals: number;
  processes: number;
  workingMethods: number;
  risks: number;
  controls: number;
  controlActivities: number;
}

/**
 * What both modes write the same way: a row's place in the tree (its process and working method, found by name or
 * created), and new risks with their control and activity. Every row created is audited as `<entity>.import`.
 */
export class ImportTree {
  private readonly processByKey: Map<string, ProcessRow>;
  private readonly wmByKey: Map<string, WorkingMethodRow>;

  constructor(
    private readonly tx: Tx,
    private readonly ctx: RequestContext,
    readonly plan: PlanWithNamnd,
    readonly content: PlanContent,
    private readonly mandatory: MandatoryCatalogue,
    private readonly goals: Map<string, GoalRow>,
    readonly created: ImportCreated,
    readonly log: ImportChangeLog,
  ) {
    this.processByKey = new Map(content.processes.map((p) => [processKey(p.goalId, p.name), p]));
    this.wmByKey = new Map(content.workingMethods.map((w) => [wmKey(w.processId, w.name), w]));
  }

  private audit(action: string, entityType: string, row: { id: string; version: number }, after: unknown) {
    return recordAudit(this.tx, this.ctx, { action, entityType, entityId: row.id, namndCode: this.plan.namndCode, plan: this.plan, entityVersion: row.version, changes: { after } });
  }

  /** The working method a row belongs in: a mandatory process keeps its catalogue name however the document spells it. */
  async place(r: VorRow): Promise<WorkingMethodRow> {
    const { tx, plan } = this;
    const goal = this.goals.get(r.goalCode)!;
    // The plan's holder of the mandatory entry (linked, or named like it), also one this import just made: an alias
    // further down the file lands in the same process, never a second one.
    const mp = mandatoryProcessNamed(r.process, this.mandatory);
    const existingMandatory = mp && holderOf([...this.processByKey.values()], mp, (p) => p.mandatoryProcessId);
    let process = existingMandatory ?? this.processByKey.get(processKey(goal.id, r.process));
    if (!process) {
      process = await vorRepository.insertProcess(tx, { planId: plan.id, goalId: goal.id, name: r.process, mandatoryProcessId: mp?.id ?? null, sortOrder: this.processByKey.size });
      this.processByKey.set(processKey(goal.id, r.process), process);
      await this.audit('process.import', 'Process', process, { name: process.name, goalId: goal.id });
      this.created.processes++;
      this.log.note('created', 'processes', process.id);
    }
    if (this.log.has('created', 'processes', process.id)) this.log.note('created', 'processes', process.id, r.nr);
    const processId = process.id;
    const mwm = mandatoryWorkingMethodNamed(r.workingMethod, mp);
    const siblings = [...this.wmByKey.values()].filter((w) => w.processId === processId);
    let wm = (mwm && holderOf(siblings, mwm, (w) => w.mandatoryWorkingMethodId)) || this.wmByKey.get(wmKey(processId, r.workingMethod));
    if (!wm) {
      wm = await vorRepository.insertWorkingMethod(tx, { planId: plan.id, processId, name: r.workingMethod, mandatoryWorkingMethodId: mwm?.id ?? null, sortOrder: this.wmByKey.size });
      this.wmByKey.set(wmKey(processId, r.workingMethod), wm);
      await this.audit('workingMethod.import', 'WorkingMethod', wm, { name: wm.name, processId });
      this.created.workingMethods++;
      this.log.note('created', 'workingMethods', wm.id);
    }
    if (this.log.has('created', 'workingMethods', wm.id)) this.log.note('created', 'workingMethods', wm.id, r.nr);
    return wm;
  }

  /** The IKP choice of the document: an override where it goes against the threshold. */
  override(r: VorRow) {
    return overrideFor({ likelihood: r.likelihood, consequence: r.consequence, inIkp: r.ikp }, this.plan.ikpThreshold);
  }

  async insertRisk(r: VorRow, workingMethodId: string): Promise<void> {
    const override = this.override(r);
    const risk = await vorRepository.insertRisk(this.tx, {
      planId: this.plan.id,
      workingMethodId,
      nr: r.nr,
      title: r.title,
      likelihood: r.likelihood,
      consequence: r.consequence,
      ikpOverride: override,
      ikpMotivation: override ? (r.motivation ?? null) : null,
    });
    await this.audit('risk.import', 'Risk', risk, { nr: risk.nr, title: risk.title, likelihood: risk.likelihood, consequence: risk.consequence, ikpOverride: risk.ikpOverride });
    this.created.risks++;
    this.log.note('created', 'risks', risk.id, r.nr);
    if (r.control) await this.insertControl(r, risk.id, r.control);
  }

  async insertControl(r: VorRow, riskId: string, description: string): Promise<void> {
    const control = await vorRepository.insertControl(this.tx, { planId: this.plan.id, riskId, description });
    await this.audit('control.import', 'Control', control, { description: control.description, riskId });
    this.created.controls++;
    this.log.note('created', 'controls', control.id, r.nr);
    if (r.activity) await this.insertActivity(r, control.id, r.activity);
  }

  async insertActivity(r: VorRow, controlId: string, description: string): Promise<void> {
    const activity = await vorRepository.insertControlActivity(this.tx, { planId: this.plan.id, controlId, description });
    await this.audit('controlActivity.import', 'ControlActivity', activity, { description: activity.description, controlId });
    this.created.controlActivities++;
    this.log.note('created', 'controlActivities', activity.id, r.nr);
  }
}

const processKey = (goalId: string, name: string) => `${goalId}|${normalizeName(name)}`;
const wmKey = (processId: string, name: string) => `${processId}|${normalizeName(name)}`;
