import { asc, eq, sql } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { auditEvents } from '../../src/db/schema/index.js';
import { hashEvent } from '../../src/audit/audit-log.js';
import { gqlOk, testConfig } from '../helper.js';

const CREATE = `mutation($input: CreateNamndInput!) { createNamnd(input: $input) { id version } }`;
export const UPDATE_NAMND = `mutation($input: UpdateNamndInput!) { updateNamnd(input: $input) { version } }`;

/** Three chains of three events each: created, then renamed twice. */
export async function writeHistory(database: Database) {
  const app = await buildApp(testConfig(), { database });
  for (const code of ['N1', 'N2', 'N3']) {
    const { createNamnd } = await gqlOk(app, CREATE, { input: { code, name: `Nämnd ${code}` } });
    let version = createNamnd.version;
    for (const n of [2, 3]) {
      version = (await gqlOk(app, UPDATE_NAMND, { input: { id: createNamnd.id, version, name: `Nämnd ${code} v${n}` } })).updateNamnd.version;
    }
  }
  await app.close();
}

/**
 * The database owner's full rewrite: switch the append-only trigger off, alter one event, recompute its hash and
 * every later one with the service's own hashEvent, move the chain head to match, switch the trigger on again.
 */
export async function ownerRewrite(database: Database, chain: string, seq: number) {
  const db = database.db;
  await db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
  await db.execute(sql`update audit_events set reason = 'nothing to see' where chain = ${chain} and chain_seq = ${seq}`);
  const rows = await db.select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.chainSeq));
  let prevHash: string | null = null;
  for (const { id, hash: _old, ...fields } of rows) {
    const hash = hashEvent({ ...fields, prevHash });
    await db.execute(sql`update audit_events set prev_hash = ${prevHash}, hash = ${hash} where id = ${id}`);
    prevHash = hash;
  }
  await db.execute(sql`update audit_chain_heads set hash = ${prevHash} where chain = ${chain}`);
  await db.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
}
