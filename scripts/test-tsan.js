#!/usr/bin/env node
// ThreadSanitizer over the streaming files (docs/architecture.md): builds the
// whole addon with -fsanitize=thread (scripts/build-sanitized.js, into
// build/sanitize/tsan) and runs vitest.tsan.config.mts with it, libtsan
// preloaded into node and KERNEL_STREAMING_PREBUILD pointing node-gyp-build at
// the TSan build. node itself is not instrumented: ignore_noninstrumented_modules
// keeps TSan to the addon's own accesses (and the calls it makes), so a report
// means a race with at least one side in the addon.
// Each test process writes its reports to build/sanitize/tsan/reports/report.<pid>;
// afterwards every report with an addon frame is printed and fails the run,
// others (node's own, seen through interceptors) are counted.
// Extra arguments go to vitest (a file name filters the list).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
if (process.platform !== 'linux') {
  console.log('tsan: skipped (the lane needs Linux with gcc\'s libtsan)');
  process.exit(0);
}
const started = Date.now();
execFileSync(process.execPath, [path.join(__dirname, 'build-sanitized.js'), 'tsan'], { cwd: root, stdio: 'inherit' });
const built = Date.now();
const libtsan = execFileSync(process.env.CC || 'gcc', ['-print-file-name=libtsan.so'], { encoding: 'utf8' }).trim();
if (!path.isAbsolute(libtsan) || !fs.existsSync(libtsan)) {
  console.error(`tsan: gcc has no libtsan.so to preload (got "${libtsan}"): install gcc's libtsan (Debian: libtsan2)`);
  process.exit(1);
}
const reportDir = path.join(root, 'build', 'sanitize', 'tsan', 'reports');
fs.rmSync(reportDir, { recursive: true, force: true });
fs.mkdirSync(reportDir, { recursive: true });
const env = {
  ...process.env,
  LD_PRELOAD: libtsan,
  KERNEL_STREAMING_PREBUILD: path.join(root, 'build', 'sanitize', 'tsan'),
  TSAN_OPTIONS: [
    'ignore_noninstrumented_modules=1',
    `log_path=${path.join(reportDir, 'report')}`,
    'halt_on_error=0',
    'second_deadlock_stack=1',
    'history_size=4',
  ].join(':'),
};
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.tsan.config.mts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env,
});
const done = Date.now();

const ADDON_FRAME = /kernel_streaming\.node|\bnative\/|node-addon-api\/napi/;
const reports = [];
for (const file of fs.readdirSync(reportDir)) {
  const text = fs.readFileSync(path.join(reportDir, file), 'utf8');
  for (const block of text.split(/^==================\n/m)) {
    if (/^WARNING: ThreadSanitizer:/m.test(block)) reports.push({ file, block });
  }
}
const addon = reports.filter((r) => ADDON_FRAME.test(r.block));
for (const r of addon) console.error(`\n${r.file}:\n${r.block}`);
console.log(
  `tsan: ${addon.length} report(s) with addon frames, ${reports.length - addon.length} without (not counted); ` +
    `build ${((built - started) / 1000).toFixed(0)} s, tests ${((done - built) / 1000).toFixed(0)} s`,
);
process.exit(run.status !== 0 ? run.status ?? 1 : addon.length ? 1 : 0);
