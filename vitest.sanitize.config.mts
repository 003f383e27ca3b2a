// The sanitizer lane's vitest configuration (scripts/test-sanitized.js runs it
// with the sanitized addon and libasan preloaded; docs/testing.md): the files
// that drive the addon's threads, completions, events and teardown hardest,
// each followed by a leak check of its own (test/sanitize/leak-check.ts).
import { defineConfig } from 'vitest/config';

export const sanitizedFiles = [
  'test/capture.test.ts',
  'test/render.test.ts',
  'test/render-stream.test.ts',
  'test/stream-abandon.test.ts',
  'test/video-capture.test.ts',
  'test/frame-extent.test.ts',
  'test/avstream.test.ts',
  'test/lifetime.test.ts',
  'test/events.test.ts',
  'test/clock.test.ts',
  'test/virtual-device.test.ts',
  'test/win32-statuses.test.ts',
  'test/wavert-stream.test.ts',
  'test/wavert-timing.test.ts',
  // The property, method and create paths: every reply's bytes through the emulator's dispatch and the N-API layer.
  'test/allocator-rules.test.ts',
  'test/pin-properties.test.ts',
  'test/topology.test.ts',
  'test/devices-and-pins.test.ts',
  'test/attribute-lists.test.ts',
  'test/camera-controls.test.ts',
  'test/first-hour-api.test.ts',
];

export default defineConfig({
  test: {
    include: sanitizedFiles,
    setupFiles: ['test/sanitize/leak-check.ts'],
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    // Instrumented code and an intercepted allocator run slower: the same
    // tests, more time for each.
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
