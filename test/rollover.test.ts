import t from 'tap';
import { and, eq } from 'drizzle-orm';
import { actions, auditEvents, controlActivities, controls, plans, processes, risks, workingMethods } from '../src/db/schema/index.js';
import { buildTestApp, codeOf, gql, gqlOk } from './helper.js';
import { loadServicenamnden } from './support/servicenamnden.js';
import { buildPlan, CREATE_RISK } from './support/plan-builder.js';

// The yearly rollover through the GraphQL mutation, on Servicenämnden's real 2026 plan.
const { app, database } = await buildTestApp(t);
const db = database.db;
await loadServicenamnden(app);

const ROLLOVER = `mutation($i: RolloverInput!) { rollover(input: $i) {
  fromYear toYear created skipped failed goals { created skipped }
  namnder { namndCode fromPlanId planId created skipped error { code message }
    counts { plan { created skipped } processes { created skipped } workingMethods { created skipped } risks { created skipped }
      controls { created skipped } controlActivities { created skipped } actions { created skipped } } } } }`;

const rollover = async (i: Record<string, unknown>) => (await gqlOk(app, ROLLOVER, { i })).rollover;
const counts = async (planId: string) => {
  const n = async (table: typeof processes | typeof workingMethods | typeof risks | typeof controls | typeof controlActivities | typeof actions) =>
    (await db.select({ id: table.id }).from(table).where(eq(table.planId, planId))).length;
  return { processes: await n(processes), workingMethods: await n(workingMethods), risks: await n(risks), controls: await n(controls), controlActivities: await n(controlActivities), actions: await n(actions) };
};

const sn2026 = (await gqlOk(app, `{ plan(namndCode: "SN", year: 2026) { id } }`)).plan.id as string;
const source = await counts(sn2026);
const opened = await db
  .insert(actions)
  .values([
    { planId: sn2026, title: 'Uppdatera rutin för behörighetsgenomgång', owner: 'IT-chef', status: 'PLANNED', plannedYear: 2027, tags: ['LG'] },
    { planId: sn2026, title: 'Utbilda handläggare i informationsklassning', status: 'IN_PROGRESS', dueDate: '2026-11-30' },
    { planId: sn2026, title: 'Avslutad åtgärd', status: 'DONE' },
    { planId: sn2026, title: 'Struken åtgärd', status: 'CANCELLED', statusReason: 'ersatt' },
  ])
  .returning();

await t.test('only an admin may roll over', async (t) => {
  for (const roles of [['approver:SN'], ['editor:SN'], ['auditor']]) {
    const r = await gql(app, ROLLOVER, { i: { fromYear: 2026, toYear: 2027 } }, roles);
    t.equal(codeOf(r), 'FORBIDDEN', roles[0]);
  }
  t.equal((await db.select().from(plans).where(eq(plans.year, 2027))).length, 0, 'nothing was written');
  const bad = await gql(app, ROLLOVER, { i: { fromYear: 2026, toYear: 2026 } });
  t.equal(codeOf(bad), 'VALIDATION_FAILED');
  t.equal(codeOf(await gql(app, ROLLOVER, { i: { fromYear: 2026, toYear: 2027, namndCode: 'NOPE' } })), 'NOT_FOUND');
});

let sn2027 = '';
await t.test('the first run carries the whole plan and the open actions', async (t) => {
  const report = await rollover({ fromYear: 2026, toYear: 2027, namndCode: 'SN' });
  t.equal(report.failed, 0);
  t.same(report.goals, { created: 15, skipped: 0 });
  const [sn] = report.namnder;
  t.equal(sn.namndCode, 'SN');
  t.equal(sn.fromPlanId, sn2026);
  t.same(sn.counts, {
    plan: { created: 1, skipped: 0 },
    processes: { created: source.processes, skipped: 0 },
    workingMethods: { created: source.workingMethods, skipped: 0 },
    risks: { created: 70, skipped: 0 },
    controls: { created: 12, skipped: 0 },
    controlActivities: { created: 12, skipped: 0 },
    actions: { created: 2, skipped: 0 },
  });
  sn2027 = sn.planId;
  t.same(await counts(sn2027), { ...source, actions: 2 }, 'one copy of each, the mandatory process linked, not doubled');

  const { plan } = await gqlOk(app, `{ plan(namndCode: "SN", year: 2027) { status ikpThreshold
    risks { nr likelihood consequence rv inIkp previousLikelihood previousConsequence previousRv process { name goal { code year } } }
    ruleViolations { rule } } }`);
  t.equal(plan.status, 'DRAFT');
  t.equal(plan.risks.length, 70);
  const r38 = plan.risks.find((r: { nr: number }) => r.nr === 38);
  t.match(r38, { likelihood: 3, consequence: 4, rv: 12, inIkp: true, previousLikelihood: 3, previousConsequence: 4, previousRv: 12, process: { goal: { code: '3.1', year: 2027 } } });
  const r70 = plan.risks.find((r: { nr: number }) => r.nr === 70);
  t.match(r70, { likelihood: null, previousLikelihood: null, previousRv: null });
  t.same(plan.risks.filter((r: { inIkp: boolean }) => r.inIkp).map((r: { nr: number }) => r.nr), [30, 38, 39, 42, 43, 51, 53, 55, 57, 58, 62, 63]);
  t.ok(plan.ruleViolations.some((v: { rule: string }) => v.rule === 'R2'), 'risk 31 still needs its motivation');

  // Every copy names its origin.
  const oldRisks = new Map((await db.select().from(risks).where(eq(risks.planId, sn2026))).map((r) => [r.id, r]));
  const newRisks = await db.select().from(risks).where(eq(risks.planId, sn2027));
  t.ok(newRisks.every((r) => r.originId && oldRisks.get(r.originId)?.nr === r.nr && oldRisks.get(r.originId)?.title === r.title));
  const [newPlan] = await db.select().from(plans).where(eq(plans.id, sn2027));
  t.equal(newPlan.originPlanId, sn2026);
  const mandatory = await db.select().from(processes).where(and(eq(processes.planId, sn2027)));
  t.ok(mandatory.every((p) => p.originId), 'the mandatory process created with the plan is linked to last year’s');

  const carried = await db.select().from(actions).where(eq(actions.planId, sn2027));
  t.same(
    carried.map((a) => [a.title, a.status, a.originActionId]).sort(),
    [
      ['Utbilda handläggare i informationsklassning', 'IN_PROGRESS', opened[1].id],
      ['Uppdatera rutin för behörighetsgenomgång', 'PLANNED', opened[0].id],
    ].sort(),
  );
  t.match(carried.find((a) => a.status === 'PLANNED'), { owner: 'IT-chef', plannedYear: 2027, tags: ['LG'] });
  // Issue 14: the originals end as CARRIED_OVER in the (still adopted) old plan; done and cancelled ones stay.
  const originals = await db.select().from(actions).where(eq(actions.planId, sn2026));
  t.same(originals.filter((a) => opened.some((o) => o.id === a.id)).map((a) => [a.title, a.status]).sort(), [
    ['Avslutad åtgärd', 'DONE'],
    ['Struken åtgärd', 'CANCELLED'],
    ['Uppdatera rutin för behörighetsgenomgång', 'CARRIED_OVER'],
    ['Utbilda handläggare i informationsklassning', 'CARRIED_OVER'],
  ]);

  const audit = await db.select().from(auditEvents).where(eq(auditEvents.entityId, sn2027));
  t.same(audit.map((e) => e.action).sort(), ['plan.create', 'plan.rollover']);
  t.equal((await db.select().from(auditEvents).where(eq(auditEvents.action, 'rollover.run'))).length, 1);
});

await t.test('a second run creates nothing and reports everything as skipped', async (t) => {
  const before = await counts(sn2027);
  const report = await rollover({ fromYear: 2026, toYear: 2027 });
  t.equal(report.created, 0);
  t.same(report.goals, { created: 0, skipped: 15 });
  const [sn] = report.namnder;
  t.equal(sn.planId, sn2027);
  t.same(sn.counts, {
    plan: { created: 0, skipped: 1 },
    processes: { created: 0, skipped: source.processes },
    workingMethods: { created: 0, skipped: source.workingMethods },
    risks: { created: 0, skipped: 70 },
    controls: { created: 0, skipped: 12 },
    controlActivities: { created: 0, skipped: 12 },
    actions: { created: 0, skipped: 2 },
  });
  t.same(await counts(sn2027), before);
  const planAudit = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, sn2027), eq(auditEvents.action, 'plan.rollover')));
  t.equal(planAudit.length, 1, 'no plan event when nothing was carried');
  t.equal((await db.select().from(auditEvents).where(eq(auditEvents.action, 'rollover.run'))).length, 2, 'every run is logged');
});

await t.test('what was removed from the new draft stays removed; what is new last year is carried', async (t) => {
  const { plan } = await gqlOk(app, `{ plan(namndCode: "SN", year: 2027) { risks { id nr version } } }`);
  const r1 = plan.risks.find((r: { nr: number }) => r.nr === 1);
  await gqlOk(app, `mutation($i: DeleteVersionedInput!) { deleteRisk(input: $i) }`, { i: { id: r1.id, version: r1.version } });
  await db.insert(actions).values({ planId: sn2026, title: 'Ny åtgärd efter första körningen', status: 'PLANNED' });
  const report = await rollover({ fromYear: 2026, toYear: 2027, namndCode: 'sn' });
  const [sn] = report.namnder;
  t.same(sn.counts.risks, { created: 0, skipped: 70 });
  t.same(sn.counts.actions, { created: 1, skipped: 2 });
  t.equal((await counts(sn2027)).risks, 69);
});

await t.test('all or nothing per nämnd: one nämnd refused, the others rolled over', async (t) => {
  // AB 2026 with risk 1; AB 2027 already has its own risk 1, which the carried one cannot take (R6).
  const ab = await buildPlan(app, 'AB', 2026);
  await gqlOk(app, CREATE_RISK, { i: { workingMethodId: ab.wm.id, nr: 1, title: 'Risk för felaktiga avtal', likelihood: 3, consequence: 3 } });
  await buildPlan(app, 'CD', 2026);
  const ab2027 = (await gqlOk(app, `mutation { createPlan(input: { namndCode: "AB", year: 2027 }) { id processes { workingMethods { id } } } }`)).createPlan;
  await gqlOk(app, CREATE_RISK, { i: { workingMethodId: ab2027.processes[0].workingMethods[0].id, nr: 1, title: 'Egen risk', likelihood: 1, consequence: 1 } });
  const before = await counts(ab2027.id);

  const report = await rollover({ fromYear: 2026, toYear: 2027 });
  t.equal(report.failed, 1);
  const byCode = Object.fromEntries(report.namnder.map((n: { namndCode: string }) => [n.namndCode, n]));
  t.match(byCode.AB, { planId: null, created: 0, error: { code: 'DUPLICATE_RISK_NUMBER', message: /risk number\(s\) 1/ } });
  t.same(await counts(ab2027.id), before, 'nothing was written for AB');
  t.equal(byCode.CD.counts.plan.created, 1);
  t.equal(byCode.CD.counts.processes.created, 2);
  t.equal(byCode.SN.created, 0);
});

await t.test('an adopted new plan is not filled', async (t) => {
  await db.update(plans).set({ status: 'ADOPTED' }).where(eq(plans.id, sn2027));
  const quiet = await rollover({ fromYear: 2026, toYear: 2027, namndCode: 'SN' });
  t.match(quiet.namnder[0], { error: null, created: 0 }, 'nothing to carry: all skipped, no error');
  await db.insert(actions).values({ planId: sn2026, title: 'Sen åtgärd', status: 'PLANNED' });
  const report = await rollover({ fromYear: 2026, toYear: 2027, namndCode: 'SN' });
  t.match(report.namnder[0], { planId: null, error: { code: 'PLAN_NOT_EDITABLE' } });
  t.equal((await counts(sn2027)).actions, 3, 'nothing written');
});
