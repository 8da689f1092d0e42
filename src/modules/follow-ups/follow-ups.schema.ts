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
    "The period's deadline in the plan's year: 30 April, 31 August, 31 December unless the city moved it (periodDeadlines)"
    dueDate: Date!
    status: FollowUpStatus!
    outcome: FollowUpOutcome
    resultText: String
    explanation: String
    reportedAt: DateTime
    reportedBy: String
    "Reported after the deadline day (Stockholm date of reportedAt)"
    late: Boolean!
    "Not reported and the deadline day is over in Stockholm (as of now)"
    overdue: Boolean!
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
    "Reported after the deadline"
    late: Int!
    "Not reported and past the deadline"
    overdueFollowUps: Int!
    openActions: Int!
    overdueActions: Int!
  }

  "A follow-up period's deadline in one year: city-wide master data, moved by an admin"
  type PeriodDeadline {
    "year-period, e.g. 2026-T1 (the audit trail's entity id)"
    id: ID!
    year: Int!
    period: Period!
    deadline: Date!
    "No date set for the year: the default (30 April, 31 August, 31 December) applies"
    isDefault: Boolean!
    "0 while the default applies"
    version: Int!
    updatedAt: DateTime
    history: [AuditEvent!]!
  }

  input SetPeriodDeadlineInput {
    year: Int!
    period: Period!
    "In the year or the next"
    deadline: Date!
    reason: String!
  }

  extend type Query {
    "Admin only: the year's three deadlines"
    periodDeadlines(year: Int!): [PeriodDeadline!]!
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
    "Admin only: moves a period's deadline of a year; the year's follow-ups show it at once (dueDate, late, overdue)"
    setPeriodDeadline(input: SetPeriodDeadlineInput!): PeriodDeadline!
  }
`;
