import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';
import { rawRows } from '../db/raw.js';
import type { Actor } from '../auth/actor.js';
import { canonicalJson, jsonSafe } from './canonical-json.js';
import { changedFields, insertDomainEvents, type EventData } from '../events/outbox.js';

/** Who is acting in this request; passed from the doors (GraphQL, REST, CLI) to every service. */
export interface RequestContext {
  actor: Actor;
  requestId?: string;
  /** Filled by recordAudit when present: the plans this request's writes touched, for the GraphQL list bounds. */
  touched?: { plans: Set<string>; cityWide: boolean };
}

/**
 * One audited change. Its audit event and its domain event get the same envelope from these fields: type (the
 * action), entity type, id, nämnd, plan id, year and entity version; no writer assembles an event by hand.
 */
export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  namndCode: string | null;
  /** The plan the entity belongs to (its id and year go into the domain event); null for city-wide entities. */
  plan: { id: string; year: number } | null;
  /** The entity's version after the change (before it, for a deletion); null for what has no version (a run). */
  entityVersion: number | null;
  fromState?: string | null;
  toState?: string | null;
  reason?: string | null;
  changes?: { before?: unknown; after?: unknown } | Record<string, unknown> | null;
  /** Extra ids and states for the domain event; never free text, events leave the service. */
  eventData?: EventData & { planId?: never; year?: never };
  /** False for changes other systems must not hear about (e.g. webhook administration). Default true. */
  publish?: boolean;
}

export const CITY_CHAIN = 'city';
export const chainOf = (namndCode?: string | null) => (namndCode ? `namnd:${namndCode}` : CITY_CHAIN);

/** The fields a hash covers, in the shape they are stored, so that verification can recompute it from a row. */
export interface HashedFields {
  chain: string;
  chainSeq: number;
  prevHash: string | null;
  occurredAt: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  namndCode: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  changes: unknown;
  requestId: string | null;
}

export function hashEvent(e: HashedFields): string {
  return crypto.createHash('sha256').update(canonicalJson(e)).digest('hex');
}

/**
 * Appends one audit event inside the caller's transaction. The chain head row is locked for the rest of the
 * transaction, which orders the writers of one nämnd's chain while other nämnder write in parallel.
 * The same statement writes the domain event to the outbox (type = the action), so a change, its audit
 * event and its outgoing event commit or vanish together.
 */
export async function recordAudit(tx: DbOrTx, ctx: RequestContext, input: AuditInput): Promise<void> {
  const chain = chainOf(input.namndCode);
  if (ctx.touched) {
    if (input.plan) ctx.touched.plans.add(input.plan.id);
    else ctx.touched.cityWide = true;
  }
  const [row] = await rawRows<{ seq: number | string; hash: string }>(tx, sql`
    insert into audit_chain_heads (chain, seq, hash) values (${chain}, 0, '')
    on conflict (chain) do update set seq = audit_chain_heads.seq
    returning seq, hash`);
  const fields: HashedFields = {
    chain,
    chainSeq: Number(row.seq) + 1,
    prevHash: row.hash || null,
    occurredAt: new Date(),
    actor: ctx.actor.sub,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    namndCode: input.namndCode ?? null,
    fromState: input.fromState ?? null,
    toState: input.toState ?? null,
    reason: input.reason ?? null,
    changes: input.changes ? jsonSafe(input.changes) : null,
    requestId: ctx.requestId ?? null,
  };
  const hash = hashEvent(fields);
  const publish = input.publish !== false;
  const eventData: EventData = {
    ...(fields.fromState !== null ? { fromState: fields.fromState } : {}),
    ...(fields.toState !== null ? { toState: fields.toState } : {}),
    ...(publish && changedFields(fields.changes) ? { changedFields: changedFields(fields.changes)! } : {}),
    ...(input.plan ? { planId: input.plan.id, year: input.plan.year } : {}),
    ...(input.eventData ?? {}),
  };
  const outbox = publish
    ? sql`, de as (
      ${insertDomainEvents(sql`values (${fields.action}, ${fields.namndCode}, ${fields.entityType}, ${fields.entityId},
        ${input.entityVersion}, ${fields.occurredAt.toISOString()}, ${JSON.stringify(eventData)}::jsonb)`)}
      returning 1
    )`
    : sql``;
  await tx.execute(sql`
    with ev as (
      insert into ${auditEvents} (occurred_at, actor, action, entity_type, entity_id, namnd_code, from_state,
        to_state, reason, changes, request_id, chain, chain_seq, prev_hash, hash)
      values (${fields.occurredAt.toISOString()}, ${fields.actor}, ${fields.action}, ${fields.entityType},
        ${fields.entityId}, ${fields.namndCode}, ${fields.fromState}, ${fields.toState}, ${fields.reason},
        ${fields.changes === null ? null : JSON.stringify(fields.changes)}::jsonb, ${fields.requestId}, ${chain},
        ${fields.chainSeq}, ${fields.prevHash}, ${hash})
      returning 1
    )${outbox}
    update audit_chain_heads set seq = ${fields.chainSeq}, hash = ${hash} where chain = ${chain}`);
}

/** Only the fields that changed, as { field: { before, after } }. */
export function diff<T extends Record<string, unknown>>(
  before: T,
  after: T,
  fields: readonly (keyof T)[],
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const f of fields) {
    if (canonicalJson(before[f]) !== canonicalJson(after[f])) {
      out[f as string] = { before: jsonSafe(before[f]), after: jsonSafe(after[f]) };
    }
  }
  return out;
}
