export const auditTypeDefs = /* GraphQL */ `
  "One recorded change: who did what, when, to which entity, from which state to which, and why."
  type AuditEvent {
    id: ID!
    occurredAt: DateTime!
    "The token subject of whoever made the change"
    actor: String!
    "e.g. plan.adopt, risk.update"
    action: String!
    entityType: String!
    entityId: ID!
    namndCode: String
    fromState: String
    toState: String
    reason: String
    "Before/after values of the changed fields"
    changes: JSON
    requestId: String
    chain: String!
    chainSeq: Int!
    prevHash: String
    hash: String!
  }

  type AuditEventConnection {
    nodes: [AuditEvent!]!
    pageInfo: PageInfo!
  }

  input AuditEventFilter {
    entityType: String
    entityId: ID
    namndCode: String
    actor: String
    action: String
    from: DateTime
    to: DateTime
  }

  enum AuditChainProblem {
    MISSING
    HASH_MISMATCH
    LINK_MISMATCH
    HEAD_MISMATCH
  }

  type AuditChainBreak {
    chain: String!
    seq: Int!
    eventId: ID
    problem: AuditChainProblem!
    message: String!
  }

  type AuditVerification {
    ok: Boolean!
    chains: Int!
    eventsChecked: Int!
    "The first broken link of each broken chain"
    breaks: [AuditChainBreak!]!
  }

  extend type Query {
    "The audit trail (auditor, admin), filtered, with cursor pagination"
    auditEvents(filter: AuditEventFilter, first: Int = 50, after: String, order: SortOrder = ASC): AuditEventConnection!
    "Recomputes the hash chains of the audit trail (auditor, admin)"
    verifyAuditTrail: AuditVerification!
  }
`;
