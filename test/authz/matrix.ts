import { BAD_TOKENS, CALLERS, OTHER_NAMND, SUBJECT_NAMND, type Caller } from './callers.js';
import { ADOPTED_YEAR, DRAFT_YEAR, goalsOf, type Admin, type Fixture } from './fixture.js';

/**
 * The authorization matrix: every GraphQL operation and REST route the service serves, with a minimal valid request
 * and the outcome expected for every kind of caller. test/authz-matrix.test.ts fails when an operation or route has
 * no entry here (or an entry names one that no longer exists): add the entry with the operation.
 *
 * Outcomes: 'ok' (no error), 'ok-filtered' (no error, and nothing of the nämnd the caller may not read in the answer),
 * or the error code expected. For REST routes, the HTTP status. A request builder runs before every cell, so a cell
 * that is allowed to change something gets fresh entities in the state it needs (built by an admin).
 */
export type Outcome = 'ok' | 'ok-filtered' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
export type Expectations = Record<Caller, Outcome>;

/** What a request builder may use: the fixture, an admin to prepare entities, and a fresh token for unique values. */
export interface MatrixContext {
  namnd(code: string): Promise<{ id: string; version: number; name: string }>;
  unique(): string;
  admin: Admin;
  fx: Fixture;
}

type GqlRequest = { query: string; variables?: Record<string, unknown> };
export interface GraphqlEntry {
  request(ctx: MatrixContext): Promise<GqlRequest> | GqlRequest;
  expect: Expectations;
}

export type RestRequest = { method: 'GET' | 'HEAD' | 'POST' | 'OPTIONS'; url: string; headers?: Record<string, string>; payload?: unknown };
export interface RestEntry {
  request: RestRequest | ((ctx: MatrixContext) => Promise<RestRequest> | RestRequest);
  expect: Record<Caller, number>;
}

/** `ok` for the listed callers, `otherwise` for the other valid tokens, UNAUTHENTICATED for every bad token. */
export function only(allowed: readonly Caller[], otherwise: Outcome = 'FORBIDDEN', overrides: Partial<Expectations> = {}): Expectations {
  return Object.fromEntries(
    CALLERS.map((c) => [c, overrides[c] ?? (BAD_TOKENS.includes(c) ? 'UNAUTHENTICATED' : allowed.includes(c) ? 'ok' : otherwise)]),
  ) as Expectations;
}

/** The same HTTP status for every caller (public routes). */
export const everyone = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;

/** 200 for valid tokens, 401 for bad ones. */
export const authenticated = () => Object.fromEntries(CALLERS.map((c) => [c, BAD_TOKENS.includes(c) ? 401 : 200])) as Record<Caller, number>;

/** `status` for the listed callers, 403 for the other valid tokens, 401 for bad ones. */
const restOnly = (allowed: readonly Caller[], status = 200) =>
  Object.fromEntries(CALLERS.map((c) => [c, BAD_TOKENS.includes(c) ? 401 : allowed.includes(c) ? status : 403])) as Record<Caller, number>;

// Who is who, by DOMAIN.md "Who may do what".
const ANY_VALID = CALLERS.filter((c) => !BAD_TOKENS.includes(c));
/** May read SN: its own roles, `*` roles, and the city-wide readers. */
export const READS_SUBJECT: Caller[] = ['admin', 'approver', 'editor', 'viewer', 'approverAll', 'editorAll', 'viewerAll', 'auditor', 'integration'];
/** Edits SN's draft plan and reports follow-ups, actions and the assessment on its adopted plan. */
const EDITS_SUBJECT: Caller[] = ['admin', 'approver', 'editor', 'approverAll', 'editorAll'];
/** Creates, adopts, closes and reopens SN's plans. */
const APPROVES_SUBJECT: Caller[] = ['admin', 'approver', 'approverAll'];
const AUDIT_READERS: Caller[] = ['admin', 'auditor'];
export const OTHER_NAMND_ROLES: Caller[] = ['approverOther', 'editorOther', 'viewerOther'];

/** Reading SN itself: FORBIDDEN to everyone who may not read it. */
const readsOfSubject = () => only(READS_SUBJECT);
/** City-wide lists: everyone with a token, narrowed to KS for KS's roles. */
const cityList = () => only(ANY_VALID, 'FORBIDDEN', Object.fromEntries(OTHER_NAMND_ROLES.map((c) => [c, 'ok-filtered'])));
/** Changes to the content of SN's draft plan, and follow-ups, actions, assessment on its adopted plan. */
const editorWork = () => only(EDITS_SUBJECT);
/** Plan decisions: create, adopt, close, reopen. */
const approverWork = () => only(APPROVES_SUBJECT);
/** Master data, rollover, webhooks. */
const adminOnly = () => only(['admin']);

/** An operation taking `$i` as its input, built fresh for every cell. */
const op = (document: string, input: (ctx: MatrixContext) => Promise<unknown> | unknown, expect: Expectations): GraphqlEntry => ({
  request: async (ctx) => ({ query: document, variables: { i: await input(ctx) } }),
  expect,
});
const mutation = (field: string, type: string, selection = '{ id }') => `mutation($i: ${type}!) { ${field}(input: $i) ${selection} }`;

/** A goal code (`a.b.c`, two digits each) no other cell used. */
export const goalCode = (ctx: MatrixContext) => {
  const n = Number(ctx.unique());
  return `${Math.floor(n / 10_000) % 100}.${Math.floor(n / 100) % 100}.${n % 100}`;
};

// --- entities prepared by an admin for one cell ---------------------------------------------------------------
type Versioned = { id: string; version: number };
const make = async (ctx: MatrixContext, field: string, type: string, input: Record<string, unknown>): Promise<Versioned> =>
  (await ctx.admin(mutation(field, type, '{ id version }'), { i: input }))[field];
export const fresh = {
  process: (ctx: MatrixContext) => make(ctx, 'createProcess', 'CreateProcessInput', { planId: ctx.fx.draft.planId, goalId: ctx.fx.goal11, name: `Process ${ctx.unique()}` }),
  workingMethod: (ctx: MatrixContext) => make(ctx, 'createWorkingMethod', 'CreateWorkingMethodInput', { processId: ctx.fx.draft.processId, name: `Arbetssätt ${ctx.unique()}` }),
  risk: (ctx: MatrixContext) => make(ctx, 'createRisk', 'CreateRiskInput', { workingMethodId: ctx.fx.draft.workingMethodId, title: `Risk ${ctx.unique()}`, likelihood: 2, consequence: 2 }),
  control: (ctx: MatrixContext) => make(ctx, 'createControl', 'CreateControlInput', { riskId: ctx.fx.draft.riskId, description: `Kontroll ${ctx.unique()}` }),
  controlActivity: (ctx: MatrixContext) => make(ctx, 'createControlActivity', 'CreateControlActivityInput', { controlId: ctx.fx.draft.controlId, description: `Aktivitet ${ctx.unique()}` }),
  action: (ctx: MatrixContext) => make(ctx, 'createAction', 'CreateActionInput', { planId: ctx.fx.adopted.planId, title: `Åtgärd ${ctx.unique()}` }),
  goal: (ctx: MatrixContext) => make(ctx, 'createGoal', 'CreateGoalInput', { year: 2090, code: goalCode(ctx), title: 'Matrismål' }),
  webhook: async (ctx: MatrixContext): Promise<Versioned> =>
    (await ctx.admin(mutation('createWebhook', 'CreateWebhookInput', '{ webhook { id version } }'), { i: { url: 'http://127.0.0.1:9/matrix', eventTypes: ['plan.adopt'] } })).createWebhook.webhook,
};
export const planVersion = async (ctx: MatrixContext, id: string): Promise<Versioned> => (await ctx.admin(`{ planById(id: "${id}") { id version } }`)).planById;

type FollowUp = { id: string; status: string; version: number; period: string };
const followUps = async (ctx: MatrixContext, planId: string): Promise<FollowUp[]> =>
  (await ctx.admin(`{ planById(id: "${planId}") { followUps { id status version period } } }`)).planById.followUps;
const FU = {
  start: mutation('startFollowUp', 'VersionInput', '{ id version }'),
  report: mutation('reportFollowUp', 'ReportFollowUpInput', '{ id version }'),
  reopen: mutation('reopenFollowUp', 'ReasonInput', '{ id version }'),
};
/** A follow-up of the adopted plan in the state a cell needs, moved there by an admin (the pool has 18). */
export async function followUpIn(ctx: MatrixContext, want: 'NOT_STARTED' | 'IN_PROGRESS' | 'REPORTED'): Promise<Versioned> {
  const all = await followUps(ctx, ctx.fx.adopted.planId);
  const found = all.find((f) => f.status === want);
  if (found) return { id: found.id, version: found.version };
  if (want === 'NOT_STARTED') throw new Error('the fixture ran out of follow-ups that were never started');
  if (want === 'IN_PROGRESS') {
    const reported = all.find((f) => f.status === 'REPORTED');
    if (reported) return (await ctx.admin(FU.reopen, { i: { id: reported.id, version: reported.version, reason: 'Matris' } })).reopenFollowUp;
    const f = await followUpIn(ctx, 'NOT_STARTED');
    return (await ctx.admin(FU.start, { i: { id: f.id, version: f.version } })).startFollowUp;
  }
  const f = await followUpIn(ctx, 'IN_PROGRESS');
  return (await ctx.admin(FU.report, { i: { id: f.id, version: f.version, outcome: 'NO_DEVIATION', resultText: 'Utan avvikelse' } })).reportFollowUp;
}

/** The lifecycle plan (SN 2027), driven by an admin to the state a plan-transition cell needs. */
export async function lifecyclePlan(ctx: MatrixContext, want: 'DRAFT' | 'ADOPTED' | 'CLOSABLE'): Promise<Versioned> {
  const id = ctx.fx.lifecyclePlanId;
  for (;;) {
    const p = (await ctx.admin(`{ planById(id: "${id}") { id status version assessment { version } followUps(period: VB) { id status version } } }`)).planById;
    const ref = { id, version: p.version };
    if (want === 'DRAFT' && p.status === 'DRAFT') return ref;
    if (want !== 'DRAFT' && p.status === 'DRAFT') {
      await ctx.admin(mutation('adoptPlan', 'AdoptPlanInput'), { i: { ...ref, decisionDate: '2027-01-28', decisionReference: `§ ${ctx.unique()}` } });
      continue;
    }
    if (p.status === 'CLOSED' || (want === 'DRAFT' && p.status === 'ADOPTED')) {
      await ctx.admin(mutation('reopenPlan', 'ReasonInput'), { i: { ...ref, reason: 'Matrisen behöver planen i ett annat läge' } });
      continue;
    }
    if (want === 'ADOPTED') return ref;
    // CLOSABLE: the assessment and every VB follow-up reported.
    if (!p.assessment) await ctx.admin(mutation('setAssessment', 'SetAssessmentInput'), { i: { planId: id, level: 'TILLRACKLIG', analysis: 'Tillräcklig' } });
    for (const f of p.followUps as FollowUp[]) {
      let v = f.version;
      if (f.status === 'NOT_STARTED') v = (await ctx.admin(FU.start, { i: { id: f.id, version: v } })).startFollowUp.version;
      if (f.status !== 'REPORTED') await ctx.admin(FU.report, { i: { id: f.id, version: v, outcome: 'NO_DEVIATION', resultText: 'Utan avvikelse' } });
    }
    return planVersion(ctx, id);
  }
}

let planYear = 2050;
let rowNr = 5000;

/**
 * `history` (who changed what: actor, action and changes of one entity) is read by whoever may read the entity, viewers
 * included: a nämnd sees the edits to its own records. The whole trail (`auditEvents`: every nämnd, searchable by actor)
 * and `verifyAuditTrail` are for auditors and admins only. Checked by test/authz-matrix.test.ts.
 */
export const historyMatrix: GraphqlEntry = {
  request: (ctx) => ({
    query: 'query($id: ID!) { planById(id: $id) { history { actor action } risks { history { actor action } } } }',
    variables: { id: ctx.fx.draft.planId },
  }),
  expect: only(READS_SUBJECT),
};

// --- GraphQL ------------------------------------------------------------------------------------------------------
const SN_PLAN = `{ id status namnd { name forvaltning } processes { name } risks { title } ikp { risk { title } } history { action } }`;

export const graphqlMatrix: { Query: Record<string, GraphqlEntry>; Mutation: Record<string, GraphqlEntry>; Subscription: Record<string, GraphqlEntry> } = {
  Query: {
    me: { request: () => ({ query: '{ me { sub roles } }' }), expect: only(ANY_VALID) },
    namnder: { request: () => ({ query: '{ namnder { code name forvaltning history { action } } }' }), expect: cityList() },
    namnd: {
      request: () => ({ query: 'query($code: String!) { namnd(code: $code) { code name history { action } } }', variables: { code: SUBJECT_NAMND } }),
      expect: readsOfSubject(),
    },
    auditEvents: { request: () => ({ query: '{ auditEvents(first: 500) { nodes { action namndCode changes } } }' }), expect: only(AUDIT_READERS) },
    verifyAuditTrail: { request: () => ({ query: '{ verifyAuditTrail { ok } }' }), expect: only(AUDIT_READERS) },
    // City-wide master data: read by every valid token.
    goals: { request: () => ({ query: `{ goals(year: ${DRAFT_YEAR}) { code title } }` }), expect: only(ANY_VALID) },
    mandatoryProcesses: { request: () => ({ query: '{ mandatoryProcesses { name workingMethods { name } } }' }), expect: only(ANY_VALID) },
    defaultMatrix: { request: () => ({ query: '{ defaultMatrix { bands { key } cells } }' }), expect: only(ANY_VALID) },
    periodDeadlines: { request: () => ({ query: '{ periodDeadlines(year: 2090) { period deadline isDefault history { action } } }' }), expect: adminOnly() },
    plan: {
      request: () => ({ query: `query($c: String!, $y: Int!) { plan(namndCode: $c, year: $y) ${SN_PLAN} }`, variables: { c: SUBJECT_NAMND, y: DRAFT_YEAR } }),
      expect: readsOfSubject(),
    },
    planById: {
      request: (ctx) => ({
        query: `query($id: ID!) { planById(id: $id) { status followUps { status controlActivity { description } } actions { title } assessment { level } decisions { reference } } }`,
        variables: { id: ctx.fx.adopted.planId },
      }),
      expect: readsOfSubject(),
    },
    plans: { request: () => ({ query: '{ plans(first: 100) { nodes { year status namnd { code name } processes { name } } } }' }), expect: cityList() },
    risks: { request: () => ({ query: '{ risks(first: 500) { nodes { title nr } } }' }), expect: cityList() },
    cityOverview: {
      request: () => ({
        query: `{ cityOverview(year: ${ADOPTED_YEAR}) { namnder { namnd { code name } planStatus assessment ruleViolations { message } } totals { namnder }
          mandatoryProcess { workingMethods { assessedBy { code } missing { code } } } commonRisks { process namnder { code } } comparison { namnder { namnd { code } } } } }`,
      }),
      expect: cityList(),
    },
    webhooks: { request: () => ({ query: '{ webhooks { id url } }' }), expect: adminOnly() },
    webhookDeliveries: {
      request: async (ctx) => ({ query: 'query($id: ID!) { webhookDeliveries(webhookId: $id) { nodes { id } } }', variables: { id: (await fresh.webhook(ctx)).id } }),
      expect: adminOnly(),
    },
    domainEvents: { request: () => ({ query: '{ domainEvents(limit: 1000) { events { namndCode type entityId } lastPosition } }' }), expect: cityList() },
  },

  Mutation: {
    _noop: { request: () => ({ query: 'mutation { _noop }' }), expect: only(ANY_VALID) },

    // Master data: admin only.
    createNamnd: op(mutation('createNamnd', 'CreateNamndInput'), (ctx) => ({ code: `M${ctx.unique()}`, name: 'Matrisnämnden' }), adminOnly()),
    updateNamnd: op(
      mutation('updateNamnd', 'UpdateNamndInput', '{ version }'),
      async (ctx) => {
        const sn = await ctx.namnd(SUBJECT_NAMND);
        return { id: sn.id, version: sn.version, forvaltning: `SN-HEMLIG förvaltning ${ctx.unique()}` };
      },
      adminOnly(),
    ),
    createGoal: op(mutation('createGoal', 'CreateGoalInput'), (ctx) => ({ year: 2090, code: goalCode(ctx), title: 'Matrismål' }), adminOnly()),
    updateGoal: op(mutation('updateGoal', 'UpdateGoalInput'), async (ctx) => ({ ...(await fresh.goal(ctx)), title: 'Ändrat matrismål' }), adminOnly()),
    deleteGoal: op('mutation($i: DeleteInput!) { deleteGoal(input: $i) }', async (ctx) => ({ id: (await fresh.goal(ctx)).id }), adminOnly()),
    setMandatoryProcess: op(
      mutation('setMandatoryProcess', 'MandatoryProcessInput'),
      (ctx) => ({ name: `Matrisprocess ${ctx.unique()}`, goalCode: '3.5', fromYear: 2099, toYear: 2099, workingMethods: [{ name: 'Matrisarbetssätt' }] }),
      adminOnly(),
    ),
    setDefaultMatrix: op('mutation($i: RiskMatrixInput!) { setDefaultMatrix(input: $i) { cells } }', async (ctx) => (await ctx.admin('{ defaultMatrix { bands { key label color } cells } }')).defaultMatrix, adminOnly()),
    setPeriodDeadline: op(
      mutation('setPeriodDeadline', 'SetPeriodDeadlineInput', '{ id deadline }'),
      () => ({ year: 2090, period: 'T1', deadline: '2090-05-15', reason: 'Matrisbeslut' }),
      adminOnly(),
    ),
    rollover: op(mutation('rollover', 'RolloverInput', '{ toYear }'), () => ({ fromYear: DRAFT_YEAR, toYear: DRAFT_YEAR + 1, namndCode: OTHER_NAMND }), adminOnly()),
    createWebhook: op(mutation('createWebhook', 'CreateWebhookInput', '{ webhook { id } }'), () => ({ url: 'http://127.0.0.1:9/matrix', namndCodes: [SUBJECT_NAMND] }), adminOnly()),
    updateWebhook: op(mutation('updateWebhook', 'UpdateWebhookInput'), async (ctx) => ({ ...(await fresh.webhook(ctx)), paused: true }), adminOnly()),
    deleteWebhook: { request: async (ctx) => ({ query: 'mutation($id: ID!) { deleteWebhook(id: $id) }', variables: { id: (await fresh.webhook(ctx)).id } }), expect: adminOnly() },
    resumeWebhook: { request: async (ctx) => ({ query: 'mutation($id: ID!) { resumeWebhook(id: $id) { id } }', variables: { id: (await fresh.webhook(ctx)).id } }), expect: adminOnly() },

    // Plan decisions: approver or admin.
    createPlan: op(
      mutation('createPlan', 'CreatePlanInput'),
      async (ctx) => {
        const year = planYear++;
        await goalsOf(ctx.admin, year);
        return { namndCode: SUBJECT_NAMND, year };
      },
      approverWork(),
    ),
    deletePlan: op(
      'mutation($i: DeletePlanInput!) { deletePlan(input: $i) }',
      async (ctx) => {
        const year = planYear++;
        await goalsOf(ctx.admin, year);
        const plan = (await ctx.admin(mutation('createPlan', 'CreatePlanInput', '{ id version }'), { i: { namndCode: SUBJECT_NAMND, year } })).createPlan;
        return { ...plan, reason: 'Skapad av misstag' };
      },
      approverWork(),
    ),
    adoptPlan: op(mutation('adoptPlan', 'AdoptPlanInput'), async (ctx) => ({ ...(await lifecyclePlan(ctx, 'DRAFT')), decisionDate: '2027-01-28', decisionReference: `§ ${ctx.unique()}` }), approverWork()),
    reopenPlan: op(mutation('reopenPlan', 'ReasonInput'), async (ctx) => ({ ...(await lifecyclePlan(ctx, 'ADOPTED')), reason: 'Nytt beslut behövs' }), approverWork()),
    closePlan: op(mutation('closePlan', 'VersionInput'), (ctx) => lifecyclePlan(ctx, 'CLOSABLE'), approverWork()),

    // The draft plan's content: editors.
    updatePlanSettings: op(mutation('updatePlanSettings', 'UpdatePlanSettingsInput'), async (ctx) => ({ ...(await planVersion(ctx, ctx.fx.draft.planId)), ikpThreshold: 9 }), editorWork()),
    createProcess: op(mutation('createProcess', 'CreateProcessInput'), (ctx) => ({ planId: ctx.fx.draft.planId, goalId: ctx.fx.goal11, name: `Process ${ctx.unique()}` }), editorWork()),
    updateProcess: op(mutation('updateProcess', 'UpdateProcessInput'), async (ctx) => ({ ...(await fresh.process(ctx)), name: 'Omdöpt process' }), editorWork()),
    deleteProcess: op('mutation($i: DeleteVersionedInput!) { deleteProcess(input: $i) }', fresh.process, editorWork()),
    createWorkingMethod: op(mutation('createWorkingMethod', 'CreateWorkingMethodInput'), (ctx) => ({ processId: ctx.fx.draft.processId, name: `Arbetssätt ${ctx.unique()}` }), editorWork()),
    updateWorkingMethod: op(mutation('updateWorkingMethod', 'UpdateWorkingMethodInput'), async (ctx) => ({ ...(await fresh.workingMethod(ctx)), name: 'Omdöpt' }), editorWork()),
    deleteWorkingMethod: op('mutation($i: DeleteVersionedInput!) { deleteWorkingMethod(input: $i) }', fresh.workingMethod, editorWork()),
    createRisk: op(mutation('createRisk', 'CreateRiskInput'), (ctx) => ({ workingMethodId: ctx.fx.draft.workingMethodId, title: `Risk ${ctx.unique()}`, likelihood: 3, consequence: 2 }), editorWork()),
    updateRisk: op(mutation('updateRisk', 'UpdateRiskInput'), async (ctx) => ({ ...(await fresh.risk(ctx)), likelihood: 4 }), editorWork()),
    deleteRisk: op('mutation($i: DeleteVersionedInput!) { deleteRisk(input: $i) }', fresh.risk, editorWork()),
    createControl: op(mutation('createControl', 'CreateControlInput'), (ctx) => ({ riskId: ctx.fx.draft.riskId, description: `Kontroll ${ctx.unique()}` }), editorWork()),
    updateControl: op(mutation('updateControl', 'UpdateControlInput'), async (ctx) => ({ ...(await fresh.control(ctx)), description: 'Ändrad' }), editorWork()),
    deleteControl: op('mutation($i: DeleteVersionedInput!) { deleteControl(input: $i) }', fresh.control, editorWork()),
    createControlActivity: op(mutation('createControlActivity', 'CreateControlActivityInput'), (ctx) => ({ controlId: ctx.fx.draft.controlId, description: `Aktivitet ${ctx.unique()}`, periods: ['T1', 'VB'] }), editorWork()),
    updateControlActivity: op(mutation('updateControlActivity', 'UpdateControlActivityInput'), async (ctx) => ({ ...(await fresh.controlActivity(ctx)), responsible: 'Controller' }), editorWork()),
    deleteControlActivity: op('mutation($i: DeleteVersionedInput!) { deleteControlActivity(input: $i) }', fresh.controlActivity, editorWork()),
    importVor: op(
      mutation('importVor', 'ImportVorInput', '{ planId created { risks } }'),
      () => ({ namndCode: SUBJECT_NAMND, year: DRAFT_YEAR, rows: [vorRow(rowNr++)] }),
      editorWork(),
    ),

    // The year's follow-up on the adopted plan: editors.
    startFollowUp: op(FU.start, (ctx) => followUpIn(ctx, 'NOT_STARTED'), editorWork()),
    reportFollowUp: op(FU.report, async (ctx) => ({ ...(await followUpIn(ctx, 'IN_PROGRESS')), outcome: 'NO_DEVIATION', resultText: 'Kontrollen utförd' }), editorWork()),
    reopenFollowUp: op(FU.reopen, async (ctx) => ({ ...(await followUpIn(ctx, 'REPORTED')), reason: 'Resultatet behöver kompletteras' }), editorWork()),
    createAction: op(mutation('createAction', 'CreateActionInput'), (ctx) => ({ planId: ctx.fx.adopted.planId, title: `Åtgärd ${ctx.unique()}`, dueDate: '2025-12-31' }), editorWork()),
    updateAction: op(mutation('updateAction', 'UpdateActionInput'), async (ctx) => ({ ...(await fresh.action(ctx)), owner: 'Ny ägare' }), editorWork()),
    startAction: op(mutation('startAction', 'ActionTransitionInput'), fresh.action, editorWork()),
    completeAction: op(
      mutation('completeAction', 'ActionTransitionInput'),
      async (ctx) => (await ctx.admin(mutation('startAction', 'ActionTransitionInput', '{ id version }'), { i: await fresh.action(ctx) })).startAction,
      editorWork(),
    ),
    cancelAction: op(mutation('cancelAction', 'ReasonInput'), async (ctx) => ({ ...(await fresh.action(ctx)), reason: 'Behövs inte' }), editorWork()),
    setAssessment: op(
      mutation('setAssessment', 'SetAssessmentInput'),
      async (ctx) => {
        const a = (await ctx.admin(`{ planById(id: "${ctx.fx.adopted.planId}") { assessment { version } } }`)).planById.assessment;
        return { planId: ctx.fx.adopted.planId, version: a?.version, level: 'I_HUVUDSAK_TILLRACKLIG', analysis: 'Analys' };
      },
      editorWork(),
    ),
  },

  // Over WebSocket (see the test): a subscription naming SN is refused to who may not read it.
  Subscription: {
    domainEvents: {
      request: () => ({ query: 'subscription($c: [String!]) { domainEvents(namndCodes: $c) { namndCode type } }', variables: { c: [SUBJECT_NAMND] } }),
      expect: readsOfSubject(),
    },
  },
};

export function vorRow(nr: number) {
  return {
    nr: String(nr),
    mal: '1.1 Jämlika uppväxtvillkor',
    process: 'Importerad process',
    arbetssatt: 'Importerat arbetssätt',
    oonskadHandelse: `Importerad risk ${nr}`,
    sannolikhet: '2',
    konsekvens: '2',
    rv: '4',
    ikp: 'Nej',
  };
}

// --- REST -----------------------------------------------------------------------------------------------------------
const GQL_GET = `/graphql?query=${encodeURIComponent('{ me { sub } }')}`;
const DATASETS = [
  'namnder', 'goals', 'plans', 'processes', 'working-methods', 'risks', 'controls', 'control-activities', 'follow-ups', 'actions', 'assessments', 'audit-events',
  'deletions', 'risk-matrix-cells', 'action-tags', 'control-activity-periods', 'namnd-years',
] as const;
const exportRoutes: Record<string, RestEntry> = Object.fromEntries(
  DATASETS.flatMap((name) =>
    ['', '.csv', '.json'].map((ext) => [
      `GET /api/v1/exports/${name}${ext}`,
      // Every valid token reads exports, narrowed to its nämnder; the audit trail only for auditors and admins.
      { request: { method: 'GET', url: `/api/v1/exports/${name}${ext}` }, expect: name === 'audit-events' ? restOnly(AUDIT_READERS) : authenticated() } satisfies RestEntry,
    ]),
  ),
);
const report = (path: string): RestEntry => ({ request: { method: 'GET', url: `/api/v1/reports/${path}` }, expect: restOnly(READS_SUBJECT) });
const csv = (nr: number) =>
  `nr;mal;process;arbetssatt;oonskad_handelse;sannolikhet;konsekvens;rv;ikp\n${nr};1.1 Jämlika uppväxtvillkor;Importerad process;Importerat arbetssätt;Importerad risk ${nr};2;2;4;Nej\n`;

/** Keyed by "METHOD url" as registered; HEAD routes Fastify adds for GET routes are covered by the GET entry. */
export const restMatrix: Record<string, RestEntry> = {
  'GET /health/live': { request: { method: 'GET', url: '/health/live' }, expect: everyone(200) },
  'GET /health/ready': { request: { method: 'GET', url: '/health/ready' }, expect: everyone(200) },
  // The GraphQL door itself; what each operation allows is in graphqlMatrix.
  'GET /graphql': { request: { method: 'GET', url: GQL_GET }, expect: authenticated() },
  'POST /graphql': { request: { method: 'POST', url: '/graphql', payload: { query: '{ me { sub } }' } }, expect: authenticated() },
  // GraphiQL (outside production): its page and assets are public; its queries need a token like any other.
  'GET /graphiql': { request: { method: 'GET', url: '/graphiql' }, expect: everyone(200) },
  'GET /graphiql/assets/:name': { request: { method: 'GET', url: '/graphiql/assets/graphiql.js' }, expect: everyone(200) },
  // CORS preflight: needs no token; with no CORS_ORIGINS (as here) no origin is allowed and it is a 404.
  'OPTIONS *': {
    request: { method: 'OPTIONS', url: '/graphql', headers: { origin: 'https://app.stockholm.se', 'access-control-request-method': 'POST' } },
    expect: everyone(404),
  },
  // The API documentation is public; it describes the routes, it holds no data.
  'GET /openapi.json': { request: { method: 'GET', url: '/openapi.json' }, expect: everyone(200) },
  'GET /docs': { request: { method: 'GET', url: '/docs' }, expect: everyone(200) },
  'HEAD /docs/': { request: { method: 'HEAD', url: '/docs/' }, expect: everyone(200) },
  'GET /docs/json': { request: { method: 'GET', url: '/docs/json' }, expect: everyone(200) },
  'GET /docs/yaml': { request: { method: 'GET', url: '/docs/yaml' }, expect: everyone(200) },
  'GET /docs/static/*': { request: { method: 'GET', url: '/docs/static/swagger-ui.css' }, expect: everyone(200) },
  'GET /docs/static/index.html': { request: { method: 'GET', url: '/docs/static/index.html' }, expect: everyone(302) },
  'GET /docs/static/swagger-initializer.js': { request: { method: 'GET', url: '/docs/static/swagger-initializer.js' }, expect: everyone(200) },
  // The events feed: every valid token, narrowed to the nämnder it may read.
  'GET /api/v1/events': { request: { method: 'GET', url: '/api/v1/events?limit=1000' }, expect: authenticated() },
  ...exportRoutes,
  'GET /api/v1/reports/plans/:namndCode/:year/risk-matrix.svg': report(`plans/${SUBJECT_NAMND}/${ADOPTED_YEAR}/risk-matrix.svg`),
  'GET /api/v1/reports/plans/:namndCode/:year/vor.html': report(`plans/${SUBJECT_NAMND}/${ADOPTED_YEAR}/vor.html`),
  'GET /api/v1/reports/plans/:namndCode/:year/follow-up.html': report(`plans/${SUBJECT_NAMND}/${ADOPTED_YEAR}/follow-up.html`),
  'GET /api/v1/reports/ledningens-genomgang/:namndCode/:year.html': report(`ledningens-genomgang/${SUBJECT_NAMND}/${ADOPTED_YEAR}.html`),
  // The city overview: every valid token, narrowed to the nämnder it may read (an empty scope would be 403).
  'GET /api/v1/reports/city/:year.html': { request: { method: 'GET', url: `/api/v1/reports/city/${ADOPTED_YEAR}.html` }, expect: authenticated() },
  // A VoR file into SN's draft plan: its editors (201 Created).
  'POST /api/v1/imports/vor': {
    request: () => ({ method: 'POST', url: `/api/v1/imports/vor?namnd=${SUBJECT_NAMND}&year=${DRAFT_YEAR}`, headers: { 'content-type': 'text/csv' }, payload: csv(rowNr++) }),
    expect: restOnly(EDITS_SUBJECT, 201),
  },
};

export { OTHER_NAMND, SUBJECT_NAMND };
