export const importsTypeDefs = /* GraphQL */ `
  "One row of a VoR table, as the document has it (the columns of the CSV import format)"
  input VorRowInput {
    nr: String!
    "Goal code and title, e.g. 3.5 Hög beredskap och stark rådighet …"
    mal: String!
    process: String!
    arbetssatt: String!
    oonskadHandelse: String!
    sannolikhet: String
    konsekvens: String
    "Must equal sannolikhet × konsekvens"
    rv: String
    "Ja or Nej"
    ikp: String
    "Why the IKP choice goes against the threshold"
    motivering: String
    systematiskKontroll: String
    kontrollaktivitet: String
  }

  input ImportVorInput {
    namndCode: String!
    year: Int!
    "Creates the nämnd when it does not exist (admin)"
    namndName: String
    "Validate and report, write nothing"
    dryRun: Boolean = false
    rows: [VorRowInput!]!
    "Line number of the first row in the source file, for the report"
    firstLine: Int = 2
  }

  type ImportCounts {
    namnd: Int!
    plan: Int!
    goals: Int!
    processes: Int!
    workingMethods: Int!
    risks: Int!
    controls: Int!
    controlActivities: Int!
  }

  type ImportReport {
    dryRun: Boolean!
    planId: ID!
    created: ImportCounts!
    "What still blocks adoption after the import (e.g. an exclusion without motivation)"
    violations: [RuleViolation!]!
  }

  extend type Mutation {
    "Import a VoR table into the year's draft plan (admin, or the nämnd's editor). All rows or nothing; IMPORT_INVALID lists every bad line."
    importVor(input: ImportVorInput!): ImportReport!
  }
`;
