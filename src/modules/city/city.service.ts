import type { ALL } from '../../auth/actor.js';
import type { RequestContext } from '../../audit/audit-log.js';
import type { DbOrTx } from '../../db/client.js';
import { ForbiddenError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { parseInput, year } from '../../lib/validate.js';
import { deadlineCalendarFor, today } from '../follow-ups/index.js';
import { cityOverview, type CityOverview } from './city-figures.js';
import { cityRepository } from './city.repository.js';

/**
 * The one source of the city's figures (GraphQL, the city report and the namnd-years export): the nämnder in
 * `readable`, one year, measured against `todayDate` (Stockholm).
 */
export async function cityOverviewOf(db: DbOrTx, readable: typeof ALL | string[], y: number, todayDate: string): Promise<CityOverview> {
  // The year's moved period deadlines, as every other door reads them (one statement).
  const [rows, calendar] = await Promise.all([cityRepository.load(db, readable, y), deadlineCalendarFor(db, [y])]);
  return cityOverview(rows, y, todayDate, calendar);
}

/** The nämnder whose rows the actor may see: all for city-wide readers, else those of their nämnd roles. */
export function cityScope(ctx: RequestContext): typeof ALL | string[] {
  const readable = ctx.actor.readable();
  if (readable !== '*' && readable.length === 0) throw new ForbiddenError('Your token has no role that may read the city overview');
  return readable;
}

export function createCityService({ db, clock }: ServiceDeps) {
  return {
    async overview(ctx: RequestContext, rawYear: unknown): Promise<CityOverview> {
      const y = parseInput(year(), rawYear, 'year');
      return cityOverviewOf(db, cityScope(ctx), y, today(clock));
    },
  };
}

export type CityService = ReturnType<typeof createCityService>;
