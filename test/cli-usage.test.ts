// `kernel-streaming` command lines at their edges: the numbers each option takes (the boundary cases either side),
// devices by number (0, 1, the last, one past it), by an unlisted path, and what a length option says it records.
// A refused command line exits 2 with commander's message naming the option, the value and what it takes.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { cli, CLI_BUDGET, temporaryFolder } from './cli-process';

const tmp = temporaryFolder();

/** Commander's message for an option argument its parser refused. */
const invalid = (option: string, value: string, rule: string) => `error: option '${option}' argument '${value}' is invalid. ${rule}, got "${value}"`;
const WHOLE = 'must be a whole number of at least 1';
const SECONDS = 'must be a number of seconds above 0';
const PIN = 'must be a pin id (0, 1, ...)';

describe('kernel-streaming option values at their edges', CLI_BUDGET, () => {
  it('takes for --frames, --packets and --latency only a whole number from 1 to 2^53 - 1, in decimal digits (exit 2 otherwise)', async () => {
    const out = path.join(tmp, 'refused.wav');
    // 0 and negative; fractions, exponents, hex, signs and spaces (all of which Number() would take); 2^53, past exact integers.
    const refused = ['0', '-1', '1.5', '1e3', '0x10', '+3', ' 3', '3 ', '12abc', 'abc12', '9007199254740992'];
    for (const value of refused) {
      expect(await cli(['capture', 'Audio Capture', '--out', out, '--frames', value]), `--frames "${value}"`).toMatchObject({ code: 2, out: '', err: invalid('--frames <n>', value, WHOLE) });
    }
    // The same rule for the other counts (a few of the cases: one parser).
    for (const [option, value] of [['--packets <n>', '0'], ['--packets <n>', '1e3'], ['--latency <ms>', '1.5'], ['--latency <ms>', '-1']]) {
      expect(await cli(['capture', 'Audio Capture', '--out', out, option.split(' ')[0], value]), `${option} "${value}"`).toMatchObject({ code: 2, out: '', err: invalid(option, value, WHOLE) });
    }
    expect(await cli(['render', 'Audio Render', out, '--latency', '0'])).toMatchObject({ code: 2, err: invalid('--latency <ms>', '0', WHOLE) });
    expect(fs.existsSync(out)).toBe(false);
  });

  it('takes for --pin and --node a whole number from 0, in decimal digits (exit 2 otherwise)', async () => {
    for (const value of ['-1', '1.5', '1e3', ' 1', '1 ', 'first', '9007199254740992']) {
      expect(await cli(['capture', 'Audio Capture', '--out', path.join(tmp, 'p.wav'), '--pin', value]), `--pin "${value}"`).toMatchObject({ code: 2, out: '', err: invalid('--pin <id>', value, PIN) });
    }
    expect(await cli(['render', 'Audio Render', path.join(tmp, 'p.wav'), '--pin', '1e3'])).toMatchObject({ code: 2, err: invalid('--pin <id>', '1e3', PIN) });
    for (const value of ['-1', '1e3']) {
      expect(await cli(['controls', 'Video Capture', '--node', value]), `--node "${value}"`).toMatchObject({ code: 2, err: invalid('--node <id>', value, 'must be a node id (0, 1, ...)') });
    }
    // Two digits are a pin id like one: the pin is then looked for on the device (exit 1, not a usage error).
    expect(await cli(['capture', 'Audio Capture', '--out', path.join(tmp, 'p.wav'), '--pin', '10'])).toMatchObject({ code: 1, err: 'kernel-streaming: --pin must be one of 0..1, got 10' });
    expect(fs.existsSync(path.join(tmp, 'p.wav'))).toBe(false);
  });

  it('takes for --seconds any finite number above 0, as JavaScript reads numbers (exit 2 otherwise)', async () => {
    const out = path.join(tmp, 'seconds.wav');
    for (const value of ['0', '-0.5', '', ' ', 'abc', 'Infinity', 'NaN', '1s']) {
      expect(await cli(['capture', 'Audio Capture', '--out', out, '--seconds', value]), `--seconds "${value}"`).toMatchObject({ code: 2, out: '', err: invalid('--seconds <s>', value, SECONDS) });
    }
    expect(fs.existsSync(out)).toBe(false);
    // 1e-3 s at 48 kHz is 48 sample frames: one short packet.
    const { code, err } = await cli(['capture', 'Audio Capture', '--out', out, '--seconds', '1e-3', '--unthrottled']);
    expect(code, err).toBe(0);
    const [announced, summary] = err.split('\n');
    expect(announced).toBe(`capturing from "KS Emulator Audio Capture" pin 0 (48000 Hz 2-channel 16-bit PCM audio) for 0.001 s → ${out}`);
    expect(summary).toMatch(new RegExp(`^captured 48 sample frames \\(0\\.001 s of 48000 Hz 2-channel 16-bit PCM audio\\), 192 bytes in 1 packets, in [\\d.]+ s \\([\\d.]+× real time\\), 0 packets dropped → ${out.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`));
    expect(fs.statSync(out).size).toBe(44 + 192);
  });

  it('says what a length option records: seconds, KS packets, sample frames of audio or frames of video (leading zeros read as decimal)', async () => {
    const video = path.join(tmp, 'length.y4m');
    const packets = await cli(['capture', 'Video Capture', '--out', video, '--packets', '02', '--unthrottled']);
    expect(packets.err.split('\n')[0]).toBe(`capturing from "KS Emulator Video Capture" pin 0 (640x480 yuy2 video) for 2 packets → ${video}`);
    expect(packets.err.split('\n')[1]).toMatch(/^captured 2 frames \(0\.067 s of 640x480 yuy2 video at 30 fps\), 1228800 bytes, in /);
    const frames = await cli(['capture', 'Video Capture', '--out', video, '--frames', '1', '--unthrottled']);
    expect(frames.err.split('\n')[0]).toBe(`capturing from "KS Emulator Video Capture" pin 0 (640x480 yuy2 video) for 1 frames → ${video}`);
    const audio = await cli(['capture', 'Audio Capture', '--out', '-', '--frames', '010', '--unthrottled']);
    expect(audio.err.split('\n')[0]).toBe('capturing from "KS Emulator Audio Capture" pin 0 (48000 Hz 2-channel 16-bit PCM audio) for 10 sample frames → standard output');
    expect(audio.stdout.length).toBe(44 + 10 * 4);
  });
});

describe('kernel-streaming devices by number and by path', CLI_BUDGET, () => {
  it('numbers the devices from 1 to the last, as `list` does, and refuses 0 and one past the last (exit 1)', async () => {
    const devices = JSON.parse((await cli(['list', '--json'])).out) as { friendlyName: string; path: string }[];
    const n = devices.length;
    expect(n).toBeGreaterThan(2);
    for (const number of [1, 2, n]) {
      const { code, out } = await cli(['inspect', String(number)]);
      expect(code).toBe(0);
      expect(out.split('\n').slice(0, 2), `device ${number}`).toEqual([devices[number - 1].friendlyName, `  path: ${devices[number - 1].path}`]);
    }
    for (const number of ['0', String(n + 1), '00']) {
      expect(await cli(['inspect', number]), number).toMatchObject({ code: 1, out: '', err: `kernel-streaming: find device: no device number ${number}: \`kernel-streaming list\` numbers ${n} devices from 1` });
    }
    // capture and render take numbers too (the CAPTURE/RENDER filters are searched first only for a name).
    const capture = devices.findIndex((d) => d.friendlyName === 'KS Emulator Audio Capture') + 1;
    const out = path.join(tmp, 'by-number.raw');
    const byNumber = await cli(['capture', String(capture), '--out', out, '--packets', '1', '--unthrottled']);
    expect(byNumber.code, byNumber.err).toBe(0);
    expect(byNumber.err.split('\n')[0]).toBe(`capturing from "KS Emulator Audio Capture" pin 0 (48000 Hz 2-channel 16-bit PCM audio) for 1 packets → ${out}`);
    expect(fs.statSync(out).size).toBe(1920);
  });

  it('opens a \\\\-path that `list` does not name as a path, and says when nothing is there (exit 1)', async () => {
    const missing = '\\\\?\\ROOT#KSEMULATOR#9999#{00000000-0000-0000-0000-000000000000}\\nothing';
    expect(await cli(['inspect', missing])).toMatchObject({ code: 1, out: '', err: `kernel-streaming: open filter: STATUS_OBJECT_NAME_NOT_FOUND (0xC0000034): no device interface at ${missing}` });
    // A name that is not a path is looked up by name only.
    const notPath = 'ROOT#KSEMULATOR#9999';
    const byName = await cli(['inspect', notPath]);
    expect(byName.code).toBe(1);
    expect(byName.err).toMatch(/^kernel-streaming: find device: no device named "ROOT#KSEMULATOR#9999" \(the emulator backend has: "KS Emulator Audio Capture", /);
  });
});
