import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const goalsResolvers: Resolvers = {
  Query: {
    goals: (_r, a, ctx) => ctx.services.goals.list(a.year),
    mandatoryProcesses: (_r, a, ctx) => ctx.services.goals.mandatoryProcesses(a.year),
    defaultMatrix: (_r, _a, ctx) => ctx.services.goals.defaultMatrix(),
  },
  Mutation: {
    createGoal: (_r, a, ctx) => ctx.services.goals.create(ctx, a.input),
    updateGoal: (_r, a, ctx) => ctx.services.goals.update(ctx, a.input),
    deleteGoal: (_r, a, ctx) => ctx.services.goals.delete(ctx, a.input),
    setMandatoryProcess: (_r, a, ctx) => ctx.services.goals.setMandatoryProcess(ctx, a.input),
    setDefaultMatrix: (_r, a, ctx) => ctx.services.goals.setDefaultMatrix(ctx, a.input),
  },
};
