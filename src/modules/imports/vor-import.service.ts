import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { recordAudit, type RequestContext } from '../../audit/audit-log.js';
import { requireApprove, requireEdit } from '../../auth/authorize.js';
import { AppError, ForbiddenError } from '../../errors.js';
import { namndCode, parseInput, text, year } from '../../lib/validate.js';
import { goalRepository } from '../goals/index.js';
import { namndRepository } from '../namnder/index.js';
import { insertPlan, PlanNotEditableError, planRepository, PlanTree, ruleViolations, type RuleViolation } from '../plans/index.js';
import { ImportChangeLog, type ImportDiff } from './import-diff.js';
import { ImportInvalidError } from './import-errors.js';
import { validateRows, vorRowInput, type VorRow } from './vor-import.rows.js';
import { ImportTree, type ImportCreated } from './vor-import.tree.js';
import { replaceRows } from './vor-reimport.js';

/** CREATE adds a new VoR tree (a number already in the plan is refused); REPLACE makes the plan's VoR the file's. */
export const importMode = z.enum(['CREATE', 'REPLACE']);

export const importVorInput = z.object({
  namndCode: namndCode(),
  year: year(),
  namndName: text(200).nullish(),
  mode: importMode.default('CREATE'),
  dryRun: z.boolean().default(false),
  rows: z.array(vorRowInput).min(1, 'at least one row').max(5000),
  /** Line number of the first row in the source file (after a header), for the report. */
  firstLine: z.number().int().min(1).default(2),
  /** Each row's own line, when a file's rows are not consecutive (set by the file doors, not by GraphQL). */
  lines: z.array(z.number().int().min(1)).optional(),
}).refine((i) => !i.lines || i.lines.length === i.rows.length, { message: 'one line number per row', path: ['lines'] });

export interface ImportReport {
  dryRun: boolean;
  mode: z.infer<typeof importMode>;
  planId: string;
  created: ImportCreated;
  /** What the import did (a dry run: would do), per entity kind, with the risk numbers concerned. */
  diff: ImportDiff;
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
 * A dry run does all of it in a transaction that is rolled back, so its report is exactly what the import would do.
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

async function importInTx(tx: Tx, ctx: RequestContext, input: z.infer<typeof importVorInput>, rows: VorRow[]): Promise<ImportReport> {
  const created: ImportCreated = { namnd: 0, plan: 0, goals: 0, processes: 0, workingMethods: 0, risks: 0, controls: 0, controlActivities: 0 };

  let namnd = await namndRepository.byCode(tx, input.namndCode);
  if (!namnd) {
    if (!input.namndName) throw new AppError('NOT_FOUND', `Nämnd ${input.namndCode} does not exist: give its name (namndName) to create it (admin only)`, 404);
    if (!ctx.actor.admin) throw new ForbiddenError('Only an admin may create a nämnd');
    namnd = await namndRepository.insert(tx, { code: input.namndCode, name: input.namndName });
    await recordAudit(tx, ctx, { action: 'namnd.create', entityType: 'Namnd', entityId: namnd.id, namndCode: input.namndCode, plan: null, entityVersion: namnd.version, changes: { after: { code: namnd.code, name: namnd.name } } });
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

  // Locked against a concurrent adoption for the rest of the import.
  let plan = await planRepository.byNamndIdYear(tx, namnd.id, input.year, 'share');
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
  const log = new ImportChangeLog();
  const tree = new ImportTree(tx, ctx, plan, content, mandatory, goals, created, log);
  if (input.mode === 'REPLACE') await replaceRows(tx, ctx, tree, rows);
  else {
    const taken = new Set(content.risks.map((r) => r.nr));
    const clash = rows.filter((r) => taken.has(r.nr));
    if (clash.length) {
      throw new ImportInvalidError(
        clash.map((r) => ({ line: r.line, field: 'nr', message: `risk number ${r.nr} already exists in the ${input.year} plan (R6); import with mode REPLACE to update it` })),
      );
    }
    for (const r of rows) await tree.insertRisk(r, (await tree.place(r)).id);
  }

  const after = PlanTree.fromRows(await planRepository.content(tx, [planId])).get(planId)!;
  return { dryRun: input.dryRun, mode: input.mode, planId, created, diff: log.diff(), violations: ruleViolations(after, mandatory) };
}

export type VorImportService = ReturnType<typeof createVorImportService>;
