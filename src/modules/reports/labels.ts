// The Swedish words the city's documents use for the API's states and periods.

export const PLAN_STATUS: Record<string, string> = { DRAFT: 'Utkast', ADOPTED: 'Fastställd', CLOSED: 'Avslutad' };

export const ASSESSMENT_LEVEL: Record<string, string> = {
  TILLRACKLIG: 'Tillräcklig',
  I_HUVUDSAK_TILLRACKLIG: 'I huvudsak tillräcklig',
  INTE_TILLRACKLIG: 'Inte tillräcklig',
};

export const PERIOD: Record<string, string> = { T1: 'Tertialrapport 1', T2: 'Tertialrapport 2', VB: 'Verksamhetsberättelse' };
export const PERIODS = ['T1', 'T2', 'VB'] as const;

export const FOLLOW_UP_STATUS: Record<string, string> = { NOT_STARTED: 'Ej påbörjad', IN_PROGRESS: 'Pågår', REPORTED: 'Rapporterad' };

export const OUTCOME: Record<string, string> = { NO_DEVIATION: 'Ingen avvikelse', DEVIATION: 'Avvikelse', NOT_PERFORMED: 'Ej genomförd' };

export const ACTION_STATUS: Record<string, string> = { PLANNED: 'Planerad', IN_PROGRESS: 'Pågår', DONE: 'Genomförd', CANCELLED: 'Avbruten' };

export const OPEN_ACTION_STATUSES = new Set(['PLANNED', 'IN_PROGRESS']);

export const label = (labels: Record<string, string>, key: string | null | undefined) => (key ? (labels[key] ?? key) : '');
