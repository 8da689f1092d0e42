import { CONSEQUENCE_LABELS, LIKELIHOOD_LABELS, SCALE, type Band } from '../risks/index.js';
import type { MatrixCell, PlanTree } from '../plans/index.js';
import { html, type SafeHtml } from './html.js';

// Geometry of the picture (SVG user units ≈ CSS px). Cells are wide enough for the 44 numbers of
// Servicenämnden's cell (2,3) at a readable size; more numbers shrink the font down to MIN_FONT.
// The whole picture (≈ 970 × 680) fits an A4 landscape page at full size.
const CELL_W = 150;
const CELL_H = 100;
const GRID_X = 196;
const GRID_Y = 56;
const GRID_W = CELL_W * 5;
const GRID_H = CELL_H * 5;
const WIDTH = GRID_X + GRID_W + 24;
const LEGEND_Y = GRID_Y + GRID_H + 84;
const HEIGHT = LEGEND_Y + 40;
const PAD = 6;
const HEADER_H = 20;
const MAX_FONT = 15;
const MIN_FONT = 6.5;
// Advance of a bold digit and of the gap between numbers, in em: generous, since the fallback font (e.g. DejaVu) is wider than Arial.
const DIGIT_EM = 0.64;
const GAP_EM = 0.55;
const LINE_EM = 1.15;
const FONT = 'Arial, Helvetica, sans-serif';

/** WCAG relative luminance of #RRGGBB. */
function luminance(hex: string): number {
  const ch = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** Black or white, whichever reads better on the band's colour (also after greyscale printing, which keeps luminance). */
export function textColorOn(background: string): '#000000' | '#ffffff' {
  const l = /^#[0-9A-Fa-f]{6}$/.test(background) ? luminance(background) : 1;
  return contrast(l, 0) >= contrast(l, 1) ? '#000000' : '#ffffff';
}

export interface NumberLayout {
  fontSize: number;
  lines: number[][];
  /** Numbers left out because even the smallest font could not hold them (shown as "+N"). */
  hidden: number;
}

/** Greedy wrap: as many numbers on a line as their widths (in digits) allow. */
function wrap(numbers: number[], fs: number, width: number): number[][] {
  const lines: number[][] = [];
  let line: number[] = [];
  let used = 0;
  for (const n of numbers) {
    const w = String(n).length * DIGIT_EM * fs;
    const add = line.length ? GAP_EM * fs + w : w;
    if (line.length && used + add > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    used += line.length ? GAP_EM * fs + w : w;
    line.push(n);
  }
  if (line.length) lines.push(line);
  return lines;
}

/** Wraps a cell's risk numbers into lines, with the largest font that lets them all fit. */
export function layoutNumbers(numbers: number[], width = CELL_W - 2 * PAD, height = CELL_H - HEADER_H - PAD): NumberLayout {
  if (!numbers.length) return { fontSize: MAX_FONT, lines: [], hidden: 0 };
  const maxLines = (fs: number) => Math.max(1, Math.floor(height / (LINE_EM * fs)));
  for (let fs = MAX_FONT; fs >= MIN_FONT; fs -= 0.5) {
    const lines = wrap(numbers, fs, width);
    if (lines.length <= maxLines(fs)) return { fontSize: fs, lines, hidden: 0 };
  }
  // Too many for one cell: show what fits and say how many more; the VoR table lists every risk.
  const lines = wrap(numbers, MIN_FONT, width).slice(0, maxLines(MIN_FONT));
  const last = lines[lines.length - 1];
  last.pop(); // room for "+N"
  const shown = lines.reduce((n, l) => n + l.length, 0);
  return { fontSize: MIN_FONT, lines, hidden: numbers.length - shown };
}

/** Bands from the most to the least severe, judged by the mean risk value of their cells (the document prints "Kritisk Medium Låg"). */
export function bandsBySeverity(tree: PlanTree): Band[] {
  const cells = tree.matrixCells();
  const mean = (b: Band) => {
    const rvs = cells.filter((c) => c.band?.key === b.key).map((c) => c.rv);
    return rvs.length ? rvs.reduce((a, v) => a + v, 0) / rvs.length : 0;
  };
  return [...tree.plan.matrix.bands].sort((a, b) => mean(b) - mean(a));
}

const cellX = (consequence: number) => GRID_X + (consequence - 1) * CELL_W;
const cellY = (likelihood: number) => GRID_Y + (5 - likelihood) * CELL_H;

function cell(c: MatrixCell): SafeHtml {
  const x = cellX(c.consequence);
  const y = cellY(c.likelihood);
  const fill = c.band?.color ?? '#ffffff';
  const ink = textColorOn(fill);
  const layout = layoutNumbers(c.riskNumbers);
  const lineH = LINE_EM * layout.fontSize;
  const top = y + HEADER_H + (CELL_H - HEADER_H - PAD - layout.lines.length * lineH) / 2 + layout.fontSize * 0.85;
  return html`<g class="cell" data-likelihood="${c.likelihood}" data-consequence="${c.consequence}" data-band="${c.band?.key ?? ''}" data-count="${c.count}">
<rect x="${x}" y="${y}" width="${CELL_W}" height="${CELL_H}" fill="${fill}" stroke="#3a3a3a" stroke-width="1"/>
<text class="band" x="${x + PAD}" y="${y + 14}" font-size="10.5" fill="${ink}">${c.band?.label ?? ''}</text>
<text class="rv" x="${x + CELL_W - PAD}" y="${y + 14}" font-size="10.5" fill="${ink}" text-anchor="end">RV ${c.rv}</text>
${layout.lines.map(
  (line, i) =>
    html`<text class="nr" x="${x + CELL_W / 2}" y="${(top + i * lineH).toFixed(1)}" font-size="${layout.fontSize}" font-weight="bold" fill="${ink}" text-anchor="middle">${line.join(' ')}</text>
`,
)}${layout.hidden ? html`<text class="more" x="${x + CELL_W - PAD}" y="${y + CELL_H - PAD}" font-size="${layout.fontSize}" fill="${ink}" text-anchor="end">+${layout.hidden}</text>` : ''}</g>
`;
}

export interface RiskMatrixSvgOptions {
  namndName: string;
  /** Inline in an HTML page: no XML declaration, and ids made unique by this prefix. */
  inline?: boolean;
}

/** The plan's risk matrix as the city's documents draw it: likelihood 5 → 1 down, consequence 1 → 5 across. */
export function riskMatrixSvg(tree: PlanTree, opts: RiskMatrixSvgOptions): SafeHtml {
  const cells = tree.matrixCells();
  const counts = tree.bandCounts();
  const countOf = new Map(counts.bands.map((b) => [b.band.key, b.count]));
  const title = `Riskmatris ${opts.namndName} ${tree.plan.year}`;
  const legend = bandsBySeverity(tree).map((b) => ({ band: b, count: countOf.get(b.key) ?? 0 }));
  const summary = [...legend.map((l) => `${l.band.label} ${l.count}`), `Totalt: ${counts.total}`].join(' ');
  const id = `rm-${tree.plan.id.slice(0, 8)}`;

  let lx = GRID_X;
  const legendItems = legend.map((l) => {
    const text = `${l.band.label} ${l.count}`;
    const item = html`<g class="legend-band" data-band="${l.band.key}" data-count="${l.count}"><rect x="${lx}" y="${LEGEND_Y - 13}" width="16" height="16" fill="${l.band.color}" stroke="#3a3a3a"/><text x="${lx + 22}" y="${LEGEND_Y}" font-size="14">${text}</text></g>`;
    lx += 22 + text.length * 8.2 + 22;
    return item;
  });

  const body = html`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${FONT}" class="risk-matrix">
<title id="${id}-title">${title}</title>
<desc id="${id}-desc">Oönskade händelser per sannolikhet och konsekvens. ${summary}${counts.unassessed ? `. Ej bedömda: ${counts.unassessed}` : ''}</desc>
<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>
<text x="${GRID_X}" y="30" font-size="18" font-weight="bold" fill="#000000">${title}</text>
<text x="22" y="${GRID_Y + GRID_H / 2}" font-size="15" font-weight="bold" fill="#000000" text-anchor="middle" transform="rotate(-90 22 ${GRID_Y + GRID_H / 2})">Sannolikhet</text>
${[...SCALE].map(
  (l) => html`<g class="likelihood-label" data-likelihood="${l}"><text x="${GRID_X - 10}" y="${cellY(l) + CELL_H / 2 - 4}" font-size="15" font-weight="bold" fill="#000000" text-anchor="end">${l}</text><text x="${GRID_X - 10}" y="${cellY(l) + CELL_H / 2 + 14}" font-size="13" fill="#000000" text-anchor="end">${LIKELIHOOD_LABELS[l]}</text></g>
`,
)}${cells.map(cell)}${[...SCALE].map(
  (c) => html`<g class="consequence-label" data-consequence="${c}"><text x="${cellX(c) + CELL_W / 2}" y="${GRID_Y + GRID_H + 20}" font-size="15" font-weight="bold" fill="#000000" text-anchor="middle">${c}</text><text x="${cellX(c) + CELL_W / 2}" y="${GRID_Y + GRID_H + 38}" font-size="13" fill="#000000" text-anchor="middle">${CONSEQUENCE_LABELS[c]}</text></g>
`,
)}<text x="${GRID_X + GRID_W / 2}" y="${GRID_Y + GRID_H + 62}" font-size="15" font-weight="bold" fill="#000000" text-anchor="middle">Konsekvens</text>
<g class="legend">${legendItems}<text class="total" x="${lx}" y="${LEGEND_Y}" font-size="14" font-weight="bold" fill="#000000">Totalt: ${counts.total}</text>${
    counts.unassessed
      ? html`<text class="unassessed" x="${lx + 100}" y="${LEGEND_Y}" font-size="14" fill="#000000">Ej bedömda: ${counts.unassessed}</text>`
      : ''
  }</g>
</svg>`;
  return opts.inline ? body : html`<?xml version="1.0" encoding="UTF-8"?>
${body}
`;
}
