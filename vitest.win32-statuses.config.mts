// Whole test files with the emulator reporting statuses as Windows reports
// them (KS_EMULATOR_STATUSES=win32: DeviceIoControl's and KsCreatePin's Win32
// codes; docs/emulator.md), so the library's Win32 branches run on Linux
// under tests written for the NTSTATUS form. The files listed pass whole in the
// mode; others pin NTSTATUS values directly and are not meant to.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/capture.test.ts',
      'test/stream-abandon.test.ts',
      'test/video-capture.test.ts',
      'test/render.test.ts',
      'test/render-stream.test.ts',
      'test/lifetime.test.ts',
      'test/pin-properties.test.ts',
      'test/clock.test.ts',
      'test/topology.test.ts',
      'test/attribute-lists.test.ts',
      'test/virtual-device.test.ts',
      'test/framing.test.ts',
      'test/win32-statuses.test.ts',
    ],
    env: { KS_EMULATOR_STATUSES: 'win32' },
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    testTimeout: 20000,
  },
});
