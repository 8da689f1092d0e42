import { and, eq, inArray, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ALL } from '../../auth/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { actions, plans } from '../../db/schema/index.js';
import { followUpRowsOf, type PlanFollowUpRows } from '../follow-ups/index.js';
import { goalRepository, type MandatoryProcessRow } from '../goals/index.js';
import { namndRepository, type NamndRow } from '../namnder/index.js';
import { planRepository, type PlanContentRows } from '../plans/index.js';
import type { RiskMatrix } from '../risks/index.js';

/** Everything the city overview of one year (and its comparison with the year before) is computed from. */
export interface CityRows {
  namnder: NamndRow[];
  content: PlanContentRows;
  followUps: PlanFollowUpRows;
  /** Ids of this year's actions that another plan's action carries on (origin_action_id). */
  carriedOver: Set<string>;
  mandatory: MandatoryProcessRow[];
  defaultMatrix: RiskMatrix;
}

const carriedFrom = alias(actions, 'carried');

export const cityRepository = {
  /**
   * A fixed number of statements whatever the number of nämnder: the nämnder, their plans of both years, the
   * plans' content and follow-up rows (each one statement per table for all plans), the carried actions, the catalogue.
   */
  async load(db: DbOrTx, readable: typeof ALL | string[], year: number): Promise<CityRows> {
    const namnder = await namndRepository.list(db, readable);
    const ids = namnder.map((n) => n.id);
    const planRows = ids.length
      ? await planRepository.list(db, and(inArray(plans.namndId, ids), inArray(plans.year, [year, year - 1])), 100_000)
      : [];
    const planIds = planRows.map((p) => p.id);
    const [content, followUps, carried, mandatory, { matrix }] = await Promise.all([
      planRepository.content(db, planIds),
      followUpRowsOf(db, planIds),
      planIds.length
        ? db
            .selectDistinct({ id: actions.id })
            .from(actions)
            .innerJoin(carriedFrom, eq(carriedFrom.originActionId, actions.id))
            .where(and(inArray(actions.planId, planIds), ne(carriedFrom.planId, actions.planId)))
        : Promise.resolve([]),
      goalRepository.mandatoryFor(db, year),
      goalRepository.defaultMatrix(db),
    ]);
    return { namnder, content, followUps, carriedOver: new Set(carried.map((c) => c.id)), mandatory, defaultMatrix: matrix };
  },
};
