import { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { vorRepository, type NodeTable, VOR_TABLES } from './vor.repository.js';
import { refuseStale } from '../../db/versioned.js';
import { auditedUpdate } from '../../audit/audited-update.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { optionalText, parseInput, text, uuid, version } from '../../lib/validate.js';
import { isScaleValue } from '../risks/index.js';
import { editablePlan, editableRow, guardMandatory, stillEditable, type PlanWithNamnd } from '../plans/index.js';
import { processLink, workingMethodLink } from './mandatory-links.js';

const scale = () => z.number().int('a whole number 1–5').min(1, 'between 1 and 5').max(5, 'between 1 and 5').nullable();
const periods = () => z.array(z.enum(['T1', 'T2', 'VB'])).min(1, 'at least one period').max(3).refine((p) => new Set(p).size === p.length, 'periods must not repeat');
const sortOrder = () => z.number().int().min(0).max(1_000_000);
const ikpOverride = () => z.enum(['INCLUDE', 'EXCLUDE']).nullable();
const ref = { id: uuid(), version: version() };

export const inputs = {
  createProcess: z.object({ planId: uuid(), goalId: uuid(), name: text(500), sortOrder: sortOrder().optional() }),
  updateProcess: z.object({ ...ref, goalId: uuid().optional(), name: text(500).optional(), sortOrder: sortOrder().optional() }),
  createWorkingMethod: z.object({ processId: uuid(), name: text(1000), sortOrder: sortOrder().optional() }),
  updateWorkingMethod: z.object({ ...ref, processId: uuid().optional(), name: text(1000).optional(), sortOrder: sortOrder().optional() }),
  createRisk: z.object({
    workingMethodId: uuid(),
    nr: z.number().int().min(1).max(1_000_000).optional(),
    title: text(1000),
    description: optionalText(4000),
    likelihood: scale().optional(),
    consequence: scale().optional(),
    ikpOverride: ikpOverride().optional(),
    ikpMotivation: optionalText(4000),
  }),
  updateRisk: z.object({
    ...ref,
    workingMethodId: uuid().optional(),
    nr: z.number().int().min(1).max(1_000_000).optional(),
    title: text(1000).optional(),
    description: optionalText(4000).optional(),
    likelihood: scale().optional(),
    consequence: scale().optional(),
    ikpOverride: ikpOverride().optional(),
    ikpMotivation: optionalText(4000).optional(),
  }),
  createControl: z.object({ riskId: uuid(), description: text(2000), sortOrder: sortOrder().optional() }),
  updateControl: z.object({ ...ref, riskId: uuid().optional(), description: text(2000).optional(), sortOrder: sortOrder().optional() }),
  createControlActivity: z.object({
    controlId: uuid(),
    description: text(2000),
    responsible: optionalText(300),
    periods: periods().optional(),
    frequency: optionalText(200),
    sortOrder: sortOrder().optional(),
  }),
  updateControlActivity: z.object({
    ...ref,
    controlId: uuid().optional(),
    description: text(2000).optional(),
    responsible: optionalText(300).optional(),
    periods: periods().optional(),
    frequency: optionalText(200).optional(),
    sortOrder: sortOrder().optional(),
  }),
  delete: z.object(ref),
};

interface NodeSpec<T extends NodeTable = NodeTable> {
  table: T;
  entityType: string;
  /** Fields recorded in the audit diff. */
  fields: readonly string[];
}

const SPECS = {
  process: { table: VOR_TABLES.processes, entityType: 'Process', fields: ['name', 'goalId', 'sortOrder', 'mandatoryProcessId'] },
  workingMethod: { table: VOR_TABLES.workingMethods, entityType: 'WorkingMethod', fields: ['name', 'processId', 'sortOrder', 'mandatoryWorkingMethodId'] },
  risk: { table: VOR_TABLES.risks, entityType: 'Risk', fields: ['nr', 'title', 'description', 'likelihood', 'consequence', 'ikpOverride', 'ikpMotivation', 'workingMethodId'] },
  control: { table: VOR_TABLES.controls, entityType: 'Control', fields: ['description', 'riskId', 'sortOrder'] },
  controlActivity: { table: VOR_TABLES.controlActivities, entityType: 'ControlActivity', fields: ['description', 'responsible', 'periods', 'frequency', 'controlId', 'sortOrder'] },
} satisfies Record<string, NodeSpec>;

/** The row a spec's table holds (a ProcessRow for SPECS.process, …). */
type Row = { id: string; planId: string; version: number } & Record<string, unknown>;
type RowOf<S extends NodeSpec> = S['table']['$inferSelect'] & Row;

async function loadRow<S extends NodeSpec>(tx: DbOrTx, spec: S, id: string): Promise<RowOf<S>> {
  const row = await vorRepository.node<RowOf<S>>(tx, spec.table, id);
  if (!row) throw new NotFoundError(spec.entityType, id);
  return row;
}

/** A parent named in an input must exist and belong to the same plan (moves never cross plans). */
async function parentIn<S extends NodeSpec>(tx: DbOrTx, spec: S, id: string, plan: PlanWithNamnd, field: string): Promise<RowOf<S>> {
  const row = await vorRepository.node<RowOf<S>>(tx, spec.table, id);
  if (!row) throw new ValidationError(`${field}: no ${spec.entityType} ${id}`, [{ path: `input.${field}`, message: `no ${spec.entityType} with this id` }]);
  if (row.planId !== plan.id) {
    throw new ValidationError(`${field} must be in the same plan`, [{ path: `input.${field}`, message: `the ${spec.entityType} belongs to another plan` }]);
  }
  return row;
}

/** R1–R3 as refusals: an override needs a written motivation, and an unassessed risk cannot be included. */
function checkOverride(r: { likelihood: number | null; consequence: number | null; ikpOverride: string | null; ikpMotivation: string | null }) {
  if (r.ikpOverride && !r.ikpMotivation?.trim()) {
    throw new AppError('IKP_MOTIVATION_REQUIRED', `Including or excluding a risk against the threshold needs a written motivation (ikpMotivation)`, 400, {
      fields: [{ path: 'input.ikpMotivation', message: 'required with ikpOverride' }],
    });
  }
  if (r.ikpOverride === 'INCLUDE' && !(isScaleValue(r.likelihood) && isScaleValue(r.consequence))) {
    throw new AppError('RISK_NOT_ASSESSED', 'An unassessed risk cannot be included in the IKP: give it a likelihood and a consequence first (R1)', 400);
  }
}

function duplicateNumber(err: unknown, nr: number | undefined): never {
  const cause = (err as { cause?: { code?: string; constraint?: string } }).cause ?? (err as { code?: string; constraint?: string });
  if (cause?.code === '23505' && (cause.constraint === 'risks_plan_nr_unique' || !cause.constraint)) {
    throw new AppError('DUPLICATE_RISK_NUMBER', `Risk number ${nr} is already used in this plan (R6)`, 409, { nr });
  }
  throw err;
}

/**
 * The versioned update and its audit event (only the fields that changed) in one statement. `own` says that the
 * statement is its own transaction (a mutation), and carries the guard that the plan is still a draft; without it
 * the caller holds the transaction and has locked the plan. Undefined when no row changed.
 */
async function writeNode<R extends Row>(db: DbOrTx, ctx: RequestContext, spec: NodeSpec, plan: PlanWithNamnd, before: R, patch: Record<string, unknown>, v: number, own: boolean): Promise<R | undefined> {
  try {
    return (await auditedUpdate(db, ctx, {
      table: spec.table,
      id: before.id,
      version: v,
      patch,
      guard: own ? stillEditable(plan.id) : undefined,
      audit: { action: `${lcFirst(spec.entityType)}.update`, entityType: spec.entityType, entityId: before.id, namndCode: plan.namndCode, changes: diff(before, { ...before, ...patch }, spec.fields), plan },
      ownTransaction: own,
    })) as R | undefined;
  } catch (err) {
    if (spec === SPECS.risk) duplicateNumber(err, patch.nr as number | undefined);
    throw err;
  }
}

async function updateNode<R extends Row>(tx: Tx, ctx: RequestContext, spec: NodeSpec, plan: PlanWithNamnd, before: R, patch: Record<string, unknown>, v = before.version): Promise<R> {
  return (await writeNode(tx, ctx, spec, plan, before, patch, v, false)) ?? refuseStale(tx, spec.table, spec.entityType, before.id, v);
}

/** The versioned delete and its audit event, inside the caller's transaction. */
async function removeNode(tx: Tx, ctx: RequestContext, spec: NodeSpec, plan: PlanWithNamnd, before: Row, v = before.version): Promise<void> {
  if (!(await vorRepository.deleteVersioned(tx, spec.table, before.id, v))) {
    throw new ConflictError(`${spec.entityType} ${before.id} was changed by someone else (version ${before.version}); read it again`, { currentVersion: before.version });
  }
  // Children go with their parent (ON DELETE CASCADE); the audit event keeps what was removed.
  await recordAudit(tx, ctx, {
    action: `${lcFirst(spec.entityType)}.delete`,
    entityType: spec.entityType,
    entityId: before.id,
    namndCode: plan.namndCode,
    plan,
    entityVersion: before.version,
    changes: { before: pick(before, spec.fields) },
  });
}

export type VorNodeKind = keyof typeof SPECS;

/**
 * The tree's update and delete for a caller that holds the transaction and has found the plan editable (the
 * REPLACE import): the same statements and audit events as the mutations below, without a second copy of them.
 */
export const vorWrites = {
  update: <R extends Row>(tx: Tx, ctx: RequestContext, kind: VorNodeKind, plan: PlanWithNamnd, before: R, patch: Record<string, unknown>) =>
    updateNode(tx, ctx, SPECS[kind], plan, before, patch),
  remove: (tx: Tx, ctx: RequestContext, kind: VorNodeKind, plan: PlanWithNamnd, before: { id: string; planId: string; version: number }) =>
    removeNode(tx, ctx, SPECS[kind], plan, before),
};

export function createVorService(db: Db) {
  /** Shared shape of every write: validate → load → authorize (editor of a draft) → change + audit in one transaction. */
  async function create<T extends Row>(
    ctx: RequestContext,
    spec: NodeSpec,
    planIdOf: (tx: Tx) => Promise<string>,
    insert: (tx: Tx, plan: PlanWithNamnd) => Promise<T>,
  ): Promise<T> {
    return db.transaction(async (tx) => {
      const plan = await editablePlan(tx, ctx, await planIdOf(tx));
      const row = await insert(tx, plan);
      await recordAudit(tx, ctx, {
        action: `${lcFirst(spec.entityType)}.create`,
        entityType: spec.entityType,
        entityId: row.id,
        namndCode: plan.namndCode,
        changes: { after: pick(row, spec.fields) },
        plan,
        entityVersion: row.version,
      });
      return row;
    });
  }

  /**
   * An update in two statements: the row with its plan (authorized, a draft), then the change with its audit and
   * domain event and the chain head, guarded by the version read and the plan still being a draft.
   */
  async function update<S extends NodeSpec>(
    ctx: RequestContext,
    spec: S,
    input: { id: string; version: number } & Record<string, unknown>,
    prepare?: (db: DbOrTx, plan: PlanWithNamnd, before: RowOf<S>, patch: Record<string, unknown>) => Promise<void>,
  ): Promise<RowOf<S>> {
    const { row: before, plan } = await editableRow<RowOf<S>>(db, ctx, spec.table, spec.entityType, input.id);
    const { id, version: v, ...patch } = input;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, val]) => val !== undefined));
    if (prepare) await prepare(db, plan, before, defined);
    // The diff is taken against the row read: only valid if the change applies to that very version.
    if (before.version !== v) return refuseStale(db, spec.table, spec.entityType, id, v);
    const after = await writeNode(db, ctx, spec, plan, before, defined, v, true);
    if (after) return after;
    // Nothing changed since the read was taken: gone, no longer a draft, or changed by someone else.
    await editableRow(db, ctx, spec.table, spec.entityType, id);
    return refuseStale(db, spec.table, spec.entityType, id, v);
  }

  async function remove(ctx: RequestContext, spec: NodeSpec, raw: unknown, guard?: (before: Row) => void): Promise<boolean> {
    const input = parseInput(inputs.delete, raw);
    return db.transaction(async (tx) => {
      const before = await loadRow(tx, spec, input.id);
      const plan = await editablePlan(tx, ctx, before.planId);
      guard?.(before);
      await removeNode(tx, ctx, spec, plan, before, input.version);
      return true;
    });
  }

  async function goalOfYear(tx: DbOrTx, goalId: string, plan: PlanWithNamnd) {
    const goal = await vorRepository.goal(tx, goalId);
    if (!goal || goal.year !== plan.year) {
      throw new ValidationError('goalId must be a goal of the plan’s year', [{ path: 'input.goalId', message: `no goal of ${plan.year} with this id` }]);
    }
  }


  return {
    createProcess(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.createProcess, raw);
      return create(ctx, SPECS.process, async () => input.planId, async (tx, plan) => {
        await goalOfYear(tx, input.goalId, plan);
        return vorRepository.insertProcess(tx, { ...input, planId: plan.id, mandatoryProcessId: await processLink(tx, plan, input.name, null) });
      });
    },
    updateProcess(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.updateProcess, raw);
      return update(ctx, SPECS.process, input, async (tx, plan, before, patch) => {
        const renamed = patch.name !== undefined && patch.name !== before.name;
        if (renamed || (patch.goalId !== undefined && patch.goalId !== before.goalId)) guardMandatory(ctx.actor, linked(before, 'mandatoryProcessId'), 'Process', 'rename or move');
        if (patch.goalId) await goalOfYear(tx, patch.goalId as string, plan);
        if (renamed) patch.mandatoryProcessId = await processLink(tx, plan, patch.name as string, before);
      });
    },
    deleteProcess: (ctx: RequestContext, raw: unknown) => remove(ctx, SPECS.process, raw, (before) => guardMandatory(ctx.actor, linked(before, 'mandatoryProcessId'), 'Process', 'delete')),

    createWorkingMethod(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.createWorkingMethod, raw);
      return create(ctx, SPECS.workingMethod, async (tx) => (await loadRow(tx, SPECS.process, input.processId)).planId, async (tx, plan) => {
        const process = await loadRow(tx, SPECS.process, input.processId);
        return vorRepository.insertWorkingMethod(tx, { ...input, planId: plan.id, mandatoryWorkingMethodId: await workingMethodLink(tx, plan, process, input.name, null) });
      });
    },
    updateWorkingMethod(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.updateWorkingMethod, raw);
      return update(ctx, SPECS.workingMethod, input, async (tx, plan, before, patch) => {
        const renamed = patch.name !== undefined && patch.name !== before.name;
        const moved = patch.processId !== undefined && patch.processId !== before.processId;
        if (renamed || moved) guardMandatory(ctx.actor, linked(before, 'mandatoryWorkingMethodId'), 'WorkingMethod', 'rename or move');
        const target = patch.processId ? await parentIn(tx, SPECS.process, patch.processId as string, plan, 'processId') : null;
        if (renamed || moved) {
          const process = target ?? (await loadRow(tx, SPECS.process, before.processId));
          patch.mandatoryWorkingMethodId = await workingMethodLink(tx, plan, process, (patch.name ?? before.name) as string, before);
        }
      });
    },
    deleteWorkingMethod: (ctx: RequestContext, raw: unknown) =>
      remove(ctx, SPECS.workingMethod, raw, (before) => guardMandatory(ctx.actor, linked(before, 'mandatoryWorkingMethodId'), 'WorkingMethod', 'delete')),

    createRisk(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.createRisk, raw);
      const values = { likelihood: input.likelihood ?? null, consequence: input.consequence ?? null, ikpOverride: input.ikpOverride ?? null, ikpMotivation: input.ikpMotivation ?? null };
      checkOverride(values);
      return create(ctx, SPECS.risk, async (tx) => (await loadRow(tx, SPECS.workingMethod, input.workingMethodId)).planId, async (tx, plan) => {
        const nr = input.nr ?? (await vorRepository.nextRiskNr(tx, plan.id));
        try {
          // A savepoint, so that a taken number is reported as such and the outer transaction stays usable.
          return await tx.transaction((sp) => vorRepository.insertRisk(sp, { ...input, ...values, nr, planId: plan.id }));
        } catch (err) {
          duplicateNumber(err, nr);
        }
      });
    },
    updateRisk(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.updateRisk, raw);
      return update(ctx, SPECS.risk, input, async (tx, plan, before, patch) => {
        if (patch.workingMethodId) await parentIn(tx, SPECS.workingMethod, patch.workingMethodId as string, plan, 'workingMethodId');
        const touchesIkp = ['likelihood', 'consequence', 'ikpOverride', 'ikpMotivation'].some((k) => k in patch);
        if (touchesIkp) checkOverride({ ...before, ...patch });
        if (patch.nr !== undefined && patch.nr !== before.nr) {
          if (await vorRepository.riskNrTaken(tx, plan.id, patch.nr as number)) duplicateNumber({ code: '23505' }, patch.nr as number);
        }
      });
    },
    deleteRisk: (ctx: RequestContext, raw: unknown) => remove(ctx, SPECS.risk, raw),

    createControl(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.createControl, raw);
      return create(ctx, SPECS.control, async (tx) => (await loadRow(tx, SPECS.risk, input.riskId)).planId, async (tx, plan) => {
        return vorRepository.insertControl(tx, { ...input, planId: plan.id });
      });
    },
    updateControl(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.updateControl, raw);
      return update(ctx, SPECS.control, input, async (tx, plan, _b, patch) => {
        if (patch.riskId) await parentIn(tx, SPECS.risk, patch.riskId as string, plan, 'riskId');
      });
    },
    deleteControl: (ctx: RequestContext, raw: unknown) => remove(ctx, SPECS.control, raw),

    createControlActivity(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.createControlActivity, raw);
      return create(ctx, SPECS.controlActivity, async (tx) => (await loadRow(tx, SPECS.control, input.controlId)).planId, async (tx, plan) => {
        return vorRepository.insertControlActivity(tx, { ...input, planId: plan.id });
      });
    },
    updateControlActivity(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.updateControlActivity, raw);
      return update(ctx, SPECS.controlActivity, input, async (tx, plan, _b, patch) => {
        if (patch.controlId) await parentIn(tx, SPECS.control, patch.controlId as string, plan, 'controlId');
      });
    },
    deleteControlActivity: (ctx: RequestContext, raw: unknown) => remove(ctx, SPECS.controlActivity, raw),
  };
}

/** A row's name and whether it is linked to the mandatory catalogue, for guardMandatory. */
const linked = (row: Row, link: 'mandatoryProcessId' | 'mandatoryWorkingMethodId') => ({ name: row.name as string, linked: row[link] != null });
const lcFirst = (s: string) => s[0].toLowerCase() + s.slice(1);
const pick = (row: Record<string, unknown>, fields: readonly string[]) => Object.fromEntries(fields.map((f) => [f, row[f]]));

export type VorService = ReturnType<typeof createVorService>;
