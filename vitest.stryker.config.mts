// The vitest files StrykerJS runs against mutated lib/ (stryker.config.mjs, `npm run mutate`). Left out, and why:
// - the CLI files (cli, cli-stream, cli-signals), the README example, the module-format and published-types checks
//   run node or tsc in a child process over dist/, which Stryker does not mutate (it mutates lib/ in its sandbox), so
//   they could never kill a mutant and would only lengthen every run;
// - bridge-enumeration, windows-backend and test/devices/ run only under Wine, through the bridge or on Windows
//   hardware: on Linux they skip.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/cli.test.ts',
      'test/cli-stream.test.ts',
      'test/cli-signals.test.ts',
      'test/readme-example.test.ts',
      'test/module-formats.test.ts',
      'test/types.test.ts',
      'test/bridge-*.test.ts',
      'test/windows-backend.test.ts',
      'test/devices/**',
    ],
    testTimeout: 20000,
  },
});
