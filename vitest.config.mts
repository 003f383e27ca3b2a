import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real-device tests run only when asked for (npm run test:devices).
    exclude: process.env.KS_DEVICE_TESTS ? [] : ['test/devices/**'],
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    testTimeout: 20000,
  },
});
