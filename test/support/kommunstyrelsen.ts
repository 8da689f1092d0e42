import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { gqlOk } from '../helper.js';

export const ksDoc = JSON.parse(fs.readFileSync(new URL('../../fixtures/kommunstyrelsen-2024/uppfoljning.json', import.meta.url), 'utf8')) as {
  bedomning: string;
  analys: string;
  processes: { goal: string; goalTitle: string; process: string; rows: { arbetssatt: string; systematiskKontroll: string; kontrollaktivitet: string; resultat: string }[] }[];
};

const M = {
  namnd: `mutation($i: CreateNamndInput!) { createNamnd(input: $i) { id } }`,
  goal: `mutation($i: CreateGoalInput!) { createGoal(input: $i) { id code } }`,
  plan: `mutation($i: CreatePlanInput!) { createPlan(input: $i) { id version processes { id name workingMethods { id name } } } }`,
  process: `mutation($i: CreateProcessInput!) { createProcess(input: $i) { id } }`,
  wm: `mutation($i: CreateWorkingMethodInput!) { createWorkingMethod(input: $i) { id } }`,
  risk: `mutation($i: CreateRiskInput!) { createRisk(input: $i) { id } }`,
  control: `mutation($i: CreateControlInput!) { createControl(input: $i) { id } }`,
  activity: `mutation($i: CreateControlActivityInput!) { createControlActivity(input: $i) { id description } }`,
};

/**
 * Builds Kommunstyrelsen's 2024 plan from its follow-up document through the API. The follow-up prints the IKP
 * (process, working method, systematic control, control activity) but not the VoR's risk texts and values, so each
 * systematic control gets one risk valued at the threshold (3 × 3), and the mandatory working methods the document
 * does not follow up get one assessed risk each, as the VoR must have (R5).
 */
export async function buildKommunstyrelsen(app: FastifyInstance, editor: string, approver: string) {
  await gqlOk(app, M.namnd, { i: { code: 'KS', name: 'Kommunstyrelsen', forvaltning: 'Stadsledningskontoret' } });
  const goals = new Map<string, string>();
  for (const p of ksDoc.processes) {
    if (!goals.has(p.goal)) goals.set(p.goal, (await gqlOk(app, M.goal, { i: { year: 2024, code: p.goal, title: p.goalTitle } })).createGoal.id);
  }
  const plan = (await gqlOk(app, M.plan, { i: { namndCode: 'KS', year: 2024 } }, approver)).createPlan;
  const mandatory = plan.processes[0];
  const activities: { id: string; row: (typeof ksDoc.processes)[number]['rows'][number] }[] = [];
  let nr = 1;
  for (const p of ksDoc.processes) {
    const processId = p.process === mandatory.name ? mandatory.id : (await gqlOk(app, M.process, { i: { planId: plan.id, goalId: goals.get(p.goal), name: p.process } }, editor)).createProcess.id;
    const wms = new Map<string, string>(p.process === mandatory.name ? mandatory.workingMethods.map((w: { name: string; id: string }) => [w.name, w.id]) : []);
    const controls = new Map<string, string>();
    for (const row of p.rows) {
      if (!wms.has(row.arbetssatt)) wms.set(row.arbetssatt, (await gqlOk(app, M.wm, { i: { processId, name: row.arbetssatt } }, editor)).createWorkingMethod.id);
      const key = `${row.arbetssatt}|${row.systematiskKontroll}`;
      if (!controls.has(key)) {
        const risk = (await gqlOk(app, M.risk, { i: { workingMethodId: wms.get(row.arbetssatt), nr: nr++, title: `Brister i: ${row.systematiskKontroll}`, likelihood: 3, consequence: 3 } }, editor)).createRisk;
        controls.set(key, (await gqlOk(app, M.control, { i: { riskId: risk.id, description: row.systematiskKontroll } }, editor)).createControl.id);
      }
      const act = (await gqlOk(app, M.activity, { i: { controlId: controls.get(key), description: row.kontrollaktivitet, periods: ['VB'] } }, editor)).createControlActivity;
      activities.push({ id: act.id, row });
    }
  }
  for (const w of mandatory.workingMethods.filter((w: { name: string }) => w.name !== 'Behörighetshantering')) {
    await gqlOk(app, M.risk, { i: { workingMethodId: w.id, nr: nr++, title: `Bristande ${w.name.toLowerCase()}`, likelihood: 2, consequence: 2 } }, editor);
  }
  return { planId: plan.id as string, activities };
}
