import t from 'tap';
import fs from 'node:fs';
import YAML from 'yaml';
import { buildTestApp } from './helper.js';
import { DATASET_NAMES } from '../src/modules/exports/export-datasets.js';

const { app } = await buildTestApp(t);

t.test('the committed openapi/openapi.yaml is what the server serves', async (t) => {
  const res = await app.inject('/openapi.json');
  t.equal(res.statusCode, 200, 'public: no token needed');
  const served = res.json();
  const committed = YAML.parse(fs.readFileSync(new URL('../openapi/openapi.yaml', import.meta.url), 'utf8'));
  t.same(served, committed, 'openapi/openapi.yaml is stale: run `npm run openapi:print` and commit it');
  t.equal(served.openapi, '3.1.0');
});

t.test('the document describes every export in both formats, with its row schema and errors', async (t) => {
  const doc = (await app.inject('/openapi.json')).json();
  for (const name of DATASET_NAMES) {
    for (const suffix of ['.csv', '.json', '']) {
      const op = doc.paths[`/api/v1/exports/${name}${suffix}`]?.get;
      t.ok(op, `${name}${suffix} is documented`);
      t.same(op.security, [{ bearerAuth: [] }]);
      t.ok(op.responses['400'] && op.responses['401'] && op.responses['403'], `${name}${suffix} documents its errors`);
    }
  }
  const risks = doc.paths['/api/v1/exports/risks.json'].get;
  t.same(risks.parameters.map((p: { name: string }) => p.name), ['year', 'namnd', 'updatedSince', 'updatedBefore', 'createdSince', 'createdBefore', 'top', 'cursor']);
  t.equal(risks.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/RisksExportPage');
  const row = doc.components.schemas.RisksExportRow;
  t.equal(Object.keys(row.properties)[0], 'risk_id');
  t.same(row.properties.in_ikp.type, 'boolean');
  t.ok(doc.paths['/api/v1/exports/risks.csv'].get.responses['200'].content['text/csv']);
  t.notOk(Object.keys(doc.paths).some((p) => !p.startsWith('/api/')), 'only the REST API is in the document');
});

t.test('Swagger UI is served at /docs without a token', async (t) => {
  const res = await app.inject('/docs');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  const spec = await app.inject('/docs/json');
  t.equal(spec.statusCode, 200);
  t.equal(spec.json().openapi, '3.1.0');
});
