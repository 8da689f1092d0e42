import { z } from 'zod';
import { optionalText, text, uuid, version, year } from '../../lib/validate.js';
import { PERIODS } from './deadlines.js';

export const date = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'a real date');
export const ref = { id: uuid(), version: version() };
export const reason = () => text(2000);

export const inputs = {
  startFollowUp: z.object({ ...ref }),
  reportFollowUp: z.object({
    ...ref,
    outcome: z.enum(['NO_DEVIATION', 'DEVIATION', 'NOT_PERFORMED']),
    resultText: text(8000),
    explanation: optionalText(4000),
  }),
  reopenFollowUp: z.object({ ...ref, reason: reason() }),
  createAction: z.object({
    planId: uuid(),
    followUpId: uuid().nullish(),
    title: text(500),
    description: optionalText(4000),
    owner: optionalText(200),
    dueDate: date().nullish(),
    plannedYear: z.number().int().min(2000).max(2100).nullish(),
    tags: z.array(text(60)).max(20).optional(),
  }),
  updateAction: z.object({
    ...ref,
    title: text(500).optional(),
    description: optionalText(4000).optional(),
    owner: optionalText(200).optional(),
    dueDate: date().nullish(),
    plannedYear: z.number().int().min(2000).max(2100).nullish(),
    tags: z.array(text(60)).max(20).optional(),
  }),
  actionTransition: z.object({ ...ref, reason: optionalText(2000) }),
  cancelAction: z.object({ ...ref, reason: reason() }),
  setPeriodDeadline: z.object({ year: year(), period: z.enum(PERIODS), deadline: date(), reason: reason() }),
  setAssessment: z.object({
    planId: uuid(),
    version: z.number().int().min(1).nullish(),
    level: z.enum(['TILLRACKLIG', 'I_HUVUDSAK_TILLRACKLIG', 'INTE_TILLRACKLIG']),
    analysis: text(20000),
  }),
};
