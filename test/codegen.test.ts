import t from 'tap';
import fs from 'node:fs';
import { generateResolverTypes, typesFile } from '../src/cli/codegen.js';

t.test('the committed resolver types are what schema.graphql generates', async (t) => {
  const committed = fs.readFileSync(typesFile, 'utf8');
  t.equal(await generateResolverTypes(), committed, 'resolvers-types.ts is stale: run `npm run codegen` and commit it');
});
