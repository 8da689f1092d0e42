// The plan's life cycle: DRAFT → ADOPTED (the nämnd's decision) → CLOSED (the year's assessment done), and back
// with a reason. Adoption checks R1–R6, keeps an immutable snapshot of what was decided and creates the IKP's
// follow-ups; closing needs the assessment and every VB follow-up reported.
import { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { recordAudit, type RequestContext } from '../../audit/audit-log.js';
import { requireApprove } from '../../auth/authorize.js';
import { AppError, NotFoundError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { parseInput, text, uuid, version } from '../../lib/validate.js';
import { auditedTransition } from '../../audit/audited-transition.js';
import type { Machine } from '../../lib/state-machine.js';
import { closingBlockers, createMissingFollowUps } from '../follow-ups/index.js';
import { goalRepository } from '../goals/index.js';
import { snapshotOf } from './decided-plan.js';
import { PlanTree } from './plan-tree.js';
import { planRepository, PLANS_TABLE, type PlanWithNamnd } from './plans.repository.js';
import { ruleViolations } from './rule-violations.js';

type PlanStatus = 'DRAFT' | 'ADOPTED' | 'CLOSED';

export const PLAN_MACHINE: Machine<PlanStatus, 'adopt' | 'reopen' | 'close'> = {
  adopt: { from: ['DRAFT'], to: () => 'ADOPTED' },
  reopen: { from: ['ADOPTED', 'CLOSED'], to: (s) => (s === 'CLOSED' ? 'ADOPTED' : 'DRAFT') },
  close: { from: ['ADOPTED'], to: () => 'CLOSED' },
};

const date = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'a real date');
const ref = { id: uuid(), version: version() };

export const lifecycleInputs = {
  adopt: z.object({ ...ref, decisionDate: date(), decisionReference: text(200) }),
  reopen: z.object({ ...ref, reason: text(2000) }),
  close: z.object({ ...ref }),
};

export function createPlanLifecycleService({ db }: ServiceDeps) {
  /** Approver or admin, version and from-state checked, then the change and its audit event. */
  async function transition(
    ctx: RequestContext,
    name: 'adopt' | 'reopen' | 'close',
    input: { id: string; version: number },
    why: string | null = null,
    guard?: (tx: Tx, plan: PlanWithNamnd) => Promise<{ patch?: Record<string, unknown>; changes?: Record<string, unknown> }>,
  ): Promise<PlanWithNamnd> {
    return db.transaction(async (tx) => {
      const plan = await planRepository.byId(tx, input.id, 'update');
      if (!plan) throw new NotFoundError('Plan', input.id);
      requireApprove(ctx.actor, plan.namndCode);
      const after = await auditedTransition(tx, ctx, {
        machine: PLAN_MACHINE,
        name,
        entityType: 'Plan',
        label: 'plan',
        actionPrefix: 'plan',
        table: PLANS_TABLE,
        row: plan,
        version: input.version,
        namndCode: plan.namndCode,
        plan,
        reason: why,
        prepare: guard && (() => guard(tx, plan)),
      });
      return { ...after, namndCode: plan.namndCode };
    });
  }

  return {
    /** Adoption: no rule violations, the decision recorded, a snapshot kept, follow-ups created for the IKP. */
    adopt(ctx: RequestContext, raw: unknown) {
      const input = parseInput(lifecycleInputs.adopt, raw);
      return transition(ctx, 'adopt', input, null, async (tx, plan) => {
        const tree = PlanTree.fromRows(await planRepository.content(tx, [plan.id])).get(plan.id)!;
        const violations = ruleViolations(tree, await goalRepository.mandatoryFor(tx, plan.year));
        if (violations.length) {
          throw new AppError('PLAN_RULES_VIOLATED', `The plan cannot be adopted: ${violations.length} rule violation(s), e.g. ${violations[0].rule}: ${violations[0].message}`, 409, { violations });
        }
        await planRepository.insertDecision(tx, { planId: plan.id, decisionDate: input.decisionDate, reference: input.decisionReference, adoptedBy: ctx.actor.sub, snapshot: snapshotOf(tree) });
        const wanted = tree.ikp().flatMap((row) => (row.controlActivity ? row.controlActivity.periods.map((period) => ({ planId: plan.id, controlActivityId: row.controlActivity!.id, period })) : []));
        const followUpsCreated = await createMissingFollowUps(tx, wanted);
        return {
          patch: { decisionDate: input.decisionDate, decisionReference: input.decisionReference },
          changes: { decisionDate: input.decisionDate, decisionReference: input.decisionReference, followUpsCreated },
        };
      });
    },

    reopen(ctx: RequestContext, raw: unknown) {
      const input = parseInput(lifecycleInputs.reopen, raw);
      return transition(ctx, 'reopen', input, input.reason);
    },

    /** Closing the year needs the assessment and every VB follow-up reported. */
    close(ctx: RequestContext, raw: unknown) {
      return transition(ctx, 'close', parseInput(lifecycleInputs.close, raw), null, async (tx, plan) => {
        const { missing, openFollowUpIds } = await closingBlockers(tx, plan.id);
        if (missing.length) {
          throw new AppError('PLAN_NOT_CLOSABLE', `The year cannot be closed yet: ${missing.join('; ')}`, 409, { missing, openFollowUpIds });
        }
        return {};
      });
    },

    decisionsFor: (planIds: readonly string[]) => planRepository.decisionsFor(db, planIds),
  };
}

export type PlanLifecycleService = ReturnType<typeof createPlanLifecycleService>;
