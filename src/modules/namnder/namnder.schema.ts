export const namnderTypeDefs = /* GraphQL */ `
  "Nämnd or bolagsstyrelse"
  enum NamndKind {
    "nämnd"
    NAMND
    "bolagsstyrelse"
    BOLAG
  }

  "A nämnd (board) or bolagsstyrelse (company board) that must keep internal control."
  type Namnd {
    id: ID!
    "Short code used in roles and URLs, e.g. SN, KS"
    code: String!
    name: String!
    kind: NamndKind!
    "The förvaltning that serves the nämnd"
    forvaltning: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "Audit events of this nämnd record, oldest first"
    history: [AuditEvent!]!
  }

  input CreateNamndInput {
    code: String!
    name: String!
    kind: NamndKind = NAMND
    forvaltning: String
  }

  input UpdateNamndInput {
    id: ID!
    "The version you read; a stale version is refused with CONFLICT"
    version: Int!
    name: String
    kind: NamndKind
    forvaltning: String
  }

  extend type Query {
    "The nämnder the caller may read"
    namnder: [Namnd!]!
    namnd(code: String!): Namnd
  }

  extend type Mutation {
    "Admin only"
    createNamnd(input: CreateNamndInput!): Namnd!
    "Admin only"
    updateNamnd(input: UpdateNamndInput!): Namnd!
  }
`;
