import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../audit/audit-log.js';
import { NotFoundError } from '../../errors.js';
import { changesSincePreviousYear, readableTree, type PlanService } from '../plans/index.js';
import { deadlineCalendarFor, today } from '../follow-ups/index.js';
import type { Clock } from '../../lib/clock.js';
import { cityOverviewOf, cityScope } from '../city/index.js';
import { parseInput, year as yearSchema } from '../../lib/validate.js';
import { cityReport } from './city-report.js';
import { followUpReport } from './follow-up-report.js';
import { ledningensGenomgangReport } from './ledningens-genomgang-report.js';
import { ReportData } from './report-data.js';
import { reportRepository } from './reports.repository.js';
import { riskMatrixSvg } from './risk-matrix-svg.js';
import { vorReport } from './vor-report.js';

/** Documents drawn from a plan's data; read-only, with the same access rule as reading the plan. */
export function createReportService(db: Db, plans: PlanService, clock: Clock) {
  /** The plan and everything around it, in a fixed number of statements; FORBIDDEN before NOT_FOUND, as for the plan itself. */
  async function load(ctx: RequestContext, namndCode: string, year: number): Promise<ReportData> {
    const plan = await plans.get(ctx, namndCode, year);
    if (!plan) throw new NotFoundError('Plan', `${namndCode.toUpperCase()} ${year}`);
    // Last year's plan comes in the same statements as this one's (the trees load any number of plans at once).
    const ids = plan.originPlanId ? [plan.id, plan.originPlanId] : [plan.id];
    const [[tree, previous], rows, deadlines] = await Promise.all([plans.trees(ids), reportRepository.followUpRows(db, plan), deadlineCalendarFor(db, [plan.year])]);
    if (tree instanceof Error) throw tree;
    return new ReportData(tree, rows, today(clock), deadlines, changesSincePreviousYear(tree, readableTree(ctx.actor, previous)));
  }

  return {
    async riskMatrixSvg(ctx: RequestContext, namndCode: string, year: number): Promise<string> {
      const data = await load(ctx, namndCode, year);
      return riskMatrixSvg(data.tree, { namndName: data.namndName }).value;
    },
    async vorHtml(ctx: RequestContext, namndCode: string, year: number): Promise<string> {
      return vorReport(await load(ctx, namndCode, year)).value;
    },
    async followUpHtml(ctx: RequestContext, namndCode: string, year: number): Promise<string> {
      return followUpReport(await load(ctx, namndCode, year)).value;
    },
    /** The city overview as a document: the same figures as GraphQL's cityOverview, for the same readers. */
    async cityHtml(ctx: RequestContext, year: number): Promise<string> {
      const y = parseInput(yearSchema(), year, 'year');
      return cityReport(await cityOverviewOf(db, cityScope(ctx), y, today(clock))).value;
    },
    async ledningensGenomgangHtml(ctx: RequestContext, namndCode: string, year: number): Promise<string> {
      return ledningensGenomgangReport(await load(ctx, namndCode, year)).value;
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
