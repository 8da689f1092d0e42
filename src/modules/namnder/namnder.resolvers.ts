import type { IResolvers } from 'mercurius';

export const namnderResolvers: IResolvers = {
  Query: {
    namnder: (_root, _args, ctx) => ctx.services.namnder.list(ctx),
    namnd: (_root, args: { code: string }, ctx) => ctx.services.namnder.get(ctx, args.code),
  },
  Mutation: {
    createNamnd: (_root, args: { input: unknown }, ctx) => ctx.services.namnder.create(ctx, args.input),
    updateNamnd: (_root, args: { input: unknown }, ctx) => ctx.services.namnder.update(ctx, args.input),
  },
};
