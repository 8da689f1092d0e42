import t from 'tap';
import { QUIET, buildTestApp, gqlOk } from './helper.js';
import { IMPORT, snRows } from './support/servicenamnden.js';

// The number of SQL statements of a GraphQL request must not grow with the size of the answer.
const { app, queries } = await buildTestApp(t, QUIET);
await gqlOk(app, IMPORT, { input: { namndCode: 'SN', namndName: 'Servicenämnden', year: 2026, rows: snRows() } });
const small = snRows().filter((r) => ['51', '53', '60', '61', '62'].includes(r.nr));
await gqlOk(app, IMPORT, { input: { namndCode: 'LN', namndName: 'Liten nämnd', year: 2026, rows: small } });

const TREE = `query($code: String!) { plan(namndCode: $code, year: 2026) {
  id status namnd { code name } riskMatrix { bands { key } }
  goals { code title }
  processes { name goal { code } history { action }
    workingMethods { name process { name } history { action }
      risks { nr title rv band { key label color } inIkp ikpBasis likelihoodLabel history { action actor }
        plan { year } goal { code } process { name } workingMethod { name }
        controls { description risk { nr } history { action } activities { description periods control { description } history { action } } } } } }
  risks { nr inIkp } ikp { risk { nr } controlActivity { description } }
  matrix { riskNumbers } bandCounts { total } ruleViolations { rule }
  history { action }
} }`;

async function statementsFor(code: string) {
  queries.length = 0;
  const d = await gqlOk(app, TREE, { code });
  return { n: queries.length, risks: d.plan.risks.length };
}

t.test('a plan of 70 risks and one of 5 need the same number of statements', async (t) => {
  const big = await statementsFor('SN');
  const little = await statementsFor('LN');
  t.equal(big.risks, 70);
  t.equal(little.risks, 5);
  t.equal(big.n, little.n, `SN: ${big.n} statements, LN: ${little.n}`);
  t.ok(big.n <= 20, `a bounded number (${big.n})`);
});

t.test('a city-wide list of many plans is batched too', async (t) => {
  const Q = `{ plans(filter: { year: 2026 }) { nodes { namnd { code } bandCounts { total } risks { nr process { name } } } } }`;
  queries.length = 0;
  const d = await gqlOk(app, Q, {}, ['integration']);
  t.equal(d.plans.nodes.length, 2);
  const two = queries.length;
  queries.length = 0;
  await gqlOk(app, `{ plans(filter: { namndCodes: ["SN"] }) { nodes { namnd { code } bandCounts { total } risks { nr process { name } } } } }`, {}, ['integration']);
  t.equal(queries.length, two, 'one plan or two: the same statements');
});

t.test("the plan tree with its follow-ups (the benchmark's W1) in one statement: the plan, its content and its follow-ups together (the deadlines, when not cached, in a second)", async (t) => {
  const W1 = `query($c: String!) { plan(namndCode: $c, year: 2026) { id year status ikpThreshold processes { id name sortOrder goal { code title }
    workingMethods { id name sortOrder risks { id nr title description likelihood consequence rv inIkp band { key } controls { id description
    activities { id description responsible periods followUps { id period status outcome dueDate late } } } } } } } }`;
  for (const c of ['SN', 'LN']) {
    queries.length = 0;
    const d = await gqlOk(app, W1, { c });
    t.ok(d.plan.processes.length > 0);
    t.ok(queries.length <= 2, `${c}: ${queries.length}: ${queries.map((q) => q.slice(0, 60)).join(" ;; ")}`);
  }
});
