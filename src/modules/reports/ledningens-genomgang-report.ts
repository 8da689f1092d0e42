import { isOpenAction } from '../follow-ups/index.js';
import { htmlDocument, text } from './document.js';
import { actionItem, resultsOf } from './follow-up-report.js';
import { html, type SafeHtml } from './html.js';
import { ACTION_STATUS, PERIOD, label } from './labels.js';
import { SIS_PROCESS, type ReportData } from './report-data.js';
import type { ActionRow } from './reports.repository.js';
import { bandBadge, ikpCell } from './vor-report.js';

/** The year an action belongs to in the three-year plan: its planned year, else the year it is due. */
export const actionYear = (a: ActionRow): number | null => a.plannedYear ?? (a.dueDate ? Number(a.dueDate.slice(0, 4)) : null);

function origin(data: ReportData, a: ActionRow): SafeHtml {
  const f = a.followUpId ? data.followUpsById.get(a.followUpId) : undefined;
  if (!f) return html`Planerad åtgärd`;
  const activity = data.tree.activitiesById.get(f.controlActivityId);
  return html`Avvikelse, ${label(PERIOD, f.period)}: ${activity?.description ?? ''}`;
}

/** Ledningens genomgång för informationssäkerhet, modelled on Servicenämnden's 2026 review (seed 003). */
export function ledningensGenomgangReport(data: ReportData): SafeHtml {
  const t = data.tree;
  const year = data.plan.year;
  const sis = data.sisProcesses();
  const sisIds = new Set(sis.map((p) => p.id));
  const ikp = t.ikp().filter((r) => sisIds.has(r.process.id));

  // Information-security actions: those from a deviation in the process, and those decided directly on the plan.
  const relevant = data.rows.actions.filter((a) => {
    if (!a.followUpId) return true;
    const f = data.followUpsById.get(a.followUpId);
    const process = f && data.processOfFollowUp(f);
    return !!process && sisIds.has(process.id);
  });
  const open = relevant.filter((a) => isOpenAction(a));
  const years = [year, year + 1, year + 2];
  const who = data.rows.namnd?.forvaltning?.trim();
  const subject = who ? who.charAt(0).toLocaleLowerCase('sv') + who.slice(1) : null;

  const risksTable = sis.length
    ? sis.map(
        (p) => html`<h3>Process: ${p.name}</h3>
<table class="sis-risks">
<thead><tr><th>Arbetssätt</th><th class="num">Nr</th><th>Oönskad händelse</th><th class="num">S</th><th class="num">K</th><th class="num">RV</th><th>Nivå</th><th>IKP</th></tr></thead>
<tbody>
${(t.workingMethodsByProcess.get(p.id) ?? []).map((wm) => {
  const risks = t.risksByWorkingMethod.get(wm.id) ?? [];
  if (!risks.length) return html`<tr class="working-method-empty"><td>${wm.name}</td><td colspan="7" class="missing">Ingen bedömd oönskad händelse</td></tr>\n`;
  return risks.map(
    (r, i) => html`<tr class="risk" data-nr="${r.nr}">${i === 0 ? html`<td rowspan="${risks.length}">${wm.name}</td>` : ''}<td class="num">${r.nr}</td><td>${r.title}</td><td class="num">${r.likelihood ?? '–'}</td><td class="num">${r.consequence ?? '–'}</td><td class="num">${r.rv ?? '–'}</td><td>${bandBadge(r)}</td><td>${ikpCell(r)}</td></tr>\n`,
  );
})}</tbody>
</table>`,
      )
    : html`<p class="missing">Planen saknar processen ${SIS_PROCESS}.</p>`;

  return htmlDocument({
    title: `Informationssäkerhet – Ledningens genomgång år ${year}`,
    subtitle: data.namndName,
    body: html`<p>Underlag för förvaltningsledningens årliga bedömning av om informationssäkerhetsarbetet är tillräckligt: den obligatoriska processen ${SIS_PROCESS} i nämndens väsentlighets- och riskanalys ${year}, dess kontroller och uppföljning, öppna åtgärder och planen för de kommande tre åren.</p>
<h2>1. ${SIS_PROCESS} i väsentlighets- och riskanalysen</h2>
${risksTable}
<h2>2. Resultatet från egen uppföljning (IKP)</h2>
${
  ikp.length
    ? html`<table class="sis-ikp">
<thead><tr><th>Arbetssätt</th><th>Systematisk kontroll</th><th>Oönskad händelse</th><th class="num">RV</th><th>Kontrollaktivitet</th><th>Uppföljning</th></tr></thead>
<tbody>
${ikp.map(
  (row) => html`<tr class="ikp-row" data-nr="${row.risk.nr}"><td>${row.workingMethod.name}</td><td>${text(row.control?.description, 'Systematisk kontroll saknas')}</td><td>${row.risk.nr}. ${row.risk.title}</td><td class="num">${row.rv ?? '–'}</td><td>${text(row.controlActivity?.description, 'Kontrollaktivitet saknas')}</td><td>${resultsOf(data, row)}</td></tr>
`,
)}</tbody>
</table>`
    : html`<p class="muted">Inga kontroller av processen ingår i internkontrollplanen ${year}.</p>`
}
<h2>3. Öppna åtgärder</h2>
${
  open.length
    ? html`<table class="open-actions">
<thead><tr><th>Åtgärd</th><th>Ursprung</th><th>Ansvarig</th><th>År / senast</th><th>Status</th></tr></thead>
<tbody>
${open.map(
  (a) => html`<tr class="action" data-status="${a.status}"><td><strong>${a.title}</strong>${a.description ? html`<br><span class="text">${a.description}</span>` : ''}${a.tags.length ? html`<br>${a.tags.map((tag) => html`<span class="badge">${tag}</span>`)}` : ''}</td><td>${origin(data, a)}</td><td>${text(a.owner)}</td><td>${a.dueDate ?? a.plannedYear ?? '–'}</td><td>${label(ACTION_STATUS, a.status)}</td></tr>
`,
)}</tbody>
</table>`
    : html`<p class="muted">Inga öppna åtgärder.</p>`
}
<h2>4. Prioritering av åtgärder ${year}–${year + 2}</h2>
${years.map((y) => {
  // A carried-over action is planned on as its copy, in the next year's plan (and its report).
  const planned = relevant.filter((a) => actionYear(a) === y && a.status !== 'CANCELLED' && a.status !== 'CARRIED_OVER');
  return html`<section class="year" data-year="${y}">
<h3>Under ${y}${subject ? html` ska ${subject}` : ''}</h3>
${planned.length ? html`<ul class="actions">${planned.map(actionItem)}</ul>` : html`<p class="muted">Inga åtgärder planerade.</p>`}
</section>
`;
})}`,
  });
}
