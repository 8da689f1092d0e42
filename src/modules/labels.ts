// Swedish labels of the API's coded values, one place for the exports (Power BI needs no lookup tables) and the reports.

export const NAMND_KIND_LABELS: Record<string, string> = {
  NAMND: 'Nämnd',
  BOLAG: 'Bolagsstyrelse',
};

export const PLAN_STATUS_LABELS: Record<string, string> = {
  DRAFT: 'Utkast',
  ADOPTED: 'Fastställd',
  CLOSED: 'Avslutad',
};

export const PERIOD_LABELS: Record<string, string> = {
  T1: 'Tertialrapport 1',
  T2: 'Tertialrapport 2',
  VB: 'Verksamhetsberättelse',
};

export const FOLLOW_UP_STATUS_LABELS: Record<string, string> = {
  NOT_STARTED: 'Ej påbörjad',
  IN_PROGRESS: 'Pågående',
  REPORTED: 'Rapporterad',
};

export const FOLLOW_UP_OUTCOME_LABELS: Record<string, string> = {
  NO_DEVIATION: 'Ingen avvikelse',
  DEVIATION: 'Avvikelse',
  NOT_PERFORMED: 'Ej genomförd',
};

export const ACTION_STATUS_LABELS: Record<string, string> = {
  PLANNED: 'Planerad',
  IN_PROGRESS: 'Pågående',
  DONE: 'Genomförd',
  CANCELLED: 'Avbruten',
  CARRIED_OVER: 'Överförd',
};

export const ASSESSMENT_LEVEL_LABELS: Record<string, string> = {
  TILLRACKLIG: 'Tillräcklig',
  I_HUVUDSAK_TILLRACKLIG: 'I huvudsak tillräcklig',
  INTE_TILLRACKLIG: 'Inte tillräcklig',
};
