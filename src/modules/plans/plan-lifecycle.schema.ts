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
