export const webhooksTypeDefs = /* GraphQL */ `
  enum WebhookStatus {
    "Delivering"
    ACTIVE
    "Delivering, but the last attempts failed; retried with backoff"
    FAILING
    "Not delivering: paused by an admin, or a delivery was given up after the maximum attempts"
    PAUSED
  }

  enum WebhookDeliveryStatus {
    PENDING
    SUCCEEDED
    "Given up after the maximum attempts; resumeWebhook queues it again"
    FAILED
  }

  "A system that receives events by signed HTTP POST (Standard Webhooks)"
  type Webhook {
    id: ID!
    url: String!
    "Only these event types; empty means all"
    eventTypes: [String!]!
    "Only these nämnder; empty means all (including city-wide events)"
    namndCodes: [String!]!
    status: WebhookStatus!
    consecutiveFailures: Int!
    lastError: String
    lastSuccessAt: DateTime
    lastFailureAt: DateTime
    "Feed position up to which events have been queued for this webhook"
    cursorPosition: Int!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type WebhookWithSecret {
    webhook: Webhook!
    "whsec_…: shown once; the receiver verifies signatures with it"
    secret: String!
  }

  type WebhookDelivery {
    id: ID!
    position: Int!
    eventType: String!
    status: WebhookDeliveryStatus!
    attempts: Int!
    nextAttemptAt: DateTime!
    lastStatusCode: Int
    lastError: String
    deliveredAt: DateTime
    createdAt: DateTime!
  }

  type WebhookDeliveryConnection {
    nodes: [WebhookDelivery!]!
    pageInfo: PageInfo!
  }

  input CreateWebhookInput {
    url: String!
    "whsec_<base64>; generated when omitted"
    secret: String
    eventTypes: [String!]
    namndCodes: [String!]
    "Replay from this feed position; by default only events from now on"
    afterPosition: Int
  }

  input UpdateWebhookInput {
    id: ID!
    "The version you read; a stale version is refused with CONFLICT"
    version: Int!
    url: String
    "A new whsec_ secret (rotation)"
    secret: String
    eventTypes: [String!]
    namndCodes: [String!]
    "true pauses delivery; false resumes it"
    paused: Boolean
  }

  extend type Query {
    "Admin only"
    webhooks: [Webhook!]!
    "Admin only: one webhook's deliveries in feed order"
    webhookDeliveries(webhookId: ID!, status: WebhookDeliveryStatus, first: Int = 50, after: String): WebhookDeliveryConnection!
  }

  extend type Mutation {
    "Admin only"
    createWebhook(input: CreateWebhookInput!): WebhookWithSecret!
    "Admin only"
    updateWebhook(input: UpdateWebhookInput!): Webhook!
    "Admin only; its deliveries are deleted with it"
    deleteWebhook(id: ID!): Boolean!
    "Admin only: requeue deliveries given up on and deliver again"
    resumeWebhook(id: ID!): Webhook!
  }
`;
