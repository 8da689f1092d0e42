export const baseTypeDefs = /* GraphQL */ `
  scalar DateTime
  scalar Date
  scalar JSON

  type Query {
    "The caller as the service sees them: subject and roles from the token."
    me: Me!
  }

  type Mutation {
    _noop: Boolean
  }

  type Me {
    sub: String!
    roles: [String!]!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  enum SortOrder {
    ASC
    DESC
  }
`;
