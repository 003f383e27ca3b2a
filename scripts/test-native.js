#!/usr/bin/env node
// Builds and runs every native/test/*_selftest.cpp against the emulator and
// handle table sources (from native/sources.gypi), with AddressSanitizer and
// UndefinedBehaviorSanitizer. The sources are compiled once, as many at a
// time as there are cores, and linked into each self-test. Skips, saying so,
// where no C++ compiler is on the PATH (a Windows machine without one).
'use strict';
const { execFileSync, spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const compiler = process.env.CXX || 'c++';
if (spawnSync(compiler, ['--version']).status !== 0) {
  console.log(`native: skipped (no C++ compiler "${compiler}")`);
  process.exit(0);
}
const sources = execFileSync(process.execPath, [path.join(__dirname, 'native-sources.js'), 'common'], { encoding: 'utf8' })
  .split(';')
  .filter((s) => s.startsWith('native/emulator/') || /^native\/(handle_table|wavert_engine\w*|realtime_thread)\.cpp$/.test(s));
const tests = fs
  .readdirSync(path.join(root, 'native', 'test'))
  .filter((f) => f.endsWith('_selftest.cpp'))
  .sort()
  .map((f) => `native/test/${f}`);
const outDir = path.join(root, 'build', 'native-test');
fs.mkdirSync(outDir, { recursive: true });
const sanitize = process.env.KS_NATIVE_SANITIZE === '0' ? [] : ['-fsanitize=address,undefined', '-fno-omit-frame-pointer'];
const flags = ['-std=c++17', '-g', '-O1', '-Wall', '-Wextra', '-Wno-unused-parameter', ...sanitize, '-pthread'];

function compile(source) {
  const object = path.join(outDir, source.replace(/[\\/]/g, '_').replace(/\.cpp$/, '.o'));
  return new Promise((resolve, reject) => {
    const child = spawn(compiler, [...flags, '-c', '-o', object, source], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(object) : reject(new Error(`${compiler} failed on ${source}`))));
  });
}

async function compileAll(list) {
  const objects = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      objects[i] = await compile(list[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(os.cpus().length, 4)) }, worker));
  return objects;
}

(async () => {
  // The build takes a minute or more: say what is happening rather than go quiet.
  console.log(
    `native: building the self-tests (${tests.join(', ')}) and ${sources.length} emulator and handle-table sources with ${compiler}` +
      `${sanitize.length ? ', AddressSanitizer and UBSan' : ''} into ${path.relative(root, outDir)} — this takes a minute or two`,
  );
  const buildStarted = Date.now();
  const objects = await compileAll([...sources, ...tests]);
  const shared = objects.slice(0, sources.length);
  const binaries = tests.map((test, i) => {
    const binary = path.join(outDir, path.basename(test, '.cpp'));
    execFileSync(compiler, [...flags, '-o', binary, objects[sources.length + i], ...shared], { cwd: root, stdio: 'inherit' });
    return binary;
  });
  console.log(`native: built in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s; running them`);
  let status = 0;
  for (const binary of binaries) {
    const run = spawnSync(binary, [], { stdio: 'inherit', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
    if (run.status !== 0) status = run.status ?? 1;
  }
  process.exit(status);
})().catch((e) => {
  console.error(`native: ${e.message}`);
  process.exit(1);
});
