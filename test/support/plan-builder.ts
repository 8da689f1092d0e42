import type { FastifyInstance } from 'fastify';
import { gqlOk } from '../helper.js';

/** Builds a small plan through the API: nämnd, goals 3.5 and 1.1, the draft plan, one process and working method. */
export async function buildPlan(app: FastifyInstance, code: string, year = 2026) {
  await gqlOk(app, `mutation($i: CreateNamndInput!) { createNamnd(input: $i) { id } }`, { i: { code, name: `Nämnd ${code}` } });
  const goals = await gqlOk(app, `{ goals(year: ${year}) { id code } }`);
  let goal35 = goals.goals.find((g: { code: string }) => g.code === '3.5');
  let goal11 = goals.goals.find((g: { code: string }) => g.code === '1.1');
  if (!goal35) goal35 = (await gqlOk(app, `mutation { createGoal(input: { year: ${year}, code: "3.5", title: "Hög beredskap och stark rådighet ska råda i alla verksamhetsområden" }) { id } }`)).createGoal;
  if (!goal11) goal11 = (await gqlOk(app, `mutation { createGoal(input: { year: ${year}, code: "1.1", title: "Alla barn och ungdomar ska ges möjlighet till jämlika uppväxtvillkor" }) { id } }`)).createGoal;
  const plan = (await gqlOk(app, `mutation { createPlan(input: { namndCode: "${code}", year: ${year} }) { id version processes { id name workingMethods { id name } } } }`)).createPlan;
  const process = (await gqlOk(app, `mutation($i: CreateProcessInput!) { createProcess(input: $i) { id } }`, { i: { planId: plan.id, goalId: goal11.id, name: 'Avtalsprocessen' } })).createProcess;
  const wm = (await gqlOk(app, `mutation($i: CreateWorkingMethodInput!) { createWorkingMethod(input: $i) { id } }`, { i: { processId: process.id, name: 'Avtalsuppföljning' } })).createWorkingMethod;
  return { plan, goal35, goal11, process, wm, mandatory: plan.processes[0] };
}

export const CREATE_RISK = `mutation($i: CreateRiskInput!) { createRisk(input: $i) { id nr version rv inIkp ikpBasis band { key } } }`;
export const UPDATE_RISK = `mutation($i: UpdateRiskInput!) { updateRisk(input: $i) { id nr version rv inIkp ikpBasis ikpOverride } }`;
export const VIOLATIONS = `query($code: String!) { plan(namndCode: $code, year: 2026) { ruleViolations { rule entityType entityId message } } }`;
