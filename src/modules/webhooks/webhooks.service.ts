import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { requireAdmin } from '../../auth/authorize.js';
import { AppError, NotFoundError } from '../../errors.js';
import { namndCode, parseInput, uuid, version } from '../../lib/validate.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { eventsRepository } from '../../events/events.repository.js';
import { generateSecret, isValidSecret } from './signature.js';
import { webhooksRepository, type DeliveryStatus, type WebhookRow } from './webhooks.repository.js';
import { DESTINATION_REFUSED, type DestinationCheck } from './destination.js';
import type { WebhookDeps } from './webhook-deps.js';

const eventType = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/, 'an event type such as plan.adopt or followUp.due');

const url = (destination: DestinationCheck) =>
  z
    .string()
    .max(2000)
    .superRefine((u, ctx) => {
      const problem = destination.schemeProblem(u);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
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

/** The row as the API shows it: the secret, even sealed, never leaves the service. */
export type PublicWebhook = Omit<WebhookRow, 'secret'>;
const shown = ({ secret: _secret, ...rest }: WebhookRow): PublicWebhook => rest;

export function createWebhookService(db: Db, { destination, secrets }: WebhookDeps) {
  const createInput = z.object({ url: url(destination), secret: secret.nullish(), ...filters, afterPosition: z.number().int().min(0).nullish() });
  const updateInput = z.object({ id: uuid(), version: version(), url: url(destination).optional(), secret: secret.optional(), ...filters, paused: z.boolean().nullish() });

  /** After validation: an internal or credentialed destination is refused with its own code, before anything is stored. */
  function checkTarget(u: string | undefined): void {
    const problem = u === undefined ? null : destination.targetProblem(u);
    if (problem) throw new AppError(DESTINATION_REFUSED, `Webhook url ${problem}`, 422, { fields: [{ path: 'input.url', message: problem }] });
  }

  async function audit(tx: Parameters<Parameters<Db['transaction']>[0]>[0], ctx: RequestContext, action: string, id: string, changes: object, entityVersion: number) {
    // Not published as a domain event: which systems listen is not news for the systems that listen.
    await recordAudit(tx, ctx, { action, entityType: 'Webhook', entityId: id, namndCode: null, plan: null, entityVersion, changes, publish: false });
  }

  return {
    async list(ctx: RequestContext): Promise<PublicWebhook[]> {
      requireAdmin(ctx.actor);
      return (await webhooksRepository.list(db)).map(shown);
    },

    async create(ctx: RequestContext, raw: unknown): Promise<{ webhook: PublicWebhook; secret: string }> {
      const input = parseInput(createInput, raw);
      requireAdmin(ctx.actor);
      checkTarget(input.url);
      const secretValue = input.secret ?? generateSecret();
      return db.transaction(async (tx) => {
        // By default a new subscriber hears what happens from now on; afterPosition replays from the feed.
        const cursor = input.afterPosition ?? (await eventsRepository.lastPosition(tx));
        const id = crypto.randomUUID();
        const row = await webhooksRepository.insert(tx, {
          id,
          url: input.url,
          secret: secrets.seal(id, secretValue),
          eventTypes: input.eventTypes ?? [],
          namndCodes: input.namndCodes ?? [],
          cursorPosition: cursor,
        });
        await audit(tx, ctx, 'webhook.create', row.id, { after: audited(row) }, row.version);
        return { webhook: shown(row), secret: secretValue };
      });
    },

    async update(ctx: RequestContext, raw: unknown): Promise<PublicWebhook> {
      const input = parseInput(updateInput, raw);
      requireAdmin(ctx.actor);
      checkTarget(input.url);
      return db.transaction(async (tx) => {
        const before = await webhooksRepository.byId(tx, input.id);
        if (!before) throw new NotFoundError('Webhook', input.id);
        const { id, version: v, paused, ...patch } = input;
        const status = paused === true ? 'PAUSED' : paused === false && before.status === 'PAUSED' ? 'ACTIVE' : undefined;
        const after = await webhooksRepository.update(tx, id, v, {
          ...patch,
          ...(patch.secret ? { secret: secrets.seal(id, patch.secret) } : {}),
          ...(status ? { status, consecutiveFailures: 0 } : {}),
        });
        await audit(tx, ctx, 'webhook.update', id, { ...diff(audited(before), audited(after), AUDITED), ...(patch.secret ? { secret: { rotated: true } } : {}) }, after.version);
        return shown(after);
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
    async resume(ctx: RequestContext, rawId: unknown): Promise<PublicWebhook> {
      const id = parseInput(uuid(), rawId, 'id');
      requireAdmin(ctx.actor);
      return db.transaction(async (tx) => {
        const before = await webhooksRepository.byId(tx, id);
        if (!before) throw new NotFoundError('Webhook', id);
        const requeued = await webhooksRepository.requeueFailed(tx, id);
        const after = await webhooksRepository.update(tx, id, before.version, { status: 'ACTIVE', consecutiveFailures: 0 });
        await audit(tx, ctx, 'webhook.resume', id, { status: { before: before.status, after: after.status }, requeued }, after.version);
        return shown(after);
      });
    },

    /**
     * At start-up: secrets stored in clear (before encryption) or under a retired key are sealed with the current
     * key, so plaintext does not linger and a key can be dropped from WEBHOOK_SECRET_KEYS after one restart.
     */
    async sealStoredSecrets(): Promise<number> {
      const rows = (await webhooksRepository.secrets(db)).filter((r) => secrets.needsSealing(r.secret));
      for (const r of rows) await webhooksRepository.replaceSecret(db, r.id, r.secret, secrets.seal(r.id, secrets.open(r.id, r.secret)));
      return rows.length;
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
