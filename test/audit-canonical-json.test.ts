import t from 'tap';
import crypto from 'node:crypto';
import { canonicalJson } from '../src/audit/canonical-json.js';
import { hashEvent } from '../src/audit/audit-log.js';

// Golden vectors: every stored audit hash was computed with this exact text. Any change to canonicalJson that alters
// a byte breaks verification of existing chains, so it must fail here first. Do not update these strings.
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

t.test('canonical JSON of a value with nested keys, unicode, numbers, nulls and arrays', async (t) => {
  const input = {
    zeta: [3, -0, 1.5e21, 0.1, null, undefined, 'ä', { b: 2, a: 1 }],
    alpha: { nested: { y: 'Nämnd "Servicenämnden"\n\t\u0001', x: null, skipped: undefined }, emoji: '🙂', empty: {}, list: [] },
    Beta: true,
    '10': 'ten',
    '2': 'two',
    date: new Date('2026-03-01T12:34:56.789Z'),
    num: 1e-7,
    int: 9007199254740991,
  };
  // Keys sorted by code unit (uppercase first); integer-like keys come first in numeric order, as JSON.stringify
  // emits them; undefined members dropped, undefined array items null; -0 as 0; dates as ISO strings.
  const expected =
    '{"2":"two","10":"ten","Beta":true,"alpha":{"emoji":"🙂","empty":{},"list":[],"nested":{"x":null,"y":"Nämnd \\"Servicenämnden\\"\\n\\t\\u0001"}},' +
    '"date":"2026-03-01T12:34:56.789Z","int":9007199254740991,"num":1e-7,"zeta":[3,0,1.5e+21,0.1,null,null,"ä",{"a":1,"b":2}]}';
  t.equal(canonicalJson(input), expected);
  t.equal(sha256(expected), 'c53acaa0174c5bab5a35ca46f18bb26507c378cebd165ccb7a13ce2fe020ddd4');
});

t.test('the hash of an audit event', async (t) => {
  const event = {
    chain: 'namnd:SN',
    chainSeq: 7,
    prevHash: 'a'.repeat(64),
    occurredAt: new Date('2026-03-01T12:34:56.789Z'),
    actor: 'editor@sn',
    action: 'risk.update',
    entityType: 'Risk',
    entityId: '00000000-0000-4000-8000-000000000001',
    namndCode: 'SN',
    fromState: null,
    toState: null,
    reason: 'Ändrad bedömning',
    changes: { likelihood: { before: 2, after: 4 } },
    requestId: 'req-1',
  };
  t.equal(
    canonicalJson(event),
    '{"action":"risk.update","actor":"editor@sn","chain":"namnd:SN","chainSeq":7,"changes":{"likelihood":{"after":4,"before":2}},' +
      '"entityId":"00000000-0000-4000-8000-000000000001","entityType":"Risk","fromState":null,"namndCode":"SN","occurredAt":"2026-03-01T12:34:56.789Z",' +
      `"prevHash":"${'a'.repeat(64)}","reason":"Ändrad bedömning","requestId":"req-1","toState":null}`,
  );
  t.equal(hashEvent(event), '18075203d7227191344d2dc44461472db81bf399edf60f383d41daa3620150f6');
});
