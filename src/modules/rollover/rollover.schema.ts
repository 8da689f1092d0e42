export const rolloverTypeDefs = /* GraphQL */ `
  input RolloverInput {
    fromYear: Int!
    toYear: Int!
    "One nämnd; all nämnder with a plan for fromYear when left out"
    namndCode: String
  }

  "Rows carried over (created) and rows found already carried or left out on purpose (skipped)"
  type RolloverCount {
    created: Int!
    skipped: Int!
  }

  type RolloverCounts {
    plan: RolloverCount!
    processes: RolloverCount!
    workingMethods: RolloverCount!
    risks: RolloverCount!
    controls: RolloverCount!
    controlActivities: RolloverCount!
    "Open actions (PLANNED, IN_PROGRESS), copied into the new plan while the original becomes CARRIED_OVER; done and cancelled ones are not carried"
    actions: RolloverCount!
  }

  type RolloverError {
    code: String!
    message: String!
  }

  type RolloverNamndReport {
    namndCode: String!
    fromPlanId: ID!
    "The new year's plan; null when this nämnd's rollover was refused"
    planId: ID
    created: Int!
    skipped: Int!
    counts: RolloverCounts!
    "Why this nämnd was not rolled over (nothing was written for it)"
    error: RolloverError
  }

  type RolloverReport {
    fromYear: Int!
    toYear: Int!
    "Goals are copied only when the new year has none"
    goals: RolloverCount!
    namnder: [RolloverNamndReport!]!
    created: Int!
    skipped: Int!
    failed: Int!
  }

  extend type Mutation {
    "Next year's draft plans from this year's (admin). Safe to run again: what was carried is skipped. All or nothing per nämnd."
    rollover(input: RolloverInput!): RolloverReport!
  }
`;
