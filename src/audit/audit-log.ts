import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';
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

/** The hashed fields but the chain position, which is known only once the chain's head is locked. */
type Unplaced = Omit<HashedFields, 'chainSeq' | 'prevHash'>;

/**
 * canonicalJson of the fields with holes for chainSeq and prevHash: [before chainSeq, between, after prevHash].
 * The statement that holds the head fills them in, so the hash is computed where the position is known.
 */
export function hashTemplate(u: Unplaced): [string, string, string] {
  const HOLES = { chainSeq: 0, prevHash: 1 } as const;
  const out: string[] = [''];
  const keys = Object.keys({ ...u, ...HOLES }).sort();
  keys.forEach((key, i) => {
    const sep = i === 0 ? '{' : ',';
    if (key in HOLES) {
      out[out.length - 1] += `${sep}${JSON.stringify(key)}:`;
      out.push('');
    } else {
      out[out.length - 1] += `${sep}${JSON.stringify(key)}:${canonicalJson((u as unknown as Record<string, unknown>)[key])}`;
    }
  });
  out[out.length - 1] += '}';
  return out as [string, string, string];
}

/** One audit event ready to be placed on its chain: its fields, its hash template and its domain event. */
interface PreparedAudit {
  chain: string;
  fields: Unplaced;
  template: [string, string, string];
  publish: boolean;
  eventData: EventData;
}

/** `addsRows` false: the change cannot lengthen any list (an update of one row), so the list bounds need no new count. */
function prepareAudit(ctx: RequestContext, input: AuditInput, addsRows = true): PreparedAudit {
  const chain = chainOf(input.namndCode);
  if (ctx.touched && addsRows) {
    if (input.plan) ctx.touched.plans.add(input.plan.id);
    else ctx.touched.cityWide = true;
  }
  const fields: Unplaced = {
    chain,
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
  const publish = input.publish !== false;
  const changed = publish ? changedFields(fields.changes) : undefined;
  const eventData: EventData = {
    ...(fields.fromState !== null ? { fromState: fields.fromState } : {}),
    ...(fields.toState !== null ? { toState: fields.toState } : {}),
    ...(changed ? { changedFields: changed } : {}),
    ...(input.plan ? { planId: input.plan.id, year: input.plan.year } : {}),
    ...(input.eventData ?? {}),
  };
  return { chain, fields, template: hashTemplate(fields), publish, eventData };
}

/** The values an appended event binds, in this order (a cached statement takes them as parameters). */
const APPEND_VALUES = ['at', 't0', 't1', 't2', 'actor', 'action', 'entityType', 'entityId', 'namndCode', 'fromState', 'toState', 'reason', 'changes', 'requestId', 'chain', 'eventData'] as const;
type AppendParams = Record<(typeof APPEND_VALUES)[number], SQL>;
export const APPEND_ARITY = APPEND_VALUES.length;

/** A prepared event's values, in APPEND_VALUES' order. */
function appendValues(a: PreparedAudit): unknown[] {
  const f = a.fields;
  const [t0, t1, t2] = a.template;
  const v = {
    at: f.occurredAt.toISOString(), t0, t1, t2, actor: f.actor, action: f.action, entityType: f.entityType, entityId: f.entityId,
    namndCode: f.namndCode, fromState: f.fromState, toState: f.toState, reason: f.reason,
    changes: f.changes === null ? null : JSON.stringify(f.changes), requestId: f.requestId, chain: a.chain, eventData: JSON.stringify(a.eventData),
  };
  return APPEND_VALUES.map((k) => v[k]);
}

/** Parameters (in APPEND_VALUES' order) by name. */
export const appendParams = (p: SQL[]): AppendParams => Object.fromEntries(APPEND_VALUES.map((k, i) => [k, p[i]])) as AppendParams;

/**
 * The CTEs that append an event after the head `h` (seq, hash; no row for a chain not begun): `x` places it and
 * hashes it (the template around the position), `ev` stores it, `de` queues its domain event (when published),
 * `hd` moves the head. `source` is a CTE with the entity's `version` and one row when the change happened (none:
 * nothing is appended).
 */
function appendSql(publish: boolean, v: AppendParams, source: SQL): SQL {
  const outbox = publish
    ? sql`, de as (
      ${insertDomainEvents(sql`select ${v.action}::text, ${v.namndCode}::text, ${v.entityType}::text, ${v.entityId}::text, x.version, ${v.at}::timestamptz,
        ${v.eventData}::jsonb from x`)}
      returning 1)`
    : sql``;
  return sql`x as (
      select s.version, coalesce(h.seq, 0) + 1 as chain_seq, nullif(h.hash, '') as prev_hash,
        encode(sha256(convert_to(${v.t0}::text || (coalesce(h.seq, 0) + 1)::text || ${v.t1}::text
          || coalesce(to_json(nullif(h.hash, ''))::text, 'null') || ${v.t2}::text, 'UTF8')), 'hex') as hash
      from ${source} s left join h on true),
    ev as (
      insert into ${auditEvents} (occurred_at, actor, action, entity_type, entity_id, namnd_code, from_state,
        to_state, reason, changes, request_id, chain, chain_seq, prev_hash, hash)
      select ${v.at}::timestamptz, ${v.actor}::text, ${v.action}::text, ${v.entityType}::text, ${v.entityId}::text, ${v.namndCode}::text,
        ${v.fromState}::text, ${v.toState}::text, ${v.reason}::text, ${v.changes}::jsonb, ${v.requestId}::text,
        ${v.chain}::text, x.chain_seq, x.prev_hash, x.hash from x
      returning 1)${outbox},
    hd as (
      insert into audit_chain_heads (chain, seq, hash) select ${v.chain}::text, x.chain_seq, x.hash from x
      on conflict (chain) do update set seq = excluded.seq, hash = excluded.hash
      returning 1)`;
}

const valuesAsParams = (a: PreparedAudit): AppendParams => appendParams(appendValues(a).map((x) => sql`${x}`));

/**
 * Makes sure the chain has a head (seq 0) before a statement locks it: a concurrent first insert waits for the
 * other's commit and then does nothing, so two "first" events of a chain cannot both take seq 1.
 */
export async function beginChain(db: DbOrTx, chain: string): Promise<void> {
  await db.execute(sql`insert into audit_chain_heads (chain, seq, hash) values (${chain}, 0, '') on conflict (chain) do nothing`);
}

/** The chain's head, locked for the rest of the transaction (orders one nämnd's writers; others write in parallel). */
const lockedHead = (chain: SQL, when: SQL = sql`true`) =>
  sql`h as (select seq, hash from audit_chain_heads where chain = ${chain}::text and ${when} for update)`;

/**
 * Appends one audit event inside the caller's transaction, and in the same statement its domain event to the outbox
 * (type = the action), so a change, its audit event and its outgoing event commit or vanish together. The head is
 * first created if missing and locked, which makes a chain's first event safe against a concurrent one.
 */
export async function recordAudit(tx: DbOrTx, ctx: RequestContext, input: AuditInput): Promise<void> {
  const a = prepareAudit(ctx, input);
  await beginChain(tx, a.chain);
  const v = valuesAsParams(a);
  await tx.execute(sql`with ${lockedHead(v.chain)}, s as (select ${input.entityVersion}::int as version),
    ${appendSql(a.publish, v, sql`s`)} select 1`);
}

/**
 * One audited change in ONE statement: `change` is a CTE body (an UPDATE … RETURNING *) named `r`; the head is
 * locked only after it has run (so locks are taken in the order every writer takes them: the entity, then the
 * head), the event is appended only when it changed a row, and the statement ends with `select`. The event's values
 * are parameters `v` (appendParams), so that the statement's text can be rendered once per shape.
 * Outside a transaction this is the whole transaction; a chain's very first event can meet another one, which the
 * unique (chain, seq) refuses: the caller retries once (`isFirstEventRace`).
 */
export function auditedChangeSql(publish: boolean, v: AppendParams, change: SQL, select: SQL): SQL {
  return sql`with r as (${change}),
    ${lockedHead(v.chain, sql`exists (select 1 from r)`)},
    ${appendSql(publish, v, sql`r`)}
    ${select}`;
}

/** An audit input made ready for auditedChangeSql: whether it is published, and its values (appendValues). */
export function preparedAudit(ctx: RequestContext, input: AuditInput, addsRows: boolean): { publish: boolean; values: unknown[] } {
  const a = prepareAudit(ctx, input, addsRows);
  return { publish: a.publish, values: appendValues(a) };
}

/** The unique (chain, seq) refused a second "first" event of a chain: retrying finds the head the first one made. */
export function isFirstEventRace(err: unknown): boolean {
  const cause = ((err as { cause?: unknown }).cause ?? err) as { code?: string; constraint?: string; message?: string };
  return cause?.code === '23505' && (cause.constraint === 'audit_events_chain_seq_unique' || !!cause.message?.includes('audit_events_chain_seq_unique'));
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
