// Who is calling, and what their token's roles allow. Roles come from the JWT (DOMAIN.md, "Who may do what").

export type NamndRole = 'viewer' | 'editor' | 'approver';
const RANK: Record<NamndRole, number> = { viewer: 1, editor: 2, approver: 3 };

export const ALL = '*';

export class Actor {
  readonly admin: boolean;
  readonly auditor: boolean;
  readonly integration: boolean;
  /** nämnd code (or `*`) → the highest role held for it. */
  private readonly namndRoles = new Map<string, NamndRole>();

  constructor(
    readonly sub: string,
    readonly roles: readonly string[],
  ) {
    this.admin = roles.includes('admin');
    this.auditor = roles.includes('auditor');
    this.integration = roles.includes('integration');
    for (const role of roles) {
      const m = /^(viewer|editor|approver):(\*|[A-Za-z0-9_ÅÄÖåäö-]{1,32})$/.exec(role);
      if (!m) continue;
      const kind = m[1] as NamndRole;
      const code = m[2] === ALL ? ALL : m[2].toUpperCase();
      const held = this.namndRoles.get(code);
      if (!held || RANK[kind] > RANK[held]) this.namndRoles.set(code, kind);
    }
  }

  private has(code: string, min: NamndRole): boolean {
    const rank = (r: NamndRole | undefined) => (r ? RANK[r] : 0);
    const best = Math.max(rank(this.namndRoles.get(code.toUpperCase())), rank(this.namndRoles.get(ALL)));
    return best >= RANK[min];
  }

  /** May read every nämnd (city-wide lists). */
  get readsAll(): boolean {
    return this.admin || this.auditor || this.integration || this.namndRoles.has(ALL);
  }

  /** The nämnd codes this actor may read, or ALL. */
  readable(): typeof ALL | string[] {
    if (this.readsAll) return ALL;
    return [...this.namndRoles.keys()];
  }

  canRead(code: string): boolean {
    return this.readsAll || this.has(code, 'viewer');
  }

  canEdit(code: string): boolean {
    return this.admin || this.has(code, 'editor');
  }

  canApprove(code: string): boolean {
    return this.admin || this.has(code, 'approver');
  }

  get canReadAudit(): boolean {
    return this.admin || this.auditor;
  }
}

/** Roles may arrive as an array or as a space-separated string (OAuth `scope` style). */
export function rolesFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}
