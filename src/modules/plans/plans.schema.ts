export const plansTypeDefs = /* GraphQL */ `
  "utkast → fastställd → avslutad"
  enum PlanStatus {
    "utkast"
    DRAFT
    "fastställd"
    ADOPTED
    "avslutad"
    CLOSED
  }

  enum IkpBasis {
    "RV at or above the threshold is in the IKP; below it is not"
    THRESHOLD
    "Below the threshold, included with a written motivation"
    MOTIVATED_INCLUSION
    "At or above the threshold, excluded with a written motivation"
    MOTIVATED_EXCLUSION
    "Likelihood or consequence missing: cannot be in the IKP"
    UNASSESSED
  }

  enum IkpOverride {
    INCLUDE
    EXCLUDE
  }

  enum Rule {
    "An unassessed risk cannot be in the IKP"
    R1
    "RV ≥ threshold is in the IKP unless excluded with a motivation"
    R2
    "RV < threshold is not in the IKP unless included with a motivation"
    R3
    "Each IKP risk needs a systematic control with a control activity"
    R4
    "The mandatory process and its working methods, each with an assessed risk"
    R5
    "Risk numbers are unique in a plan"
    R6
  }

  "What blocks adoption of a plan"
  type RuleViolation {
    rule: Rule!
    entityType: String!
    entityId: ID
    message: String!
  }

  "One cell of the 5 × 5 risk matrix"
  type MatrixCell {
    likelihood: Int!
    consequence: Int!
    likelihoodLabel: String!
    consequenceLabel: String!
    rv: Int!
    band: Band
    "Numbers of the plan's risks in this cell"
    riskNumbers: [Int!]!
    count: Int!
  }

  type BandCount {
    band: Band!
    count: Int!
  }

  type BandCounts {
    bands: [BandCount!]!
    "Assessed risks (the document's Totalt)"
    total: Int!
    unassessed: Int!
  }

  "A row of the internkontrollplan as the document prints it: one per control activity"
  type IkpRow {
    goal: Goal
    process: Process!
    workingMethod: WorkingMethod!
    risk: Risk!
    rv: Int
    control: Control
    controlActivity: ControlActivity
  }

  "A nämnd's väsentlighets- och riskanalys and internkontrollplan for one year"
  type Plan {
    id: ID!
    namnd: Namnd!
    year: Int!
    status: PlanStatus!
    "Risks with RV at or above it are in the IKP (R2, R3)"
    ikpThreshold: Int!
    "The matrix in force for this plan"
    riskMatrix: RiskMatrixConfig!
    decisionDate: Date
    decisionReference: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "Goals of the plan's year"
    goals: [Goal!]!
    processes: [Process!]!
    risks(band: String, inIkp: Boolean, goalCode: String): [Risk!]!
    ikp: [IkpRow!]!
    "The 25 cells, likelihood 5 → 1, consequence 1 → 5"
    matrix: [MatrixCell!]!
    bandCounts: BandCounts!
    ruleViolations: [RuleViolation!]!
    history: [AuditEvent!]!
    "The plan this one was rolled over from (last year's), as an id"
    originPlanId: ID
    "The plan this one was rolled over from; null when none or not readable by the caller"
    previousPlan: Plan
    "The plan rolled over from this one (next year's); null when none or not readable by the caller"
    nextPlan: Plan
    "Risks added, removed and re-valued since the previous plan; null when there is no previous plan"
    changesSincePreviousYear: PlanChanges
  }

  "A risk's values as its own plan derives them (that plan's threshold and matrix)"
  type RiskValuation {
    likelihood: Int
    consequence: Int
    rv: Int
    band: Band
    inIkp: Boolean!
    ikpBasis: IkpBasis!
  }

  "A carried risk whose RV, band or IKP membership differs from last year's"
  type RiskRevaluation {
    "This year's risk"
    risk: Risk!
    "Last year's risk it was carried over from"
    origin: Risk!
    before: RiskValuation!
    after: RiskValuation!
    "Which of rv, band, inIkp changed"
    changed: [String!]!
  }

  "Förändringar sedan föregående år: this plan's risks against the plan it was rolled over from"
  type PlanChanges {
    previousPlan: Plan!
    "Risks with no origin in the previous plan"
    added: [Risk!]!
    "Risks of the previous plan carried into no risk of this one"
    removed: [Risk!]!
    revalued: [RiskRevaluation!]!
  }

  type PlanConnection {
    nodes: [Plan!]!
    pageInfo: PageInfo!
  }

  type RiskConnection {
    nodes: [Risk!]!
    pageInfo: PageInfo!
  }

  input PlanFilter {
    year: Int
    namndCodes: [String!]
    status: PlanStatus
  }

  input RiskFilter {
    year: Int
    namndCodes: [String!]
    "A band key, e.g. KRITISK"
    band: String
    inIkp: Boolean
    goalCode: String
  }

  input CreatePlanInput {
    namndCode: String!
    year: Int!
    ikpThreshold: Int
  }

  input UpdatePlanSettingsInput {
    id: ID!
    version: Int!
    ikpThreshold: Int
    matrix: RiskMatrixInput
  }

  extend type Query {
    plan(namndCode: String!, year: Int!): Plan
    planById(id: ID!): Plan
    "Plans the caller may read"
    plans(filter: PlanFilter, first: Int = 50, after: String): PlanConnection!
    "Risks across nämnder the caller may read (e.g. all critical risks of 2026)"
    risks(filter: RiskFilter, first: Int = 100, after: String): RiskConnection!
  }

  "A draft plan to delete, with why (it was a test, or a mistake)"
  input DeletePlanInput {
    id: ID!
    version: Int!
    reason: String!
  }

  extend type Mutation {
    "Deletes a draft plan that was never adopted, with all its content (approver, admin); PLAN_NOT_DRAFT otherwise"
    deletePlan(input: DeletePlanInput!): Boolean!
  }

  extend type Mutation {
    "Admin or the nämnd's approver"
    createPlan(input: CreatePlanInput!): Plan!
    "Threshold and matrix; draft plans only"
    updatePlanSettings(input: UpdatePlanSettingsInput!): Plan!
  }
`;
