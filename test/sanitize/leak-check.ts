// The sanitizer lane's per-file leak check (vitest.sanitize.config.mts lists
// this as a setup file, so every test file gets its own afterAll here, run
// after the file's own hooks). It asks LeakSanitizer, inside the sanitized
// addon (native/napi/sanitizer_hooks.cpp), for the memory nothing points to any
// more, and fails the file for every report whose allocation stack has a frame
// of the addon: its own sources (native/), node-addon-api's inline code, or
// the kernel_streaming.node module. Reports without one are node's and V8's
// (test/sanitize/lsan-suppressions.txt explains the known ones) and are
// counted in a line, not failed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, expect } from 'vitest';
import { native } from '../../lib/addon/binding';

interface SanitizedBinding {
  __sanitizer?: string;
  __leakCheck?: (reportPath: string) => number;
}

const binding = native as unknown as SanitizedBinding;
if (binding.__sanitizer !== 'asan' || typeof binding.__leakCheck !== 'function') {
  // The lane is meaningless on the normal build: refuse rather than pass.
  throw new Error(
    'the sanitizer lane loaded an addon without __leakCheck: run it through `npm run test:sanitize` ' +
      '(KERNEL_STREAMING_PREBUILD must name build/sanitize/asan)',
  );
}

const ADDON_FRAME = /kernel_streaming\.node|\bnative\/|node-addon-api\/napi/;

/** Splits LeakSanitizer's report into one text per leak ("Direct/Indirect leak of N byte(s) ..." and its stack). */
export function leakReports(text: string): string[] {
  return text
    .split(/\n(?=(?:Direct|Indirect) leak of )/)
    .filter((part) => /^(?:Direct|Indirect) leak of /.test(part))
    .map((part) => part.split(/\n\n/)[0]);
}

afterAll(async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Let finalizers of objects the file dropped run first: what they free is not a leak.
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const reportPath = path.join(os.tmpdir(), `ks-leak-check-${process.pid}.txt`);
  binding.__leakCheck!(reportPath);
  const reports = leakReports(fs.readFileSync(reportPath, 'utf8'));
  fs.rmSync(reportPath, { force: true });
  const addon = reports.filter((r) => ADDON_FRAME.test(r));
  const others = reports.length - addon.length;
  const file = expect.getState().testPath;
  console.log(`leak check${file ? ` (${path.basename(file)})` : ''}: ${addon.length} report(s) with addon frames, ${others} without (node/V8, not counted)`);
  if (addon.length) {
    const bytes = addon.reduce((sum, r) => sum + Number(/leak of (\d+) byte/.exec(r)?.[1] ?? 0), 0);
    throw new Error(`LeakSanitizer: ${addon.length} leak(s) with addon frames, ${bytes} bytes:\n\n${addon.join('\n\n')}`);
  }
});
