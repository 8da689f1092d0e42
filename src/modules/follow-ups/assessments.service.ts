import { updateVersioned } from '../../db/versioned.js';
import { recordAudit, diff, type RequestContext } from '../../audit/audit-log.js';
import { requireEdit } from '../../auth/authorize.js';
import { ValidationError } from '../../errors.js';
import type { ServiceDeps } from '../../lib/app-module.js';
import { parseInput } from '../../lib/validate.js';
import { inputs } from './follow-ups.inputs.js';
import { FOLLOW_UP_TABLES, followUpRepository } from './follow-ups.repository.js';
import { planFor, requireAdopted } from './plan-access.js';

/** Bedömning: the yearly assessment of the nämnd's internal control, one per adopted plan. */
export function createAssessmentService({ db }: ServiceDeps) {
  return {
    /** A later call revises it (with the version read). */
    async set(ctx: RequestContext, raw: unknown) {
      const input = parseInput(inputs.setAssessment, raw);
      return db.transaction(async (tx) => {
        const plan = await planFor(tx, input.planId);
        requireEdit(ctx.actor, plan.namndCode);
        requireAdopted(plan, 'The assessment');
        const before = await followUpRepository.assessment(tx, plan.id);
        let row;
        if (!before) {
          row = await followUpRepository.insertAssessment(tx, { planId: plan.id, level: input.level, analysis: input.analysis, assessedBy: ctx.actor.sub });
        } else {
          if (!input.version) throw new ValidationError('Revising the assessment needs the version you read', [{ path: 'input.version', message: 'required when an assessment exists' }]);
          row = await updateVersioned(tx, FOLLOW_UP_TABLES.assessments, 'Assessment', before.id, input.version, { level: input.level, analysis: input.analysis, assessedBy: ctx.actor.sub });
        }
        await recordAudit(tx, ctx, {
          action: before ? 'assessment.update' : 'assessment.create',
          entityType: 'Assessment',
          entityId: row.id,
          namndCode: plan.namndCode,
          plan,
          entityVersion: row.version,
          fromState: before?.level ?? null,
          toState: row.level,
          changes: before ? diff(before, row, ['level', 'analysis']) : { after: { level: row.level, analysis: row.analysis } },
          eventData: { level: row.level },
        });
        return row;
      });
    },
  };
}

export type AssessmentService = ReturnType<typeof createAssessmentService>;
