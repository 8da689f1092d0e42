import t from 'tap';
import { isJson } from '../src/graphql/request-shape.js';

// The quick refusal of what cannot be JSON must agree with JSON.parse on every input.
t.test('isJson agrees with JSON.parse', async (t) => {
  const cases = ['{ me { sub } }', '{}', '{ }', '{"a":1}', '{ "kind": "Document" }', 'query { me { sub } }', 'mutation { x }', 'fragment F on T { a }',
    'true', 'false', 'null', 'nul', 'truex', 'f', '[1]', '[', '"x"', '"', '-1', '12', '1e5', '', ' ', '{', 'subscription { a }', '{\n"a": 1}', '{\t}'];
  const parses = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  for (const c of cases) t.equal(isJson(c), parses(c), JSON.stringify(c));
});
