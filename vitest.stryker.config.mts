// The vitest files StrykerJS runs against mutated lib/ (stryker.config.mjs, `npm run mutate`). The CLI tests (cli,
// cli-stream) run `node bin/kernel-streaming.js` over dist/ in a child process under `npm test`; here
// KS_CLI_IN_PROCESS=1 makes test/cli-process.ts call run() from lib/cli/main.ts in the worker instead, since Stryker
// mutates lib/ in its sandbox and never dist/. Left out, and why:
// - cli-signals sends signals to the child process, and the README example, the module-format and published-types
//   checks run node or tsc in a child process over dist/: they could never kill a mutant and would only lengthen
//   every run;
// - bridge-enumeration, windows-backend and test/devices/ run only under Wine, through the bridge or on Windows
//   hardware: on Linux they skip.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/cli-signals.test.ts',
      'test/readme-example.test.ts',
      'test/module-formats.test.ts',
      'test/types.test.ts',
      'test/bridge-*.test.ts',
      'test/windows-backend.test.ts',
      'test/devices/**',
    ],
    testTimeout: 20000,
    env: { KS_CLI_IN_PROCESS: '1' },
  },
});
