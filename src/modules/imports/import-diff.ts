/** The entity kinds an import writes, as the report names them. */
export const IMPORT_KINDS = ['processes', 'workingMethods', 'risks', 'controls', 'controlActivities'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type ImportChangeKind = 'created' | 'updated' | 'deleted';

/** How many entities of a kind, and the numbers of the risks they concern (sorted, each once). */
export interface ImportChange {
  count: number;
  riskNumbers: number[];
}
export type ImportChanges = Record<ImportKind, ImportChange>;
export type ImportDiff = Record<ImportChangeKind, ImportChanges>;

/** Collects what an import does, entity by entity, into the report's diff. */
export class ImportChangeLog {
  private readonly entries = new Map<string, Map<string, Set<number>>>();

  /** One entity changed; each call may add a risk number it concerns. */
  note(change: ImportChangeKind, kind: ImportKind, id: string, ...riskNumbers: number[]): void {
    const key = `${change}|${kind}`;
    const byId = this.entries.get(key) ?? new Map<string, Set<number>>();
    this.entries.set(key, byId);
    const nrs = byId.get(id) ?? new Set<number>();
    byId.set(id, nrs);
    for (const nr of riskNumbers) nrs.add(nr);
  }

  has(change: ImportChangeKind, kind: ImportKind, id: string): boolean {
    return this.entries.get(`${change}|${kind}`)?.has(id) ?? false;
  }

  diff(): ImportDiff {
    const changes = (change: ImportChangeKind) =>
      Object.fromEntries(
        IMPORT_KINDS.map((kind) => {
          const byId = this.entries.get(`${change}|${kind}`) ?? new Map<string, Set<number>>();
          const nrs = new Set([...byId.values()].flatMap((s) => [...s]));
          return [kind, { count: byId.size, riskNumbers: [...nrs].sort((a, b) => a - b) }];
        }),
      ) as ImportChanges;
    return { created: changes('created'), updated: changes('updated'), deleted: changes('deleted') };
  }
}
