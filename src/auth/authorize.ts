import { ForbiddenError } from '../errors.js';
import type { Actor } from './actor.js';

// The "may this actor do this to that nämnd" checks used by every service.

export function requireAdmin(actor: Actor): void {
  if (!actor.admin) throw new ForbiddenError('Only an admin may do this');
}

export function requireRead(actor: Actor, namndCode: string): void {
  if (!actor.canRead(namndCode)) throw new ForbiddenError(`You may not read nämnd ${namndCode}`);
}

export function requireEdit(actor: Actor, namndCode: string): void {
  if (!actor.canEdit(namndCode)) throw new ForbiddenError(`You may not edit nämnd ${namndCode}'s plans`);
}

export function requireApprove(actor: Actor, namndCode: string): void {
  if (!actor.canApprove(namndCode)) {
    throw new ForbiddenError(`Only an approver of ${namndCode} or an admin may do this`);
  }
}

export function requireAuditReader(actor: Actor): void {
  if (!actor.canReadAudit) throw new ForbiddenError('Only an auditor or an admin may read the audit trail');
}
