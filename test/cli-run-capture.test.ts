// `kernel-streaming capture` (and render's summary) through run() in this test's own process (test/cli-process.ts
// runHere), for what a child process cannot be given: SIGINT and SIGTERM delivered to the CLI's own handlers (as Node
// delivers a signal: the listener called with its name), a reader that has closed the output pipe, virtual devices
// named to tell the device search's rules apart, a float-only pin. cli-signals.test.ts sends real signals to a child.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'child_process';
import { isMainThread } from 'worker_threads';
import * as fs from 'fs';
import * as path from 'path';
import { encodeAudioRange, readWav, WavWriter, type VirtualPinDefinition } from '../lib/index';
import { cli, runHere, temporaryFolder, until } from './cli-process';
import { expectIndexSignal, virtualDevices } from './helpers';

const tmp = temporaryFolder();
const virtual = virtualDevices();
const capturePin = (ranges = [encodeAudioRange()]): VirtualPinDefinition => ({ name: 'Capture', dataFlow: 'out', communication: 'sink', dataRanges: ranges });

/**
 * A summary's "in S s (R× real time)" against the time this test measured around the run: S above 0 and within it,
 * R the media's seconds over S (each as printed, to its rounding).
 */
function expectTimes(summary: string, mediaSeconds: number, wallSeconds: number): void {
  const m = / in (\d+\.\d{3}) s \((?:(\d+\.\d{2}) fps, )?(\d+\.\d{2})× real time\)/.exec(summary);
  expect(m, summary).not.toBeNull();
  const s = Number(m![1]);
  const ratio = Number(m![3]);
  // An unthrottled capture of a few packets can finish in under half a millisecond, which prints as 0.000 s.
  expect(s, summary).toBeGreaterThanOrEqual(0);
  expect(s, summary).toBeLessThanOrEqual(wallSeconds + 0.0005);
  // S was rounded to 3 decimals and R to 2: R lies between media/(S + 0.0005) and media/(S - 0.0005), ± 0.005.
  expect(ratio, summary).toBeGreaterThanOrEqual(mediaSeconds / (s + 0.0005) - 0.005);
  expect(ratio, summary).toBeLessThanOrEqual(mediaSeconds / Math.max(s - 0.0005, 1e-9) + 0.005);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - started) / 1e9];
}

describe('kernel-streaming capture stopped by a signal or a closed pipe', () => {
  /** Starts a capture, waits for `bytes` of it in the file, calls the handler(s) the capture added for `signals`, and waits for its end. */
  async function interrupted(args: string[], file: string, signals: NodeJS.Signals[]) {
    const before = new Map(signals.map((s) => [s, process.listeners(s)]));
    const running = runHere(['capture', 'Audio Capture', '--out', file, ...args]);
    await until(() => fs.existsSync(file) && fs.statSync(file).size >= 44 + 5 * 1920, 'five packets in the file');
    for (const signal of signals) {
      const added = process.listeners(signal).filter((l) => !before.get(signal)!.includes(l));
      expect(added, signal).toHaveLength(1);
      (added[0] as (s: NodeJS.Signals) => void)(signal);
    }
    const result = await running;
    // The handlers are gone again.
    for (const signal of signals) expect(process.listeners(signal), signal).toEqual(before.get(signal));
    return result;
  }

  it('without a length, records until SIGINT, then finalizes the WAV and says it stopped (exit 0)', async () => {
    const file = path.join(tmp, 'until-sigint.wav');
    const { code, err } = await interrupted([], file, ['SIGINT']);
    expect(code).toBe(0);
    expect(err[0]).toBe(`capturing from "KS Emulator Audio Capture" pin 0 (48000 Hz 2-channel 16-bit PCM audio) until Ctrl-C (SIGINT) or SIGTERM → ${file}`);
    const { data } = readWav(file);
    expect(data.length).toBeGreaterThanOrEqual(5 * 1920);
    expect(err[1]).toMatch(new RegExp(`^stopped by SIGINT: captured ${data.length / 4} sample frames \\(`));
    expectIndexSignal(data, 0, 4, 'the WAV data');
  });

  it('with a length, a signal before it is reached exits 128 + the signal number (130 SIGINT, 143 SIGTERM); a second signal changes nothing', async () => {
    const term = await interrupted(['--seconds', '60'], path.join(tmp, 'sigterm.wav'), ['SIGTERM']);
    expect(term.code).toBe(143);
    expect(term.err[1]).toMatch(/^stopped by SIGTERM: captured \d+ sample frames/);
    const int = await interrupted(['--frames', '4800000'], path.join(tmp, 'sigint.wav'), ['SIGINT', 'SIGTERM']);
    expect(int.code).toBe(130);
    expect(int.err[1]).toMatch(/^stopped by SIGINT: captured \d+ sample frames/);
  });

  it.skipIf(process.platform === 'win32')('ends when the reader has closed the output pipe, as a signal would, and exits 0', async () => {
    // A FIFO whose only reader is gone: the first write fails with EPIPE (Node ignores SIGPIPE).
    const fifo = path.join(tmp, 'closed-reader');
    execFileSync('mkfifo', [fifo]);
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, 'w');
    fs.closeSync(reader);
    try {
      // --raw: no header written before the first packet.
      const { code, err } = await runHere(['capture', 'Audio Capture', '--raw', '--out', '-', '--packets', '5', '--unthrottled'], { standardOutput: writer });
      expect(code).toBe(0);
      expect(err[1]).toMatch(/^stopped by the reader closing the output: captured 0 sample frames \(0\.000 s of 48000 Hz 2-channel 16-bit PCM audio\), 0 bytes in 0 packets, in [\d.]+ s \([\d.]+× real time\), 0 packets dropped → standard output \(raw packets\)$/);
    } finally {
      fs.closeSync(writer);
    }
  });
});

describe('kernel-streaming capture: which device a name or number means', () => {
  it('looks for a name among capture filters first (a wave filter beside its topology filter), and takes a number as a number', async () => {
    const audio = ['AUDIO', 'CAPTURE'] as const;
    const topology = ['AUDIO', 'TOPOLOGY'] as const;
    const bridge: VirtualPinDefinition = { dataFlow: 'in', communication: 'bridge', dataRanges: [encodeAudioRange()] };
    virtual('KS Test Mic 7', [...audio], [capturePin()]);
    virtual('KS Test Mic 7 Topology', [...topology], [bridge]);
    virtual('7 KS Test Line', [...audio], [capturePin()]);
    virtual('7 KS Test Line Topology', [...topology], [bridge]);
    // A capture filter whose name holds the number `list` gives the system clock (with this filter listed before it).
    const clockNumber = async () => (JSON.parse((await runHere(['list', '--json'])).out.join('\n')) as { friendlyName: string }[]).findIndex((d) => d.friendlyName === 'KS Emulator System Clock') + 1;
    const number = (await clockNumber()) + 1;
    virtual(`KS Test Mic ${number}`, [...audio], [capturePin()]);
    expect(await clockNumber()).toBe(number);
    const announced = async (spec: string) => {
      const out = path.join(tmp, 'by-name.raw');
      const r = await runHere(['capture', spec, '--packets', '1', '--unthrottled', '--out', out]);
      expect(r.code, `${spec}: ${r.err.join('\n')}`).toBe(0);
      return r.err[0].split(' pin ')[0];
    };
    // Names that end or start with digits are names, not numbers.
    expect(await announced('Test Mic 7')).toBe('capturing from "KS Test Mic 7"');
    expect(await announced('7 KS Test')).toBe('capturing from "7 KS Test Line"');
    // Two capture filters match: those two are named, not the topology filter.
    const both = await runHere(['capture', 'KS Test Mic', '--out', path.join(tmp, 'x.raw')]);
    expect(both.code).toBe(1);
    expect(both.err[0]).toMatch(/^kernel-streaming: find device: "KS Test Mic" matches 2 devices: "KS Test Mic 7" \(.*\), "KS Test Mic \d+" \(.*\); give more of the name, or the path$/);
    // No capture filter matches: the search over every device finds it (and it has no capture pin).
    expect(await runHere(['capture', 'Audio Render', '--out', path.join(tmp, 'x.raw')])).toMatchObject({ code: 1, err: ['kernel-streaming: the device has no capture pin'] });
    // A number is the device's number in `list` (the clock's), even where a capture filter's name holds it.
    expect(await runHere(['capture', String(number), '--out', path.join(tmp, 'x.raw')])).toMatchObject({ code: 1, err: ['kernel-streaming: the device has no capture pin'] });
    expect(fs.existsSync(path.join(tmp, 'x.raw'))).toBe(false);
  });
});

describe('kernel-streaming capture: formats and what it says', () => {
  it('builds its format from the first range it can, and captures float audio as a float WAV', async () => {
    const opaque = Buffer.alloc(64);
    opaque.writeUInt32LE(64, 0);
    Buffer.from('00112233445566778899aabbccddeeff', 'hex').copy(opaque, 16);
    virtual('KS Test Second Range', ['AUDIO', 'CAPTURE'], [capturePin([opaque, encodeAudioRange({ maximumChannels: 1 })])]);
    const second = await runHere(['capture', 'KS Test Second Range', '--packets', '1', '--unthrottled', '--out', path.join(tmp, 'second.wav')]);
    expect(second.err[0]).toBe(`capturing from "KS Test Second Range" pin 0 (48000 Hz 1-channel 16-bit PCM audio) for 1 packets → ${path.join(tmp, 'second.wav')}`);
    const inspected = await runHere(['inspect', 'KS Test Second Range']);
    expect(inspected.out.filter((l) => l.startsWith('    allocator framing: '))).toEqual([expect.stringMatching(/^ {4}allocator framing: \d+ frames × \d+ bytes, /)]);

    virtual('KS Test Float', ['AUDIO', 'CAPTURE'], [capturePin([encodeAudioRange({ subFormat: 'IEEE_FLOAT', minimumBitsPerSample: 32 })])]);
    const file = path.join(tmp, 'float.wav');
    const [floating, wall] = await timed(() => runHere(['capture', 'KS Test Float', '--format', '48000:2:32:float', '--frames', '480', '--unthrottled', '--out', file]));
    expect(floating.code, floating.err.join('\n')).toBe(0);
    expect(floating.err[0]).toBe(`capturing from "KS Test Float" pin 0 (48000 Hz 2-channel 32-bit float audio) for 480 sample frames → ${file}`);
    expect(floating.err[1]).toMatch(/^captured 480 sample frames \(0\.010 s of 48000 Hz 2-channel 32-bit float audio\), 3840 bytes in 1 packets, /);
    expectTimes(floating.err[1], 0.01, wall);
    expect(readWav(file).wave).toMatchObject({ channels: 2, sampleRate: 48000, bitsPerSample: 32, float: true });
    // The same numbers without :float are integer PCM, which the pin does not take.
    expect((await runHere(['capture', 'KS Test Float', '--format', '48000:2:32', '--frames', '480', '--out', path.join(tmp, 'pcm.wav')])).code).toBe(1);
    // And render says a float file's samples are float.
    virtual('KS Test Float Out', ['AUDIO', 'RENDER'], [{ dataFlow: 'in', communication: 'sink', dataRanges: [encodeAudioRange({ subFormat: 'IEEE_FLOAT', minimumBitsPerSample: 32 })] }]);
    const rendered = await runHere(['render', 'KS Test Float Out', file, '--unthrottled']);
    expect(rendered.code, rendered.err.join('\n')).toBe(0);
    expect(rendered.err).toEqual([expect.stringMatching(/^rendered 480 sample frames \(0\.010 s of 48000 Hz 2-channel 32-bit float audio\), 3840 bytes in 1 packets, in [\d.]+ s$/)]);
  });

  it('lets --unthrottled alone on a WaveRT pin (the device\'s own clock drives its buffer)', async () => {
    const file = path.join(tmp, 'wavert-unthrottled.wav');
    const r = await runHere(['capture', 'KS Emulator WaveRT Microphone', '--unthrottled', '--frames', '480', '--latency', '100', '--out', file]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(readWav(file).data.length).toBe(480 * 4);
  });

  it('reports the time a capture and a render took as the test measured it, and the rate against real time', async () => {
    const [audio, audioWall] = await timed(() => runHere(['capture', 'Audio Capture', '--frames', '9600', '--unthrottled', '--out', path.join(tmp, 'timed.wav')]));
    expectTimes(audio.err[1], 0.2, audioWall);
    const [video, videoWall] = await timed(() => runHere(['capture', 'Video Capture', '--frames', '3', '--unthrottled', '--out', path.join(tmp, 'timed.y4m')]));
    expectTimes(video.err[1], 0.1, videoWall);
    // fps: frames over the seconds printed.
    const [, s, fps] = / in (\d+\.\d{3}) s \((\d+\.\d{2}) fps/.exec(video.err[1])!;
    expect(Number(fps)).toBeGreaterThanOrEqual(3 / (Number(s) + 0.0005) - 0.005);
    expect(Number(fps)).toBeLessThanOrEqual(3 / Math.max(Number(s) - 0.0005, 1e-9) + 0.005);
    const wav = path.join(tmp, 'timed-render.wav');
    const writer = new WavWriter(wav, { channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    writer.write(Buffer.alloc(4800 * 4));
    writer.close();
    for (const device of ['Audio Render', 'KS Emulator WaveRT Speakers']) {
      const [render, wall] = await timed(() => runHere(['render', device, wav, '--unthrottled']));
      expect(render.code, render.err.join('\n')).toBe(0);
      const s = Number(/, in (\d+\.\d{3}) s/.exec(render.err[0])![1]);
      expect([s > 0, s <= wall + 0.0005], render.err[0]).toEqual([true, true]);
    }
  });

  // process.chdir() is refused in worker threads, where StrykerJS runs vitest: there this case is skipped (npm test
  // runs it, in vitest's forked workers).
  it.skipIf(!isMainThread)('writes --out - to standard output even where the working folder has a folder named -', async () => {
    const folder = path.join(tmp, 'dash');
    fs.mkdirSync(path.join(folder, '-'), { recursive: true });
    const sink = path.join(tmp, 'dash-stdout.raw');
    const fd = fs.openSync(sink, 'w');
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      expect((await runHere(['capture', 'Audio Capture', '--raw', '--packets', '1', '--unthrottled', '--out', '-'], { standardOutput: fd })).code).toBe(0);
    } finally {
      process.chdir(cwd);
      fs.closeSync(fd);
    }
    expect(fs.statSync(sink).size).toBe(1920);
  });

  it('refuses a folder given as --out, with an example file name', async () => {
    const refused = await cli(['capture', 'Audio Capture', '--out', tmp]);
    expect(refused).toMatchObject({ code: 2, err: `kernel-streaming: --out ${tmp} is a folder; give a file name (e.g. ${path.join(tmp, 'capture.wav')})` });
  });
});
