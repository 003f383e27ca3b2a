// The published types catch a user's typos: `tsc --noEmit` over test/types/consumer.ts, a program written against
// dist/index.d.ts whose `@ts-expect-error` lines are the mistakes (misspelt category and subtype names, a missing
// pin id, an unknown error code, the benchmark hook). A type that loosens back to `string` leaves a directive unused,
// and tsc fails.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..');

describe('the published types', () => {
  it('compile a correct consumer and refuse each typo in it (tsc --noEmit)', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'test', 'types', 'tsconfig.json')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);
});
