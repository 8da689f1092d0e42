// The links between years (a plan's origin plan, the plan rolled over from it), as GraphQL reads them: through the
// request's loaders, so a whole tree of origins costs the same statements as one, and only what the caller may read.
import type { MercuriusContext } from 'mercurius';
import type { Actor } from '../../auth/actor.js';
import { NotFoundError } from '../../errors.js';
import type { PlanTree } from './plan-tree.js';
import type { PlanWithNamnd } from './plans.repository.js';

/** A linked plan is shown only to whom may read it (normally the same nämnd, but a link must never leak). */
export const readableLink = <T extends { namndCode: string }>(actor: Actor, plan: T | null | undefined): T | null =>
  plan && actor.canRead(plan.namndCode) ? plan : null;

/** A linked plan that no longer exists (a deleted draft) is no link. */
function absentAsNull<T>(value: T | Error): T | null {
  if (!(value instanceof Error)) return value;
  if (value instanceof NotFoundError) return null;
  throw value;
}

export async function previousPlanOf(ctx: MercuriusContext, plan: { originPlanId: string | null }): Promise<PlanWithNamnd | null> {
  if (!plan.originPlanId) return null;
  const [row] = await ctx.loaders.plans.loadMany([plan.originPlanId]);
  return readableLink(ctx.actor, absentAsNull(row));
}

/** The first later plan rolled over from this one, if readable. */
export async function nextPlanOf(ctx: MercuriusContext, plan: { id: string }): Promise<PlanWithNamnd | null> {
  return (await ctx.loaders.nextPlans.load(plan.id)).find((p) => ctx.actor.canRead(p.namndCode)) ?? null;
}

/** The whole tree of the plan this one was rolled over from, if readable. */
export async function previousTreeOf(ctx: MercuriusContext, plan: { originPlanId: string | null }): Promise<PlanTree | null> {
  if (!plan.originPlanId) return null;
  const [tree] = await ctx.loaders.trees.loadMany([plan.originPlanId]);
  return readableTree(ctx.actor, tree);
}

/** A loaded linked tree, or null when it is gone or the caller may not read its plan. */
export function readableTree(actor: Actor, tree: PlanTree | Error | undefined): PlanTree | null {
  const found = tree === undefined ? null : absentAsNull(tree);
  return found && readableLink(actor, found.plan) ? found : null;
}

/** `origin` of a carried row: the row it was copied from, found in the previous plan's tree. */
export function originResolver<T>(pick: (tree: PlanTree) => Map<string, T>) {
  return async (row: { planId: string; originId: string | null }, _args: unknown, ctx: MercuriusContext): Promise<T | null> => {
    if (!row.originId) return null;
    const previous = await previousTreeOf(ctx, await ctx.loaders.plans.load(row.planId));
    return previous ? (pick(previous).get(row.originId) ?? null) : null;
  };
}
