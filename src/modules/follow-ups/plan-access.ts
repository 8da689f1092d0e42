import type { DbOrTx } from '../../db/client.js';
import type { RequestContext } from '../../audit/audit-log.js';
import { requireEdit } from '../../auth/authorize.js';
import { AppError, NotFoundError } from '../../errors.js';
import { followUpRepository, type PlanRef } from './follow-ups.repository.js';

/** The plan of a follow-up, action or assessment, locked for the write. */
export async function planFor(tx: DbOrTx, planId: string): Promise<PlanRef> {
  const plan = await followUpRepository.plan(tx, planId);
  if (!plan) throw new NotFoundError('Plan', planId);
  return plan;
}

/** Actions are kept on draft and adopted plans, by the nämnd's editors; a closed year is final. */
export async function planForActions(tx: DbOrTx, ctx: RequestContext, planId: string): Promise<PlanRef> {
  const plan = await planFor(tx, planId);
  requireEdit(ctx.actor, plan.namndCode);
  if (plan.status === 'CLOSED') throw new AppError('PLAN_NOT_EDITABLE', `The ${plan.namndCode} plan for ${plan.year} is closed`, 409, { status: plan.status });
  return plan;
}

export function requireAdopted(plan: PlanRef, what: string) {
  if (plan.status !== 'ADOPTED') {
    throw new AppError('PLAN_NOT_ADOPTED', `${what} is recorded on an adopted plan; the ${plan.namndCode} plan for ${plan.year} is ${plan.status}`, 409, { status: plan.status });
  }
}
