import type { IkpRow } from '../plans/index.js';
import { summarize } from '../follow-ups/index.js';
import { htmlDocument, text } from './document.js';
import { html, type SafeHtml } from './html.js';
import { ACTION_STATUS, ASSESSMENT_LEVEL, FOLLOW_UP_STATUS, OUTCOME, PERIOD, PERIODS, label } from './labels.js';
import type { ReportData } from './report-data.js';
import type { ActionRow, FollowUpRow } from './reports.repository.js';
import { decisionFacts } from './vor-report.js';

export function actionItem(a: ActionRow): SafeHtml {
  const due = a.dueDate ? `senast ${a.dueDate}` : a.plannedYear ? `planerat ${a.plannedYear}` : '';
  return html`<li class="action" data-status="${a.status}"><strong>${a.title}</strong>${a.description ? html` – <span class="text">${a.description}</span>` : ''}
<br><span class="muted">${[a.owner ? `Ansvarig: ${a.owner}` : '', due, label(ACTION_STATUS, a.status)].filter(Boolean).join(' · ')}${a.statusReason ? ` (${a.statusReason})` : ''}</span>${a.tags.length ? html` ${a.tags.map((t) => html`<span class="badge">${t}</span>`)}` : ''}</li>`;
}

/** The follow-up's deadline, and whether it was reported late or is overdue (deadlines.ts, as GraphQL and the exports). */
export function deadlineNote(data: ReportData, f: FollowUpRow): SafeHtml {
  const d = data.deadlineOf(f);
  const state = d.late ? 'Rapporterad efter sista dag' : d.overdue ? 'Försenad' : '';
  return html`<div class="deadline muted" data-due-date="${d.dueDate}" data-late="${String(d.late)}" data-overdue="${String(d.overdue)}">Sista dag ${d.dueDate}${state ? html` · <strong>${state}</strong>` : ''}</div>`;
}

export function followUpResult(data: ReportData, f: FollowUpRow): SafeHtml {
  const actions = data.actionsByFollowUp.get(f.id) ?? [];
  return html`<div class="result" data-period="${f.period}" data-outcome="${f.outcome ?? ''}"><strong>${label(PERIOD, f.period)}:</strong> ${
    f.status === 'REPORTED' ? html`<span class="outcome-${f.outcome ?? ''}">${label(OUTCOME, f.outcome)}</span>` : html`<span class="muted">${label(FOLLOW_UP_STATUS, f.status)}</span>`
  }${f.resultText ? html`<br><span class="text">${f.resultText}</span>` : ''}${f.explanation ? html`<br><em>Förklaring:</em> <span class="text">${f.explanation}</span>` : ''}${
    actions.length ? html`<ul class="actions">${actions.map(actionItem)}</ul>` : ''
  }${deadlineNote(data, f)}</div>`;
}

/** The results of one control activity, period by period (only the periods it is followed up in, or has data for). */
export function resultsOf(data: ReportData, row: IkpRow): SafeHtml {
  if (!row.controlActivity) return html`<span class="missing">Kontrollaktivitet saknas</span>`;
  const fs = data.followUpsByActivity.get(row.controlActivity.id) ?? [];
  if (!fs.length) return html`<span class="muted">Ingen uppföljning registrerad</span>`;
  return html`${fs.map((f) => followUpResult(data, f))}`;
}

function summary(data: ReportData): SafeHtml {
  const fs = data.rows.followUps;
  const { openActions: open, late, overdueFollowUps } = summarize(fs, data.rows.actions, data.plan.year, data.today, data.deadlines);
  const carried = data.rows.actions.filter((a) => a.status === 'CARRIED_OVER').length;
  return html`<table class="summary">
<thead><tr><th>Period</th><th class="num">Uppföljningar</th><th class="num">Rapporterade</th><th class="num">Ingen avvikelse</th><th class="num">Avvikelse</th><th class="num">Ej genomförd</th></tr></thead>
<tbody>${PERIODS.map((p) => {
    const s = summarize(fs.filter((f) => f.period === p), [], data.plan.year, data.today, data.deadlines);
    const n = s.reportedOutcomes;
    return html`<tr data-period="${p}"><td>${label(PERIOD, p)}</td><td class="num">${s.followUps}</td><td class="num">${s.reported}</td><td class="num">${n.NO_DEVIATION}</td><td class="num">${n.DEVIATION}</td><td class="num">${n.NOT_PERFORMED}</td></tr>`;
  })}</tbody>
</table>
<p>Rapporterade efter sista dag: <strong class="late-follow-ups">${late}</strong>. Försenade (ej rapporterade efter sista dag): <strong class="overdue-follow-ups">${overdueFollowUps}</strong>.</p>
<p>Öppna åtgärder: <strong class="open-actions">${open}</strong> av ${data.rows.actions.length}.${
    carried ? html` Överförda till en senare års plan: <strong class="carried-actions">${carried}</strong>.` : ''
  }</p>`;
}

/** Uppföljning av intern kontroll, modelled on Kommunstyrelsen's 2024 follow-up (seed 004). */
export function followUpReport(data: ReportData): SafeHtml {
  const a = data.rows.assessment;
  const ikp = data.tree.ikp();
  const groups = data.byGoal((p) => data.ikpOf(p, ikp));
  const planActions = data.planActions;
  return htmlDocument({
    title: `Uppföljning av intern kontroll ${data.plan.year}`,
    subtitle: data.namndName,
    body: html`${decisionFacts(data)}
<h2>Bedömning av nämndens interna kontroll</h2>
${
  a
    ? html`<p class="assessment-level" data-level="${a.level}">${label(ASSESSMENT_LEVEL, a.level)}</p>
<h3>Analys</h3>
<p class="analysis text">${a.analysis}</p>`
    : html`<p class="missing">Nämnden har ännu inte gjort någon bedömning för ${data.plan.year}.</p>`
}
<h3>Sammanfattning av uppföljningen</h3>
${summary(data)}
<h2>Uppföljning av nämndens internkontrollplan</h2>
<h3>Nämndens planerade uppföljning av den löpande kontrollen</h3>
${groups.length ? '' : html`<p class="muted">Internkontrollplanen innehåller inga kontrollaktiviteter.</p>`}
${groups.map(
  (g) => html`<section class="goal">
<h3>${g.goal ? html`${g.goal.code} ${g.goal.title}` : 'Utan mål'}</h3>
${g.processes.map(
  (p) => html`<h4>Process: ${p.process.name}</h4>
<table class="follow-up">
<thead><tr><th>Arbetssätt</th><th>Systematisk kontroll</th><th>Oönskad händelse</th><th>Kontrollaktivitet</th><th>Beskrivning och resultat av kontrollaktivitet</th></tr></thead>
<tbody>
${p.items.map(
  (row) => html`<tr class="activity" data-nr="${row.risk.nr}" data-activity="${row.controlActivity?.id ?? ''}"><td>${row.workingMethod.name}</td><td>${text(row.control?.description, 'Systematisk kontroll saknas')}</td><td>${row.risk.nr}. ${row.risk.title}</td><td>${text(row.controlActivity?.description, 'Kontrollaktivitet saknas')}${row.controlActivity?.responsible ? html`<br><span class="muted">Ansvarig: ${row.controlActivity.responsible}</span>` : ''}</td><td>${resultsOf(data, row)}</td></tr>
`,
)}</tbody>
</table>`,
)}</section>
`,
)}
${planActions.length ? html`<h2>Åtgärder beslutade direkt på planen</h2><ul class="actions plan-actions">${planActions.map(actionItem)}</ul>` : ''}`,
  });
}
