import { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses input with a zod schema; failures become VALIDATION_FAILED with the field paths. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({
    path: [root, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
  throw new ValidationError(`Invalid ${root}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
}

// Shared field rules, so every module trims and bounds text the same way.
// PostgreSQL text cannot hold a NUL character (GraphQL refuses one at the door; REST parameters meet these helpers), and
// jsonb (the audit trail's changes) refuses a lone UTF-16 surrogate, which JSON can carry as "\ud800".
const noNul = (s: string) => !s.includes('\u0000');
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);
const WELL_FORMED = 'must be well-formed Unicode (a lone surrogate is not)';
export const text = (max = 2000) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`)
    .refine(noNul, 'must not contain a NUL character')
    .refine(wellFormed, WELL_FORMED);
export const optionalText = (max = 2000) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine(noNul, 'must not contain a NUL character')
    .refine(wellFormed, WELL_FORMED)
    .nullish()
    .transform((v) => (v ? v : null));
// Ids as the database stores and returns them (lower case), so a value compared or diffed before a write is exact.
export const uuid = () => z.uuid('must be an id from this API').toLowerCase();
export const year = () => z.number().int().min(2000, 'a year from 2000').max(2100, 'a year up to 2100');
export const version = () => z.number().int().min(1, 'the version you read (≥ 1)');
export const namndCode = () =>
  z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-ZÅÄÖ0-9_-]{1,32}$/, 'letters, digits, _ or -, at most 32');
