import { OTHER_NAMND, SUBJECT_NAMND } from '../authz/callers.js';
import { DRAFT_YEAR } from '../authz/fixture.js';
import { followUpIn, fresh, goalCode, lifecyclePlan, planVersion, vorRow, type MatrixContext } from '../authz/matrix.js';

/**
 * Operations whose input the property tests corrupt. Add an entry with every new mutation (and every query that
 * takes a free-form argument): a valid input, and the top-level fields to corrupt one at a time. The harness checks
 * that each corrupted call is either accepted, or refused with a 4xx / VALIDATION_FAILED naming the field and with
 * nothing written; never a 500. `valid` runs before every try, so it builds (as an admin, through the fixture of the
 * authorization matrix) whatever a try may have used up: a fresh entity, a plan or follow-up in the right state.
 */
export type PropertyContext = MatrixContext;

export interface InputEntry {
  /** The operation; its input is the variable `$input` (or the one `variable` names). */
  document: string;
  variable?: string;
  /** Roles of the caller (one allowed to do it, so that refusals come from validation, not authorization). */
  roles: string[];
  valid(ctx: PropertyContext): Promise<unknown> | unknown;
  /** Fields of the input object to corrupt one at a time; for a scalar `$input`, the one argument it fills. */
  fields: string[];
  /** `$input` is a scalar argument, replaced whole. */
  scalar?: boolean;
}

const EDITOR = [`editor:${SUBJECT_NAMND}`];
const APPROVER = [`approver:${SUBJECT_NAMND}`];
const ADMIN = ['admin'];
const m = (field: string, type: string, selection = '{ id }') => `mutation($input: ${type}!) { ${field}(input: $input) ${selection} }`;
const entry = (document: string, roles: string[], valid: InputEntry['valid'], fields: string[]): InputEntry => ({ document, roles, valid, fields });
const ref = ['id', 'version'];

/** A year whose goals exist and where SN has no plan until a try creates it (then it is a CONFLICT). */
export const FREE_PLAN_YEAR = 2060;
// Far above what a corrupted `nr` that was accepted is likely to have taken.
let nr = 900_000;
// Below every risk number createRisk may pick by itself (the plan's highest + 1).
let importNr = 500_000;

export const inputEntries: Record<string, InputEntry> = {
  createNamnd: entry(m('createNamnd', 'CreateNamndInput', '{ id code name }'), ADMIN, (ctx) => ({ code: `P${ctx.unique()}`, name: 'Egendomsnämnden', kind: 'NAMND', forvaltning: 'Egendomsförvaltningen' }), ['code', 'name', 'kind', 'forvaltning']),
  updateNamnd: entry(
    m('updateNamnd', 'UpdateNamndInput', '{ id version }'),
    ADMIN,
    async (ctx) => {
      const sn = await ctx.namnd(SUBJECT_NAMND);
      return { id: sn.id, version: sn.version, name: 'Servicenämnden', kind: 'NAMND', forvaltning: 'Serviceförvaltningen' };
    },
    ['id', 'version', 'name', 'kind', 'forvaltning'],
  ),
  namnd: { document: 'query($code: String!) { namnd(code: $code) { id } }', variable: 'code', roles: ['viewer:*'], valid: () => SUBJECT_NAMND, fields: ['code'], scalar: true },
  goals: { document: 'query($year: Int!) { goals(year: $year) { id } }', variable: 'year', roles: ['viewer:*'], valid: () => DRAFT_YEAR, fields: ['year'], scalar: true },
  auditEvents: {
    document: 'query($input: AuditEventFilter) { auditEvents(filter: $input, first: 10) { nodes { id } } }',
    roles: ['auditor'],
    valid: () => ({ namndCode: SUBJECT_NAMND, action: 'namnd.create' }),
    fields: ['entityType', 'entityId', 'namndCode', 'actor', 'action', 'from', 'to'],
  },
  plans: entry('query($input: PlanFilter) { plans(filter: $input) { nodes { id } } }', ['viewer:*'], () => ({ year: DRAFT_YEAR, namndCodes: [SUBJECT_NAMND], status: 'DRAFT' }), ['year', 'namndCodes', 'status']),
  risks: entry('query($input: RiskFilter) { risks(filter: $input) { nodes { id } } }', ['viewer:*'], () => ({ year: DRAFT_YEAR, namndCodes: [SUBJECT_NAMND], band: 'MEDIUM', inIkp: false, goalCode: '1.1' }), ['year', 'namndCodes', 'band', 'inIkp', 'goalCode']),
  domainEvents: { document: 'query($types: [String!]) { domainEvents(types: $types) { lastPosition } }', variable: 'types', roles: ['viewer:*'], valid: () => ['plan.adopt'], fields: ['types'], scalar: true },

  // Plans and their content.
  createPlan: entry(m('createPlan', 'CreatePlanInput'), APPROVER, () => ({ namndCode: SUBJECT_NAMND, year: FREE_PLAN_YEAR, ikpThreshold: 9 }), ['namndCode', 'year', 'ikpThreshold']),
  updatePlanSettings: entry(m('updatePlanSettings', 'UpdatePlanSettingsInput'), EDITOR, async (ctx) => {
    const matrix = (await ctx.admin('{ defaultMatrix { bands { key label color } cells } }')).defaultMatrix;
    return { ...(await planVersion(ctx, ctx.fx.draft.planId)), ikpThreshold: 9, matrix };
  }, [...ref, 'ikpThreshold', 'matrix']),
  createProcess: entry(m('createProcess', 'CreateProcessInput'), EDITOR, (ctx) => ({ planId: ctx.fx.draft.planId, goalId: ctx.fx.goal11, name: 'Upphandling', sortOrder: 1 }), ['planId', 'goalId', 'name', 'sortOrder']),
  updateProcess: entry(m('updateProcess', 'UpdateProcessInput'), EDITOR, async (ctx) => ({ ...(await fresh.process(ctx)), goalId: ctx.fx.goal11, name: 'Ny', sortOrder: 2 }), [...ref, 'goalId', 'name', 'sortOrder']),
  deleteProcess: entry('mutation($input: DeleteVersionedInput!) { deleteProcess(input: $input) }', EDITOR, fresh.process, ref),
  createWorkingMethod: entry(m('createWorkingMethod', 'CreateWorkingMethodInput'), EDITOR, (ctx) => ({ processId: ctx.fx.draft.processId, name: 'Avtalsuppföljning', sortOrder: 1 }), ['processId', 'name', 'sortOrder']),
  updateWorkingMethod: entry(m('updateWorkingMethod', 'UpdateWorkingMethodInput'), EDITOR, async (ctx) => ({ ...(await fresh.workingMethod(ctx)), processId: ctx.fx.draft.processId, name: 'Ny', sortOrder: 2 }), [...ref, 'processId', 'name', 'sortOrder']),
  deleteWorkingMethod: entry('mutation($input: DeleteVersionedInput!) { deleteWorkingMethod(input: $input) }', EDITOR, fresh.workingMethod, ref),
  createRisk: entry(
    m('createRisk', 'CreateRiskInput'),
    EDITOR,
    (ctx) => ({ workingMethodId: ctx.fx.draft.workingMethodId, nr: nr++, title: 'Fel leverantör', description: 'Beskrivning', likelihood: 2, consequence: 3, ikpOverride: 'INCLUDE', ikpMotivation: 'Viktig' }),
    ['workingMethodId', 'nr', 'title', 'description', 'likelihood', 'consequence', 'ikpOverride', 'ikpMotivation'],
  ),
  updateRisk: entry(
    m('updateRisk', 'UpdateRiskInput'),
    EDITOR,
    async (ctx) => ({ ...(await fresh.risk(ctx)), workingMethodId: ctx.fx.draft.workingMethodId, nr: nr++, title: 'Ny', description: 'x', likelihood: 3, consequence: 3, ikpOverride: 'EXCLUDE', ikpMotivation: 'Hanteras annars' }),
    [...ref, 'workingMethodId', 'nr', 'title', 'description', 'likelihood', 'consequence', 'ikpOverride', 'ikpMotivation'],
  ),
  deleteRisk: entry('mutation($input: DeleteVersionedInput!) { deleteRisk(input: $input) }', EDITOR, fresh.risk, ref),
  createControl: entry(m('createControl', 'CreateControlInput'), EDITOR, (ctx) => ({ riskId: ctx.fx.draft.riskId, description: 'Attest', sortOrder: 1 }), ['riskId', 'description', 'sortOrder']),
  updateControl: entry(m('updateControl', 'UpdateControlInput'), EDITOR, async (ctx) => ({ ...(await fresh.control(ctx)), riskId: ctx.fx.draft.riskId, description: 'Ny', sortOrder: 2 }), [...ref, 'riskId', 'description', 'sortOrder']),
  deleteControl: entry('mutation($input: DeleteVersionedInput!) { deleteControl(input: $input) }', EDITOR, fresh.control, ref),
  createControlActivity: entry(
    m('createControlActivity', 'CreateControlActivityInput'),
    EDITOR,
    (ctx) => ({ controlId: ctx.fx.draft.controlId, description: 'Stickprov', responsible: 'Controller', periods: ['T1', 'VB'], frequency: 'Kvartal', sortOrder: 1 }),
    ['controlId', 'description', 'responsible', 'periods', 'frequency', 'sortOrder'],
  ),
  updateControlActivity: entry(
    m('updateControlActivity', 'UpdateControlActivityInput'),
    EDITOR,
    async (ctx) => ({ ...(await fresh.controlActivity(ctx)), controlId: ctx.fx.draft.controlId, description: 'Ny', responsible: 'Chef', periods: ['T2'], frequency: 'År', sortOrder: 2 }),
    [...ref, 'controlId', 'description', 'responsible', 'periods', 'frequency', 'sortOrder'],
  ),
  deleteControlActivity: entry('mutation($input: DeleteVersionedInput!) { deleteControlActivity(input: $input) }', EDITOR, fresh.controlActivity, ref),
  importVor: entry(
    m('importVor', 'ImportVorInput', '{ dryRun }'),
    EDITOR,
    () => ({ namndCode: SUBJECT_NAMND, year: DRAFT_YEAR, namndName: 'Servicenämnden', dryRun: true, rows: [vorRow(importNr++)], firstLine: 2 }),
    ['namndCode', 'year', 'namndName', 'dryRun', 'rows', 'firstLine'],
  ),

  // Life cycles.
  adoptPlan: entry(m('adoptPlan', 'AdoptPlanInput'), APPROVER, async (ctx) => ({ ...(await lifecyclePlan(ctx, 'DRAFT')), decisionDate: '2027-01-28', decisionReference: '§ 12' }), [...ref, 'decisionDate', 'decisionReference']),
  reopenPlan: entry(m('reopenPlan', 'ReasonInput'), APPROVER, async (ctx) => ({ ...(await lifecyclePlan(ctx, 'ADOPTED')), reason: 'Nytt beslut' }), [...ref, 'reason']),
  closePlan: entry(m('closePlan', 'VersionInput'), APPROVER, (ctx) => lifecyclePlan(ctx, 'CLOSABLE'), ref),
  startFollowUp: entry(m('startFollowUp', 'VersionInput'), EDITOR, (ctx) => followUpIn(ctx, 'NOT_STARTED'), ref),
  reportFollowUp: entry(
    m('reportFollowUp', 'ReportFollowUpInput'),
    EDITOR,
    async (ctx) => ({ ...(await followUpIn(ctx, 'IN_PROGRESS')), outcome: 'NOT_PERFORMED', resultText: 'Ej utförd', explanation: 'Personalbrist' }),
    [...ref, 'outcome', 'resultText', 'explanation'],
  ),
  reopenFollowUp: entry(m('reopenFollowUp', 'ReasonInput'), EDITOR, async (ctx) => ({ ...(await followUpIn(ctx, 'REPORTED')), reason: 'Komplettering' }), [...ref, 'reason']),
  createAction: entry(
    m('createAction', 'CreateActionInput'),
    EDITOR,
    (ctx) => ({ planId: ctx.fx.adopted.planId, followUpId: null, title: 'Ny rutin', description: 'x', owner: 'Chef', dueDate: '2025-12-31', plannedYear: 2026, tags: ['informationssäkerhet'] }),
    ['planId', 'followUpId', 'title', 'description', 'owner', 'dueDate', 'plannedYear', 'tags'],
  ),
  updateAction: entry(
    m('updateAction', 'UpdateActionInput'),
    EDITOR,
    async (ctx) => ({ ...(await fresh.action(ctx)), title: 'Ny', description: 'y', owner: 'Chef', dueDate: '2026-06-30', plannedYear: 2027, tags: ['a'] }),
    [...ref, 'title', 'description', 'owner', 'dueDate', 'plannedYear', 'tags'],
  ),
  startAction: entry(m('startAction', 'ActionTransitionInput'), EDITOR, async (ctx) => ({ ...(await fresh.action(ctx)), reason: 'Påbörjad' }), [...ref, 'reason']),
  completeAction: entry(
    m('completeAction', 'ActionTransitionInput'),
    EDITOR,
    async (ctx) => ({ ...(await ctx.admin('mutation($i: ActionTransitionInput!) { startAction(input: $i) { id version } }', { i: await fresh.action(ctx) })).startAction, reason: 'Klar' }),
    [...ref, 'reason'],
  ),
  cancelAction: entry(m('cancelAction', 'ReasonInput'), EDITOR, async (ctx) => ({ ...(await fresh.action(ctx)), reason: 'Behövs inte' }), [...ref, 'reason']),
  setAssessment: entry(
    m('setAssessment', 'SetAssessmentInput'),
    EDITOR,
    async (ctx) => {
      const a = (await ctx.admin(`{ planById(id: "${ctx.fx.adopted.planId}") { assessment { version } } }`)).planById.assessment;
      return { planId: ctx.fx.adopted.planId, version: a?.version ?? null, level: 'INTE_TILLRACKLIG', analysis: 'Brister' };
    },
    ['planId', 'version', 'level', 'analysis'],
  ),

  // Master data and administration.
  createGoal: entry(m('createGoal', 'CreateGoalInput'), ADMIN, (ctx) => ({ year: 2091, code: goalCode(ctx), title: 'Mål', inriktningsmal: 2 }), ['year', 'code', 'title', 'inriktningsmal']),
  updateGoal: entry(m('updateGoal', 'UpdateGoalInput'), ADMIN, async (ctx) => ({ ...(await fresh.goal(ctx)), title: 'Nytt', inriktningsmal: 3 }), [...ref, 'title', 'inriktningsmal']),
  deleteGoal: entry('mutation($input: DeleteInput!) { deleteGoal(input: $input) }', ADMIN, async (ctx) => ({ id: (await fresh.goal(ctx)).id }), ['id']),
  createWebhook: entry(
    m('createWebhook', 'CreateWebhookInput', '{ webhook { id } }'),
    ADMIN,
    () => ({ url: 'https://hooks.stockholm.test/ik', secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, eventTypes: ['plan.adopt'], namndCodes: [SUBJECT_NAMND], afterPosition: 0 }),
    ['url', 'secret', 'eventTypes', 'namndCodes', 'afterPosition'],
  ),
  updateWebhook: entry(
    m('updateWebhook', 'UpdateWebhookInput'),
    ADMIN,
    async (ctx) => ({ ...(await fresh.webhook(ctx)), url: 'https://hooks.stockholm.test/x', secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}`, eventTypes: ['risk.update'], namndCodes: [OTHER_NAMND], paused: true }),
    [...ref, 'url', 'secret', 'eventTypes', 'namndCodes', 'paused'],
  ),
  deleteWebhook: { document: 'mutation($id: ID!) { deleteWebhook(id: $id) }', variable: 'id', roles: ADMIN, valid: async (ctx) => (await fresh.webhook(ctx)).id, fields: ['id'], scalar: true },
  resumeWebhook: { document: 'mutation($id: ID!) { resumeWebhook(id: $id) { id } }', variable: 'id', roles: ADMIN, valid: async (ctx) => (await fresh.webhook(ctx)).id, fields: ['id'], scalar: true },
  webhookDeliveries: { document: 'query($id: ID!) { webhookDeliveries(webhookId: $id) { nodes { id } } }', variable: 'id', roles: ADMIN, valid: async (ctx) => (await fresh.webhook(ctx)).id, fields: ['id'], scalar: true },
  // Last: an accepted try of these changes what later plans must contain or start from.
  setDefaultMatrix: entry('mutation($input: RiskMatrixInput!) { setDefaultMatrix(input: $input) { cells } }', ADMIN, async (ctx) => (await ctx.admin('{ defaultMatrix { bands { key label color } cells } }')).defaultMatrix, ['bands', 'cells']),
  setMandatoryProcess: entry(
    m('setMandatoryProcess', 'MandatoryProcessInput'),
    ADMIN,
    (ctx) => ({ name: `Egenkontroll ${ctx.unique()}`, aliases: ['EK'], goalCode: '3.5', fromYear: 2099, toYear: 2099, workingMethods: [{ name: 'Loggning', aliases: [] }] }),
    ['name', 'aliases', 'goalCode', 'fromYear', 'toYear', 'workingMethods'],
  ),
  rollover: entry(m('rollover', 'RolloverInput', '{ toYear }'), ADMIN, () => ({ fromYear: DRAFT_YEAR, toYear: DRAFT_YEAR + 1, namndCode: OTHER_NAMND }), ['fromYear', 'toYear', 'namndCode']),
};
