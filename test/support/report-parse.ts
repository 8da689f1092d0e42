// Small readers for the reports' markup, so tests can check structure and not only substrings.

const VOID = new Set(['meta', 'br', 'link', 'img', 'hr', 'input', 'col', 'source', 'wbr']);

/** Problems with the nesting of tags (an empty list: every tag is closed, in order). */
export function tagProblems(markup: string, opts: { html?: boolean } = {}): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = markup.replace(/<\?xml[^>]*\?>/, '').replace(/<!doctype[^>]*>/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, closing, rawName, , selfClosing] = m;
    const name = opts.html ? rawName.toLowerCase() : rawName;
    if (selfClosing || (opts.html && VOID.has(name))) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}> at ${m.index} does not close the open tag`);
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  // A bare "<" or "&" that is not an entity means something was not escaped.
  if (/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/.test(body)) problems.push('bare &');
  return problems;
}

export interface SvgCell {
  likelihood: number;
  consequence: number;
  band: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  inkColors: string[];
  numbers: number[];
  texts: string[];
}

/** The 25 cells of the risk-matrix SVG, keyed "likelihood,consequence". */
export function svgCells(svg: string): Map<string, SvgCell> {
  const cells = new Map<string, SvgCell>();
  for (const m of svg.matchAll(/<g class="cell" data-likelihood="(\d)" data-consequence="(\d)" data-band="([^"]*)"[^>]*>([\s\S]*?)<\/g>/g)) {
    const inner = m[4];
    const rect = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"/.exec(inner)!;
    const nrTexts = [...inner.matchAll(/<text class="nr"[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]);
    cells.set(`${m[1]},${m[2]}`, {
      likelihood: Number(m[1]),
      consequence: Number(m[2]),
      band: m[3],
      x: Number(rect[1]),
      y: Number(rect[2]),
      width: Number(rect[3]),
      height: Number(rect[4]),
      fill: rect[5],
      inkColors: [...new Set([...inner.matchAll(/<text[^>]* fill="([^"]+)"/g)].map((t) => t[1]))],
      numbers: nrTexts.flatMap((t) => t.trim().split(/\s+/).filter(Boolean).map(Number)),
      texts: [...inner.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]),
    });
  }
  return cells;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** Visible text of a fragment: tags removed, entities decoded, white space collapsed. */
export function textOf(markup: string): string {
  return markup
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ENTITIES[e])
    .replace(/\s+/g, ' ')
    .trim();
}

/** The outer markup of every element `<tag class="cls" …>…</tag>` (not nested in one of its own kind). */
export function elements(markup: string, tag: string, cls: string): string[] {
  const re = new RegExp(`<${tag} class="${cls}"[^>]*>[\\s\\S]*?</${tag}>`, 'g');
  return [...markup.matchAll(re)].map((m) => m[0]);
}

/** An attribute's value on the first tag of a fragment. */
export const attr = (fragment: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(fragment)?.[1];
