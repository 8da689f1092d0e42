export const eventsTypeDefs = /* GraphQL */ `
  """
  Something other systems may want to know: a change (the type is the audit action, e.g. plan.adopt,
  namnd.update) or a date reached (followUp.due, followUp.overdue, action.overdue).
  """
  type DomainEvent {
    "Feed position: increases in commit order; continue a feed with after = the last position seen"
    position: Int!
    type: String!
    namndCode: String
    entityType: String!
    entityId: ID!
    "The entity's version after the change, when known"
    entityVersion: Int
    occurredAt: DateTime!
    "Ids and states only (fromState, toState, changedFields, planId, …); never free text"
    data: JSON!
  }

  type DomainEventPage {
    events: [DomainEvent!]!
    "Pass as after to continue"
    lastPosition: Int!
  }

  extend type Query {
    "Events after a position, oldest first, limited to the nämnder the caller may read (and city-wide events)"
    domainEvents(after: Int = 0, limit: Int = 100, types: [String!]): DomainEventPage!
  }

  type Subscription {
    """
    Events as they commit, limited to the nämnder the caller may read; naming a nämnd one may not read is FORBIDDEN.
    Over WebSocket (graphql-ws or graphql-transport-ws) with the token in connection_init: { authorization: "Bearer …" }.
    """
    domainEvents(types: [String!], namndCodes: [String!]): DomainEvent!
  }
`;
