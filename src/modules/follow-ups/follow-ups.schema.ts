export const followUpsTypeDefs = /* GraphQL */ `
  enum FollowUpStatus {
    NOT_STARTED
    IN_PROGRESS
    REPORTED
  }

  enum FollowUpOutcome {
    "ingen avvikelse"
    NO_DEVIATION
    "avvikelse: needs at least one action"
    DEVIATION
    "ej genomförd: needs an explanation"
    NOT_PERFORMED
  }

  enum ActionStatus {
    PLANNED
    IN_PROGRESS
    DONE
    CANCELLED
    "Överförd: the rollover continued it in the next year's plan (carriedTo); no longer open here, and final"
    CARRIED_OVER
  }

  "Bedömning av nämndens interna kontroll"
  enum AssessmentLevel {
    "tillräcklig"
    TILLRACKLIG
    "i huvudsak tillräcklig"
    I_HUVUDSAK_TILLRACKLIG
    "inte tillräcklig"
    INTE_TILLRACKLIG
  }

  "Uppföljning: one control activity in one period"
  type FollowUp {
    id: ID!
    period: Period!
    "End of the period: 30 April, 31 August, 31 December of the plan's year"
    dueDate: Date!
    status: FollowUpStatus!
    outcome: FollowUpOutcome
    resultText: String
    explanation: String
    reportedAt: DateTime
    reportedBy: String
    "Reported after the period's date"
    late: Boolean!
    controlActivity: ControlActivity!
    actions: [Action!]!
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
  }

  "Åtgärd"
  type Action {
    id: ID!
    title: String!
    description: String
    owner: String
    dueDate: Date
    "For multi-year plans, e.g. the information-security plan"
    plannedYear: Int
    "e.g. a NIS2 area"
    tags: [String!]!
    status: ActionStatus!
    "Why it was cancelled"
    statusReason: String
    "Open and past its due date"
    overdue: Boolean!
    followUp: FollowUp
    "The action this one was carried over from by the rollover"
    originActionId: ID
    "The action this one was carried over from by the rollover (last year's, now CARRIED_OVER)"
    carriedFrom: Action
    "The copy in the next year's plan that this CARRIED_OVER action goes on as"
    carriedTo: Action
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
  }

  type Assessment {
    id: ID!
    level: AssessmentLevel!
    analysis: String!
    assessedBy: String!
    version: Int!
    updatedAt: DateTime!
    history: [AuditEvent!]!
  }

  "The follow-ups behind the assessment"
  type FollowUpSummary {
    followUps: Int!
    reported: Int!
    deviations: Int!
    notPerformed: Int!
    late: Int!
    openActions: Int!
    overdueActions: Int!
  }

  extend type Plan {
    followUps(period: Period, status: FollowUpStatus): [FollowUp!]!
    actions(status: ActionStatus, overdue: Boolean): [Action!]!
    assessment: Assessment
    followUpSummary: FollowUpSummary!
  }

  extend type ControlActivity {
    followUps: [FollowUp!]!
  }

  input ReportFollowUpInput {
    id: ID!
    version: Int!
    outcome: FollowUpOutcome!
    resultText: String!
    "Required when NOT_PERFORMED"
    explanation: String
  }
  input CreateActionInput {
    planId: ID!
    "The deviating follow-up it answers, if any"
    followUpId: ID
    title: String!
    description: String
    owner: String
    dueDate: Date
    plannedYear: Int
    tags: [String!]
  }
  input UpdateActionInput {
    id: ID!
    version: Int!
    title: String
    description: String
    owner: String
    dueDate: Date
    plannedYear: Int
    tags: [String!]
  }
  input ActionTransitionInput {
    id: ID!
    version: Int!
    reason: String
  }
  input SetAssessmentInput {
    planId: ID!
    "The version read, when revising an existing assessment"
    version: Int
    level: AssessmentLevel!
    analysis: String!
  }

  extend type Mutation {
    startFollowUp(input: VersionInput!): FollowUp!
    reportFollowUp(input: ReportFollowUpInput!): FollowUp!
    "REPORTED → IN_PROGRESS, with a reason"
    reopenFollowUp(input: ReasonInput!): FollowUp!
    createAction(input: CreateActionInput!): Action!
    updateAction(input: UpdateActionInput!): Action!
    startAction(input: ActionTransitionInput!): Action!
    completeAction(input: ActionTransitionInput!): Action!
    "Any open state → CANCELLED, with a reason"
    cancelAction(input: ReasonInput!): Action!
    setAssessment(input: SetAssessmentInput!): Assessment!
  }
`;
