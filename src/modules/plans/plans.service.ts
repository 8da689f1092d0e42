import { z } from 'zod';
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { updateVersioned } from '../../db/versioned.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import type { UpdateGuard } from '../../audit/audited-update.js';
import { requireApprove, requireEdit, requireRead } from '../../auth/authorize.js';
import { AppError, ConflictError, NotFoundError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { namndCode, parseInput, text, uuid, version, year } from '../../lib/validate.js';
import { CURSOR_KEYS, MAX_PAGE_SIZE, decodeStringCursor, encodeCursor } from '../../lib/cursor.js';
import { goalRepository, parseMatrix } from '../goals/index.js';
import { namndRepository } from '../namnder/index.js';
import type { RiskMatrix } from '../risks/index.js';
import { PlanTree, riskView } from './plan-tree.js';
import { planRepository, PLANS_TABLE, type PlanWithNamnd } from './plans.repository.js';

export class PlanNotEditableError extends AppError {
  constructor(plan: { status: string; year: number; namndCode: string }) {
    super('PLAN_NOT_EDITABLE', `The ${plan.namndCode} plan for ${plan.year} is ${plan.status}: its VoR and IKP can only be changed while it is a DRAFT`, 409, { status: plan.status });
  }
}

/**
 * Loads a plan for a change to its VoR/IKP: it must exist, the actor must be its nämnd's editor, and it must be a draft.
 * The row is share-locked, so an adoption cannot slip in between the check and the change.
 */
export async function editablePlan(tx: DbOrTx, ctx: RequestContext, planId: string): Promise<PlanWithNamnd> {
  const plan = await planRepository.byId(tx, planId, 'share');
  if (!plan) throw new NotFoundError('Plan', planId);
  return checkEditable(ctx, plan);
}

/** The rule both loaders apply: the actor is the nämnd's editor and the plan is a draft. */
function checkEditable(ctx: RequestContext, plan: PlanWithNamnd): PlanWithNamnd {
  requireEdit(ctx.actor, plan.namndCode);
  if (plan.status !== 'DRAFT') throw new PlanNotEditableError(plan);
  return plan;
}

/**
 * editablePlan for a row of a plan's content, row and plan in one statement and without a lock: the write that
 * follows must carry `stillEditable` (its plan is still a draft, share-locked), which closes the gap.
 */
export async function editableRow<R>(db: DbOrTx, ctx: RequestContext, table: PgTable & { id: AnyColumn; planId: AnyColumn }, entity: string, id: string): Promise<{ row: R; plan: PlanWithNamnd }> {
  const found = await planRepository.rowWithPlan<R>(db, table, id);
  if (!found) throw new NotFoundError(entity, id);
  checkEditable(ctx, found.plan);
  return found;
}

/** The condition a change to a plan's content carries: the plan is still a draft, share-locked until commit. */
export const stillEditable = (planId: string): UpdateGuard => ({
  name: 'plan-still-draft',
  value: planId,
  sql: (id: SQL) => sql`exists (select 1 from ${PLANS_TABLE} where ${PLANS_TABLE.id} = ${id}::uuid and ${PLANS_TABLE.status} = 'DRAFT' for share)`,
});

export const createPlanInput = z.object({
  namndCode: namndCode(),
  year: year(),
  ikpThreshold: z.number().int().min(1, 'between 1 and 25').max(25, 'between 1 and 25').optional(),
});

export const updatePlanSettingsInput = z.object({
  id: uuid(),
  version: version(),
  ikpThreshold: z.number().int().min(1, 'between 1 and 25').max(25, 'between 1 and 25').optional(),
  matrix: z.unknown().optional(),
});

export const deletePlanInput = z.object({ id: uuid(), version: version(), reason: text(2000) });

export const cityRisksFilter = z.object({
  year: year().nullish(),
  namndCodes: z.array(namndCode()).max(200).nullish(),
  band: z.string().trim().max(32).nullish(),
  inIkp: z.boolean().nullish(),
  goalCode: z.string().trim().max(16).nullish(),
});

const pageInput = z.object({ first: z.number().int().min(1).max(MAX_PAGE_SIZE), after: z.string().max(200).nullish() });

export function createPlanService({ db }: ServiceDeps) {
  const service = {
    async get(ctx: RequestContext, code: string, y: number): Promise<PlanWithNamnd | null> {
      const c = parseInput(namndCode(), code, 'namndCode');
      parseInput(year(), y, 'year');
      requireRead(ctx.actor, c);
      return (await planRepository.byNamndYear(db, c, y)) ?? null;
    },

    /** The plan with its whole VoR tree (and its follow-up data when asked), in one statement; null when there is none. */
    async getTree(ctx: RequestContext, code: string, y: number, withFollowUps: boolean) {
      const c = parseInput(namndCode(), code, 'namndCode');
      parseInput(year(), y, 'year');
      requireRead(ctx.actor, c);
      const { content, followUps } = await planRepository.bundleByNamndYear(db, c, y, withFollowUps);
      const [tree] = PlanTree.fromRows(content).values();
      return tree ? { tree, followUps } : null;
    },

    async byId(ctx: RequestContext, id: string): Promise<PlanWithNamnd> {
      const plan = await planRepository.byId(db, parseInput(uuid(), id, 'id'));
      if (!plan) throw new NotFoundError('Plan', id);
      requireRead(ctx.actor, plan.namndCode);
      return plan;
    },

    /** Plans the actor may read, filtered; keyset-paginated by (year, nämnd code). */
    async list(ctx: RequestContext, filter: { year?: number | null; namndCodes?: string[] | null; status?: string | null }, page: { first: number; after?: string | null }) {
      const p = parseInput(pageInput, page, '');
      const after = p.after ? decodeStringCursor(p.after, 'after', CURSOR_KEYS.yearAndCode).split('|') : null;
      const rows = await planRepository.page(db, { readable: ctx.actor.readable(), ...filter, after: after ? { year: Number(after[0]), namndCode: after[1] } : null }, p.first + 1);
      const nodes = rows.slice(0, p.first);
      const last = nodes[nodes.length - 1];
      return { nodes, pageInfo: { hasNextPage: rows.length > p.first, endCursor: last ? encodeCursor(`${last.year}|${last.namndCode}`) : null } };
    },

    /** Whole plans with derived values, for the GraphQL loaders (batched by plan id). */
    /** Plan rows without their content, for fields that need only the plan itself (e.g. a listed risk's plan). */
    async rowsByIds(planIds: readonly string[]): Promise<(PlanWithNamnd | Error)[]> {
      const rows = await planRepository.byIds(db, planIds);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return planIds.map((id) => byId.get(id) ?? new NotFoundError('Plan', id));
    },

    /** Per plan id, the plans rolled over from it, earliest year first (for Plan.nextPlan, batched). */
    async rolledOverFrom(planIds: readonly string[]): Promise<PlanWithNamnd[][]> {
      const rows = await planRepository.rolledOverFrom(db, planIds);
      return planIds.map((id) => rows.filter((r) => r.originPlanId === id));
    },

    async trees(planIds: readonly string[]): Promise<(PlanTree | Error)[]> {
      const trees = PlanTree.fromRows(await planRepository.content(db, planIds));
      return planIds.map((id) => trees.get(id) ?? new NotFoundError('Plan', id));
    },

    /** A new draft plan with the default matrix and the mandatory processes in place (R5). */
    async create(ctx: RequestContext, raw: unknown): Promise<PlanWithNamnd> {
      const input = parseInput(createPlanInput, raw);
      requireApprove(ctx.actor, input.namndCode);
      return db.transaction(async (tx) => {
        const namnd = await namndRepository.byCode(tx, input.namndCode);
        if (!namnd) throw new NotFoundError('Nämnd', input.namndCode);
        if (await planRepository.byNamndYear(tx, input.namndCode, input.year)) {
          throw new ConflictError(`${input.namndCode} already has a plan for ${input.year}`);
        }
        return insertPlan(tx, ctx, namnd, input.year, input.ikpThreshold);
      });
    },

    /** Threshold and matrix are the plan's own, and change only while it is a draft. */
    async updateSettings(ctx: RequestContext, raw: unknown): Promise<PlanWithNamnd> {
      const input = parseInput(updatePlanSettingsInput, raw);
      const matrix = input.matrix === undefined ? undefined : parseMatrix(input.matrix, 'input.matrix');
      return db.transaction(async (tx) => {
        const before = await editablePlan(tx, ctx, input.id);
        const patch: { ikpThreshold?: number; matrix?: RiskMatrix } = {};
        if (input.ikpThreshold !== undefined) patch.ikpThreshold = input.ikpThreshold;
        if (matrix) patch.matrix = matrix;
        const after = await updateVersioned(tx, PLANS_TABLE, 'Plan', input.id, input.version, patch);
        await recordAudit(tx, ctx, {
          action: 'plan.updateSettings',
          entityType: 'Plan',
          entityId: after.id,
          namndCode: before.namndCode,
          changes: diff(before, after, ['ikpThreshold', 'matrix']),
          plan: after,
          entityVersion: after.version,
        });
        return { ...after, namndCode: before.namndCode };
      });
    },

    /**
     * A draft plan that was never adopted goes with everything in it (test and mistaken plans). Refused once it has
     * been adopted (a reopened plan keeps its decisions): PLAN_NOT_DRAFT.
     */
    async delete(ctx: RequestContext, raw: unknown): Promise<boolean> {
      const input = parseInput(deletePlanInput, raw);
      return db.transaction(async (tx) => {
        const plan = await planRepository.byId(tx, input.id, 'update');
        if (!plan) throw new NotFoundError('Plan', input.id);
        requireApprove(ctx.actor, plan.namndCode);
        if (plan.version !== input.version) {
          throw new ConflictError(`The plan was changed by someone else: it is at version ${plan.version}, you sent ${input.version}; read it again`, { currentVersion: plan.version });
        }
        const counts = await planRepository.contentCounts(tx, plan.id);
        if (plan.status !== 'DRAFT' || counts.decisions > 0) {
          const why = plan.status !== 'DRAFT' ? `is ${plan.status}` : `was adopted before (${counts.decisions} decision(s) kept)`;
          throw new AppError('PLAN_NOT_DRAFT', `The ${plan.namndCode} plan for ${plan.year} ${why}: only a draft never adopted can be deleted`, 409, { status: plan.status, decisions: counts.decisions });
        }
        await recordAudit(tx, ctx, {
          action: 'plan.delete',
          entityType: 'Plan',
          entityId: plan.id,
          namndCode: plan.namndCode,
          plan,
          entityVersion: plan.version,
          fromState: plan.status,
          reason: input.reason,
          changes: { before: { year: plan.year, ikpThreshold: plan.ikpThreshold, originPlanId: plan.originPlanId, counts } },
        });
        if (!(await planRepository.deleteVersioned(tx, plan.id, plan.version))) throw new ConflictError(`The plan was changed by someone else; read it again`);
        return true;
      });
    },

    /** City-wide risk list (e.g. all critical risks of 2026), limited to the nämnder the actor may read. */
    async cityRisks(ctx: RequestContext, rawFilter: unknown, page: { first: number; after?: string | null }) {
      const f = parseInput(cityRisksFilter, rawFilter ?? {}, 'filter');
      const p = parseInput(pageInput, page, '');
      const readable = ctx.actor.readable();
      const rows = await planRepository.cityRisks(db, { readable, ...f, after: p.after ? decodeStringCursor(p.after, 'after', CURSOR_KEYS.uuid) : null }, p.first + 1);
      const planOf = new Map(rows.plans.map((x) => [x.id, x]));
      const nodes = rows.risks.slice(0, p.first).map((r) => riskView(r, planOf.get(r.planId)!));
      const last = nodes[nodes.length - 1];
      // The plans and nämnder come along, so that `plan { namnd { … } }` on the page costs no statement.
      return { nodes, pageInfo: { hasNextPage: rows.risks.length > p.first, endCursor: last ? encodeCursor(last.id) : null }, plans: rows.plans, namnder: rows.namnder };
    },
  };
  return service;
}

/** A draft plan with the default matrix and the mandatory processes (R5), audited; used by createPlan and imports. */
export async function insertPlan(
  tx: DbOrTx,
  ctx: RequestContext,
  namnd: { id: string; code: string },
  y: number,
  ikpThreshold = 9,
): Promise<PlanWithNamnd> {
  const { matrix } = await goalRepository.defaultMatrix(tx);
  const plan = await planRepository.insert(tx, { namndId: namnd.id, year: y, ikpThreshold, matrix });
  await recordAudit(tx, ctx, {
    action: 'plan.create',
    entityType: 'Plan',
    entityId: plan.id,
    namndCode: namnd.code,
    toState: 'DRAFT',
    changes: { after: { year: plan.year, ikpThreshold: plan.ikpThreshold } },
    plan,
    entityVersion: plan.version,
  });
  await addMandatoryProcesses(tx, ctx, plan, namnd.code);
  return { ...plan, namndCode: namnd.code };
}

/** The catalogue's processes and working methods in force for the year, each audited as the create it is. */
async function addMandatoryProcesses(tx: DbOrTx, ctx: RequestContext, plan: { id: string; year: number }, namndCode: string) {
  const created = (entityType: string, row: { id: string; version: number }, after: Record<string, unknown>) =>
    recordAudit(tx, ctx, { action: `${entityType[0].toLowerCase()}${entityType.slice(1)}.create`, entityType, entityId: row.id, namndCode, plan, entityVersion: row.version, changes: { after } });
  for (const mp of await goalRepository.mandatoryFor(tx, plan.year)) {
    const goal = await goalRepository.byYearCode(tx, plan.year, mp.goalCode);
    if (!goal) {
      throw new AppError('GOAL_MISSING', `Goal ${mp.goalCode} of ${plan.year} must exist before a plan is created: the mandatory process "${mp.name}" belongs under it`, 409, { goalCode: mp.goalCode, year: plan.year });
    }
    const process = await planRepository.insertProcess(tx, { planId: plan.id, goalId: goal.id, name: mp.name, mandatoryProcessId: mp.id });
    await created('Process', process, { name: process.name, goalId: process.goalId, sortOrder: process.sortOrder, mandatoryProcessId: mp.id });
    const wms = await planRepository.insertWorkingMethods(
      tx,
      mp.workingMethods.map((w, i) => ({ planId: plan.id, processId: process.id, name: w.name, mandatoryWorkingMethodId: w.id, sortOrder: i })),
    );
    for (const wm of wms) {
      await created('WorkingMethod', wm, { name: wm.name, processId: wm.processId, sortOrder: wm.sortOrder, mandatoryWorkingMethodId: wm.mandatoryWorkingMethodId });
    }
  }
}

export type PlanService = ReturnType<typeof createPlanService>;
