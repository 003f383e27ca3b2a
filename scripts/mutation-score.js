#!/usr/bin/env node
// `npm run mutate:score`: the mutation score of lib/ from the committed results (reports/stryker-incremental.json),
// without running anything. Stryker's own metrics library (mutation-testing-metrics, what `stryker run` prints its
// table with) computes the figures; this adds what a table of results cannot show by itself: which files of lib/
// were never run, and which changed since their run (their results are then stale until `npm run mutate` retests
// them). The score over all of lib/ is only claimed when every file has current results.
'use strict';
const fs = require('fs');
const path = require('path');
const { calculateMetrics } = require('mutation-testing-metrics');

const root = path.join(__dirname, '..');
const report = JSON.parse(fs.readFileSync(path.join(root, 'reports', 'stryker-incremental.json'), 'utf8'));

// What stryker.config.mjs mutates: lib/**/*.ts but lib/types/ (declarations only).
function sources(dir) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return rel === 'lib/types' ? [] : sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}
// Files Stryker instruments no mutant in (numeric constants only: it has no mutator for number literals), so they are
// never in the results; the run over lib/streaming on 2 December (972 mutants in 8 files) made none in this one.
const NO_MUTANTS = new Set(['lib/streaming/stream-control.ts']);
const wanted = sources('lib').filter((f) => !NO_MUTANTS.has(f)).sort();
const files = Object.fromEntries(Object.entries(report.files).filter(([name]) => wanted.includes(name)));
const notRun = wanted.filter((f) => !(f in files));
const stale = Object.keys(files).filter((f) => fs.readFileSync(path.join(root, f), 'utf8') !== files[f].source);

const pct = (n) => (Number.isNaN(n) ? '   n/a' : `${n.toFixed(2).padStart(6)}`);
const row = (name, m) =>
  `${name.padEnd(44)} ${pct(m.mutationScore)} % ${pct(m.mutationScoreBasedOnCoveredCode)} % ${String(m.killed).padStart(6)} ${String(m.timeout).padStart(5)} ${String(m.survived).padStart(6)} ${String(m.noCoverage).padStart(6)} ${String(m.compileErrors).padStart(6)}`;

const all = calculateMetrics(files);
console.log(`${'file'.padEnd(44)}  total    covered  killed  t/o  survived no-cov  refused`);
for (const room of all.childResults) {
  console.log(row(room.name + (room.file ? '' : '/'), room.metrics));
  if (process.argv.includes('--files')) for (const f of room.childResults) console.log(row(`  ${f.name}`, f.metrics));
}
console.log(row('all files with results', all.metrics));
console.log('');
if (notRun.length > 0) console.log(`never run (${notRun.length}): ${notRun.join(', ')}`);
if (stale.length > 0) console.log(`changed since their run, results stale (${stale.length}): ${stale.join(', ')}`);
if (notRun.length === 0 && stale.length === 0) {
  console.log(`mutation score of lib/: ${all.metrics.mutationScore.toFixed(2)} % (${all.metrics.mutationScoreBasedOnCoveredCode.toFixed(2)} % of covered code)`);
} else {
  console.log(`no score for all of lib/ yet: the figure above is over the files with results; \`npm run mutate\` runs the rest`);
}
