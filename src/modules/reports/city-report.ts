import { isFollowUpLate, type CityOverview, type MandatoryProcessFigures, type NamndYear } from '../city/index.js';
import { PlanTree, type PlanWithNamnd } from '../plans/index.js';
import { htmlDocument } from './document.js';
import { html, type SafeHtml } from './html.js';
import { ASSESSMENT_LEVEL, PERIOD, PERIODS, PLAN_STATUS, label } from './labels.js';
import { riskMatrixSvg } from './risk-matrix-svg.js';

const bandCell = (row: NamndYear, key: string) => (row.bandCounts ? (row.bandCounts.bands.find((b) => b.band.key === key)?.count ?? 0) : '–');

/** "reported/of" with deviations (A), not performed (E) and overdue (F) when there are any. */
function periodCell(row: NamndYear, i: number): SafeHtml {
  const p = row.periods[i];
  if (!p.followUps) return html`<span class="muted">–</span>`;
  const notes = [p.deviations ? `${p.deviations} avv.` : '', p.notPerformed ? `${p.notPerformed} ej genomf.` : '', p.overdue ? `${p.overdue} försenade` : ''].filter(Boolean);
  return html`${p.reported}/${p.followUps}${notes.length ? html`<br><span class="muted">${notes.join(', ')}</span>` : ''}`;
}

function namndTable(o: CityOverview): SafeHtml {
  const bands = o.totals.bands.map((b) => b.band);
  return html`<table class="city-namnder">
<thead><tr><th>Nämnd</th><th>Status</th><th>Beslut</th><th>Bedömning</th><th>Analys</th>${bands.map((b) => html`<th class="num">${b.label}</th>`)}<th class="num">IKP</th>${PERIODS.map((p) => html`<th class="num"><abbr title="${label(PERIOD, p)}">${p}</abbr></th>`)}<th class="num">Öppna åtgärder</th><th class="num">Förfallna</th><th class="num">Överförda</th><th class="num">Regelbrott</th></tr></thead>
<tbody>
${o.namnder.map(
  (r) => html`<tr class="namnd" data-namnd="${r.namnd.code}"><td>${r.namnd.name} (${r.namnd.code})</td><td class="plan-status">${r.plan ? label(PLAN_STATUS, r.plan.status) : html`<span class="missing">Ingen plan</span>`}</td><td class="decision">${r.plan?.decisionDate ?? html`<span class="muted">–</span>`}</td><td class="assessment">${r.assessment ? label(ASSESSMENT_LEVEL, r.assessment) : html`<span class="muted">Ej bedömd</span>`}</td><td class="analysis">${r.analysisWritten ? 'Skriven' : html`<span class="muted">Saknas</span>`}</td>${bands.map((b) => html`<td class="num band-count" data-band="${b.key}">${bandCell(r, b.key)}</td>`)}<td class="num ikp">${r.ikpRisks}</td>${PERIODS.map((p, i) => html`<td class="num period" data-period="${p}">${periodCell(r, i)}</td>`)}<td class="num open-actions">${r.openActions}</td><td class="num overdue-actions">${r.overdueActions}</td><td class="num carried-over">${r.carriedOverActions}</td><td class="num violations">${r.ruleViolations.length}</td></tr>
`,
)}</tbody>
</table>`;
}

function totalsTable(o: CityOverview): SafeHtml {
  const t = o.totals;
  const fact = (cls: string, name: string, value: string | number) => html`<tr class="${cls}"><th>${name}</th><td class="num">${value}</td></tr>`;
  return html`<table class="facts totals"><tbody>
${fact('namnder', 'Nämnder', t.namnder)}
${t.statuses.map((s) => fact(`status-${s.status}`, `Plan ${label(PLAN_STATUS, s.status).toLowerCase()}`, s.count))}
${fact('without-plan', 'Utan plan', t.withoutPlan)}
${t.assessments.map((a) => fact(`assessment-${a.level}`, `Bedömning ${label(ASSESSMENT_LEVEL, a.level).toLowerCase()}`, a.count))}
${fact('not-assessed', 'Inte bedömd', t.notAssessed)}
${t.bands.map((b) => fact(`band-${b.band.key}`, `Risker ${b.band.label.toLowerCase()}`, b.count))}
${fact('ikp-risks', 'Risker i internkontrollplanerna', t.ikpRisks)}
${PERIODS.map((p, i) => fact(`period-${p}`, `${label(PERIOD, p)}: rapporterade av`, `${t.periods[i].reported} av ${t.periods[i].followUps}`))}
${fact('deviations', 'Avvikelser', t.followUpSummary.deviations)}
${fact('not-performed', 'Ej genomförda kontroller', t.followUpSummary.notPerformed)}
${fact('overdue-follow-ups', 'Försenade uppföljningar', t.overdueFollowUps)}
${fact('open-actions', 'Öppna åtgärder', t.openActions)}
${fact('overdue-actions', 'Förfallna åtgärder', t.overdueActions)}
${fact('carried-over', 'Överförda åtgärder', t.carriedOverActions)}
${fact('violations', 'Regelbrott i utkast', t.ruleViolations)}
</tbody></table>`;
}

function lateList(o: CityOverview): SafeHtml {
  const late = o.namnder.filter((r) => r.adoptionLate || isFollowUpLate(r));
  if (!late.length) return html`<p class="muted">Ingen nämnd är sen med fastställande eller uppföljning.</p>`;
  return html`<ul class="late">${late.map(
    (r) => html`<li data-namnd="${r.namnd.code}">${r.namnd.name} (${r.namnd.code}): ${[
      r.adoptionLate ? (r.plan ? 'planen är inte fastställd' : 'ingen plan') : '',
      isFollowUpLate(r) ? `${r.overdueFollowUps} försenad${r.overdueFollowUps === 1 ? '' : 'e'} uppföljning${r.overdueFollowUps === 1 ? '' : 'ar'} (${r.periods.filter((p) => p.overdue).map((p) => p.period).join(', ')})` : '',
    ]
      .filter(Boolean)
      .join('; ')}</li>
`,
  )}</ul>`;
}

/** All nämnder's risks under the mandatory process in one matrix, numbered 1… in the list below, in the city's default matrix. */
function mandatorySection(o: CityOverview, mp: MandatoryProcessFigures): SafeHtml {
  const plan: PlanWithNamnd = {
    id: '00000000-0000-0000-0000-000000000000',
    namndId: '',
    year: o.year,
    status: 'ADOPTED',
    ikpThreshold: 9,
    matrix: o.defaultMatrix,
    decisionDate: null,
    decisionReference: null,
    originPlanId: null,
    version: 1,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    namndCode: '',
  };
  const numbered = mp.risks.map((r, i) => ({ ...r, cityNr: i + 1 }));
  const tree = new PlanTree(plan, [], [], [], numbered.map((r) => ({ ...r.risk, nr: r.cityNr })), [], []);
  const names = (list: { code: string }[]) => (list.length ? list.map((n) => n.code).join(', ') : html`<span class="muted">–</span>`);
  const bands = o.defaultMatrix.bands;
  return html`<h3>${mp.name}</h3>
${mp.missing.length ? html`<p class="missing-process">Saknas hos: ${names(mp.missing)}</p>` : ''}
<table class="mandatory">
<thead><tr><th>Arbetssätt</th><th class="num">Bedömt av</th>${bands.map((b) => html`<th class="num">${b.label}</th>`)}<th class="num">I IKP hos</th><th>Saknas hos</th></tr></thead>
<tbody>
${mp.workingMethods.map(
  (w) => html`<tr class="mandatory-wm"><td>${w.name}</td><td class="num assessed">${w.assessedBy.length}</td>${bands.map((b) => html`<td class="num band-count" data-band="${b.key}">${w.bands.find((x) => x.band.key === b.key)?.count ?? 0}</td>`)}<td class="num in-ikp">${w.inIkpBy.length}</td><td class="missing-namnder">${names(w.missing)}</td></tr>
`,
)}</tbody>
</table>
<figure class="matrix">${riskMatrixSvg(tree, { namndName: `${mp.name}, hela staden`, inline: true })}</figure>
${numbered.length ? html`<table class="city-risks"><thead><tr><th class="num">Nr</th><th>Nämnd</th><th>Arbetssätt</th><th class="num">Nämndens nr</th><th>Oönskad händelse</th><th class="num">RV</th></tr></thead><tbody>
${numbered.map((r) => html`<tr class="city-risk" data-nr="${r.cityNr}"><td class="num">${r.cityNr}</td><td>${r.namnd.code}</td><td>${r.workingMethod}</td><td class="num">${r.risk.nr}</td><td>${r.risk.title}</td><td class="num">${r.risk.rv ?? '–'}</td></tr>
`)}</tbody></table>` : ''}`;
}

function commonRisksTable(o: CityOverview): SafeHtml {
  const top = o.commonRisks.slice(0, 20);
  if (!top.length) return html`<p class="muted">Ingen nämnd har en risk på den högsta nivån.</p>`;
  return html`<table class="common-risks"><thead><tr><th>Process</th><th>Arbetssätt</th><th class="num">Nämnder</th><th>Vilka</th><th class="num">Risker</th></tr></thead><tbody>
${top.map((c) => html`<tr class="common-risk" data-kind="${c.kind}"><td>${c.process}</td><td>${c.workingMethod ?? html`<span class="muted">Hela processen</span>`}</td><td class="num">${c.namnder.length}</td><td>${c.namnder.map((n) => n.code).join(', ')}</td><td class="num">${c.criticalRisks}</td></tr>
`)}</tbody></table>`;
}

function comparisonTable(o: CityOverview): SafeHtml {
  const c = o.comparison;
  if (!c.namnder.length) return html`<p class="muted">Ingen nämnd har en plan för ${c.previousYear} att jämföra med.</p>`;
  return html`<table class="comparison"><thead><tr><th>Nämnd</th><th>Bedömning ${c.previousYear}</th><th>Bedömning ${o.year}</th><th>Risker som bytt nivå</th></tr></thead><tbody>
${c.namnder.map(
  (n) => html`<tr class="comparison-row" data-namnd="${n.namnd.code}"><td>${n.namnd.name} (${n.namnd.code})</td><td>${label(ASSESSMENT_LEVEL, n.previousAssessment) || '–'}</td><td${n.assessmentChanged ? html` class="changed"` : ''}>${label(ASSESSMENT_LEVEL, n.assessment) || '–'}</td><td>${n.movedRisks.length ? n.movedRisks.map((m) => html`<span class="moved" data-nr="${m.nr}">${m.nr}: ${m.previousBand.label} → ${m.band.label}</span> `) : html`<span class="muted">Inga</span>`}</td></tr>
`,
)}</tbody></table>`;
}

/** Stadens samlade interna kontroll: what Kommunstyrelsen compiles for the annual report. */
export function cityReport(o: CityOverview): SafeHtml {
  return htmlDocument({
    title: `Stadens interna kontroll ${o.year}`,
    subtitle: `Sammanställning av nämndernas internkontroll, per ${o.today}`,
    body: html`<h2>Hela staden</h2>
${totalsTable(o)}
<h2>Sena med fastställande eller uppföljning</h2>
${lateList(o)}
<h2 class="new-page">Per nämnd</h2>
<p>Uppföljning per period: rapporterade av planerade, med avvikelser, ej genomförda och försenade (inte rapporterade efter periodens sista dag).</p>
${namndTable(o)}
<h2 class="new-page">Obligatoriska processer</h2>
${o.mandatoryProcess.map((mp) => mandatorySection(o, mp))}
<h2 class="new-page">Gemensamma kritiska risker</h2>
${commonRisksTable(o)}
<h2>Jämfört med ${o.comparison.previousYear}</h2>
${comparisonTable(o)}`,
  });
}
