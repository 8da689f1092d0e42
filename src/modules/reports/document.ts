import { html, trusted, type HtmlValue, type SafeHtml } from './html.js';

// Printable on A4: tables repeat their header on every page and rows are not split; band colours are kept when printed.
const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.35; color: #111; margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 20pt; margin: 0 0 4px; }
h2 { font-size: 15pt; margin: 28px 0 8px; border-bottom: 2px solid #333; padding-bottom: 2px; }
h3 { font-size: 12.5pt; margin: 20px 0 6px; }
h4 { font-size: 11pt; margin: 14px 0 6px; }
header .subtitle { font-size: 12pt; margin: 0 0 12px; }
table.facts { width: auto; margin: 8px 0 16px; }
table.facts th, table.facts td { border: 0; background: none; padding: 1px 16px 1px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
th, td { border: 1px solid #777; padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; hyphens: auto; }
/* Fixed column widths: the same table looks the same under every process, and long words cannot push it off the page. */
table.vor, table.ikp, table.follow-up, table.sis-risks, table.sis-ikp, table.open-actions { table-layout: fixed; }
table.vor th:nth-child(1), table.vor th:nth-child(2) { width: 15%; }
table.vor th:nth-child(3), table.vor th:nth-child(7) { width: 4%; }
table.vor th:nth-child(5), table.vor th:nth-child(6) { width: 10%; }
table.vor th:nth-child(8) { width: 7%; }
table.vor th:nth-child(9) { width: 11%; }
table.ikp th:nth-child(4), table.ikp th:nth-child(6) { width: 4%; }
table.ikp th:nth-child(8), table.ikp th:nth-child(9) { width: 9%; }
table.follow-up th:nth-child(5) { width: 30%; }
table.sis-risks th:nth-child(1) { width: 22%; }
table.sis-risks th:nth-child(3) { width: 34%; }
table.sis-ikp th:nth-child(4) { width: 4%; }
table.sis-ikp th:nth-child(6) { width: 26%; }
table.open-actions th:nth-child(1) { width: 36%; }
th { background: #e6e6e6; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.goal th { background: #cfd8e3; font-size: 11pt; }
.text { white-space: pre-line; }
.muted { color: #555; }
.missing { font-style: italic; color: #8a1c1c; }
.outcome-DEVIATION, .outcome-NOT_PERFORMED { font-weight: bold; }
.badge { display: inline-block; border: 1px solid #555; border-radius: 3px; padding: 0 4px; margin: 0 2px 2px 0; font-size: 9pt; }
.band { display: inline-block; min-width: 4.5em; padding: 0 4px; border: 1px solid #555; }
.assessment-level { font-size: 14pt; font-weight: bold; }
.result { margin: 0 0 6px; }
.result:last-child { margin-bottom: 0; }
.matrix { margin: 8px 0; }
.matrix svg { max-width: 100%; height: auto; }
ul.actions { margin: 4px 0 0; padding-left: 18px; }
footer { margin-top: 32px; font-size: 9pt; color: #555; border-top: 1px solid #aaa; padding-top: 4px; }
@media print {
  @page { size: A4 landscape; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr, .result, figure { break-inside: avoid; page-break-inside: avoid; }
  /* The matrix gets a page of its own at full size, so the 44 numbers of a crowded cell stay legible. */
  .matrix svg { max-height: 178mm; width: auto; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  h2.new-page { break-before: page; page-break-before: always; }
  a { color: inherit; text-decoration: none; }
}
`;

export interface DocumentOptions {
  title: string;
  subtitle: string;
  body: HtmlValue;
}

/** A whole, self-contained HTML page (no scripts, no external resources). */
export function htmlDocument(opts: DocumentOptions): SafeHtml {
  const generated = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Stockholm' }).format(new Date());
  return html`<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} – ${opts.subtitle}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<header>
<h1>${opts.title}</h1>
<p class="subtitle">${opts.subtitle}</p>
</header>
<main>
${opts.body}
</main>
<footer>Sammanställd ${generated} ur internkontroll-api. Alla uppgifter kommer ur registrerade data; inget är handskrivet i rapporten.</footer>
</body>
</html>
`;
}

/** Text as entered, line breaks kept (by CSS), or a visible placeholder when empty. */
export const text = (value: string | null | undefined, empty = '–') =>
  value?.trim() ? html`<span class="text">${value}</span>` : html`<span class="muted">${empty}</span>`;
