#!/usr/bin/env node
// Prints the native source list from native/sources.gypi for CMake, so the
// Windows cross build compiles exactly what binding.gyp compiles.
// Usage: node scripts/native-sources.js common|windows
'use strict';
const fs = require('fs');
const path = require('path');

const text = fs.readFileSync(path.join(__dirname, '..', 'native', 'sources.gypi'), 'utf8');
// A .gypi file is a Python literal: strip comments, swap quotes, parse as JSON.
const json = text
  .split('\n')
  .map((line) => line.replace(/#.*$/, ''))
  .join('\n')
  .replace(/'/g, '"')
  .replace(/,(\s*[\]}])/g, '$1');
const vars = JSON.parse(json).variables;
const which = process.argv[2] || 'common';
const list = vars[`ks_${which}_sources`];
if (!list) {
  console.error(`unknown source group "${which}": expected common or windows`);
  process.exit(2);
}
process.stdout.write(list.join(';'));
