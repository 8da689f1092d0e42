import { OTHER_NAMND, SUBJECT_NAMND } from './callers.js';

// The data the authorization matrix works on, built once per file through the API as an admin:
//   SN 2025  ADOPTED, three IKP control activities with two control activities each → 18 follow-ups, one action
//   SN 2026  DRAFT, a process → working method → risk → control → control activity
//   SN 2027  the lifecycle plan: adoptable, driven to whatever state a plan-transition cell needs
//   KS 2026  DRAFT (another nämnd's data, which SN-only callers must see and SN-only callers must not)
// Everything of SN carries a marker a caller who may not read SN must never see.

export const SECRET_NAME = 'Servicenämnden (matrisens hemliga namn)';
export const SECRET_TEXT = 'SN-HEMLIG';
export const SECRET = /matrisens hemliga namn|SN-HEMLIG/;

export type Admin = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export interface Fixture {
  goal11: string;
  draft: { planId: string; processId: string; workingMethodId: string; riskId: string; controlId: string; activityId: string };
  adopted: { planId: string; actionId: string };
  lifecyclePlanId: string;
  otherPlanId: string;
}

export const DRAFT_YEAR = 2026;
export const ADOPTED_YEAR = 2025;
export const LIFECYCLE_YEAR = 2027;

const M = {
  namnd: 'mutation($i: CreateNamndInput!) { createNamnd(input: $i) { id } }',
  goal: 'mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }',
  plan: 'mutation($i: CreatePlanInput!) { createPlan(input: $i) { id processes { mandatory workingMethods { id } } } }',
  process: 'mutation($i: CreateProcessInput!) { createProcess(input: $i) { id } }',
  wm: 'mutation($i: CreateWorkingMethodInput!) { createWorkingMethod(input: $i) { id } }',
  risk: 'mutation($i: CreateRiskInput!) { createRisk(input: $i) { id version } }',
  control: 'mutation($i: CreateControlInput!) { createControl(input: $i) { id version } }',
  activity: 'mutation($i: CreateControlActivityInput!) { createControlActivity(input: $i) { id version } }',
  adopt: 'mutation($i: AdoptPlanInput!) { adoptPlan(input: $i) { version } }',
  action: 'mutation($i: CreateActionInput!) { createAction(input: $i) { id version } }',
};

/** Goals 3.5 (the mandatory process's) and 1.1 of a year; returns 1.1's id. */
export async function goalsOf(admin: Admin, year: number): Promise<string> {
  const have = (await admin<{ goals: { id: string; code: string }[] }>(`{ goals(year: ${year}) { id code } }`)).goals;
  if (!have.some((g) => g.code === '3.5')) await admin(M.goal, { i: { year, code: '3.5', title: 'Hög beredskap och stark rådighet' } });
  const g11 = have.find((g) => g.code === '1.1') ?? (await admin<{ createGoal: { id: string } }>(M.goal, { i: { year, code: '1.1', title: 'Jämlika uppväxtvillkor' } })).createGoal;
  return g11.id;
}

/** A draft plan with content that passes every rule: the mandatory working methods assessed, IKP risks controlled. */
export async function adoptablePlan(admin: Admin, code: string, year: number, ikpRisks: number, activitiesPerControl = 1) {
  await goalsOf(admin, year);
  const plan = (await admin(M.plan, { i: { namndCode: code, year } })).createPlan;
  const wms: string[] = plan.processes.find((p: { mandatory: boolean }) => p.mandatory).workingMethods.map((w: { id: string }) => w.id);
  for (const wm of wms) await admin(M.risk, { i: { workingMethodId: wm, title: `${SECRET_TEXT} låg risk`, likelihood: 1, consequence: 1 } });
  for (let i = 0; i < ikpRisks; i++) {
    const risk = (await admin(M.risk, { i: { workingMethodId: wms[0], title: `${SECRET_TEXT} IKP-risk ${i}`, likelihood: 3, consequence: 4 } })).createRisk;
    const control = (await admin(M.control, { i: { riskId: risk.id, description: `${SECRET_TEXT} rutin ${i}` } })).createControl;
    for (let a = 0; a < activitiesPerControl; a++) {
      await admin(M.activity, { i: { controlId: control.id, description: `${SECRET_TEXT} kontroll ${i}.${a}`, periods: ['T1', 'T2', 'VB'] } });
    }
  }
  return plan.id as string;
}

export async function buildFixture(admin: Admin, ikpRisks = 3): Promise<Fixture> {
  await admin(M.namnd, { i: { code: SUBJECT_NAMND, name: SECRET_NAME, forvaltning: `${SECRET_TEXT} förvaltning` } });
  await admin(M.namnd, { i: { code: OTHER_NAMND, name: 'Kommunstyrelsen' } });

  const goal11 = await goalsOf(admin, DRAFT_YEAR);
  const draftPlan = (await admin(M.plan, { i: { namndCode: SUBJECT_NAMND, year: DRAFT_YEAR } })).createPlan;
  const processId = (await admin(M.process, { i: { planId: draftPlan.id, goalId: goal11, name: `${SECRET_TEXT} process` } })).createProcess.id;
  const workingMethodId = (await admin(M.wm, { i: { processId, name: `${SECRET_TEXT} arbetssätt` } })).createWorkingMethod.id;
  const riskId = (await admin(M.risk, { i: { workingMethodId, title: `${SECRET_TEXT} risk`, likelihood: 2, consequence: 3 } })).createRisk.id;
  const controlId = (await admin(M.control, { i: { riskId, description: `${SECRET_TEXT} kontroll` } })).createControl.id;
  const activityId = (await admin(M.activity, { i: { controlId, description: `${SECRET_TEXT} aktivitet` } })).createControlActivity.id;

  const adoptedPlanId = await adoptablePlan(admin, SUBJECT_NAMND, ADOPTED_YEAR, ikpRisks, 2);
  await admin(M.adopt, { i: { id: adoptedPlanId, version: 1, decisionDate: '2025-01-30', decisionReference: '§ 7' } });
  const actionId = (await admin(M.action, { i: { planId: adoptedPlanId, title: `${SECRET_TEXT} åtgärd`, owner: 'Enhetschef' } })).createAction.id;

  const lifecyclePlanId = await adoptablePlan(admin, SUBJECT_NAMND, LIFECYCLE_YEAR, 1);
  const otherPlanId = (await admin(M.plan, { i: { namndCode: OTHER_NAMND, year: DRAFT_YEAR } })).createPlan.id;
  return {
    goal11,
    draft: { planId: draftPlan.id, processId, workingMethodId, riskId, controlId, activityId },
    adopted: { planId: adoptedPlanId, actionId },
    lifecyclePlanId,
    otherPlanId,
  };
}
