// `kernel-streaming` as a user runs it (a child process of bin/kernel-streaming.js): list, inspect, help, --version,
// and every usage mistake with its message and exit code (0 done, 1 failed, 2 usage).
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli, inProcess, root, startCli } from './cli-process';

// A budget, not a measure: each test starts node several times (seconds each under Wine or at high load).
const CHILD_PROCESS_BUDGET = { timeout: 180_000 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('kernel-streaming list / inspect', CHILD_PROCESS_BUDGET, () => {
  it('lists the emulated devices, says they are emulated, and prints JSON for machines', async () => {
    const table = await cli(['list']);
    expect(table.code).toBe(0);
    expect(table.out).toContain('these devices are emulated');
    expect(table.out).toMatch(/\d+\s+KS Emulator Audio Capture\s+AUDIO,CAPTURE/);
    const json = await cli(['list', '--json', '--category', 'RENDER']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ friendlyName: 'KS Emulator Audio Render', emulated: true }),
      expect.objectContaining({ friendlyName: 'KS Emulator WaveRT Speakers', emulated: true }),
    ]);
  });

  // The process's own standard output: only a child has one to close (in process, under StrykerJS, it is skipped).
  it.skipIf(inProcess)('ends quietly with exit 0 when its reader closes the pipe first (as `| head -1` or `| grep -q` do)', async () => {
    // The read end closes before node has started, so the first line written meets EPIPE.
    const { child, done } = startCli(['list']);
    child.stdout!.destroy();
    const result = await done;
    expect(result.err).toBe('');
    expect([result.code, result.signal]).toEqual([0, null]);
  });

  it('inspects a device by name: pins, each pin\'s allocator framing, the topology', async () => {
    const { code, out } = await cli(['inspect', 'Audio Capture']);
    expect(code).toBe(0);
    expect(out).toContain('pin 0: Capture');
    expect(out).toContain('allocator framing: 8 frames × 1920 bytes, NonPagedPool, alignment LONG (4 B), requirements SYSTEM_MEMORY|PREFERENCES_ONLY');
    expect(out).toContain('allocator framing: 4 frames × 16384 bytes');
    expect(out).toContain('streaming: 8 frames × 1920 bytes, alignment 4 B (from ALLOCATORFRAMING); 56-byte stream headers');
    const render = await cli(['inspect', 'audio render']);
    expect(render.out).toContain('instances 0/1, global 0/2, necessary 0');
    expect(render.out).toContain('interfaces: standard #0 (STREAMING); mediums: standard #0');
    expect(render.out).toContain('node 0: KSNODETYPE_VOLUME "Speaker Volume"');
    expect(render.out).toContain('node 2.0 → pin 1');
  });

  it('inspects by number, as JSON, with the topology and the pin properties', async () => {
    const list = JSON.parse((await cli(['list', '--json'])).out) as { friendlyName: string }[];
    const number = list.findIndex((d) => d.friendlyName === 'KS Emulator Video Capture') + 1;
    const { code, out } = await cli(['inspect', String(number), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.device.friendlyName).toBe('KS Emulator Video Capture');
    expect(report.topology.categories).toHaveLength(3);
    // SETSUPPORT per known set: the camera answers Pin and Topology, and no audio or general set.
    // Pin and Topology, and the emulator's own diagnostics set (the camera's NOT_READY_AFTER_PLUG control).
    expect(report.propertySets).toEqual(['Pin', 'Topology', 'EmulatorDiagnostics']);
    expect(report.pins[0]).toMatchObject({ necessaryInstances: 1, globalInstances: { possible: 1, current: 0 }, interfaces: [{ id: 0 }] });
    // An AVStream pin (usbvideo.sys): no legacy framing; frames() takes ALLOCATORFRAMING_EX and 128-byte headers.
    expect(report.pins[0].allocatorFraming).toBeNull();
    expect(report.pins[0].allocatorFramingError).toContain('STATUS_NOT_FOUND');
    expect(report.pins[0].captureDefaults).toEqual({ source: 'framing-ex', frames: 4, frameSize: 1843200, alignment: 8, headerSize: 128 });
    expect(report.pins[0].waveRt).toBeNull();
  });

  it('says which pins are WaveRT, the modes they stream in and their hardware latency (text and JSON)', async () => {
    const { code, out } = await cli(['inspect', 'KS Emulator WaveRT Microphone']);
    expect(code).toBe(0);
    expect(out).toContain('interfaces: standard #1 (LOOPED_STREAMING); mediums: standard #0');
    expect(out).toContain('    WaveRT: modes event, packet, polled; FIFO 256 bytes, chipset delay 0 µs, codec delay 1000 µs');
    const json = JSON.parse((await cli(['inspect', 'KS Emulator WaveRT Speakers', '--json'])).out);
    expect(json.pins[0].waveRt).toEqual({ hwLatency: { fifoSize: 256, chipsetDelay: 0, codecDelay: 10000 }, modes: ['event', 'packet', 'polled'] });
    expect(json.pins[1].waveRt).toBeNull(); // the bridge pin
  });
});

describe('kernel-streaming help, --version and usage mistakes', CHILD_PROCESS_BUDGET, () => {
  it('prints help on `help`, `--help`, `help COMMAND` and `COMMAND --help`, exit 0, on standard output', async () => {
    for (const args of [['help'], ['--help'], ['-h']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: kernel-streaming \[options\] \[command\]/);
      for (const command of ['list', 'inspect', 'capture', 'render']) expect(r.out).toContain(`  ${command} `);
    }
    for (const args of [['help', 'capture'], ['capture', '--help']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: kernel-streaming capture \[options\] <device>/);
      expect(r.out).toContain('--seconds <s>');
      expect(r.out).toContain('records until Ctrl-C (SIGINT) or SIGTERM');
    }
  });

  it('prints the package version on --version and -V', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: version });
    expect(await cli(['-V'])).toMatchObject({ code: 0, out: version });
  });

  it('exits 2 with the usage when run with no command', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^Usage: kernel-streaming/);
  });

  it('refuses unknown commands and options, naming them (exit 2)', async () => {
    expect(await cli(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining("error: unknown command 'frobnicate'") });
    expect(await cli(['lsit'])).toMatchObject({ code: 2, err: expect.stringContaining('(Did you mean list?)') });
    expect(await cli(['list', '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining("error: unknown option '--bogus'") });
    expect(await cli(['list', '--backend', 'linux'])).toMatchObject({ code: 2, err: expect.stringContaining('Allowed choices are windows, emulator') });
    expect(await cli(['inspect'])).toMatchObject({ code: 2, err: expect.stringContaining("error: missing required argument 'device'") });
    expect(await cli(['inspect', 'Audio Capture', 'extra'])).toMatchObject({ code: 2, err: expect.stringContaining('too many arguments') });
  });

  it('refuses bad numbers and conflicting lengths before opening anything (exit 2)', async () => {
    const capture = (...args: string[]) => cli(['capture', 'Audio Capture', '--out', path.join(tmp, 'x.wav'), ...args]);
    expect(await capture('--frames', '-5')).toMatchObject({ code: 2, err: expect.stringContaining("option '--frames <n>' argument '-5' is invalid. must be a whole number of at least 1") });
    expect(await capture('--frames', 'abc')).toMatchObject({ code: 2, err: expect.stringContaining('must be a whole number of at least 1, got "abc"') });
    expect(await capture('--frames', '1.5')).toMatchObject({ code: 2, err: expect.stringContaining('got "1.5"') });
    expect(await capture('--seconds', '0')).toMatchObject({ code: 2, err: expect.stringContaining('must be a number of seconds above 0, got "0"') });
    expect(await capture('--pin', 'first')).toMatchObject({ code: 2, err: expect.stringContaining('must be a pin id (0, 1, ...), got "first"') });
    expect(await capture('--seconds', '1', '--frames', '10')).toMatchObject({ code: 2, err: expect.stringContaining("option '--seconds <s>' cannot be used with option '--frames <n>'") });
    expect(await capture('--frames', '10', '--packets', '2')).toMatchObject({ code: 2, err: expect.stringContaining('cannot be used with') });
    expect(fs.existsSync(path.join(tmp, 'x.wav'))).toBe(false);
  });

  it('needs --out for capture, an existing folder, and a file rather than a folder (exit 2)', async () => {
    expect(await cli(['capture', 'Audio Capture'])).toMatchObject({ code: 2, err: expect.stringContaining("error: required option '-o, --out <file>' not specified") });
    const missing = path.join(tmp, 'no-such-folder', 'a.wav');
    expect(await cli(['capture', 'Audio Capture', '--out', missing, '--seconds', '0.1'])).toMatchObject({
      code: 2,
      err: `kernel-streaming: --out ${missing}: the folder ${path.dirname(missing)} does not exist`,
    });
    expect(await cli(['capture', 'Audio Capture', '--out', tmp, '--seconds', '0.1'])).toMatchObject({ code: 2, err: expect.stringContaining(`--out ${tmp} is a folder; give a file name`) });
    expect(await cli(['render', 'Audio Render', path.join(tmp, 'nothing.wav')])).toMatchObject({ code: 2, err: expect.stringContaining('no file') });
    expect(await cli(['render', 'Audio Render', tmp])).toMatchObject({ code: 2, err: expect.stringContaining('is a folder; give a WAV file') });
  });

  it('names every device a name matches, and says what exists when it matches none (exit 1)', async () => {
    const both = await cli(['inspect', 'Audio']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('"Audio" matches 2 devices: "KS Emulator Audio Capture" (');
    expect(both.err).toContain('"KS Emulator Audio Render" (');
    const none = await cli(['inspect', 'nothing-like-this']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no device named "nothing-like-this" (the emulator backend has: "KS Emulator Audio Capture", ');
    expect(await cli(['inspect', '99'])).toMatchObject({ code: 1, err: expect.stringContaining('no device number 99') });
  });
});
