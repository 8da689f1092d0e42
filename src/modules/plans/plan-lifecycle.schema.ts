// The plan life cycle's part of the schema (plan-lifecycle.ts).
export const planLifecycleTypeDefs = /* GraphQL */ `
  "An adoption: the decision and the VoR/IKP as decided (immutable)"
  type PlanDecision {
    id: ID!
    decisionDate: Date!
    reference: String!
    adoptedBy: String!
    adoptedAt: DateTime!
    snapshot: JSON!
  }

  extend type PlanDecision {
    "The VoR and IKP as decided, typed, with Plan's field names; read from the snapshot, not from today's plan"
    asDecided: DecidedPlan!
  }

  "A plan as the nämnd decided it (PlanDecision.asDecided)"
  type DecidedPlan {
    year: Int!
    namndCode: String!
    ikpThreshold: Int!
    riskMatrix: RiskMatrixConfig!
    decisionDate: Date!
    decisionReference: String!
    processes: [DecidedProcess!]!
    risks(band: String, inIkp: Boolean, goalCode: String): [DecidedRisk!]!
    ikp: [DecidedIkpRow!]!
    bandCounts: BandCounts!
  }
  "The goal a decided process was under (its code at the decision)"
  type DecidedGoal {
    code: String!
  }
  type DecidedProcess {
    name: String!
    goal: DecidedGoal
    workingMethods: [DecidedWorkingMethod!]!
  }
  type DecidedWorkingMethod {
    name: String!
    risks: [DecidedRisk!]!
  }
  "A risk as decided: rv, band and IKP membership as they were at the decision"
  type DecidedRisk {
    nr: Int!
    title: String!
    likelihood: Int
    likelihoodLabel: String
    consequence: Int
    consequenceLabel: String
    rv: Int
    band: Band
    inIkp: Boolean!
    ikpBasis: IkpBasis!
    ikpMotivation: String
    goal: DecidedGoal
    controls: [DecidedControl!]!
  }
  type DecidedControl {
    description: String!
    activities: [DecidedControlActivity!]!
  }
  type DecidedControlActivity {
    description: String!
    responsible: String
    periods: [Period!]!
  }
  type DecidedIkpRow {
    goal: DecidedGoal
    process: DecidedProcess!
    workingMethod: DecidedWorkingMethod!
    risk: DecidedRisk!
    rv: Int
    control: DecidedControl
    controlActivity: DecidedControlActivity
  }

  extend type Plan {
    "Every adoption, newest first"
    decisions: [PlanDecision!]!
  }

  input AdoptPlanInput {
    id: ID!
    version: Int!
    decisionDate: Date!
    "Paragraph or diarienummer"
    decisionReference: String!
  }
  input ReasonInput {
    id: ID!
    version: Int!
    reason: String!
  }
  input VersionInput {
    id: ID!
    version: Int!
  }

  extend type Mutation {
    "DRAFT → ADOPTED (approver, admin); refused with PLAN_RULES_VIOLATED while rules are violated"
    adoptPlan(input: AdoptPlanInput!): Plan!
    "ADOPTED → DRAFT or CLOSED → ADOPTED, with a reason (approver, admin)"
    reopenPlan(input: ReasonInput!): Plan!
    "ADOPTED → CLOSED: needs the assessment and every VB follow-up reported (approver, admin)"
    closePlan(input: VersionInput!): Plan!
  }
`;
