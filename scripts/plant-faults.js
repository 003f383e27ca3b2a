#!/usr/bin/env node
// Plants each known fault (native/plant_faults.h) in the emulator or the
// stream engine, one at a time, and requires the tests that should notice it
// to fail: proof that the suite can fail, not only pass.
//
//   npm run plant-faults                 every fault
//   npm run plant-faults -- NAME ...     only these (e.g. STALE_CAPTURE)
//   npm run plant-faults -- --keep       leave the scratch copy for a look
//
// How: the working tree (tracked and untracked files, not node_modules) is
// copied to a scratch folder together with build/ (timestamps kept, so make
// sees the objects as up to date), node_modules is linked in and dist/ is
// built there from the copied lib/. For
// each fault, native/plant_fault_selected.h says "#define KS_PLANT_FAULT <n>"
// (native/plant_faults.h includes it where it exists), the files that plant
// that fault are touched and rebuilt with make (only those recompile), the
// fault's test files run under vitest, the result is recorded, and the files
// are rebuilt without it. First the same test files run with no fault planted
// and must pass (else a failure would prove nothing). Prints a
// table; exits 1 if any fault went unnoticed. The working tree is not touched.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');

// Which test files must notice each fault (the name is the one in plant_faults.h).
const TESTS = {
  STALE_CAPTURE: ['test/capture.test.ts', 'test/cli-stream.test.ts'],
  DROP_COUNT_ONLY: ['test/capture.test.ts'],
  INTERVAL_SPACING: ['test/events.test.ts'],
  DISABLE_KEEPS_ENTRY: ['test/events.test.ts'],
  NO_DISCONTINUITY: ['test/capture.test.ts'],
  RENDER_TAIL_UNCOUNTED: ['test/render.test.ts'],
  VIDEO_REPEATS_FRAME: ['test/video-capture.test.ts'],
  EXTENT_IS_SLOT: ['test/frame-extent.test.ts'],
  TIMESTAMP_AFTER_PACKET: ['test/capture.test.ts'],
  ONESHOT_STAYS: ['test/events.test.ts'],
};

function faultList() {
  const header = fs.readFileSync(path.join(root, 'native', 'plant_faults.h'), 'utf8').split('\n');
  const faults = [];
  header.forEach((line, i) => {
    const m = /^#define KS_FAULT_(\w+) (\d+)$/.exec(line);
    if (m) faults.push({ name: m[1], number: Number(m[2]), what: header[i - 1].replace(/^\/\/\s*/, '') });
  });
  return faults;
}

/** The native sources under `dir` whose text includes `text`. */
function sourcesWith(dir, text) {
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(cpp|h)$/.test(e.name) && fs.readFileSync(p, 'utf8').includes(text)) found.push(p);
    }
  };
  walk(path.join(dir, 'native'));
  return found;
}

function scratchCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-plant-faults-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && f !== 'node_modules' && !f.startsWith('node_modules/') && fs.existsSync(path.join(root, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.cpSync(path.join(root, f), path.join(dir, f), { preserveTimestamps: true });
  }
  if (!fs.existsSync(path.join(root, 'build'))) throw new Error('plant-faults: build/ is missing: run npm run build first');
  fs.cpSync(path.join(root, 'build'), path.join(dir, 'build'), { recursive: true, preserveTimestamps: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // dist/ is built here from the copied lib/, not copied: the CLI tests run bin/ over dist/, and a dist/ older than
  // lib/ (a merge without npm run build:ts) would test other code than the tree's.
  const r = spawnSync('npm', ['run', 'build:ts'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plant-faults: npm run build:ts failed in the scratch copy:\n${r.stdout}\n${r.stderr}`);
  return dir;
}

/**
 * Builds the addon in `dir` with fault `number` planted (0: none), recompiling only `files`: the header gets an old
 * mtime, so make rebuilds just the sources touched here rather than everything that includes plant_faults.h.
 */
function make(dir, number, files) {
  const selected = path.join(dir, 'native', 'plant_fault_selected.h');
  fs.writeFileSync(selected, `// Written by scripts/plant-faults.js in a scratch copy.\n#define KS_PLANT_FAULT ${number}\n`);
  fs.utimesSync(selected, new Date(0), new Date(0));
  touch(files);
  const args = ['-C', 'build', `-j${Math.max(1, Math.min(2, os.cpus().length))}`, 'BUILDTYPE=Release'];
  const r = spawnSync('make', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plant-faults: make failed:\n${r.stdout}\n${r.stderr}`);
}

function touch(files) {
  const now = new Date();
  for (const f of files) fs.utimesSync(f, now, now);
}

/** Runs vitest on `files` in `dir`; returns the names of the failed tests (empty: all passed) or a crash note. */
function runTests(dir, files) {
  const report = path.join(dir, 'vitest-report.json');
  fs.rmSync(report, { force: true });
  const r = spawnSync(process.execPath, [path.join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=json', `--outputFile=${report}`, ...files], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  let failed = [];
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    for (const file of json.testResults) {
      for (const t of file.assertionResults) if (t.status === 'failed') failed.push(`${path.basename(file.name)}: ${t.fullName || t.title}`);
      if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) failed.push(`${path.basename(file.name)}: ${file.message || 'the file failed'}`);
    }
  }
  if (r.status !== 0 && failed.length === 0) failed = [`vitest exited with ${r.status ?? r.signal} (${(r.stderr || '').trim().split('\n').pop()})`];
  if (r.status === 0) failed = [];
  return failed;
}

function main() {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const only = args.filter((a) => !a.startsWith('--'));
  const all = faultList();
  for (const f of all) if (!TESTS[f.name]) throw new Error(`plant-faults: no tests listed for ${f.name} in scripts/plant-faults.js`);
  for (const name of only) if (!all.some((f) => f.name === name)) throw new Error(`plant-faults: unknown fault ${name}; known: ${all.map((f) => f.name).join(', ')}`);
  const faults = only.length ? all.filter((f) => only.includes(f.name)) : all;

  const dir = scratchCopy();
  console.log(`plant-faults: scratch copy in ${dir}; building it as it stands`);
  const rows = [];
  try {
    make(dir, 0, []);
    // Without a baseline, a test that fails anyway (a flaky timing, a broken
    // fixture) would count every fault as caught: the chosen files must pass
    // as the tree stands before any fault is planted.
    const baselineFiles = [...new Set(faults.flatMap((f) => TESTS[f.name]))];
    const baselineStarted = Date.now();
    process.stdout.write(`plant-faults: no fault planted: running ${baselineFiles.join(' ')} ... `);
    const baseline = runTests(dir, baselineFiles);
    if (baseline.length) {
      console.log('FAILED');
      throw new Error(`plant-faults: the tests fail with no fault planted, so a failure would prove nothing:\n  ${baseline.join('\n  ')}`);
    }
    console.log(`passed in ${((Date.now() - baselineStarted) / 1000).toFixed(0)} s`);
    for (const fault of faults) {
      const files = sourcesWith(dir, `KS_FAULT(${fault.name})`);
      if (files.length === 0) throw new Error(`plant-faults: KS_FAULT(${fault.name}) appears in no native source`);
      const started = Date.now();
      process.stdout.write(`plant-faults: ${fault.number} ${fault.name} (in ${files.map((f) => path.relative(dir, f)).join(', ')}): running ${TESTS[fault.name].join(' ')} ... `);
      make(dir, fault.number, files);
      const failed = runTests(dir, TESTS[fault.name]);
      make(dir, 0, files);
      console.log(`${failed.length ? `caught (${failed.length} failed)` : 'NOT CAUGHT'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      rows.push({ fault, failed });
    }
  } finally {
    if (keep) console.log(`plant-faults: kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }

  console.log('\n| # | fault | what it breaks | caught | first failing test |');
  console.log('|---|---|---|---|---|');
  for (const { fault, failed } of rows) {
    console.log(`| ${fault.number} | ${fault.name} | ${fault.what} | ${failed.length ? `yes, ${failed.length} test${failed.length === 1 ? '' : 's'}` : '**NO**'} | ${failed[0] ?? '—'} |`);
  }
  const missed = rows.filter((r) => r.failed.length === 0);
  console.log(`\nplant-faults: ${rows.length - missed.length} of ${rows.length} faults caught`);
  process.exit(missed.length ? 1 : 0);
}

main();
