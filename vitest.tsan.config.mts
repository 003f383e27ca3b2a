// ThreadSanitizer over the sanitizer lane's files (vitest.sanitize.config.mts:
// the stream engine's worker and completion threads, events, clocks and
// virtual devices' JS dispatch against the JS thread, and the property paths). scripts/test-tsan.js
// runs it with the TSan build of the addon and libtsan preloaded
// (docs/architecture.md).
import { defineConfig } from 'vitest/config';
import { sanitizedFiles } from './vitest.sanitize.config.mts';

export default defineConfig({
  test: {
    include: sanitizedFiles,
    setupFiles: ['test/sanitize/tsan-build-check.ts'],
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    // ThreadSanitizer slows every instrumented access and intercepted call:
    // the same tests, more time for each.
    testTimeout: 120000,
    hookTimeout: 120000,
  },
});
