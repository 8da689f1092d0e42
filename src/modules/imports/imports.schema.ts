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

  "How an import treats the plan's VoR"
  enum ImportMode {
    "Adds the file's risks; a risk number the plan already has is refused (R6)"
    CREATE
    "The file becomes the plan's VoR: risks matched by number are updated where they differ, new numbers created, numbers the file no longer has deleted with their controls and activities"
    REPLACE
  }

  input ImportVorInput {
    namndCode: String!
    year: Int!
    "Creates the nämnd when it does not exist (admin)"
    namndName: String
    mode: ImportMode = CREATE
    "Validate and report what the import would do (the diff), write nothing"
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

  "Entities of one kind an import changed, and the numbers of the risks they concern"
  type ImportChange {
    count: Int!
    riskNumbers: [Int!]!
  }

  type ImportChanges {
    processes: ImportChange!
    workingMethods: ImportChange!
    risks: ImportChange!
    controls: ImportChange!
    controlActivities: ImportChange!
  }

  "What an import did (a dry run: would do) to the plan's VoR tree; cascaded deletions are counted"
  type ImportDiff {
    created: ImportChanges!
    updated: ImportChanges!
    deleted: ImportChanges!
  }

  type ImportReport {
    dryRun: Boolean!
    mode: ImportMode!
    planId: ID!
    created: ImportCounts!
    diff: ImportDiff!
    "What still blocks adoption after the import (e.g. an exclusion without motivation)"
    violations: [RuleViolation!]!
  }

  extend type Mutation {
    "Import a VoR table into the year's draft plan (admin, or the nämnd's editor), as new risks (CREATE) or as the plan's VoR (REPLACE). All rows or nothing; IMPORT_INVALID lists every bad line."
    importVor(input: ImportVorInput!): ImportReport!
  }
`;
