import type { IResolvers } from 'mercurius';

type Input = { input: unknown };

export const goalsResolvers: IResolvers = {
  Query: {
    goals: (_r, a: { year: number }, ctx) => ctx.services.goals.list(a.year),
    mandatoryProcesses: (_r, a: { year?: number }, ctx) => ctx.services.goals.mandatoryProcesses(a.year),
    defaultMatrix: (_r, _a, ctx) => ctx.services.goals.defaultMatrix(),
  },
  Mutation: {
    createGoal: (_r, a: Input, ctx) => ctx.services.goals.create(ctx, a.input),
    updateGoal: (_r, a: Input, ctx) => ctx.services.goals.update(ctx, a.input),
    deleteGoal: (_r, a: Input, ctx) => ctx.services.goals.delete(ctx, a.input),
    setMandatoryProcess: (_r, a: Input, ctx) => ctx.services.goals.setMandatoryProcess(ctx, a.input),
    setDefaultMatrix: (_r, a: Input, ctx) => ctx.services.goals.setDefaultMatrix(ctx, a.input),
  },
};
