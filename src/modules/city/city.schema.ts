export const cityTypeDefs = /* GraphQL */ `
  "One follow-up period's progress (tertialrapport 1, 2, verksamhetsberättelse)"
  type CityPeriodProgress {
    period: Period!
    "Follow-ups of the period (of how many)"
    followUps: Int!
    reported: Int!
    deviations: Int!
    notPerformed: Int!
    "Reported after the period's deadline"
    late: Int!
    "Not reported and the period's deadline has passed"
    overdue: Int!
  }

  "One nämnd's internal control in one year, as Kommunstyrelsen compiles it"
  type CityNamndRow {
    namnd: Namnd!
    "None when the nämnd has no plan that year"
    plan: Plan
    planStatus: PlanStatus
    decisionDate: Date
    decisionReference: String
    "The year has begun and no plan is adopted (none, or still a draft)"
    adoptionLate: Boolean!
    "Some follow-up is overdue"
    followUpLate: Boolean!
    assessment: AssessmentLevel
    "The assessment's analysis is written"
    analysisWritten: Boolean!
    "As the plan's bandCounts; none without a plan"
    bandCounts: BandCounts
    "Risks in the IKP"
    ikpRisks: Int!
    "Rows of the IKP as printed (one per control activity), as the plan's ikp"
    ikpRows: Int!
    "As the plan's followUpSummary"
    followUpSummary: FollowUpSummary!
    periods: [CityPeriodProgress!]!
    overdueFollowUps: Int!
    openActions: Int!
    overdueActions: Int!
    "Actions carried on into another plan (another plan's action names it as origin)"
    carriedOverActions: Int!
    "What still blocks adoption of a draft; empty for an adopted or closed plan"
    ruleViolations: [RuleViolation!]!
  }

  type CityStatusCount {
    status: PlanStatus!
    count: Int!
  }

  type CityAssessmentCount {
    level: AssessmentLevel!
    label: String!
    count: Int!
  }

  "The same counts for the whole city (the nämnder the caller may read)"
  type CityTotals {
    namnder: Int!
    withPlan: Int!
    withoutPlan: Int!
    statuses: [CityStatusCount!]!
    adoptionLate: Int!
    followUpLate: Int!
    "The distribution of assessments"
    assessments: [CityAssessmentCount!]!
    notAssessed: Int!
    analysisWritten: Int!
    bands: [BandCount!]!
    assessedRisks: Int!
    unassessedRisks: Int!
    ikpRisks: Int!
    ikpRows: Int!
    followUpSummary: FollowUpSummary!
    periods: [CityPeriodProgress!]!
    overdueFollowUps: Int!
    openActions: Int!
    overdueActions: Int!
    carriedOverActions: Int!
    ruleViolations: Int!
  }

  "A mandatory working method across the city, matched in each plan as rule R5 matches it"
  type CityMandatoryWorkingMethod {
    name: String!
    "Risks under it in all plans"
    risks: Int!
    "Their band distribution, each band derived in its own plan's matrix"
    bands: [BandCount!]!
    unassessedRisks: Int!
    "How many nämnder assessed it (at least one assessed risk)"
    assessed: Int!
    assessedBy: [Namnd!]!
    "How many nämnder put it in their IKP (at least one of its risks)"
    inIkp: Int!
    inIkpBy: [Namnd!]!
    "Nämnder without an assessed risk under it (no plan, no such working method, or none assessed)"
    missing: [Namnd!]!
  }

  type CityMandatoryProcess {
    name: String!
    "Nämnder whose plan lacks the process, or that have no plan"
    missing: [Namnd!]!
    workingMethods: [CityMandatoryWorkingMethod!]!
  }

  enum CityCommonRiskKind {
    PROCESS
    WORKING_METHOD
  }

  "A process or working method (names matched case- and whitespace-insensitively) rated in the highest band (Kritisk)"
  type CityCommonRisk {
    kind: CityCommonRiskKind!
    process: String!
    "Set when kind is WORKING_METHOD"
    workingMethod: String
    "How many nämnder rate it Kritisk"
    namndCount: Int!
    namnder: [Namnd!]!
    criticalRisks: Int!
  }

  enum BandDirection {
    UP
    DOWN
  }

  "A risk whose band changed since the previous year (linked by origin)"
  type CityMovedRisk {
    nr: Int!
    title: String!
    previousNr: Int!
    previousBand: Band!
    band: Band!
    direction: BandDirection!
  }

  type CityNamndComparison {
    namnd: Namnd!
    previousAssessment: AssessmentLevel
    assessment: AssessmentLevel
    "Both years assessed, at different levels"
    assessmentChanged: Boolean!
    movedRisks: [CityMovedRisk!]!
  }

  "The year compared with the previous one, plan by plan (origin_plan_id, else the nämnd's plan of the year before)"
  type CityComparison {
    previousYear: Int!
    assessmentsChanged: Int!
    risksMoved: Int!
    namnder: [CityNamndComparison!]!
  }

  "The city's internal control in one year: every nämnd the caller may read"
  type CityOverview {
    year: Int!
    "One row per nämnd, also those without a plan that year"
    namnder: [CityNamndRow!]!
    totals: CityTotals!
    mandatoryProcess: [CityMandatoryProcess!]!
    "Most nämnder first"
    commonRisks: [CityCommonRisk!]!
    comparison: CityComparison!
  }

  extend type Query {
    "For admin, auditor, integration and viewer:*; nämnd roles see only their nämnder's rows"
    cityOverview(year: Int!): CityOverview!
  }
`;
