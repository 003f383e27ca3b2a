#!/usr/bin/env node
// Builds and runs native/test/emulator_selftest.cpp against the emulator and
// handle table sources (from native/sources.gypi), with AddressSanitizer and
// UndefinedBehaviorSanitizer. Skips, saying so, where no C++ compiler is on
// the PATH (a Windows machine without one).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const compiler = process.env.CXX || 'c++';
if (spawnSync(compiler, ['--version']).status !== 0) {
  console.log(`native: skipped (no C++ compiler "${compiler}")`);
  process.exit(0);
}
const sources = execFileSync(process.execPath, [path.join(__dirname, 'native-sources.js'), 'common'], { encoding: 'utf8' })
  .split(';')
  .filter((s) => s.startsWith('native/emulator/') || s === 'native/handle_table.cpp');
const outDir = path.join(root, 'build', 'native-test');
fs.mkdirSync(outDir, { recursive: true });
const binary = path.join(outDir, 'emulator_selftest');
const sanitize = process.env.KS_NATIVE_SANITIZE === '0' ? [] : ['-fsanitize=address,undefined', '-fno-omit-frame-pointer'];
// The build takes a minute or more: say what is happening rather than go quiet.
console.log(
  `native: building the self-test (native/test/emulator_selftest.cpp and ${sources.length} emulator and handle-table sources) with ${compiler}` +
    `${sanitize.length ? ', AddressSanitizer and UBSan' : ''} into ${path.relative(root, binary)} — this takes a minute or two`,
);
const buildStarted = Date.now();
execFileSync(
  compiler,
  ['-std=c++17', '-g', '-O1', '-Wall', '-Wextra', '-Wno-unused-parameter', ...sanitize, '-pthread', '-o', binary,
    'native/test/emulator_selftest.cpp', ...sources],
  { cwd: root, stdio: 'inherit' },
);
console.log(`native: built in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s; running it`);
const run = spawnSync(binary, [], { stdio: 'inherit', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
process.exit(run.status ?? 1);
