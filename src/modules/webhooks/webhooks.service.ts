import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { requireAdmin } from '../../auth/authorize.js';
import { NotFoundError } from '../../errors.js';
import { namndCode, parseInput, uuid, version } from '../../lib/validate.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { eventsRepository } from '../../events/events.repository.js';
import { generateSecret, isValidSecret } from './signature.js';
import { webhooksRepository, type DeliveryStatus, type WebhookRow } from './webhooks.repository.js';

export interface WebhookPolicy {
  /** Plain http is for development and tests; in production events travel over https only. */
  allowHttp: boolean;
}

const eventType = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/, 'an event type such as plan.adopt or followUp.due');

const url = (policy: WebhookPolicy) =>
  z
    .url('must be an absolute URL')
    .max(2000)
    .refine((u) => /^https:\/\//i.test(u) || (policy.allowHttp && /^http:\/\//i.test(u)), {
      message: policy.allowHttp ? 'must be an http(s) URL' : 'must be an https URL',
    });

const secret = z.string().refine(isValidSecret, 'must be whsec_ followed by at least 24 bytes of base64');

const filters = {
  eventTypes: z.array(eventType).max(100).optional(),
  namndCodes: z.array(namndCode()).max(200).optional(),
};

const pageArgs = z.object({
  webhookId: uuid(),
  status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']).nullish(),
  first: z.number().int().min(1).max(500),
  after: z.string().max(200).nullish(),
});

const AUDITED = ['url', 'eventTypes', 'namndCodes', 'status'] as const;
// The secret never enters the audit trail; URL and filters do, so auditors see where events went.
const audited = (w: WebhookRow) => ({ url: w.url, eventTypes: w.eventTypes, namndCodes: w.namndCodes, status: w.status });

export function createWebhookService(db: Db, policy: WebhookPolicy) {
  const createInput = z.object({ url: url(policy), secret: secret.nullish(), ...filters, afterPosition: z.number().int().min(0).nullish() });
  const updateInput = z.object({ id: uuid(), version: version(), url: url(policy).optional(), secret: secret.optional(), ...filters, paused: z.boolean().nullish() });

  async function audit(tx: Parameters<Parameters<Db['transaction']>[0]>[0], ctx: RequestContext, action: string, id: string, changes: object, entityVersion: number) {
    // Not published as a domain event: which systems listen is not news for the systems that listen.
    await recordAudit(tx, ctx, { action, entityType: 'Webhook', entityId: id, namndCode: null, plan: null, entityVersion, changes, publish: false });
  }

  return {
    list(ctx: RequestContext): Promise<WebhookRow[]> {
      requireAdmin(ctx.actor);
      return webhooksRepository.list(db);
    },

    async create(ctx: RequestContext, raw: unknown): Promise<{ webhook: WebhookRow; secret: string }> {
      const input = parseInput(createInput, raw);
      requireAdmin(ctx.actor);
      const secretValue = input.secret ?? generateSecret();
      return db.transaction(async (tx) => {
        // By default a new subscriber hears what happens from now on; afterPosition replays from the feed.
        const cursor = input.afterPosition ?? (await eventsRepository.lastPosition(tx));
        const row = await webhooksRepository.insert(tx, {
          url: input.url,
          secret: secretValue,
          eventTypes: input.eventTypes ?? [],
          namndCodes: input.namndCodes ?? [],
          cursorPosition: cursor,
        });
        await audit(tx, ctx, 'webhook.create', row.id, { after: audited(row) }, row.version);
        return { webhook: row, secret: secretValue };
      });
    },

    async update(ctx: RequestContext, raw: unknown): Promise<WebhookRow> {
      const input = parseInput(updateInput, raw);
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const before = await webhooksRepository.byId(tx, input.id);
        if (!before) throw new NotFoundError('Webhook', input.id);
        const { id, version: v, paused, ...patch } = input;
        const status = paused === true ? 'PAUSED' : paused === false && before.status === 'PAUSED' ? 'ACTIVE' : undefined;
        const after = await webhooksRepository.update(tx, id, v, {
          ...patch,
          ...(status ? { status, consecutiveFailures: 0 } : {}),
        });
        await audit(tx, ctx, 'webhook.update', id, { ...diff(audited(before), audited(after), AUDITED), ...(patch.secret ? { secret: { rotated: true } } : {}) }, after.version);
        return after;
      });
    },

    async remove(ctx: RequestContext, rawId: unknown): Promise<boolean> {
      const id = parseInput(uuid(), rawId, 'id');
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const before = await webhooksRepository.byId(tx, id);
        if (!before) throw new NotFoundError('Webhook', id);
        await webhooksRepository.delete(tx, id);
        await audit(tx, ctx, 'webhook.delete', id, { before: audited(before) }, before.version);
        return true;
      });
    },

    /** After a receiver is fixed: deliveries given up on are queued again, in order, and delivery resumes. */
    async resume(ctx: RequestContext, rawId: unknown): Promise<WebhookRow> {
      const id = parseInput(uuid(), rawId, 'id');
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const before = await webhooksRepository.byId(tx, id);
        if (!before) throw new NotFoundError('Webhook', id);
        const requeued = await webhooksRepository.requeueFailed(tx, id);
        const after = await webhooksRepository.update(tx, id, before.version, { status: 'ACTIVE', consecutiveFailures: 0 });
        await audit(tx, ctx, 'webhook.resume', id, { status: { before: before.status, after: after.status }, requeued }, after.version);
        return after;
      });
    },

    async deliveries(ctx: RequestContext, raw: { webhookId: unknown; status?: unknown; first: unknown; after?: unknown }) {
      const args = parseInput(pageArgs, raw, '');
      requireAdmin(ctx.actor);
      const after = args.after ? decodeCursor(args.after) : 0;
      const rows = await webhooksRepository.deliveries(db, args.webhookId, (args.status ?? undefined) as DeliveryStatus | undefined, after, args.first + 1);
      const page = rows.slice(0, args.first);
      return {
        nodes: page.map((r) => ({ ...r.delivery, eventType: r.eventType })),
        pageInfo: {
          hasNextPage: rows.length > args.first,
          endCursor: page.length ? encodeCursor(page[page.length - 1].delivery.position) : null,
        },
      };
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
