import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { requireAdmin, requireRead } from '../../auth/authorize.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { namndCode, optionalText, parseInput, text, uuid, version } from '../../lib/validate.js';
import { namndRepository, type NamndRow } from './namnder.repository.js';

export const createNamndInput = z.object({
  code: namndCode(),
  name: text(200),
  kind: z.enum(['NAMND', 'BOLAG']).default('NAMND'),
  forvaltning: optionalText(200),
});

export const updateNamndInput = z.object({
  id: uuid(),
  version: version(),
  name: text(200).optional(),
  kind: z.enum(['NAMND', 'BOLAG']).optional(),
  forvaltning: optionalText(200).optional(),
});

const AUDITED = ['name', 'kind', 'forvaltning'] as const;

export function createNamndService(db: Db) {
  return {
    list(ctx: RequestContext): Promise<NamndRow[]> {
      return namndRepository.list(db, ctx.actor.readable());
    },

    async get(ctx: RequestContext, code: string): Promise<NamndRow> {
      const c = parseInput(namndCode(), code, 'code');
      requireRead(ctx.actor, c);
      const row = await namndRepository.byCode(db, c);
      if (!row) throw new NotFoundError('Nämnd', c);
      return row;
    },

    /** For the request loaders; callers have authorized the plan that names these nämnder. */
    byIds: (ids: readonly string[]) => namndRepository.byIds(db, ids),

    /** Exists-or-throw for other services; no authorization here, the caller has done it. */
    async requireByCode(code: string): Promise<NamndRow> {
      const row = await namndRepository.byCode(db, code);
      if (!row) throw new NotFoundError('Nämnd', code);
      return row;
    },

    async create(ctx: RequestContext, raw: unknown): Promise<NamndRow> {
      const input = parseInput(createNamndInput, raw);
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        if (await namndRepository.byCode(tx, input.code)) {
          throw new ConflictError(`A nämnd with code ${input.code} already exists`, { namndCode: input.code });
        }
        const row = await namndRepository.insert(tx, input);
        await recordAudit(tx, ctx, {
          action: 'namnd.create',
          entityType: 'Namnd',
          entityId: row.id,
          namndCode: row.code,
          plan: null,
          entityVersion: row.version,
          changes: { after: { code: row.code, name: row.name, kind: row.kind, forvaltning: row.forvaltning } },
        });
        return row;
      });
    },

    async update(ctx: RequestContext, raw: unknown): Promise<NamndRow> {
      const input = parseInput(updateNamndInput, raw);
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const [before] = await namndRepository.byIds(tx, [input.id]);
        if (!before) throw new NotFoundError('Nämnd', input.id);
        const { id, version: v, ...patch } = input;
        const after = await namndRepository.update(tx, id, v, patch);
        await recordAudit(tx, ctx, {
          action: 'namnd.update',
          entityType: 'Namnd',
          entityId: id,
          namndCode: after.code,
          plan: null,
          entityVersion: after.version,
          changes: diff(before, after, AUDITED),
        });
        return after;
      });
    },
  };
}

export type NamndService = ReturnType<typeof createNamndService>;
