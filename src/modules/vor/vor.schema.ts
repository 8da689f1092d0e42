export const vorTypeDefs = /* GraphQL */ `
  enum Period {
    "tertialrapport 1, per 30 april"
    T1
    "tertialrapport 2, per 31 augusti"
    T2
    "verksamhetsberättelse"
    VB
  }

  "A process of the VoR, under a goal"
  type Process {
    id: ID!
    name: String!
    goal: Goal
    "A city-wide mandatory process (R5)"
    mandatory: Boolean!
    sortOrder: Int!
    workingMethods: [WorkingMethod!]!
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
    "The process of the previous plan this one was carried over from, as an id"
    originId: ID
    "The process this one was carried over from; null when none or not readable by the caller"
    origin: Process
  }

  "Arbetssätt"
  type WorkingMethod {
    id: ID!
    name: String!
    mandatory: Boolean!
    sortOrder: Int!
    process: Process!
    risks: [Risk!]!
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
    "The working method of the previous plan this one was carried over from, as an id"
    originId: ID
    "The working method this one was carried over from; null when none or not readable by the caller"
    origin: WorkingMethod
  }

  "Oönskad händelse"
  type Risk {
    id: ID!
    "Unique within the plan"
    nr: Int!
    title: String!
    description: String
    "Sannolikhet 1–5"
    likelihood: Int
    likelihoodLabel: String
    "Konsekvens 1–5"
    consequence: Int
    consequenceLabel: String
    "Riskvärde = likelihood × consequence"
    rv: Int
    band: Band
    inIkp: Boolean!
    ikpBasis: IkpBasis!
    ikpOverride: IkpOverride
    ikpMotivation: String
    "Last year's values, kept by the rollover for comparison"
    previousLikelihood: Int
    previousConsequence: Int
    previousRv: Int
    plan: Plan!
    workingMethod: WorkingMethod!
    process: Process!
    goal: Goal
    controls: [Control!]!
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
    "The risk of the previous plan this one was carried over from, as an id"
    originId: ID
    "The risk this one was carried over from; null when none or not readable by the caller"
    origin: Risk
  }

  "Systematisk kontroll"
  type Control {
    id: ID!
    description: String!
    sortOrder: Int!
    risk: Risk!
    activities: [ControlActivity!]!
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
    "The control of the previous plan this one was carried over from, as an id"
    originId: ID
    "The control this one was carried over from; null when none or not readable by the caller"
    origin: Control
  }

  "Kontrollaktivitet"
  type ControlActivity {
    id: ID!
    description: String!
    responsible: String
    periods: [Period!]!
    frequency: String
    sortOrder: Int!
    control: Control!
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
    "The control activity of the previous plan this one was carried over from, as an id"
    originId: ID
    "The control activity this one was carried over from; null when none or not readable by the caller"
    origin: ControlActivity
  }

  input CreateProcessInput {
    planId: ID!
    goalId: ID!
    name: String!
    sortOrder: Int
  }
  input UpdateProcessInput {
    id: ID!
    version: Int!
    "Move the process under another goal of the same year"
    goalId: ID
    name: String
    sortOrder: Int
  }
  input CreateWorkingMethodInput {
    processId: ID!
    name: String!
    sortOrder: Int
  }
  input UpdateWorkingMethodInput {
    id: ID!
    version: Int!
    "Move to another process of the same plan"
    processId: ID
    name: String
    sortOrder: Int
  }
  input CreateRiskInput {
    workingMethodId: ID!
    "Next free number when omitted"
    nr: Int
    title: String!
    description: String
    likelihood: Int
    consequence: Int
    ikpOverride: IkpOverride
    "Required with ikpOverride"
    ikpMotivation: String
  }
  input UpdateRiskInput {
    id: ID!
    version: Int!
    "Move to another working method of the same plan"
    workingMethodId: ID
    nr: Int
    title: String
    description: String
    "null clears it (the risk becomes unassessed)"
    likelihood: Int
    consequence: Int
    "null removes the override"
    ikpOverride: IkpOverride
    ikpMotivation: String
  }
  input CreateControlInput {
    riskId: ID!
    description: String!
    sortOrder: Int
  }
  input UpdateControlInput {
    id: ID!
    version: Int!
    "Move to another risk of the same plan"
    riskId: ID
    description: String
    sortOrder: Int
  }
  input CreateControlActivityInput {
    controlId: ID!
    description: String!
    responsible: String
    "Default T1, T2, VB"
    periods: [Period!]
    frequency: String
    sortOrder: Int
  }
  input UpdateControlActivityInput {
    id: ID!
    version: Int!
    "Move to another control of the same plan"
    controlId: ID
    description: String
    responsible: String
    periods: [Period!]
    frequency: String
    sortOrder: Int
  }
  "Deletes the entity and everything under it"
  input DeleteVersionedInput {
    id: ID!
    version: Int!
  }

  extend type Mutation {
    createProcess(input: CreateProcessInput!): Process!
    updateProcess(input: UpdateProcessInput!): Process!
    deleteProcess(input: DeleteVersionedInput!): Boolean!
    createWorkingMethod(input: CreateWorkingMethodInput!): WorkingMethod!
    updateWorkingMethod(input: UpdateWorkingMethodInput!): WorkingMethod!
    deleteWorkingMethod(input: DeleteVersionedInput!): Boolean!
    createRisk(input: CreateRiskInput!): Risk!
    updateRisk(input: UpdateRiskInput!): Risk!
    deleteRisk(input: DeleteVersionedInput!): Boolean!
    createControl(input: CreateControlInput!): Control!
    updateControl(input: UpdateControlInput!): Control!
    deleteControl(input: DeleteVersionedInput!): Boolean!
    createControlActivity(input: CreateControlActivityInput!): ControlActivity!
    updateControlActivity(input: UpdateControlActivityInput!): ControlActivity!
    deleteControlActivity(input: DeleteVersionedInput!): Boolean!
  }
`;
