// The mandatory process kept whole (issue 14.4): which catalogue entry a name stands for, and who may change what
// createPlan put in place. R5 (rule-violations.ts), the VoR writes and the imports all match names with these.
import type { Actor } from '../../auth/actor.js';
import { AppError } from '../../errors.js';
import type { MandatoryProcessRow } from '../goals/index.js';

/** Documents spell names loosely: compare case- and whitespace-insensitively, ignoring trailing punctuation. */
export const normalizeName = (s: string) => s.toLocaleLowerCase('sv').replace(/\s+/g, ' ').replace(/[.:;,]+$/, '').trim();

export function matchesName(name: string, candidate: { name: string; aliases: string[] }): boolean {
  const n = normalizeName(name);
  return [candidate.name, ...candidate.aliases].some((a) => normalizeName(a) === n);
}

type MandatoryWorkingMethodRow = MandatoryProcessRow['workingMethods'][number];

/** The catalogue entry a process name stands for (its name or an alias, case- and whitespace-insensitively). */
export const mandatoryProcessNamed = (name: string, catalogue: readonly MandatoryProcessRow[]): MandatoryProcessRow | undefined =>
  catalogue.find((m) => matchesName(name, m));

/** The mandatory working method of `mp` a working method name stands for. */
export const mandatoryWorkingMethodNamed = (name: string, mp: MandatoryProcessRow | undefined): MandatoryWorkingMethodRow | undefined =>
  mp?.workingMethods.find((w) => matchesName(name, w));

/** A plan's process (or working method) that already holds a catalogue entry: linked to it, or named like it. */
export function holderOf<T extends { id: string; name: string }>(rows: readonly T[], entry: { id: string; name: string; aliases: string[] }, linkOf: (r: T) => string | null): T | undefined {
  return rows.find((r) => linkOf(r) === entry.id || matchesName(r.name, entry));
}

export class MandatoryProtectedError extends AppError {
  constructor(entityType: string, name: string, what: string) {
    super('MANDATORY_PROTECTED', `${entityType} "${name}" is mandatory for every nämnd (R5): only an admin may ${what} it`, 403, { entityType, name });
  }
}

export class MandatoryAlreadyPresentError extends AppError {
  constructor(entityType: string, name: string, holderId: string) {
    super('MANDATORY_ALREADY_PRESENT', `The plan already has the mandatory ${entityType === 'Process' ? 'process' : 'working method'} "${name}": a second one matching it cannot be added`, 409, { entityType, name, existingId: holderId });
  }
}

/** Editors keep the mandatory process and its working methods as createPlan made them; admins may change them. */
export function guardMandatory(actor: Actor, row: { name: string; linked: boolean }, entityType: string, what: string): void {
  if (row.linked && !actor.admin) throw new MandatoryProtectedError(entityType, row.name, what);
}
