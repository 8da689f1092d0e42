import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { z } from 'zod';
import { parseInput } from '../lib/validate.js';
import { MAX_PAGE_SIZE } from '../lib/cursor.js';

const pageArgs = z.object({ first: z.number().int().min(1).max(MAX_PAGE_SIZE), after: z.string().max(200).nullish(), order: z.enum(['ASC', 'DESC']) });

export const auditResolvers: Resolvers = {
  Query: {
    auditEvents: (_r, args, ctx) => {
      const page = parseInput(pageArgs, { first: args.first, after: args.after, order: args.order }, '');
      return ctx.services.audit.list(ctx, args.filter ?? {}, page);
    },
    verifyAuditTrail: (_r, _a, ctx) => ctx.services.audit.verify(ctx),
  },
};
