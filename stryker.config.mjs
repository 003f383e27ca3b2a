// Mutation testing over lib/ (`npm run mutate`; docs/mutation-testing.md). Not part of `npm test` or
// .ci/run: a whole run takes hours on two cores. Incremental: results are kept in reports/stryker-incremental.json
// (committed), so a run retests only the mutants whose code or covering tests changed since, and a run over a few
// files (`npm run mutate -- --mutate 'lib/structs/**/*.ts'`) adds to the results of the others instead of
// replacing them.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  // related: false: vitest's guess at the tests related to the mutated files found 3 tests for lib/structs/names.ts and
  // guid.ts (most tests import lib/index.ts), and the mutants they missed were reported as not covered; the dry run
  // runs every file vitest.stryker.config.mts lists instead, and perTest coverage still picks the tests per mutant.
  vitest: { configFile: 'vitest.stryker.config.mts', related: false },
  // Mutants that do not compile are reported as compile errors and never run.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'lib/**/*.ts',
    // Declarations only.
    '!lib/types/**',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Two cores, shared with the Wine lane and the native builds.
  concurrency: 1,
  // lifetime.test.ts collects garbage on purpose; V8 flags are per process, so the vitest worker threads get gc too.
  testRunnerNodeArgs: ['--expose-gc'],
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  ignorePatterns: ['.cache', 'prebuilds', 'bench/results.json', 'build/sanitize', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
