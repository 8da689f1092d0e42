import { z } from 'zod';
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { actions, assessments, followUps, planDecisions, plans } from '../../db/schema/index.js';
import { updateVersioned } from '../../db/versioned.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { requireApprove, requireEdit } from '../../auth/authorize.js';
import { AppError, NotFoundError, ValidationError } from '../../errors.js';
import { optionalText, parseInput, text, uuid, version } from '../../lib/validate.js';
import { applyTransition, checkTransition, type Machine } from '../../lib/state-machine.js';
import { goalRepository } from '../goals/goals.repository.js';
import { PlanTree } from '../plans/plan-tree.js';
import { planRepository, type PlanWithNamnd } from '../plans/plans.repository.js';
import { ruleViolations } from '../plans/rule-violations.js';
import { followUpRepository, isOpenAction, type FollowUpRow } from './follow-ups.repository.js';

type PlanStatus = 'DRAFT' | 'ADOPTED' | 'CLOSED';
type FollowUpStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'REPORTED';
type ActionStatus = 'PLANNED' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED';

export const PLAN_MACHINE: Machine<PlanStatus, 'adopt' | 'reopen' | 'close'> = {
  adopt: { from: ['DRAFT'], to: () => 'ADOPTED' },
  reopen: { from: ['ADOPTED', 'CLOSED'], to: (s) => (s === 'CLOSED' ? 'ADOPTED' : 'DRAFT') },
  close: { from: ['ADOPTED'], to: () => 'CLOSED' },
};
export const FOLLOW_UP_MACHINE: Machine<FollowUpStatus, 'start' | 'report' | 'reopen'> = {
  start: { from: ['NOT_STARTED'], to: () => 'IN_PROGRESS' },
  report: { from: ['IN_PROGRESS'], to: () => 'REPORTED' },
  reopen: { from: ['REPORTED'], to: () => 'IN_PROGRESS' },
};
export const ACTION_MACHINE: Machine<ActionStatus, 'start' | 'complete' | 'cancel'> = {
  start: { from: ['PLANNED'], to: () => 'IN_PROGRESS' },
  complete: { from: ['IN_PROGRESS'], to: () => 'DONE' },
  cancel: { from: ['PLANNED', 'IN_PROGRESS'], to: () => 'CANCELLED' },
};

const date = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'a real date');
const ref = { id: uuid(), version: version() };
const reason = () => text(2000);

export const inputs = {
  adopt: z.object({ ...ref, decisionDate: date(), decisionReference: text(200) }),
  reopenPlan: z.object({ ...ref, reason: reason() }),
  closePlan: z.object({ ...ref }),
  startFollowUp: z.object({ ...ref }),
  reportFollowUp: z.object({
    ...ref,
    outcome: z.enum(['NO_DEVIATION', 'DEVIATION', 'NOT_PERFORMED']),
    resultText: text(8000),
    explanation: optionalText(4000),
  }),
  reopenFollowUp: z.object({ ...ref, reason: reason() }),
  createAction: z.object({
    planId: uuid(),
    followUpId: uuid().nullish(),
    title: text(500),
    description: optionalText(4000),
    owner: optionalText(200),
    dueDate: date().nullish(),
    plannedYear: z.number().int().min(2000).max(2100).nullish(),
    tags: z.array(text(60)).max(20).optional(),
  }),
  updateAction: z.object({
    ...ref,
    title: text(500).optional(),
    description: optionalText(4000).optional(),
    owner: optionalText(200).optional(),
    dueDate: date().nullish(),
    plannedYear: z.number().int().min(2000).max(2100).nullish(),
    tags: z.array(text(60)).max(20).optional(),
  }),
  actionTransition: z.object({ ...ref, reason: optionalText(2000) }),
  cancelAction: z.object({ ...ref, reason: reason() }),
  setAssessment: z.object({
    planId: uuid(),
    version: z.number().int().min(1).nullish(),
    level: z.enum(['TILLRACKLIG', 'I_HUVUDSAK_TILLRACKLIG', 'INTE_TILLRACKLIG']),
    analysis: text(20000),
  }),
};

async function planFor(tx: Tx, planId: string): Promise<PlanWithNamnd> {
  const plan = await planRepository.byId(tx, planId, 'update');
  if (!plan) throw new NotFoundError('Plan', planId);
  return plan;
}

/** Actions are kept on draft and adopted plans, by the nämnd's editors; a closed year is final. */
async function planForActions(tx: Tx, ctx: RequestContext, planId: string): Promise<PlanWithNamnd> {
  const plan = await planFor(tx, planId);
  requireEdit(ctx.actor, plan.namndCode);
  if (plan.status === 'CLOSED') throw new AppError('PLAN_NOT_EDITABLE', `The ${plan.namndCode} plan for ${plan.year} is closed`, 409, { status: plan.status });
  return plan;
}

function requireAdopted(plan: PlanWithNamnd, what: string) {
  if (plan.status !== 'ADOPTED') {
    throw new AppError('PLAN_NOT_ADOPTED', `${what} is recorded on an adopted plan; the ${plan.namndCode} plan for ${plan.year} is ${plan.status}`, 409, { status: plan.status });
  }
}

async function treeOf(tx: Tx, planId: string): Promise<PlanTree> {
  return PlanTree.fromRows(await planRepository.content(tx, [planId])).get(planId)!;
}

/** What the nämnd decided, kept immutable with the decision: shown even after a reopen and changes. */
function snapshot(tree: PlanTree) {
  return {
    year: tree.plan.year,
    namndCode: tree.plan.namndCode,
    ikpThreshold: tree.plan.ikpThreshold,
    matrix: tree.plan.matrix,
    processes: tree.processes.map((p) => ({
      name: p.name,
      goal: tree.goalsById.get(p.goalId)?.code ?? null,
      workingMethods: (tree.workingMethodsByProcess.get(p.id) ?? []).map((w) => ({
        name: w.name,
        risks: (tree.risksByWorkingMethod.get(w.id) ?? []).map((r) => ({
          nr: r.nr,
          title: r.title,
          likelihood: r.likelihood,
          consequence: r.consequence,
          rv: r.rv,
          band: r.band?.key ?? null,
          inIkp: r.inIkp,
          ikpBasis: r.ikpBasis,
          ikpMotivation: r.ikpMotivation,
          controls: (tree.controlsByRisk.get(r.id) ?? []).map((c) => ({
            description: c.description,
            activities: (tree.activitiesByControl.get(c.id) ?? []).map((a) => ({ description: a.description, responsible: a.responsible, periods: a.periods })),
          })),
        })),
      })),
    })),
  };
}

export function createFollowUpService(db: Db) {
  return {
    /** Adoption: no rule violations, the decision recorded, a snapshot kept, follow-ups created for the IKP. */
    adoptPlan(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.adopt, raw);
      return planTransition(ctx, 'adopt', input, null, async (tx, plan) => {
        const tree = await treeOf(tx, plan.id);
        const violations = ruleViolations(tree, await goalRepository.mandatoryFor(tx, plan.year));
        if (violations.length) {
          throw new AppError('PLAN_RULES_VIOLATED', `The plan cannot be adopted: ${violations.length} rule violation(s), e.g. ${violations[0].rule}: ${violations[0].message}`, 409, { violations });
        }
        await tx.insert(planDecisions).values({ planId: plan.id, decisionDate: input.decisionDate, reference: input.decisionReference, adoptedBy: ctx.actor.sub, snapshot: snapshot(tree) });
        const wanted = tree.ikp().flatMap((row) => (row.controlActivity ? row.controlActivity.periods.map((period) => ({ planId: plan.id, controlActivityId: row.controlActivity!.id, period })) : []));
        // A re-adoption keeps the follow-ups already reported; only missing ones are created.
        const created = wanted.length ? await tx.insert(followUps).values(wanted).onConflictDoNothing().returning({ id: followUps.id }) : [];
        return {
          patch: { decisionDate: input.decisionDate, decisionReference: input.decisionReference },
          changes: { decisionDate: input.decisionDate, decisionReference: input.decisionReference, followUpsCreated: created.length },
        };
      });
    },

    reopenPlan(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.reopenPlan, raw);
      return planTransition(ctx, 'reopen', input, input.reason);
    },

    /** Closing the year needs the assessment and every VB follow-up reported. */
    closePlan(ctx: RequestContext, raw: unknown) {
      return planTransition(ctx, 'close', parseInput(inputs.closePlan, raw), null, async (tx, plan) => {
        const data = await followUpRepository.forPlans(tx, [plan.id]);
        const missing: string[] = [];
        if (!data.assessments.length) missing.push('the year’s assessment');
        const open = data.followUps.filter((f) => f.period === 'VB' && f.status !== 'REPORTED');
        if (open.length) missing.push(`${open.length} VB follow-up(s) not reported`);
        if (missing.length) {
          throw new AppError('PLAN_NOT_CLOSABLE', `The year cannot be closed yet: ${missing.join('; ')}`, 409, { missing, openFollowUpIds: open.map((f) => f.id) });
        }
        return {};
      });
    },

    startFollowUp: (ctx: RequestContext, raw: unknown) => followUpTransition(ctx, 'start', parseInput(inputs.startFollowUp, raw)),
    reopenFollowUp: (ctx: RequestContext, raw: unknown) => {
      const input = parseInput(inputs.reopenFollowUp, raw);
      return followUpTransition(ctx, 'reopen', input, input.reason);
    },

    async reportFollowUp(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.reportFollowUp, raw);
      if (input.outcome === 'NOT_PERFORMED' && !input.explanation) {
        throw new ValidationError('A control activity that was not performed needs an explanation', [{ path: 'input.explanation', message: 'required when outcome is NOT_PERFORMED' }]);
      }
      return followUpTransition(ctx, 'report', input, null, async (tx, row) => {
        if (input.outcome === 'DEVIATION') {
          const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(actions).where(eq(actions.followUpId, row.id));
          if (n === 0) throw new AppError('ACTION_REQUIRED', 'A deviation needs at least one action: create it with createAction(followUpId) first', 409);
        }
        return { outcome: input.outcome, resultText: input.resultText, explanation: input.explanation, reportedAt: new Date(), reportedBy: ctx.actor.sub };
      });
    },

    async createAction(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.createAction, raw);
      return db.transaction(async (tx) => {
        const plan = await planForActions(tx, ctx, input.planId);
        if (input.followUpId) {
          const f = await followUpRepository.followUp(tx, input.followUpId);
          if (!f || f.planId !== plan.id) throw new ValidationError('followUpId must be a follow-up of the same plan', [{ path: 'input.followUpId', message: 'not a follow-up of this plan' }]);
        }
        const [row] = await tx.insert(actions).values({ ...input, tags: input.tags ?? [] }).returning();
        await recordAudit(tx, ctx, {
          action: 'action.create',
          entityType: 'Action',
          entityId: row.id,
          namndCode: plan.namndCode,
          toState: row.status,
          changes: { after: row },
          entityVersion: row.version,
          eventData: { planId: plan.id, year: plan.year, followUpId: row.followUpId },
        });
        return row;
      });
    },

    async updateAction(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.updateAction, raw);
      return db.transaction(async (tx) => {
        const before = await followUpRepository.action(tx, input.id);
        if (!before) throw new NotFoundError('Action', input.id);
        const plan = await planForActions(tx, ctx, before.planId);
        const { id, version: v, ...patch } = input;
        const after = await updateVersioned(tx, actions, 'Action', id, v, Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)));
        await recordAudit(tx, ctx, { action: 'action.update', entityType: 'Action', entityId: id, namndCode: plan.namndCode, changes: diff(before, after, ['title', 'description', 'owner', 'dueDate', 'plannedYear', 'tags']) });
        return after;
      });
    },

    startAction: (ctx: RequestContext, raw: unknown) => actionTransition(ctx, 'start', parseInput(inputs.actionTransition, raw)),
    completeAction: (ctx: RequestContext, raw: unknown) => actionTransition(ctx, 'complete', parseInput(inputs.actionTransition, raw)),
    cancelAction: (ctx: RequestContext, raw: unknown) => actionTransition(ctx, 'cancel', parseInput(inputs.cancelAction, raw)),

    /** The yearly assessment: one per plan, on an adopted plan; a later call revises it (with the version read). */
    async setAssessment(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.setAssessment, raw);
      return db.transaction(async (tx) => {
        const plan = await planFor(tx, input.planId);
        requireEdit(ctx.actor, plan.namndCode);
        requireAdopted(plan, 'The assessment');
        const before = await followUpRepository.assessment(tx, plan.id);
        let row;
        if (!before) {
          [row] = await tx.insert(assessments).values({ planId: plan.id, level: input.level, analysis: input.analysis, assessedBy: ctx.actor.sub }).returning();
        } else {
          if (!input.version) throw new ValidationError('Revising the assessment needs the version you read', [{ path: 'input.version', message: 'required when an assessment exists' }]);
          row = await updateVersioned(tx, assessments, 'Assessment', before.id, input.version, { level: input.level, analysis: input.analysis, assessedBy: ctx.actor.sub });
        }
        await recordAudit(tx, ctx, {
          action: before ? 'assessment.update' : 'assessment.create',
          entityType: 'Assessment',
          entityId: row.id,
          namndCode: plan.namndCode,
          fromState: before?.level ?? null,
          toState: row.level,
          changes: before ? diff(before, row, ['level', 'analysis']) : { after: { level: row.level, analysis: row.analysis } },
          entityVersion: row.version,
          eventData: { planId: plan.id, year: plan.year, level: row.level },
        });
        return row;
      });
    },

    forPlans: (planIds: readonly string[]) => followUpRepository.forPlans(db, planIds),
    decisionsFor: (planIds: readonly string[]) => followUpRepository.decisionsFor(db, planIds),
  };

  /** Plan transitions: approver or admin, version and from-state checked, then the change and its audit event. */
  async function planTransition(
    ctx: RequestContext,
    name: 'adopt' | 'reopen' | 'close',
    input: { id: string; version: number },
    why: string | null = null,
    guard?: (tx: Tx, plan: PlanWithNamnd) => Promise<{ patch?: Record<string, unknown>; changes?: Record<string, unknown> }>,
  ): Promise<PlanWithNamnd> {
    return db.transaction(async (tx) => {
      const plan = await planFor(tx, input.id);
      requireApprove(ctx.actor, plan.namndCode);
      const to = checkTransition(PLAN_MACHINE, 'plan', name, plan, input.version);
      const extra = guard ? await guard(tx, plan) : {};
      const after = await applyTransition(tx, plans, 'Plan', plan, input.version, to, extra.patch);
      await recordAudit(tx, ctx, {
        action: `plan.${name}`,
        entityType: 'Plan',
        entityId: plan.id,
        namndCode: plan.namndCode,
        fromState: plan.status,
        toState: to,
        reason: why,
        changes: extra.changes ?? null,
        entityVersion: after.version,
        eventData: { planId: plan.id, year: plan.year },
      });
      return { ...after, namndCode: plan.namndCode };
    });
  }

  async function followUpTransition(
    ctx: RequestContext,
    name: 'start' | 'report' | 'reopen',
    input: { id: string; version: number },
    why: string | null = null,
    patchFor?: (tx: Tx, row: FollowUpRow) => Promise<Record<string, unknown>>,
  ) {
    return db.transaction(async (tx) => {
      const row = await followUpRepository.followUp(tx, input.id);
      if (!row) throw new NotFoundError('FollowUp', input.id);
      const plan = await planFor(tx, row.planId);
      requireEdit(ctx.actor, plan.namndCode);
      requireAdopted(plan, 'A follow-up');
      const to = checkTransition(FOLLOW_UP_MACHINE, 'follow-up', name, row, input.version);
      const patch = patchFor ? await patchFor(tx, row) : {};
      const after = await applyTransition(tx, followUps, 'FollowUp', row, input.version, to, patch);
      await recordAudit(tx, ctx, {
        action: `followUp.${name}`,
        entityType: 'FollowUp',
        entityId: row.id,
        namndCode: plan.namndCode,
        fromState: row.status,
        toState: to,
        reason: why,
        changes: name === 'report' ? { outcome: after.outcome, resultText: after.resultText, explanation: after.explanation } : null,
        entityVersion: after.version,
        eventData: { planId: plan.id, year: plan.year, period: row.period, outcome: after.outcome ?? null, controlActivityId: row.controlActivityId },
      });
      return after;
    });
  }

  async function actionTransition(ctx: RequestContext, name: 'start' | 'complete' | 'cancel', input: { id: string; version: number; reason?: string | null }) {
    return db.transaction(async (tx) => {
      const row = await followUpRepository.action(tx, input.id);
      if (!row) throw new NotFoundError('Action', input.id);
      const plan = await planForActions(tx, ctx, row.planId);
      const to = checkTransition(ACTION_MACHINE, 'action', name, row, input.version);
      const after = await applyTransition(tx, actions, 'Action', row, input.version, to, name === 'cancel' ? { statusReason: input.reason } : {});
      await recordAudit(tx, ctx, {
        action: `action.${name}`,
        entityType: 'Action',
        entityId: row.id,
        namndCode: plan.namndCode,
        fromState: row.status,
        toState: to,
        reason: input.reason ?? null,
        entityVersion: after.version,
        eventData: { planId: plan.id, year: plan.year, followUpId: row.followUpId },
      });
      return after;
    });
  }
}

export { isOpenAction };
export type FollowUpService = ReturnType<typeof createFollowUpService>;
