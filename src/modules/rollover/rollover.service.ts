import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { recordAudit, type RequestContext } from '../../audit/audit-log.js';
import { requireAdmin } from '../../auth/authorize.js';
import { AppError, NotFoundError } from '../../errors.js';
import { namndCode, parseInput, year } from '../../lib/validate.js';
import { carryOverActions } from '../follow-ups/index.js';
import { goalRepository } from '../goals/index.js';
import { insertPlan, mandatoryProcessNamed, mandatoryWorkingMethodNamed, PlanNotEditableError, planRepository, type PlanWithNamnd } from '../plans/index.js';
import { rolloverRepository } from './rollover.repository.js';

export const rolloverInput = z
  .object({
    fromYear: year(),
    toYear: year(),
    namndCode: namndCode().nullish(),
  })
  .refine((i) => i.toYear > i.fromYear, { message: 'must be after fromYear', path: ['toYear'] });

export interface KindCount {
  created: number;
  skipped: number;
}

export const ENTITY_KINDS = ['plan', 'processes', 'workingMethods', 'risks', 'controls', 'controlActivities', 'actions'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface NamndRolloverReport {
  namndCode: string;
  fromPlanId: string;
  planId: string | null;
  created: number;
  skipped: number;
  counts: Record<EntityKind, KindCount>;
  /** Set when this nämnd's rollover was refused; nothing was written for it. */
  error: { code: string; message: string } | null;
}

export interface RolloverReport {
  fromYear: number;
  toYear: number;
  goals: KindCount;
  namnder: NamndRolloverReport[];
  created: number;
  skipped: number;
  failed: number;
}

const emptyCounts = () => Object.fromEntries(ENTITY_KINDS.map((k) => [k, { created: 0, skipped: 0 }])) as Record<EntityKind, KindCount>;

/**
 * The yearly rollover (DOMAIN.md "The year"): next year's draft plans from this year's. Every copy keeps the id it
 * came from (origin_id, origin_action_id), which is what makes a second run create nothing. One transaction per
 * nämnd, so one nämnd's problem (a missing goal, a taken risk number) leaves the others rolled over.
 */
export function createRolloverService(db: Db) {
  return {
    async rollover(ctx: RequestContext, raw: unknown): Promise<RolloverReport> {
      const input = parseInput(rolloverInput, raw);
      requireAdmin(ctx.actor);
      const sources = await planRepository.ofYear(db, input.fromYear, input.namndCode);
      if (input.namndCode && !sources.length) throw new NotFoundError('Plan', `${input.namndCode} ${input.fromYear}`);

      const goals = await db.transaction((tx) => copyGoals(tx, ctx, input.fromYear, input.toYear));
      const namndReports: NamndRolloverReport[] = [];
      for (const source of sources) {
        try {
          namndReports.push(await db.transaction((tx) => rollPlan(tx, ctx, source, input.toYear)));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          namndReports.push({ namndCode: source.namndCode, fromPlanId: source.id, planId: null, created: 0, skipped: 0, counts: emptyCounts(), error: { code: err.code, message: err.message } });
        }
      }
      const report: RolloverReport = {
        fromYear: input.fromYear,
        toYear: input.toYear,
        goals,
        namnder: namndReports,
        created: namndReports.reduce((s, r) => s + r.created, 0),
        skipped: namndReports.reduce((s, r) => s + r.skipped, 0),
        failed: namndReports.filter((r) => r.error).length,
      };
      await db.transaction((tx) =>
        recordAudit(tx, ctx, {
          action: 'rollover.run',
          entityType: 'Rollover',
          entityId: `${input.fromYear}-${input.toYear}`,
          namndCode: null,
          plan: null,
          // A run is not a versioned entity.
          entityVersion: null,
          changes: {
            after: {
              fromYear: input.fromYear,
              toYear: input.toYear,
              namndCode: input.namndCode ?? null,
              goals,
              namnder: namndReports.map((r) => ({ namndCode: r.namndCode, planId: r.planId, created: r.created, skipped: r.skipped, error: r.error?.code ?? null })),
            },
          },
        }),
      );
      return report;
    },
  };
}

/** Goals are the city's master data: last year's are copied only when the new year has none at all. */
async function copyGoals(tx: Tx, ctx: RequestContext, fromYear: number, toYear: number): Promise<KindCount> {
  const previous = await goalRepository.byYear(tx, fromYear);
  if ((await goalRepository.byYear(tx, toYear)).length) return { created: 0, skipped: previous.length };
  for (const g of previous) {
    const row = await goalRepository.insert(tx, { year: toYear, code: g.code, title: g.title, inriktningsmal: g.inriktningsmal });
    await recordAudit(tx, ctx, { action: 'goal.create', entityType: 'Goal', entityId: row.id, namndCode: null, plan: null, entityVersion: row.version, reason: `rollover from ${fromYear}`, changes: { after: row } });
  }
  return { created: previous.length, skipped: 0 };
}

async function rollPlan(tx: Tx, ctx: RequestContext, source: PlanWithNamnd, toYear: number): Promise<NamndRolloverReport> {
  const counts = emptyCounts();
  const carriedIds: string[] = [];
  const code = source.namndCode;

  let target = await planRepository.byNamndIdYear(tx, source.namndId, toYear, 'update');
  if (target) counts.plan.skipped++;
  else {
    // The nämnd keeps its threshold; the matrix is the city's current default, as for any new plan.
    const created = await insertPlan(tx, ctx, { id: source.namndId, code }, toYear, source.ikpThreshold);
    await planRepository.setOrigin(tx, created.id, source.id);
    target = { ...created, originPlanId: source.id };
    counts.plan.created++;
  }
  const planId = target.id;

  // One connection in a transaction: statements one after another.
  const src = await planRepository.content(tx, [source.id]);
  const dst = await planRepository.content(tx, [planId]);
  const newGoals = await goalRepository.byYear(tx, toYear);
  const mandatory = await goalRepository.mandatoryFor(tx, toYear);
  const earlier = await rolloverRepository.previouslyCarried(tx, planId);
  const goalByCode = new Map(newGoals.map((g) => [g.code, g]));
  const oldGoalCode = new Map(src.goals.map((g) => [g.id, g.code]));
  const missingGoals = [...new Set(src.processes.map((p) => oldGoalCode.get(p.goalId)!).filter((c) => !goalByCode.has(c)))];
  if (missingGoals.length) {
    throw new AppError('GOAL_MISSING', `${code}: goal(s) ${missingGoals.join(', ')} of ${toYear} do not exist, but last year's processes are under them: create them first`, 409, { goalCodes: missingGoals, year: toYear });
  }
  // The catalogue entry a row stands for in the new year: its link if the entry still exists, else its name (an
  // unlinked "Systematiskt informationssäkerhetsarbete" is the mandatory process too, and is not copied twice).
  const mandatoryOf = (p: { mandatoryProcessId: string | null; name: string }) =>
    mandatory.find((m) => m.id === p.mandatoryProcessId) ?? mandatoryProcessNamed(p.name, mandatory);
  const srcProcessById = new Map(src.processes.map((p) => [p.id, p]));
  const mandatoryWmOf = (w: { processId: string; mandatoryWorkingMethodId: string | null; name: string }) => {
    const source = srcProcessById.get(w.processId);
    const mp = source && mandatoryOf(source);
    return mp?.workingMethods.find((m) => m.id === w.mandatoryWorkingMethodId) ?? mandatoryWorkingMethodNamed(w.name, mp);
  };

  /**
   * Generic step for one level of the tree: rows already carried (by origin id) are skipped and mapped, rows whose
   * parent was not carried or was removed from the new plan are skipped, the rest are inserted in one statement.
   */
  async function carry<S extends { id: string }, N extends { id: string; originId: string | null }>(
    kind: EntityKind,
    sourceRows: S[],
    targetRows: N[],
    build: (row: S) => Record<string, unknown> | null,
    insert: (values: Record<string, unknown>[]) => Promise<{ id: string; originId: string | null }[]>,
    link?: (row: S) => Promise<string | null>,
  ): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const t of targetRows) if (t.originId) map.set(t.originId, t.id);
    const values: Record<string, unknown>[] = [];
    for (const row of sourceRows) {
      if (map.has(row.id) || earlier.has(row.id)) {
        counts[kind].skipped++;
        continue;
      }
      const linked = link ? await link(row) : null;
      if (linked) {
        map.set(row.id, linked);
        counts[kind].created++;
        carriedIds.push(row.id);
        continue;
      }
      const v = build(row);
      if (!v) {
        counts[kind].skipped++;
        continue;
      }
      values.push({ ...v, planId, originId: row.id });
    }
    if (values.length) {
      for (const r of await insert(values)) map.set(r.originId!, r.id);
      counts[kind].created += values.length;
      carriedIds.push(...values.map((v) => v.originId as string));
    }
    return map;
  }

  // A new plan already holds the mandatory process and its working methods (R5): link them instead of copying.
  const linkedProcesses = new Set<string>();
  const processMap = await carry(
    'processes',
    src.processes,
    dst.processes,
    (p) => ({ goalId: goalByCode.get(oldGoalCode.get(p.goalId)!)!.id, name: p.name, mandatoryProcessId: mandatoryOf(p)?.id ?? null, sortOrder: p.sortOrder }),
    (v) => rolloverRepository.insertCopies(tx, 'processes', v),
    async (p) => {
      const entry = mandatoryOf(p);
      const twin = entry && dst.processes.find((d) => d.mandatoryProcessId === entry.id && !d.originId && !linkedProcesses.has(d.id));
      if (!twin) return null;
      linkedProcesses.add(twin.id);
      await rolloverRepository.linkOrigin(tx, 'processes', twin.id, p.id);
      return twin.id;
    },
  );

  const linkedWms = new Set<string>();
  const wmMap = await carry(
    'workingMethods',
    src.workingMethods,
    dst.workingMethods,
    (w) => {
      const processId = processMap.get(w.processId);
      if (!processId) return null;
      const mwm = mandatoryWmOf(w)?.id ?? null;
      return { processId, name: w.name, mandatoryWorkingMethodId: mwm, sortOrder: w.sortOrder };
    },
    (v) => rolloverRepository.insertCopies(tx, 'workingMethods', v),
    async (w) => {
      const processId = processMap.get(w.processId);
      const entry = mandatoryWmOf(w);
      const twin = entry && dst.workingMethods.find((d) => d.processId === processId && d.mandatoryWorkingMethodId === entry.id && !d.originId && !linkedWms.has(d.id));
      if (!twin) return null;
      linkedWms.add(twin.id);
      await rolloverRepository.linkOrigin(tx, 'workingMethods', twin.id, w.id);
      return twin.id;
    },
  );

  // R6: a number someone already gave a new risk in the draft cannot be taken by a carried one.
  const takenNrs = new Set(dst.risks.map((r) => r.nr));
  const clashes: number[] = [];
  const riskMap = await carry(
    'risks',
    src.risks,
    dst.risks,
    (r) => {
      const workingMethodId = wmMap.get(r.workingMethodId);
      if (!workingMethodId) return null;
      if (takenNrs.has(r.nr)) clashes.push(r.nr);
      // Last year's values stay beside this year's, which start as a copy of them for the nämnd to reassess.
      return {
        workingMethodId,
        nr: r.nr,
        title: r.title,
        description: r.description,
        likelihood: r.likelihood,
        consequence: r.consequence,
        previousLikelihood: r.likelihood,
        previousConsequence: r.consequence,
        ikpOverride: r.ikpOverride,
        ikpMotivation: r.ikpMotivation,
      };
    },
    async (v) => {
      if (clashes.length) {
        throw new AppError('DUPLICATE_RISK_NUMBER', `${code}: risk number(s) ${clashes.join(', ')} are already taken in the ${toYear} plan by risks that did not come from ${source.year} (R6): renumber them first`, 409, { riskNumbers: clashes });
      }
      return rolloverRepository.insertCopies(tx, 'risks', v);
    },
  );

  const controlMap = await carry(
    'controls',
    src.controls,
    dst.controls,
    (c) => {
      const riskId = riskMap.get(c.riskId);
      return riskId ? { riskId, description: c.description, sortOrder: c.sortOrder } : null;
    },
    (v) => rolloverRepository.insertCopies(tx, 'controls', v),
  );

  await carry(
    'controlActivities',
    src.activities,
    dst.activities,
    (a) => {
      const controlId = controlMap.get(a.controlId);
      return controlId ? { controlId, description: a.description, responsible: a.responsible, periods: a.periods, frequency: a.frequency, sortOrder: a.sortOrder } : null;
    },
    (v) => rolloverRepository.insertCopies(tx, 'controlActivities', v),
  );

  // Open actions go on in the new year, in the state they are in, and end as CARRIED_OVER in the old plan (also
  // when that year is still running): each is open in exactly one place. Done and cancelled ones stay behind.
  const actionsCarried = await carryOverActions(tx, ctx, source, { id: planId, year: toYear }, earlier);
  counts.actions.created += actionsCarried.created;
  counts.actions.skipped += actionsCarried.skipped;
  carriedIds.push(...actionsCarried.carriedIds);

  const created = ENTITY_KINDS.reduce((s, k) => s + counts[k].created, 0);
  const skipped = ENTITY_KINDS.reduce((s, k) => s + counts[k].skipped, 0);
  if (created > 0) {
    // The VoR of an adopted plan is frozen: a rollover may only fill a draft.
    if (target.status !== 'DRAFT') throw new PlanNotEditableError(target);
    await recordAudit(tx, ctx, {
      action: 'plan.rollover',
      entityType: 'Plan',
      entityId: planId,
      namndCode: code,
      plan: { id: planId, year: toYear },
      entityVersion: target.version,
      reason: `rollover from ${source.year}`,
      changes: { after: { originPlanId: source.id, fromYear: source.year, toYear, counts, carriedIds } },
      eventData: rolloverEventData(source, toYear, counts),
    });
  }
  return { namndCode: code, fromPlanId: source.id, planId, created, skipped, counts, error: null };
}

/** The `plan.rollover` event names its source plan and, flat, what was created and skipped per kind (riskCreated…). */
function rolloverEventData(source: PlanWithNamnd, toYear: number, counts: Record<EntityKind, KindCount>) {
  const data: Record<string, string | number> = { originPlanId: source.id, fromYear: source.year, toYear };
  for (const k of ENTITY_KINDS) {
    data[`${k}Created`] = counts[k].created;
    data[`${k}Skipped`] = counts[k].skipped;
  }
  return data;
}

export type RolloverService = ReturnType<typeof createRolloverService>;
