// Mutation testing over lib/ (`npm run mutate`; docs/architecture.md#mutation-testing). Not part of `npm test` or
// .ci/run: a whole run takes hours on two cores. Incremental: results are kept in reports/stryker-incremental.json
// (committed), so a run retests only the mutants whose code or covering tests changed since, and a run over a few
// files (`npm run mutate -- --mutate 'lib/structs/**/*.ts'`) adds to the results of the others instead of
// replacing them.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.mts' },
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
