import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import t from 'tap';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

// The architecture rules (.dependency-cruiser.cjs, run by `npm run arch` in .ci/run) hold for src/, and fail on
// planted violations: a cycle, a reach into another module's internals, a lower layer importing a module, a service
// querying the tables.
const root = path.resolve(import.meta.dirname, '..');
const config = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs'));

async function violations(baseDir: string): Promise<{ rule: string; from: string; to: string }[]> {
  const tsConfig = extractTSConfig(path.join(root, 'tsconfig.json'));
  const cwd = process.cwd();
  process.chdir(baseDir);
  try {
    const result = await cruise(['src'], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, tsConfig: { fileName: path.join(root, 'tsconfig.json') } }, {}, { tsConfig });
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  } finally {
    process.chdir(cwd);
  }
}

function plant(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-arch-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
  return dir;
}

t.test('src/ follows every rule', async (t) => {
  t.same(await violations(root), []);
});

t.test('a planted cycle between two modules fails the check', async (t) => {
  const dir = plant({
    'src/modules/alpha/index.ts': "import { b } from '../beta/index.js';\nexport const a = () => b;\n",
    'src/modules/beta/index.ts': "import { a } from '../alpha/index.js';\nexport const b = () => a;\n",
  });
  const found = await violations(dir);
  t.ok(found.some((v) => v.rule === 'no-circular' && v.from === 'src/modules/alpha/index.ts'), 'no-circular names the cycle');
});

t.test('reaching into internals, lower layers importing modules, services querying tables: each fails', async (t) => {
  const dir = plant({
    'src/db/schema/index.ts': 'export const plans = {};\n',
    'src/modules/alpha/alpha.service.ts': "import { plans } from '../../db/schema/index.js';\nexport const s = plans;\n",
    'src/modules/alpha/alpha.repository.ts': "import { plans } from '../../db/schema/index.js';\nexport const r = plans;\n",
    'src/modules/alpha/index.ts': "export { s } from './alpha.service.js';\nexport { r } from './alpha.repository.js';\n",
    'src/modules/beta/index.ts': "import { s } from '../alpha/alpha.service.js';\nexport const b = s;\n",
    'src/lib/helper.ts': "import { b } from '../modules/beta/index.js';\nexport const h = b;\n",
  });
  const found = await violations(dir);
  const has = (rule: string, from: string) => found.some((v) => v.rule === rule && v.from === from);
  t.ok(has('modules-only-through-index', 'src/modules/beta/index.ts'), 'another module’s internals');
  t.ok(has('lower-layers-do-not-import-modules', 'src/lib/helper.ts'), 'lib importing a module');
  t.ok(has('tables-only-in-repositories', 'src/modules/alpha/alpha.service.ts'), 'a service importing the tables');
  t.notOk(has('tables-only-in-repositories', 'src/modules/alpha/alpha.repository.ts'), 'a repository may');
});
