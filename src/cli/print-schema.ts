import fs from 'node:fs';
import { printSchema } from 'graphql';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createDatabase } from '../db/client.js';

// Writes the committed schema.graphql from the schema the server really serves; a test fails when they drift.
const database = await createDatabase({});
const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(32) }), { database });
fs.writeFileSync(new URL('../../schema.graphql', import.meta.url), printSchema(app.graphql.schema) + '\n');
await app.close();
await database.close();
console.log('schema.graphql written');
