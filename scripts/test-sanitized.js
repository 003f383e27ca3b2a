#!/usr/bin/env node
// The sanitizer lane (docs/testing.md): builds the whole addon with
// AddressSanitizer + UBSan (scripts/build-sanitized.js, into
// build/sanitize/asan; build/Release is untouched) and runs the streaming,
// lifetime, events and virtual-device test files
// (vitest.sanitize.config.mts) with it:
// - libasan is preloaded into node (node is not instrumented, and the ASan
//   runtime must be the first library loaded);
// - KERNEL_STREAMING_PREBUILD points node-gyp-build (lib/addon/binding.ts) at
//   the sanitized build, in the main thread and in workers alike;
// - a UBSan finding or an ASan error aborts the test process (the file fails);
// - each file ends with a LeakSanitizer check (test/sanitize/leak-check.ts),
//   failed for any leak with an addon frame.
// Extra arguments go to vitest (a file name filters the list).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
if (process.platform !== 'linux') {
  console.log('sanitize: skipped (the lane needs Linux with gcc\'s libasan)');
  process.exit(0);
}
const started = Date.now();
execFileSync(process.execPath, [path.join(__dirname, 'build-sanitized.js'), 'asan'], { cwd: root, stdio: 'inherit' });
const built = Date.now();
const libasan = execFileSync(process.env.CC || 'gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
// gcc prints the bare name back when it has no such library (no libasan package).
if (!path.isAbsolute(libasan) || !fs.existsSync(libasan)) {
  console.error(`sanitize: gcc has no libasan.so to preload (got "${libasan}"): install gcc's libasan (Debian: libasan8)`);
  process.exit(1);
}
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  KERNEL_STREAMING_PREBUILD: path.join(root, 'build', 'sanitize', 'asan'),
  // detect_leaks: LeakSanitizer on, checked per file from leak-check.ts, not
  // at exit (the vitest main process is node under the same preload);
  // handle_segv=0: V8's WebAssembly trap handler owns SIGSEGV;
  // detect_odr_violation=0: node and the addon both carry copies of inline symbols.
  ASAN_OPTIONS: 'detect_leaks=1:leak_check_at_exit=0:handle_segv=0:detect_odr_violation=0:abort_on_error=1',
  LSAN_OPTIONS: `suppressions=${path.join(root, 'test', 'sanitize', 'lsan-suppressions.txt')}:print_suppressions=0`,
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1:abort_on_error=1',
};
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.sanitize.config.mts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env,
});
const done = Date.now();
console.log(`sanitize: build ${((built - started) / 1000).toFixed(0)} s, tests ${((done - built) / 1000).toFixed(0)} s`);
process.exit(run.status ?? 1);
