import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { requireAdmin } from '../../auth/authorize.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { parseInput, text, uuid, version, year } from '../../lib/validate.js';
import { matrixProblems, type RiskMatrix } from '../risks/index.js';
import { goalRepository } from './goals.repository.js';

const goalCode = () => z.string().trim().regex(/^\d{1,2}(\.\d{1,2}){0,2}$/, 'a goal code such as 3.5');

export const createGoalInput = z.object({
  year: year(),
  code: goalCode(),
  title: text(1000),
  inriktningsmal: z.number().int().min(1).max(9).nullish(),
});
export const updateGoalInput = z.object({
  id: uuid(),
  version: version(),
  title: text(1000).optional(),
  inriktningsmal: z.number().int().min(1).max(9).nullish(),
});

export const mandatoryProcessInput = z.object({
  name: text(300),
  aliases: z.array(text(300)).max(20).default([]),
  goalCode: goalCode(),
  fromYear: year(),
  toYear: year().nullish(),
  workingMethods: z
    .array(z.object({ name: text(300), aliases: z.array(text(300)).max(20).default([]) }))
    .min(1, 'at least one working method')
    .max(30),
});

export const matrixInput = z.object({
  bands: z
    .array(z.object({ key: z.string().trim(), label: text(60), color: z.string().trim() }))
    .min(1)
    .max(10),
  cells: z.array(z.array(z.string().trim()).length(5)).length(5),
});

/** Validates a matrix for use: shape by zod, meaning by the domain. */
export function parseMatrix(raw: unknown, root = 'matrix'): RiskMatrix {
  const m = parseInput(matrixInput, raw, root);
  const problems = matrixProblems(m);
  if (problems.length) throw new ValidationError(`Invalid ${root}: ${problems.join('; ')}`, problems.map((p) => ({ path: root, message: p })));
  return m;
}

/** inriktningsmål is the first digit of the goal code (3.5 → 3) unless given. */
const inriktningsmalOf = (code: string) => Number(code.split('.')[0]) || null;

export function createGoalService(db: Db) {
  return {
    list: (year: number) => goalRepository.byYear(db, parseInput(z.number().int().min(2000).max(2100), year, 'year')),
    mandatoryProcesses: (year?: number | null) => goalRepository.mandatoryFor(db, year ?? undefined),
    defaultMatrix: async () => (await goalRepository.defaultMatrix(db)).matrix,

    async create(ctx: RequestContext, raw: unknown) {
      const input = parseInput(createGoalInput, raw);
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        if (await goalRepository.byYearCode(tx, input.year, input.code)) {
          throw new ConflictError(`Goal ${input.code} of ${input.year} already exists`);
        }
        const row = await goalRepository.insert(tx, { ...input, inriktningsmal: input.inriktningsmal ?? inriktningsmalOf(input.code) });
        await recordAudit(tx, ctx, { action: 'goal.create', entityType: 'Goal', entityId: row.id, namndCode: null, plan: null, entityVersion: row.version, changes: { after: row } });
        return row;
      });
    },

    async update(ctx: RequestContext, raw: unknown) {
      const input = parseInput(updateGoalInput, raw);
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const before = await goalRepository.byId(tx, input.id);
        if (!before) throw new NotFoundError('Goal', input.id);
        const { id, version: v, ...patch } = input;
        const after = await goalRepository.update(tx, id, v, patch);
        await recordAudit(tx, ctx, { action: 'goal.update', entityType: 'Goal', entityId: id, namndCode: null, plan: null, entityVersion: after.version, changes: diff(before, after, ['title', 'inriktningsmal']) });
        return after;
      });
    },

    async delete(ctx: RequestContext, raw: unknown) {
      const { id } = parseInput(z.object({ id: uuid() }), raw);
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const before = await goalRepository.byId(tx, id);
        if (!before) throw new NotFoundError('Goal', id);
        const n = await goalRepository.processCount(tx, id);
        if (n > 0) throw new AppError('GOAL_IN_USE', `Goal ${before.code} of ${before.year} has ${n} processes under it; move or delete them first`, 409);
        await goalRepository.delete(tx, id);
        await recordAudit(tx, ctx, { action: 'goal.delete', entityType: 'Goal', entityId: id, namndCode: null, plan: null, entityVersion: before.version, changes: { before } });
        return true;
      });
    },

    /**
     * Creates or replaces a mandatory process (by name) and its working methods. Plans created later get it;
     * existing plans are matched by name and alias when their rule violations are computed.
     */
    async setMandatoryProcess(ctx: RequestContext, raw: unknown) {
      const input = parseInput(mandatoryProcessInput, raw);
      requireAdmin(ctx.actor);
      if (input.toYear && input.toYear < input.fromYear) {
        throw new ValidationError('toYear must not be before fromYear', [{ path: 'input.toYear', message: 'before fromYear' }]);
      }
      return db.transaction(async (tx) => {
        const before = (await goalRepository.mandatoryFor(tx)).find((p) => p.name === input.name);
        const values = { name: input.name, aliases: input.aliases, goalCode: input.goalCode, fromYear: input.fromYear, toYear: input.toYear ?? null };
        const row = await goalRepository.saveMandatoryProcess(tx, before?.id ?? null, values);
        // Working methods keep their ids when their name stays, so plans that link to them stay linked.
        const keep = new Set(input.workingMethods.map((w) => w.name));
        for (const old of before?.workingMethods ?? []) {
          if (keep.has(old.name)) continue;
          // Plans keep their working method; it is just no longer a mandatory one.
          await goalRepository.dropMandatoryWorkingMethod(tx, old.id);
        }
        for (const [i, w] of input.workingMethods.entries()) {
          await goalRepository.saveMandatoryWorkingMethod(tx, { mandatoryProcessId: row.id, name: w.name, aliases: w.aliases, sortOrder: i + 1 });
        }
        await recordAudit(tx, ctx, {
          action: before ? 'mandatoryProcess.update' : 'mandatoryProcess.create',
          entityType: 'MandatoryProcess',
          entityId: row.id,
          namndCode: null,
          plan: null,
          entityVersion: row.version,
          changes: { before: before ?? null, after: input },
        });
        return (await goalRepository.mandatoryFor(tx)).find((p) => p.id === row.id)!;
      });
    },

    /** The default for new plans; adopted plans keep the matrix they were decided with. */
    async setDefaultMatrix(ctx: RequestContext, raw: unknown) {
      const matrix = parseMatrix(raw);
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const before = await goalRepository.defaultMatrix(tx);
        const row = await goalRepository.setDefaultMatrix(tx, matrix);
        await recordAudit(tx, ctx, { action: 'matrix.setDefault', entityType: 'Settings', entityId: 'default_matrix', namndCode: null, plan: null, entityVersion: row.version, changes: { before: before.matrix, after: matrix } });
        return matrix;
      });
    },
  };
}

export type GoalService = ReturnType<typeof createGoalService>;
