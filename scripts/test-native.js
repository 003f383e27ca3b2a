#!/usr/bin/env node
// Builds and runs every native/test/*_selftest.cpp against the emulator and
// handle table sources (from native/sources.gypi), with AddressSanitizer and
// UndefinedBehaviorSanitizer. The sources are compiled once, as many at a
// time as there are cores, and linked into each self-test. An object newer
// than its source and every header under native/, built with the same
// compiler and flags (build/native-test/flags.txt), is kept, as make would;
// so is a binary newer than its objects. Skips, saying so, where no C++
// compiler is on the PATH (a Windows machine without one).
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

const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};
function newestHeader(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestHeader(file));
    else if (entry.name.endsWith('.h')) newest = Math.max(newest, mtime(file));
  }
  return newest;
}
const flagsFile = path.join(outDir, 'flags.txt');
const flagsLine = [compiler, ...flags].join(' ');
const sameFlags = fs.existsSync(flagsFile) && fs.readFileSync(flagsFile, 'utf8') === flagsLine;
const headers = newestHeader(path.join(root, 'native'));
let kept = 0;

function compile(source) {
  const object = path.join(outDir, source.replace(/[\\/]/g, '_').replace(/\.cpp$/, '.o'));
  if (sameFlags && mtime(object) > Math.max(headers, mtime(path.join(root, source)))) {
    kept++;
    return Promise.resolve(object);
  }
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
  // A changed compiler or flags (a sanitizer on or off) makes every object stale: the stamp goes first.
  if (!sameFlags) fs.rmSync(flagsFile, { force: true });
  const objects = await compileAll([...sources, ...tests]);
  fs.writeFileSync(flagsFile, flagsLine);
  const shared = objects.slice(0, sources.length);
  const binaries = tests.map((test, i) => {
    const binary = path.join(outDir, path.basename(test, '.cpp'));
    const inputs = [objects[sources.length + i], ...shared];
    if (mtime(binary) === 0 || inputs.some((o) => mtime(o) >= mtime(binary)))
      execFileSync(compiler, [...flags, '-o', binary, ...inputs], { cwd: root, stdio: 'inherit' });
    return binary;
  });
  const compiled = sources.length + tests.length - kept;
  console.log(`native: built in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s (${compiled} compiled, ${kept} up to date); running them`);
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
