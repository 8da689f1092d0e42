import type { Tx } from '../../db/client.js';
import { canonicalJson } from '../../audit/canonical-json.js';
import type { RequestContext } from '../../audit/audit-log.js';
import type { ControlRow } from '../plans/index.js';
import { vorWrites } from '../vor/index.js';
import type { VorRow } from './vor-import.rows.js';
import type { ImportTree } from './vor-import.tree.js';
import { groupBy } from '../../lib/collections.js';

/**
 * REPLACE: the file is the plan's VoR. Rows are matched to risks by number; a risk whose values or place changed is
 * updated, a new number is created, a number the file no longer has is deleted with its controls and activities.
 * Working methods and processes the import leaves empty go too, never a mandatory one (R5). Controls and activities
 * follow the file only where it states them (the columns are optional). Every update and delete goes through the
 * vor module's own writes, so each is audited as `risk.update` (only the changed fields), `risk.delete`, … exactly
 * as the mutations are; what is unchanged is not written at all.
 */
export async function replaceRows(tx: Tx, ctx: RequestContext, tree: ImportTree, rows: VorRow[]): Promise<void> {
  const { plan, content, log } = tree;
  const inFile = new Set(rows.map((r) => r.nr));
  const controlsOf = groupBy(content.controls, (c) => c.riskId);
  const activitiesOf = groupBy(content.activities, (a) => a.controlId);
  // A deleted row's children go by ON DELETE CASCADE, audited with their parent as deleteRisk does; the diff counts them.
  const cascade = (c: ControlRow, nr: number) => {
    log.note('deleted', 'controls', c.id, nr);
    for (const a of activitiesOf.get(c.id) ?? []) log.note('deleted', 'controlActivities', a.id, nr);
  };

  for (const risk of content.risks) {
    if (inFile.has(risk.nr)) continue;
    for (const c of controlsOf.get(risk.id) ?? []) cascade(c, risk.nr);
    await vorWrites.remove(tx, ctx, 'risk', plan, risk);
    log.note('deleted', 'risks', risk.id, risk.nr);
  }

  // The file holds one control per risk and one activity per control: the one with the file's text is kept (else the
  // first, its text updated), the others are deleted; an empty cell (null) deletes them all.
  const keepOne = async <C extends { id: string; planId: string; version: number; description: string }>(
    kind: 'control' | 'controlActivity',
    existing: C[],
    text: string | null,
    nr: number,
    deleting: (c: C) => void,
  ): Promise<C | undefined> => {
    const kept = text === null ? undefined : (existing.find((c) => c.description === text) ?? existing[0]);
    for (const c of existing) {
      if (c === kept) continue;
      deleting(c);
      await vorWrites.remove(tx, ctx, kind, plan, c);
    }
    if (kept && text !== null && kept.description !== text) {
      await vorWrites.update(tx, ctx, kind, plan, kept, { description: text });
      log.note('updated', kind === 'control' ? 'controls' : 'controlActivities', kept.id, nr);
    }
    return kept;
  };

  const byNr = new Map(content.risks.map((r) => [r.nr, r]));
  const wmsHolding = new Set<string>();
  const processesHolding = new Set<string>();
  for (const r of rows) {
    const wm = await tree.place(r);
    wmsHolding.add(wm.id);
    processesHolding.add(wm.processId);
    const before = byNr.get(r.nr);
    if (!before) {
      await tree.insertRisk(r, wm.id);
      continue;
    }
    const override = tree.override(r);
    const patch = changed(before, {
      title: r.title,
      likelihood: r.likelihood,
      consequence: r.consequence,
      ikpOverride: override,
      // Without a motivation column an override keeps the motivation written since (GraphQL).
      ikpMotivation: override ? (r.motivation === undefined ? before.ikpMotivation : r.motivation) : null,
      workingMethodId: wm.id,
    });
    if (patch) {
      await vorWrites.update(tx, ctx, 'risk', plan, before, patch);
      log.note('updated', 'risks', before.id, r.nr);
    }
    if (r.control === undefined) continue;
    const control = await keepOne('control', controlsOf.get(before.id) ?? [], r.control, r.nr, (c) => cascade(c, r.nr));
    if (r.control === null) continue;
    if (!control) {
      await tree.insertControl(r, before.id, r.control);
      continue;
    }
    if (r.activity === undefined) continue;
    const activity = await keepOne('controlActivity', activitiesOf.get(control.id) ?? [], r.activity, r.nr, (x) => log.note('deleted', 'controlActivities', x.id, r.nr));
    if (r.activity !== null && !activity) await tree.insertActivity(r, control.id, r.activity);
  }

  // Emptied by this import: a working method that held risks and holds none now, then a process whose every working
  // method went so. Ones that were empty before (just created in GraphQL, say) and mandatory ones stay.
  const risksIn = groupBy(content.risks, (r) => r.workingMethodId);
  const removed = new Set<string>();
  for (const wm of content.workingMethods) {
    const held = risksIn.get(wm.id);
    if (!held?.length || wmsHolding.has(wm.id) || wm.mandatoryWorkingMethodId !== null) continue;
    await vorWrites.remove(tx, ctx, 'workingMethod', plan, wm);
    log.note('deleted', 'workingMethods', wm.id, ...held.map((r) => r.nr));
    removed.add(wm.id);
  }
  const wmsOf = groupBy(content.workingMethods, (w) => w.processId);
  for (const p of content.processes) {
    const wms = wmsOf.get(p.id) ?? [];
    if (p.mandatoryProcessId !== null || processesHolding.has(p.id) || !wms.length || !wms.every((w) => removed.has(w.id))) continue;
    await vorWrites.remove(tx, ctx, 'process', plan, p);
    log.note('deleted', 'processes', p.id, ...wms.flatMap((w) => (risksIn.get(w.id) ?? []).map((r) => r.nr)));
  }
}

/** The wanted values that differ from the row's, or null when none does. */
function changed(row: Record<string, unknown>, wanted: Record<string, unknown>): Record<string, unknown> | null {
  const patch = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => canonicalJson(row[k]) !== canonicalJson(v)));
  return Object.keys(patch).length ? patch : null;
}

