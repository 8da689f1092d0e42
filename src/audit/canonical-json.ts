/** Canonical JSON (sorted keys, no whitespace, ISO dates): the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : normalize(v)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalize(v);
    }
    return out;
  }
  return value;
}

/** A JSON-safe copy (Dates as ISO strings), as jsonb will give it back. */
export function jsonSafe<T>(value: T): unknown {
  return value === undefined ? null : normalize(value);
}
