import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { gqlOk } from '../helper.js';

export interface VorJsonRisk {
  nr: number;
  goal: string;
  process: string;
  arbetssatt: string;
  title: string;
  sannolikhet: number | null;
  konsekvens: number | null;
  rv: number | null;
  ikp: boolean;
  kontroll?: { systematiskKontroll: string; kontrollaktivitet: string };
}

export const snVor = JSON.parse(fs.readFileSync(new URL('../../fixtures/servicenamnden-2026/vor.json', import.meta.url), 'utf8')) as {
  goals: { code: string; title: string }[];
  risks: VorJsonRisk[];
};

const s = (v: number | null) => (v === null ? '' : String(v));

/** The document's rows in the import's input shape. */
export function snRows() {
  const titles = new Map(snVor.goals.map((g) => [g.code, g.title]));
  return snVor.risks.map((r) => ({
    nr: String(r.nr),
    mal: `${r.goal} ${titles.get(r.goal)}`,
    process: r.process,
    arbetssatt: r.arbetssatt,
    oonskadHandelse: r.title,
    sannolikhet: s(r.sannolikhet),
    konsekvens: s(r.konsekvens),
    rv: s(r.rv),
    ikp: r.ikp ? 'Ja' : 'Nej',
    systematiskKontroll: r.kontroll?.systematiskKontroll,
    kontrollaktivitet: r.kontroll?.kontrollaktivitet,
  }));
}

export const IMPORT = `mutation($input: ImportVorInput!) { importVor(input: $input) {
  dryRun planId created { namnd plan goals processes workingMethods risks controls controlActivities }
  violations { rule entityType entityId message } } }`;

/** Loads Servicenämnden 2026 through the GraphQL API, as an admin would. */
export async function loadServicenamnden(app: FastifyInstance, opts: { code?: string; dryRun?: boolean } = {}) {
  const d = await gqlOk(app, IMPORT, {
    input: { namndCode: opts.code ?? 'SN', namndName: 'Servicenämnden', year: 2026, dryRun: opts.dryRun ?? false, rows: snRows() },
  });
  return d.importVor;
}
