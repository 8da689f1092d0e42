import type { PlanChanges, RiskValuation, RiskView, WorkingMethodRow } from '../plans/index.js';
import { htmlDocument, text } from './document.js';
import { html, type SafeHtml } from './html.js';
import { PERIOD, PLAN_STATUS, label } from './labels.js';
import type { ReportData } from './report-data.js';
import { riskMatrixSvg } from './risk-matrix-svg.js';

const scale = (value: number | null, labelText: string | null) => (value ? `${value}. ${labelText ?? ''}` : '–');

/** The IKP column as the document prints it ("Ja" / "Nej, endast VoR"), with the basis when it is not the threshold. */
export function ikpCell(r: RiskView): SafeHtml {
  switch (r.ikpBasis) {
    case 'UNASSESSED':
      return html`<span class="missing">Ej bedömd</span>`;
    case 'MOTIVATED_INCLUSION':
      return html`Ja, motiverat: ${text(r.ikpMotivation, 'motivering saknas')}`;
    case 'MOTIVATED_EXCLUSION':
      return html`Nej, motiverat: ${text(r.ikpMotivation, 'motivering saknas')}`;
    default:
      return r.inIkp ? html`Ja` : html`Nej, endast VoR`;
  }
}

export const bandBadge = (r: Pick<RiskValuation, 'band'>) =>
  r.band ? html`<span class="band" style="background:${r.band.color}">${r.band.label}</span>` : '';

export function decisionFacts(data: ReportData): SafeHtml {
  const p = data.plan;
  return html`<table class="facts"><tbody>
<tr><th>Nämnd</th><td>${data.namndName} (${p.namndCode})</td></tr>
<tr><th>Verksamhetsår</th><td>${p.year}</td></tr>
<tr><th>Status</th><td class="plan-status">${label(PLAN_STATUS, p.status)}</td></tr>
<tr><th>Beslut</th><td class="decision">${p.decisionDate ? html`${p.decisionDate}${p.decisionReference ? html`, ${p.decisionReference}` : ''}` : html`<span class="muted">Inte fastställd</span>`}</td></tr>
<tr><th>Gräns för internkontrollplanen</th><td>Riskvärde ${p.ikpThreshold} eller högre</td></tr>
</tbody></table>`;
}

function vorRows(data: ReportData, wms: WorkingMethodRow[]): SafeHtml[] {
  const rows: SafeHtml[] = [];
  const t = data.tree;
  const perWm = wms.map((wm) => ({ wm, risks: t.risksByWorkingMethod.get(wm.id) ?? [] }));
  const processSpan = perWm.reduce((n, x) => n + Math.max(1, x.risks.length), 0);
  perWm.forEach(({ wm, risks }, wi) => {
    const processCell = wi === 0 ? html`<td rowspan="${processSpan}" class="process">${t.processOf(wm).name}</td>` : '';
    const wmCell = html`<td rowspan="${Math.max(1, risks.length)}" class="working-method">${wm.name}</td>`;
    if (!risks.length) {
      rows.push(html`<tr>${processCell}${wmCell}<td colspan="7" class="missing">Ingen oönskad händelse registrerad</td></tr>`);
      return;
    }
    risks.forEach((r, ri) => {
      rows.push(html`<tr class="risk" data-nr="${r.nr}">${ri === 0 ? html`${processCell}${wmCell}` : ''}<td class="num">${r.nr}</td><td>${r.title}${r.description ? html`<br><span class="muted text">${r.description}</span>` : ''}</td><td>${scale(r.likelihood, r.likelihoodLabel)}</td><td>${scale(r.consequence, r.consequenceLabel)}</td><td class="num">${r.rv ?? '–'}</td><td>${bandBadge(r)}</td><td class="ikp">${ikpCell(r)}</td></tr>`);
    });
  });
  return rows;
}

function vorTable(data: ReportData): SafeHtml {
  const t = data.tree;
  const groups = data.byGoal((p) => t.workingMethodsByProcess.get(p.id) ?? [], true);
  return html`<table class="vor">
<thead><tr><th>Process</th><th>Arbetssätt</th><th class="num">Nr</th><th>Oönskad händelse</th><th>Sannolikhet</th><th>Konsekvens</th><th class="num">RV</th><th>Nivå</th><th>IKP</th></tr></thead>
${groups.map(
  (g) => html`<tbody class="goal">
<tr class="goal"><th colspan="9">${g.goal ? html`${g.goal.code} ${g.goal.title}` : 'Utan mål'}</th></tr>
${g.processes.map((p) => (p.items.length ? vorRows(data, p.items) : html`<tr><td class="process">${p.process.name}</td><td colspan="8" class="missing">Inget arbetssätt registrerat</td></tr>`))}
</tbody>
`,
)}</table>`;
}

function ikpTable(data: ReportData): SafeHtml {
  const ikp = data.tree.ikp();
  if (!ikp.length) return html`<p class="muted">Inga oönskade händelser ingår i internkontrollplanen.</p>`;
  const groups = data.byGoal((p) => data.ikpOf(p, ikp));
  return html`${groups.map(
    (g) => html`<h3>${g.goal ? html`${g.goal.code} ${g.goal.title}` : 'Utan mål'}</h3>
<table class="ikp">
<thead><tr><th>Process</th><th>Arbetssätt</th><th>Systematisk kontroll</th><th class="num">Nr</th><th>Oönskad händelse</th><th class="num">RV</th><th>Kontrollaktivitet</th><th>Ansvarig</th><th>Följs upp</th></tr></thead>
<tbody>
${g.processes.flatMap((p) =>
  p.items.map(
    (row) => html`<tr class="ikp-row" data-nr="${row.risk.nr}"><td>${row.process.name}</td><td>${row.workingMethod.name}</td><td>${row.control ? text(row.control.description) : html`<span class="missing">Systematisk kontroll saknas</span>`}</td><td class="num">${row.risk.nr}</td><td>${row.risk.title}</td><td class="num">${row.rv ?? '–'}</td><td>${row.controlActivity ? text(row.controlActivity.description) : html`<span class="missing">Kontrollaktivitet saknas</span>`}</td><td>${text(row.controlActivity?.responsible)}</td><td>${row.controlActivity ? [row.controlActivity.periods.map((p) => html`<abbr title="${label(PERIOD, p)}">${p}</abbr>`).flatMap((a, i) => (i ? [', ', a] : [a])), row.controlActivity.frequency ? html`<br>${row.controlActivity.frequency}` : ''] : '–'}</td></tr>
`,
  ),
)}</tbody>
</table>`,
  )}`;
}

const CHANGED: Record<string, string> = { rv: 'Riskvärde', band: 'Nivå', inIkp: 'Internkontrollplan' };

const ikp = (v: Pick<RiskValuation, 'inIkp' | 'ikpBasis'>) => (v.ikpBasis === 'UNASSESSED' ? html`Ej bedömd` : v.inIkp ? html`Ja` : html`Nej`);
const values = (v: RiskValuation) => html`${v.likelihood && v.consequence ? `${v.likelihood} × ${v.consequence}` : '–'}`;

function riskList(risks: RiskView[], empty: string, klass: string): SafeHtml {
  if (!risks.length) return html`<p class="muted">${empty}</p>`;
  return html`<table class="${klass}">
<thead><tr><th class="num">Nr</th><th>Oönskad händelse</th><th class="num">RV</th><th>Nivå</th><th>IKP</th></tr></thead>
<tbody>
${risks.map((r) => html`<tr class="risk" data-nr="${r.nr}"><td class="num">${r.nr}</td><td>${r.title}</td><td class="num">${r.rv ?? '–'}</td><td>${bandBadge(r)}</td><td>${ikp(r)}</td></tr>
`)}</tbody>
</table>`;
}

/** Förändringar sedan föregående år: the same PlanChanges as GraphQL's Plan.changesSincePreviousYear. */
function yearChangesSection(changes: PlanChanges | null): SafeHtml | '' {
  if (!changes) return '';
  const prev = changes.previousPlan;
  const revalued = changes.revalued.length
    ? html`<table class="revalued">
<thead><tr><th class="num">Nr</th><th>Oönskad händelse</th><th>S × K före</th><th class="num">RV före</th><th>Nivå före</th><th>IKP före</th><th>S × K nu</th><th class="num">RV nu</th><th>Nivå nu</th><th>IKP nu</th><th>Ändrat</th></tr></thead>
<tbody>
${changes.revalued.map((c) => html`<tr class="risk" data-nr="${c.risk.nr}"><td class="num">${c.risk.nr}</td><td>${c.risk.title}</td><td>${values(c.before)}</td><td class="num">${c.before.rv ?? '–'}</td><td>${bandBadge(c.before)}</td><td>${ikp(c.before)}</td><td>${values(c.after)}</td><td class="num">${c.after.rv ?? '–'}</td><td>${bandBadge(c.after)}</td><td>${ikp(c.after)}</td><td>${c.changed.map((k) => CHANGED[k]).join(', ')}</td></tr>
`)}</tbody>
</table>`
    : html`<p class="muted">Ingen oönskad händelse har fått nytt riskvärde, ny nivå eller ändrad plats i internkontrollplanen.</p>`;
  return html`<section class="year-changes">
<h2 class="new-page">Förändringar sedan föregående år</h2>
<p>Jämfört med planen för ${prev.year} (${label(PLAN_STATUS, prev.status)}, gräns för internkontrollplanen riskvärde ${prev.ikpThreshold}): ${changes.added.length} nya, ${changes.removed.length} borttagna och ${changes.revalued.length} omvärderade oönskade händelser. Föregående års värden är bedömda med det årets riskmatris och gräns.</p>
<h3>Nya oönskade händelser</h3>
${riskList(changes.added, 'Inga nya oönskade händelser.', 'added')}
<h3>Borttagna oönskade händelser</h3>
${riskList(changes.removed, 'Inga borttagna oönskade händelser.', 'removed')}
<h3>Omvärderade oönskade händelser</h3>
${revalued}
</section>`;
}

/** Väsentlighets- och riskanalys och internkontrollplan, modelled on Servicenämnden's 2026 document (seed 001). */
export function vorReport(data: ReportData): SafeHtml {
  const counts = data.tree.bandCounts();
  return htmlDocument({
    title: `Väsentlighets- och riskanalys samt internkontrollplan ${data.plan.year}`,
    subtitle: data.namndName,
    body: html`${decisionFacts(data)}
<h2>Väsentlighets- och riskanalys</h2>
<p>Riskmatrisen visar alla oönskade händelser i väsentlighets- och riskanalysen med sitt nummer. Riskvärdet (RV) är sannolikhet × konsekvens; de som ingår i internkontrollplanen finns i tabellen längre ner.</p>
<figure class="matrix">${riskMatrixSvg(data.tree, { namndName: data.namndName, inline: true })}</figure>
${counts.unassessed ? html`<p class="missing">${counts.unassessed} oönskad${counts.unassessed === 1 ? '' : 'e'} händelse${counts.unassessed === 1 ? '' : 'r'} är inte bedömd${counts.unassessed === 1 ? '' : 'a'} och finns inte i matrisen.</p>` : ''}
${vorTable(data)}
<h2 class="new-page">Internkontrollplan</h2>
${ikpTable(data)}
${yearChangesSection(data.changes)}`,
  });
}
