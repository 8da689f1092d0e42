import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { recordAudit, type RequestContext } from '../../audit/audit-log.js';
import { requireApprove, requireEdit } from '../../auth/authorize.js';
import { AppError, ForbiddenError } from '../../errors.js';
import { namndCode, parseInput, text, year } from '../../lib/validate.js';
import { goalRepository } from '../goals/index.js';
import { namndRepository } from '../namnder/index.js';
import { insertPlan, matchesName, normalizeName, PlanNotEditableError, planRepository, PlanTree, ruleViolations, type RuleViolation } from '../plans/index.js';
import { overrideFor } from '../risks/index.js';
import { vorRepository as importRepository } from '../vor/index.js';
import { validateRows, vorRowInput } from './vor-import.rows.js';
import { ImportInvalidError } from './import-errors.js';

export const importVorInput = z.object({
  namndCode: namndCode(),
  year: year(),
  namndName: text(200).nullish(),
  dryRun: z.boolean().default(false),
  rows: z.array(vorRowInput).min(1, 'at least one row').max(5000),
  /** Line number of the first row in the source file (after a header), for the report. */
  firstLine: z.number().int().min(1).default(2),
  /** Each row's own line, when a file's rows are not consecutive (set by the file doors, not by GraphQL). */
  lines: z.array(z.number().int().min(1)).optional(),
}).refine((i) => !i.lines || i.lines.length === i.rows.length, { message: 'one line number per row', path: ['lines'] });

export interface ImportReport {
  dryRun: boolean;
  planId: string;
  created: { namnd: number; plan: number; goals: number; processes: number; workingMethods: number; risks: number; controls: number; controlActivities: number };
  violations: RuleViolation[];
}

class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

/**
 * Imports a VoR table as it was decided: the document's IKP choice is kept, and where it goes against the
 * threshold it becomes an override, motivated if the file says why, otherwise reported as a rule violation.
 */
export function createVorImportService(db: Db) {
  return {
    async importVor(ctx: RequestContext, raw: unknown): Promise<ImportReport> {
      const input = parseInput(importVorInput, raw);
      const { rows, errors } = validateRows(input.rows, input.firstLine, input.lines);
      if (errors.length) throw new ImportInvalidError(errors);
      requireEdit(ctx.actor, input.namndCode);
      try {
        return await db.transaction(async (tx) => {
          const report = await importInTx(tx, ctx, input, rows);
          if (input.dryRun) throw new DryRunRollback(report);
          return report;
        });
      } catch (err) {
        if (err instanceof DryRunRollback) return err.report;
        throw err;
      }
    },
  };
}

async function importInTx(tx: Tx, ctx: RequestContext, input: z.infer<typeof importVorInput>, rows: ReturnType<typeof validateRows>['rows']): Promise<ImportReport> {
  const created = { namnd: 0, plan: 0, goals: 0, processes: 0, workingMethods: 0, risks: 0, controls: 0, controlActivities: 0 };
  // Every row written is audited with its plan, year and version, as a change through GraphQL would be.
  const audit = (action: string, entityType: string, row: { id: string; version: number }, plan: { id: string; year: number } | null, after: unknown) =>
    recordAudit(tx, ctx, { action, entityType, entityId: row.id, namndCode: input.namndCode, plan, entityVersion: row.version, changes: { after } });

  let namnd = await namndRepository.byCode(tx, input.namndCode);
  if (!namnd) {
    if (!input.namndName) throw new AppError('NOT_FOUND', `Nämnd ${input.namndCode} does not exist: give its name (namndName) to create it (admin only)`, 404);
    if (!ctx.actor.admin) throw new ForbiddenError('Only an admin may create a nämnd');
    namnd = await namndRepository.insert(tx, { code: input.namndCode, name: input.namndName });
    await audit('namnd.create', 'Namnd', namnd, null, { code: namnd.code, name: namnd.name });
    created.namnd++;
  }

  // Goals: master data, so only an admin may add the missing ones.
  const goals = new Map((await goalRepository.byYear(tx, input.year)).map((g) => [g.code, g]));
  const missing = [...new Map(rows.filter((r) => !goals.has(r.goalCode)).map((r) => [r.goalCode, r])).values()];
  if (missing.length && !ctx.actor.admin) {
    throw new ImportInvalidError(missing.map((r) => ({ line: r.line, field: 'mal', message: `goal ${r.goalCode} of ${input.year} does not exist (an admin can import it)` })));
  }
  for (const r of missing) {
    const g = await goalRepository.insert(tx, { year: input.year, code: r.goalCode, title: r.goalTitle, inriktningsmal: Number(r.goalCode.split('.')[0]) || null });
    await recordAudit(tx, ctx, { action: 'goal.create', entityType: 'Goal', entityId: g.id, namndCode: null, plan: null, entityVersion: g.version, changes: { after: g } });
    goals.set(g.code, g);
    created.goals++;
  }

  let plan = await planRepository.byNamndYear(tx, input.namndCode, input.year);
  if (!plan) {
    // Creating a plan is an approver's decision (createPlan); an editor imports into a plan that exists.
    requireApprove(ctx.actor, input.namndCode);
    plan = await insertPlan(tx, ctx, namnd, input.year);
    created.plan++;
  } else if (plan.status !== 'DRAFT') {
    throw new PlanNotEditableError(plan);
  }
  const planId = plan.id;

  const content = await planRepository.content(tx, [planId]);
  const mandatory = await goalRepository.mandatoryFor(tx, input.year);
  const taken = new Set(content.risks.map((r) => r.nr));
  const clash = rows.filter((r) => taken.has(r.nr));
  if (clash.length) {
    throw new ImportInvalidError(clash.map((r) => ({ line: r.line, field: 'nr', message: `risk number ${r.nr} already exists in the ${input.year} plan (R6)` })));
  }

  const processKey = (goalId: string, name: string) => `${goalId}|${normalizeName(name)}`;
  const processByKey = new Map(content.processes.map((p) => [processKey(p.goalId, p.name), p]));
  const wmByKey = new Map(content.workingMethods.map((w) => [`${w.processId}|${normalizeName(w.name)}`, w]));

  for (const r of rows) {
    const goal = goals.get(r.goalCode)!;
    // A mandatory process keeps its catalogue name however the document spells it.
    const mp = mandatory.find((m) => matchesName(r.process, m));
    const existingMandatory = mp && content.processes.find((p) => p.mandatoryProcessId === mp.id);
    let process = existingMandatory ?? processByKey.get(processKey(goal.id, r.process));
    if (!process) {
      process = await importRepository.insertProcess(tx, { planId, goalId: goal.id, name: r.process, mandatoryProcessId: mp?.id ?? null, sortOrder: processByKey.size });
      processByKey.set(processKey(goal.id, r.process), process);
      await audit('process.import', 'Process', process, plan, { name: process.name, goalId: goal.id });
      created.processes++;
    }
    const mwm = mp?.workingMethods.find((w) => matchesName(r.workingMethod, w));
    let wm = (mwm && content.workingMethods.find((w) => w.processId === process!.id && w.mandatoryWorkingMethodId === mwm.id)) || wmByKey.get(`${process.id}|${normalizeName(r.workingMethod)}`);
    if (!wm) {
      wm = await importRepository.insertWorkingMethod(tx, { planId, processId: process.id, name: r.workingMethod, mandatoryWorkingMethodId: mwm?.id ?? null, sortOrder: wmByKey.size });
      wmByKey.set(`${process.id}|${normalizeName(r.workingMethod)}`, wm);
      await audit('workingMethod.import', 'WorkingMethod', wm, plan, { name: wm.name, processId: process.id });
      created.workingMethods++;
    }
    const override = overrideFor({ likelihood: r.likelihood, consequence: r.consequence, inIkp: r.ikp }, plan.ikpThreshold);
    const risk = await importRepository.insertRisk(tx, { planId, workingMethodId: wm.id, nr: r.nr, title: r.title, likelihood: r.likelihood, consequence: r.consequence, ikpOverride: override, ikpMotivation: override ? r.motivation : null });
    await audit('risk.import', 'Risk', risk, plan, { nr: risk.nr, title: risk.title, likelihood: risk.likelihood, consequence: risk.consequence, ikpOverride: risk.ikpOverride });
    created.risks++;
    if (r.control) {
      const control = await importRepository.insertControl(tx, { planId, riskId: risk.id, description: r.control });
      await audit('control.import', 'Control', control, plan, { description: control.description, riskId: risk.id });
      created.controls++;
      if (r.activity) {
        const activity = await importRepository.insertControlActivity(tx, { planId, controlId: control.id, description: r.activity });
        await audit('controlActivity.import', 'ControlActivity', activity, plan, { description: activity.description, controlId: control.id });
        created.controlActivities++;
      }
    }
  }

  const tree = PlanTree.fromRows(await planRepository.content(tx, [planId])).get(planId)!;
  return { dryRun: input.dryRun, planId, created, violations: ruleViolations(tree, mandatory) };
}

export type VorImportService = ReturnType<typeof createVorImportService>;
