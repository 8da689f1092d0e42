import { z } from 'zod';

/** One row of a VoR table (the import format of fixtures/servicenamnden-2026/vor.csv), already split into fields. */
export const vorRowInput = z.object({
  nr: z.unknown(),
  mal: z.unknown(),
  process: z.unknown(),
  arbetssatt: z.unknown(),
  oonskadHandelse: z.unknown(),
  sannolikhet: z.unknown().optional(),
  konsekvens: z.unknown().optional(),
  rv: z.unknown().optional(),
  ikp: z.unknown().optional(),
  motivering: z.unknown().optional(),
  systematiskKontroll: z.unknown().optional(),
  kontrollaktivitet: z.unknown().optional(),
});
export type VorRowInput = z.infer<typeof vorRowInput>;

export interface VorRow {
  line: number;
  nr: number;
  goalCode: string;
  goalTitle: string;
  process: string;
  workingMethod: string;
  title: string;
  likelihood: number | null;
  consequence: number | null;
  ikp: boolean;
  /** undefined: not stated (a file without the column, a GraphQL row without the field); REPLACE leaves it as it is. */
  motivation: string | null | undefined;
  control: string | null | undefined;
  activity: string | null | undefined;
}

export interface RowError {
  line: number;
  /** 1-based, for an error in the file's syntax. */
  column?: number;
  field: string;
  message: string;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
/** An optional column: undefined when not stated, null when stated empty. */
const stated = (v: unknown) => (v === undefined ? undefined : str(v) || null);

function int(v: unknown): number | null | 'bad' {
  const s = str(v);
  if (s === '') return null;
  return /^\d+$/.test(s) ? Number(s) : 'bad';
}

/**
 * Validates every row before anything is written, so a report can name each bad line. `lines` gives each row's
 * line in its file when they are not consecutive (blank lines, quoted line breaks, spreadsheet rows).
 */
export function validateRows(rows: VorRowInput[], firstLine = 2, lines?: readonly number[]): { rows: VorRow[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const out: VorRow[] = [];
  const numbers = new Map<number, number>();
  rows.forEach((raw, i) => {
    const line = lines?.[i] ?? firstLine + i;
    const before = errors.length;
    const err = (field: string, message: string) => errors.push({ line, field, message });
    // PostgreSQL text cannot hold a NUL character; a file may carry one in any cell (GraphQL refuses it at the door).
    for (const [field, v] of Object.entries(raw)) if (typeof v === 'string' && v.includes('\u0000')) err(field, 'contains a NUL character');
    const nr = int(raw.nr);
    if (nr === null || nr === 'bad' || nr < 1) err('nr', `"${str(raw.nr)}" is not a risk number`);
    else if (numbers.has(nr)) err('nr', `risk number ${nr} is repeated (also on line ${numbers.get(nr)})`);
    else numbers.set(nr, line);
    const mal = /^(\d{1,2}(?:\.\d{1,2}){0,2})\s+(.+)$/s.exec(str(raw.mal));
    if (!mal) err('mal', `"${str(raw.mal).slice(0, 60)}" must be a goal code and title, e.g. "3.5 Hög beredskap …"`);
    for (const [field, v] of [['process', raw.process], ['arbetssatt', raw.arbetssatt], ['oonskad_handelse', raw.oonskadHandelse]] as const) {
      if (!str(v)) err(field, 'is empty');
      else if (str(v).length > 1000) err(field, 'is longer than 1000 characters');
    }
    // A value off the scale is reported once: the checks that depend on it (both-or-neither, rv, R1) are skipped.
    let offScale = false;
    const scale = (field: string, v: unknown) => {
      const n = int(v);
      if (n === 'bad' || (n !== null && (n < 1 || n > 5))) {
        err(field, `"${str(v)}" is not a value 1–5`);
        offScale = true;
        return null;
      }
      return n;
    };
    const likelihood = scale('sannolikhet', raw.sannolikhet);
    const consequence = scale('konsekvens', raw.konsekvens);
    if ((likelihood === null) !== (consequence === null) && !offScale) {
      err(likelihood === null ? 'sannolikhet' : 'konsekvens', 'both likelihood and consequence, or neither (unassessed)');
    }
    const rv = int(raw.rv);
    if (rv === 'bad') err('rv', `"${str(raw.rv)}" is not a number`);
    else if (offScale) {
      // Nothing to compare rv with.
    } else if (likelihood && consequence && rv !== likelihood * consequence) {
      err('rv', `rv ${rv ?? '(empty)'} must equal ${likelihood} × ${consequence} = ${likelihood * consequence}`);
    } else if (!(likelihood && consequence) && rv !== null) err('rv', 'must be empty for an unassessed risk');
    const ikpText = str(raw.ikp).toLowerCase();
    if (!['ja', 'nej', ''].includes(ikpText)) err('ikp', `"${str(raw.ikp)}" must be Ja or Nej`);
    const ikp = ikpText === 'ja';
    if (ikp && !offScale && !(likelihood && consequence)) err('ikp', 'an unassessed risk cannot be in the IKP (R1)');
    if (typeof nr === 'number' && mal && errors.length === before) {
      out.push({
        line,
        nr,
        goalCode: mal[1],
        goalTitle: mal[2].trim(),
        process: str(raw.process),
        workingMethod: str(raw.arbetssatt),
        title: str(raw.oonskadHandelse),
        likelihood,
        consequence,
        ikp,
        motivation: stated(raw.motivering),
        control: stated(raw.systematiskKontroll),
        activity: stated(raw.kontrollaktivitet),
      });
    }
  });
  return { rows: out, errors };
}
