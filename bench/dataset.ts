/**
 * The benchmark dataset: N nämnder × Y years × 70 risks, each risk with controls, control activities and (in
 * adopted and closed plans) follow-ups for its IKP activities. Inserted directly with INSERT … SELECT
 * generate_series (a handful of statements, seconds instead of minutes), not through the API.
 *
 * Deterministic: every id is a v4-shaped uuid from md5(seed, path) and every value a hash of the seed and the row's position, so
 * the same seed and size give the same rows, ids included. A marker row (bench_dataset) lets later runs skip the
 * generation.
 *
 * Valid for the service: migrations first; plans carry defaultMatrix(); every year has its goals 3.1–3.5; plans
 * from the mandatory process's first year contain it with its five working methods, each with an assessed risk
 * (R5); the last year is DRAFT, the one before ADOPTED, older ones CLOSED with an assessment and every follow-up
 * reported. No audit events are generated; each nämnd's chain has its head at seq 0 with no hash, which is what
 * the service's first event of a chain starts from, so the trail verifies.
 */
import { defaultMatrix } from '../src/modules/risks/risk-matrix.js';

export interface DatasetSize {
  seed: number;
  namnder: number;
  years: number;
  risksPerPlan: number;
  lastYear: number;
}

export type Query = (text: string, params?: unknown[]) => Promise<{ rows: any[] }>;

export const FULL: Omit<DatasetSize, 'seed'> = { namnder: 100, years: 10, risksPerPlan: 70, lastYear: 2026 };
export const EMBEDDED: Omit<DatasetSize, 'seed'> = { namnder: 10, years: 3, risksPerPlan: 70, lastYear: 2026 };

export const namndCode = (i: number) => `BN${String(i).padStart(3, '0')}`;

// A deterministic integer in [0, n) from a text key: the first 28 bits of its md5.
// A v4-shaped uuid from md5 (the API's validators accept RFC 9562 ids only): version nibble 4, variant 8.
const uidSql = (key: string) => `overlay(overlay(md5(${key}) placing '4' from 13) placing '8' from 17)::uuid`;

const rnd = (key: string, n: number) => `((('x' || substr(md5(${key}), 1, 7))::bit(28)::int) % ${n})`;

export async function ensureDataset(q: Query, size: DatasetSize, log: (s: string) => void = console.log): Promise<{ generated: boolean; rows: number }> {
  await q(`create table if not exists bench_dataset (seed int not null, namnder int not null, years int not null,
    risks_per_plan int not null, last_year int not null, row_count bigint not null, seconds real not null, created_at timestamptz not null default now())`);
  const { rows: markers } = await q('select * from bench_dataset');
  const m = markers[0];
  if (m && m.seed === size.seed && m.namnder === size.namnder && m.years === size.years && m.risks_per_plan === size.risksPerPlan && m.last_year === size.lastYear) {
    return { generated: false, rows: Number(m.row_count) };
  }
  const { rows: existing } = await q('select count(*)::int as n from namnder');
  if (m || existing[0].n > 0) throw new Error('the database holds other data (or another dataset): use a fresh database, or npm run bench -- --regenerate');

  const started = Date.now();
  const S = `'${size.seed}'`;
  const firstYear = size.lastYear - size.years + 1;
  const statements: [string, string, unknown[]][] = [
    ['nämnder', `insert into namnder (id, code, name, forvaltning)
      select ${uidSql(`${S} || ':n:' || n`)}, 'BN' || lpad(n::text, 3, '0'), 'Benchnämnd ' || n, 'Benchförvaltning ' || n
      from generate_series(1, $1::int) n`, [size.namnder]],
    ['goals', `insert into goals (id, year, code, title, inriktningsmal)
      select ${uidSql(`${S} || ':g:' || y || ':' || g`)}, y, '3.' || g, 'Kommunfullmäktiges mål 3.' || g || ' för ' || y, 3
      from generate_series($1::int, $2::int) y, generate_series(1, 5) g`, [firstYear, size.lastYear]],
    // The last year is being drafted, the one before is being followed up, older ones are closed.
    ['plans', `insert into plans (id, namnd_id, year, status, ikp_threshold, matrix, decision_date, decision_reference)
      select ${uidSql(`${S} || ':p:' || n || ':' || y`)}, ${uidSql(`${S} || ':n:' || n`)}, y,
        (case when y = $2 then 'DRAFT' when y = $2 - 1 then 'ADOPTED' else 'CLOSED' end)::plan_status, 9, $3::jsonb,
        case when y < $2 then make_date(y - 1, 12, 15) end, case when y < $2 then 'Dnr BN' || n || '-' || (y - 1) || '/1' end
      from generate_series(1, $4::int) n, generate_series($1::int, $2::int) y`, [firstYear, size.lastYear, JSON.stringify(defaultMatrix()), size.namnder]],
    // Processes 1–4 (goals 3.1–3.4) and a fifth (goal 3.5) that is the mandatory process where it applies.
    ['processes', `insert into processes (id, plan_id, goal_id, name, mandatory_process_id, sort_order)
      select ${uidSql(`p.id || ':pr:' || k`)}, p.id, g.id,
        case when k = 5 and mp.id is not null then mp.name else 'Process ' || k || ' ' || p.year end,
        case when k = 5 then mp.id end, k
      from plans p cross join generate_series(1, 5) k
      join goals g on g.year = p.year and g.code = '3.' || k
      left join mandatory_processes mp on k = 5 and p.year >= mp.from_year and (mp.to_year is null or p.year <= mp.to_year)`, []],
    ['working methods', `insert into working_methods (id, plan_id, process_id, name, mandatory_working_method_id, sort_order)
      select ${uidSql(`pr.id || ':wm:' || j`)}, pr.plan_id, pr.id, 'Arbetssätt ' || pr.sort_order || '.' || j, null, j
      from processes pr cross join generate_series(1, 3) j where pr.mandatory_process_id is null
      union all
      select ${uidSql(`pr.id || ':wm:' || mwm.sort_order`)}, pr.plan_id, pr.id, mwm.name, mwm.id, mwm.sort_order
      from processes pr join mandatory_working_methods mwm on mwm.mandatory_process_id = pr.mandatory_process_id`, []],
    // Risk g goes to the plan's working method (g − 1) mod W in tree order: every working method gets risks, the
    // mandatory ones included. Scale values 2–5 put about two thirds in the IKP; every 50th risk is unassessed.
    ['risks', `with wm as (
        select w.id, w.plan_id, row_number() over (partition by w.plan_id order by pr.sort_order, w.sort_order) - 1 as k,
          count(*) over (partition by w.plan_id) as n
        from working_methods w join processes pr on pr.id = w.process_id)
      insert into risks (id, plan_id, working_method_id, nr, title, description, likelihood, consequence)
      select ${uidSql(`p.id || ':r:' || g`)}, p.id, wm.id, g,
        'Risk ' || g || ' i ' || p.year || ': ' || (array['felaktiga utbetalningar', 'otillåten åtkomst', 'bristande dokumentation', 'jäv vid upphandling', 'förlorad information'])[1 + g % 5],
        case when g % 4 = 0 then 'Beskrivning av risk ' || g || E', med "citat" och\\nradbrytning' end,
        case when g % 50 = 0 then null else 2 + ${rnd(`p.id || ':l:' || g`, 4)} end,
        case when g % 50 = 0 then null else 2 + ${rnd(`p.id || ':c:' || g`, 4)} end
      from plans p cross join generate_series(1, $1::int) g
      join wm on wm.plan_id = p.id and wm.k = (g - 1) % wm.n`, [size.risksPerPlan]],
    // One control per risk, a second for every third risk; one activity per control.
    ['controls', `insert into controls (id, plan_id, risk_id, description, sort_order)
      select ${uidSql(`r.id || ':c:' || k`)}, r.plan_id, r.id, 'Kontroll ' || k || ' av risk ' || r.nr, k
      from risks r cross join generate_series(1, 2) k where k = 1 or r.nr % 3 = 0`, []],
    ['control activities', `insert into control_activities (id, plan_id, control_id, description, responsible, frequency, sort_order)
      select ${uidSql(`c.id || ':a'`)}, c.plan_id, c.id, 'Stickprov för ' || lower(c.description), 'Enhetschef ' || (1 + c.sort_order), 'Kvartalsvis', 1
      from controls c`, []],
    // Follow-ups exist from adoption, one per IKP activity and period; closed plans have all of them reported.
    ['follow-ups', `insert into follow_ups (id, plan_id, control_activity_id, period, status, outcome, result_text, explanation, reported_at, reported_by)
      select ${uidSql(`a.id || ':f:' || per`)}, a.plan_id, a.id, per::period, st::follow_up_status,
        case when st = 'REPORTED' then (case when ${rnd(`a.id || per`, 10)} = 0 then 'DEVIATION' else 'NO_DEVIATION' end)::follow_up_outcome end,
        case when st = 'REPORTED' then 'Kontrollen genomförd ' || per || ' ' || p.year end,
        case when st = 'REPORTED' and ${rnd(`a.id || per`, 10)} = 0 then 'Avvikelse i stickprov' end,
        case when st = 'REPORTED' then make_timestamptz(p.year, case per when 'T1' then 5 when 'T2' then 9 else 12 end, 20, 12, 0, 0, 'UTC') end,
        case when st = 'REPORTED' then 'bench-reporter' end
      from control_activities a
      join controls c on c.id = a.control_id
      join risks r on r.id = c.risk_id and r.likelihood * r.consequence >= 9
      join plans p on p.id = a.plan_id and p.status <> 'DRAFT'
      cross join lateral (values ('T1', 1), ('T2', 2), ('VB', 3)) v(per, o)
      cross join lateral (select case when p.status = 'CLOSED' or per = 'T1' then 'REPORTED' when per = 'T2' then 'IN_PROGRESS' else 'NOT_STARTED' end as st) s`, []],
    ['assessments', `insert into assessments (id, plan_id, level, analysis, assessed_by)
      select ${uidSql(`p.id || ':as'`)}, p.id, 'I_HUVUDSAK_TILLRACKLIG', 'Internkontrollen ' || p.year || ' har i huvudsak varit tillräcklig.', 'bench-approver'
      from plans p where p.status = 'CLOSED'`, []],
    // The decision's snapshot is abridged (the plan's settings, not its tree): nothing in the benchmark reads it.
    ['decisions', `insert into plan_decisions (id, plan_id, decision_date, reference, adopted_by, adopted_at, snapshot)
      select ${uidSql(`p.id || ':d'`)}, p.id, p.decision_date, p.decision_reference, 'bench-approver', p.decision_date::timestamptz,
        jsonb_build_object('year', p.year, 'namndCode', n.code, 'ikpThreshold', p.ikp_threshold, 'matrix', p.matrix, 'processes', '[]'::jsonb, 'abridged', true)
      from plans p join namnder n on n.id = p.namnd_id where p.status <> 'DRAFT'`, []],
    // Empty chains, as the service leaves them (seq 0, no hash): lets the limit server lock an existing head row.
    ['audit chain heads', `insert into audit_chain_heads (chain, seq, hash) select 'namnd:' || code, 0, '' from namnder`, []],
  ];
  let rows = 0;
  await q('begin');
  try {
    for (const [label, text, params] of statements) {
      const t = Date.now();
      const r = (await q(text, params)) as { rows: unknown[]; rowCount?: number; affectedRows?: number };
      const n = r.rowCount ?? r.affectedRows ?? 0;
      rows += n;
      log(`  ${label}: ${n} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const seconds = (Date.now() - started) / 1000;
    await q(`insert into bench_dataset (seed, namnder, years, risks_per_plan, last_year, row_count, seconds) values ($1, $2, $3, $4, $5, $6, $7)`, [
      size.seed, size.namnder, size.years, size.risksPerPlan, size.lastYear, rows, seconds,
    ]);
    await q('commit');
  } catch (e) {
    await q('rollback');
    throw e;
  }
  await q('analyze');
  log(`  dataset: ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { generated: true, rows };
}
