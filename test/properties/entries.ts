import { SUBJECT_NAMND } from '../authz/callers.js';

/**
 * Operations whose input the property tests corrupt. Add an entry with every new mutation (and every query that
 * takes a free-form argument): a valid input, and the top-level fields to corrupt one at a time. The harness checks
 * that each corrupted call is either accepted, or refused with a 4xx / VALIDATION_FAILED naming the field and with
 * nothing written; never a 500.
 */
export interface PropertyContext {
  namnd(code: string): Promise<{ id: string; version: number }>;
  unique(): string;
}

export interface InputEntry {
  /** The operation; its input is the variable `$input` (or the one `variable` names). */
  document: string;
  variable?: string;
  /** Roles of the caller (one allowed to do it, so that refusals come from validation, not authorization). */
  roles: string[];
  valid(ctx: PropertyContext): Promise<unknown> | unknown;
  /** Fields of the input object to corrupt one at a time; for a scalar `$input`, the one argument it fills. */
  fields: string[];
  /** `$input` is a scalar argument, replaced whole. */
  scalar?: boolean;
}

export const inputEntries: Record<string, InputEntry> = {
  createNamnd: {
    document: 'mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id code name } }',
    roles: ['admin'],
    valid: (ctx) => ({ code: `P${ctx.unique()}`, name: 'Egendomsnämnden', kind: 'NAMND', forvaltning: 'Egendomsförvaltningen' }),
    fields: ['code', 'name', 'kind', 'forvaltning'],
  },
  updateNamnd: {
    document: 'mutation($input: UpdateNamndInput!) { updateNamnd(input: $input) { id version } }',
    roles: ['admin'],
    valid: async (ctx) => {
      const sn = await ctx.namnd(SUBJECT_NAMND);
      return { id: sn.id, version: sn.version, name: 'Servicenämnden', kind: 'NAMND', forvaltning: 'Serviceförvaltningen' };
    },
    fields: ['id', 'version', 'name', 'kind', 'forvaltning'],
  },
  namnd: {
    document: 'query($code: String!) { namnd(code: $code) { id } }',
    variable: 'code',
    roles: ['viewer:*'],
    valid: () => SUBJECT_NAMND,
    fields: ['code'],
    scalar: true,
  },
  auditEvents: {
    document: 'query($input: AuditEventFilter) { auditEvents(filter: $input, first: 10) { nodes { id } } }',
    roles: ['auditor'],
    valid: () => ({ namndCode: SUBJECT_NAMND, action: 'namnd.create' }),
    fields: ['entityType', 'entityId', 'namndCode', 'actor', 'action', 'from', 'to'],
  },
};
