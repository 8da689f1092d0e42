export const goalsTypeDefs = /* GraphQL */ `
  "KF:s mål för verksamhetsområdet: the city council's goal, per year (city-wide master data)"
  type Goal {
    id: ID!
    year: Int!
    "e.g. 3.5"
    code: String!
    title: String!
    "Inriktningsmål 1–3"
    inriktningsmal: Int
    version: Int!
    history: [AuditEvent!]!
  }

  "A city-wide mandatory process (R5), e.g. Systematiskt informationssäkerhetsarbete"
  type MandatoryProcess {
    id: ID!
    name: String!
    "Other spellings documents use; matched case- and whitespace-insensitively"
    aliases: [String!]!
    goalCode: String!
    fromYear: Int!
    toYear: Int
    workingMethods: [MandatoryWorkingMethod!]!
  }

  type MandatoryWorkingMethod {
    id: ID!
    name: String!
    aliases: [String!]!
  }

  "A band of the risk matrix, e.g. KRITISK / Kritisk / #C00000"
  type Band {
    key: String!
    label: String!
    color: String!
  }

  "A 5 × 5 risk matrix: cells[likelihood-1][consequence-1] is a band key"
  type RiskMatrixConfig {
    bands: [Band!]!
    cells: [[String!]!]!
  }

  input BandInput {
    key: String!
    label: String!
    color: String!
  }

  input RiskMatrixInput {
    bands: [BandInput!]!
    cells: [[String!]!]!
  }

  input CreateGoalInput {
    year: Int!
    code: String!
    title: String!
    inriktningsmal: Int
  }

  input UpdateGoalInput {
    id: ID!
    version: Int!
    title: String
    inriktningsmal: Int
  }

  input MandatoryWorkingMethodInput {
    name: String!
    aliases: [String!]
  }

  input MandatoryProcessInput {
    "Creates, or replaces the process with this name"
    name: String!
    aliases: [String!]
    "The goal it belongs under, e.g. 3.5"
    goalCode: String!
    fromYear: Int!
    toYear: Int
    workingMethods: [MandatoryWorkingMethodInput!]!
  }

  input DeleteInput {
    id: ID!
  }

  extend type Query {
    goals(year: Int!): [Goal!]!
    mandatoryProcesses(year: Int): [MandatoryProcess!]!
    "The matrix new plans start with"
    defaultMatrix: RiskMatrixConfig!
  }

  extend type Mutation {
    "Admin only"
    createGoal(input: CreateGoalInput!): Goal!
    "Admin only"
    updateGoal(input: UpdateGoalInput!): Goal!
    "Admin only; refused while processes use the goal"
    deleteGoal(input: DeleteInput!): Boolean!
    "Admin only: which processes every plan must contain (R5)"
    setMandatoryProcess(input: MandatoryProcessInput!): MandatoryProcess!
    "Admin only; plans keep the matrix they were created with"
    setDefaultMatrix(input: RiskMatrixInput!): RiskMatrixConfig!
  }
`;
