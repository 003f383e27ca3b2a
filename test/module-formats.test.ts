// The built package loads from ESM and CommonJS in plain Node (a child
// process, so the test runner's own module transform is not involved), and
// both share one addon instance.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';

const dist = path.join(__dirname, '..', 'dist');

describe('module formats', () => {
  it('exports the same API to require() and import', () => {
    const script = `
      import * as esm from ${JSON.stringify(pathToFileURL(path.join(dist, 'index.mjs')).href)};
      import { createRequire } from 'module';
      const cjs = createRequire(import.meta.url)(${JSON.stringify(path.join(dist, 'index.js'))});
      const esmKeys = Object.keys(esm).filter((k) => k !== 'default').sort();
      console.log(JSON.stringify({
        sameFunction: esm.openFilter === cjs.openFilter,
        sameClass: esm.KsError === cjs.KsError,
        sameKeys: JSON.stringify(esmKeys) === JSON.stringify(Object.keys(cjs).sort()),
        capture: esm.listDevices({ backend: 'emulator' }).some((d) => d.friendlyName === 'KS Emulator Audio Capture'),
      }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ sameFunction: true, sameClass: true, sameKeys: true, capture: true });
  });
});
