import type { Resolvers } from '../../graphql/generated/resolvers-types.js';

export const namnderResolvers: Resolvers = {
  Query: {
    namnder: (_root, _args, ctx) => ctx.services.namnder.list(ctx),
    namnd: (_root, args, ctx) => ctx.services.namnder.get(ctx, args.code),
  },
  Mutation: {
    createNamnd: (_root, args, ctx) => ctx.services.namnder.create(ctx, args.input),
    updateNamnd: (_root, args, ctx) => ctx.services.namnder.update(ctx, args.input),
  },
};
