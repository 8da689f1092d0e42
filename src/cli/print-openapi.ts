import fs from 'node:fs';
import YAML from 'yaml';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createDatabase } from '../db/client.js';

// Writes the committed openapi/openapi.yaml from the document the server really serves; a test fails when they drift.
const database = await createDatabase({});
const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(32) }), { database });
await app.ready();
const target = new URL('../../openapi/openapi.yaml', import.meta.url);
fs.mkdirSync(new URL('.', target), { recursive: true });
// No YAML anchors: the file is read by people and by tools that handle aliases badly.
fs.writeFileSync(target, YAML.stringify(app.swagger(), { aliasDuplicateObjects: false, lineWidth: 120 }));
await app.close();
await database.close();
console.log('openapi/openapi.yaml written');
