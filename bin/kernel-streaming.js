#!/usr/bin/env node
'use strict';
// The compiled `using` statements need Symbol.dispose, which Node.js has from
// 18.18.0 on (package.json "engines" says so too): say it plainly on older ones.
if (typeof Symbol.dispose !== 'symbol' || typeof Symbol.asyncDispose !== 'symbol') {
  process.stderr.write(`kernel-streaming needs Node.js 18.18.0 or newer (Symbol.dispose); this is Node.js ${process.version}\n`);
  process.exitCode = 1;
} else {
  require('../dist/cli/main.js')
    .run(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    });
}
