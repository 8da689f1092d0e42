// The architecture, checked in CI (`npm run arch`): layers without cycles, one door into each module, the
// drizzle tables behind the repositories. Exceptions are few and named.

/** Modules a file may import from another module: its public face only. */
const MODULE = '^src/modules/([^/]+)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, between files or folders (type-only imports count too). Named exception: cycles through ' +
        'the generated resolver types, which name the rows resolvers return (their imports are types only, below).',
      from: {},
      to: { circular: true, viaOnly: { pathNot: '^src/graphql/generated/' } },
    },
    {
      name: 'generated-types-import-types-only',
      severity: 'error',
      comment: 'The generated resolver types import the modules\' row types (mappers in src/cli/codegen.ts), nothing that runs.',
      from: { path: '^src/graphql/generated/' },
      to: { path: '^src/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every relative import resolves (otherwise the rules above would silently see less).',
      from: {},
      to: { couldNotResolve: true, path: '^\\.' },
    },
    {
      name: 'tables-only-in-repositories',
      severity: 'error',
      comment:
        'Only repositories query the drizzle tables. Named exceptions: the database layer itself; the audit ' +
        'writer and reader (the hash chain is written in one statement with its domain event); the export ' +
        'datasets, which are SQL selects by nature (exports.repository streams them).',
      from: {
        path: '^src/',
        pathNot: [
          '\\.repository\\.ts$',
          '^src/db/',
          '^src/audit/audit-log\\.ts$',
          '^src/audit/audit\\.service\\.ts$',
          '^src/modules/exports/export-datasets\\.ts$',
        ],
      },
      // json-types.ts holds the shapes of jsonb columns, not tables.
      to: { path: '^src/db/schema/', pathNot: '^src/db/schema/json-types\\.ts$' },
    },
    {
      name: 'modules-only-through-index',
      severity: 'error',
      comment: "A module uses another only through its index.ts (its public face), never its internals.",
      from: { path: MODULE },
      to: { path: MODULE, pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-uses-modules-through-index',
      severity: 'error',
      comment: 'The app, the CLI and the infrastructure reach a module only through its index.ts.',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: MODULE, pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'lower-layers-do-not-import-modules',
      severity: 'error',
      comment: 'db, auth, lib (and the infrastructure beside them) sit below the modules.',
      // The generated resolver types excepted: they name the modules' rows, types only (rule above).
      from: { path: '^src/(db|auth|lib|audit|events|graphql|http)/', pathNot: '^src/graphql/generated/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'lower-layers-do-not-import-the-app',
      severity: 'error',
      comment: 'Nothing below the composition root (app.ts, services.ts, request-loaders.ts) imports it.',
      from: { path: '^src/(db|auth|lib|audit|events|graphql|http|modules)/' },
      to: { path: '^src/(app|services|request-loaders|server)\\.ts$' },
    },
    {
      name: 'db-is-the-bottom',
      severity: 'error',
      comment: 'The database layer imports nothing of the app above it (errors.ts aside).',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: ['^src/db/', '^src/errors\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
