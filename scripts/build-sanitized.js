#!/usr/bin/env node
// Builds the whole addon (every source binding.gyp compiles on Linux, from
// native/sources.gypi) with a sanitizer, into build/sanitize/<mode>/ so the
// normal build/Release is untouched:
//   asan: AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer
//   tsan: ThreadSanitizer
// The result is build/sanitize/<mode>/build/Release/kernel_streaming.node: the
// layout node-gyp-build looks for under the directory that
// KERNEL_STREAMING_PREBUILD names, which is how scripts/test-sanitized.js
// points lib/addon/binding.ts at it without any change to the library.
// The build defines KS_SANITIZED_BUILD, which adds the hidden binding
// __leakCheck (native/napi/sanitizer_hooks.cpp); a normal build lacks it.
// Usage: node scripts/build-sanitized.js asan|tsan
// Objects are rebuilt only when a source or a header under native/ changed.
'use strict';
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const mode = process.argv[2] || 'asan';
const sanitizerFlags = {
  asan: ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined'],
  tsan: ['-fsanitize=thread'],
}[mode];
if (!sanitizerFlags) {
  console.error(`unknown mode "${mode}": expected asan or tsan`);
  process.exit(2);
}
const compiler = process.env.CXX || 'g++';
const outDir = path.join(root, 'build', 'sanitize', mode);
const objDir = path.join(outDir, 'obj');
const binary = path.join(outDir, 'build', 'Release', 'kernel_streaming.node');
fs.mkdirSync(objDir, { recursive: true });
fs.mkdirSync(path.dirname(binary), { recursive: true });

const sources = execFileSync(process.execPath, [path.join(__dirname, 'native-sources.js'), 'common'], { encoding: 'utf8' })
  .split(';')
  .concat(['native/napi/sanitizer_hooks.cpp']);
// The flags binding.gyp gives the addon (defines, C++17, exceptions on), plus
// debug info and frame pointers for readable sanitizer stacks. -O1 as the
// sanitizer manuals advise: fast enough, stacks still faithful.
const flags = [
  '-std=c++17', '-g', '-O1', '-fPIC', '-fno-omit-frame-pointer', '-pthread', '-Wall', '-Wextra', '-Wno-unused-parameter',
  ...sanitizerFlags,
  '-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_DEPRECATED', '-DNAPI_CPP_EXCEPTIONS', '-DKS_SANITIZED_BUILD',
  `-DKS_SANITIZER_MODE="${mode}"`,
  '-I', require('node-api-headers').include_dir,
  '-I', require('node-addon-api').include_dir.replace(/^"|"$/g, ''),
  '-I', path.join(root, 'native'),
];

function newestHeader(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestHeader(full));
    else if (entry.name.endsWith('.h')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}
const headersChanged = newestHeader(path.join(root, 'native'));
const flagsFile = path.join(objDir, 'flags');
const flagsChanged = !fs.existsSync(flagsFile) || fs.readFileSync(flagsFile, 'utf8') !== flags.join(' ');

const jobs = sources.map((source) => {
  const object = path.join(objDir, source.replace(/[\\/]/g, '_').replace(/\.cpp$/, '.o'));
  const upToDate =
    !flagsChanged &&
    fs.existsSync(object) &&
    fs.statSync(object).mtimeMs > Math.max(fs.statSync(path.join(root, source)).mtimeMs, headersChanged);
  return { source, object, upToDate };
});

function compile(job) {
  return new Promise((resolve, reject) => {
    const child = spawn(compiler, [...flags, '-c', job.source, '-o', job.object], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${compiler} failed on ${job.source}`))));
  });
}

async function main() {
  const started = Date.now();
  const todo = jobs.filter((j) => !j.upToDate);
  const parallel = Math.max(1, Number(process.env.KS_BUILD_JOBS) || 2);
  console.log(`sanitize(${mode}): compiling ${todo.length} of ${jobs.length} sources with ${compiler} ${sanitizerFlags.join(' ')} (${parallel} at a time)`);
  if (todo.length) fs.rmSync(flagsFile, { force: true });
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < todo.length) await compile(todo[next++]);
    }),
  );
  fs.writeFileSync(flagsFile, flags.join(' '));
  execFileSync(compiler, ['-shared', '-pthread', ...sanitizerFlags, '-o', binary, ...jobs.map((j) => j.object)], { cwd: root, stdio: 'inherit' });
  console.log(`sanitize(${mode}): ${path.relative(root, binary)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
