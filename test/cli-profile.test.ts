// `kernel-streaming profile` as a user runs it: the profile written to a file or standard output (the document
// pretty-printed with two spaces and one final line break), what --anonymize, --no-follow and --no-open-pins change,
// and the summary on standard error, worked out from the document itself. profiles.test.ts replays what it records.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { cli, CLI_BUDGET, temporaryFolder } from './cli-process';

const tmp = temporaryFolder();

interface Profile {
  anonymized: boolean;
  filters: { friendlyName: string; path: string | null; requests: { target: string }[] }[];
}

/** The summary the command prints for `profile`, from the document: filters by name, the requests they hold. */
function summary(profile: Profile, to: string): string {
  const requests = profile.filters.reduce((n, f) => n + f.requests.length, 0);
  const names = profile.filters.map((f) => `"${f.friendlyName}"`).join(', ');
  return `recorded ${profile.filters.length} filter(s) (${names}), ${requests} requests${profile.anonymized ? ', anonymized' : ''} → ${to}`;
}

describe('kernel-streaming profile', CLI_BUDGET, () => {
  it('writes the wave filter and the topology filter its pins connect to, with their paths, to a file and to standard output', async () => {
    const file = path.join(tmp, 'microphone.json');
    const written = await cli(['profile', 'KS Emulator WaveRT Microphone', '--out', file]);
    expect(written.code, written.err).toBe(0);
    expect(written.out).toBe('');
    const text = fs.readFileSync(file, 'utf8');
    const profile = JSON.parse(text) as Profile;
    expect(text).toBe(JSON.stringify(profile, null, 2) + '\n');
    expect(profile.anonymized).toBe(false);
    expect(profile.filters.map((f) => f.friendlyName)).toEqual(['KS Emulator WaveRT Microphone', 'KS Emulator WaveRT Microphone Topology']);
    expect(profile.filters.every((f) => f.path !== null && f.path.startsWith('\\\\?\\'))).toBe(true);
    // Pin instances were opened (in STOP) to read their properties.
    expect(profile.filters[0].requests.some((r) => r.target === 'pin-instance')).toBe(true);
    expect(written.err).toBe(summary(profile, file));

    const printed = await cli(['profile', 'KS Emulator WaveRT Microphone', '--out', '-']);
    expect(printed.code, printed.err).toBe(0);
    const fromStdout = JSON.parse(printed.out) as Profile;
    expect(printed.stdout.toString('utf8')).toBe(JSON.stringify(fromStdout, null, 2) + '\n');
    expect(printed.err).toBe(summary(fromStdout, 'standard output'));
  });

  it('leaves out paths with --anonymize, the connected filters with --no-follow, pin instances with --no-open-pins', async () => {
    const anonymous = await cli(['profile', 'KS Emulator WaveRT Microphone', '--out', '-', '--anonymize']);
    const a = JSON.parse(anonymous.out) as Profile;
    expect([a.anonymized, a.filters.length, a.filters.map((f) => f.path)]).toEqual([true, 2, [null, null]]);
    expect(anonymous.err).toBe(summary(a, 'standard output'));
    expect(anonymous.err).toMatch(/, anonymized → standard output$/);

    const alone = await cli(['profile', 'KS Emulator WaveRT Microphone', '--out', '-', '--no-follow']);
    const f = JSON.parse(alone.out) as Profile;
    expect(f.filters.map((x) => x.friendlyName)).toEqual(['KS Emulator WaveRT Microphone']);
    expect(f.filters[0].requests.some((r) => r.target === 'pin-instance')).toBe(true);
    expect(alone.err).toBe(summary(f, 'standard output'));

    const closed = await cli(['profile', 'KS Emulator WaveRT Microphone', '--out', '-', '--no-open-pins']);
    const c = JSON.parse(closed.out) as Profile;
    expect(c.filters).toHaveLength(2);
    expect(c.filters.flatMap((x) => x.requests).some((r) => r.target === 'pin-instance')).toBe(false);
  });
});
