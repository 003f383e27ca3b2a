// `kernel-streaming capture` and `render` as a user runs them (a child process of bin/kernel-streaming.js) against
// the emulator: WAV (plain and WAVE_FORMAT_EXTENSIBLE), Y4M, raw, standard output; every byte checked.
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KSDATAFORMAT, emulatorToneSample, emulatorVideoFrame, videoFormat } from '../lib/index';
import { expectIndexSignal } from './helpers';
import { readWav, WavWriter } from '../lib/media/wav';
import { y4mFrameRate, y4mHeader } from '../lib/media/y4m';
import { cli } from './cli-process';

// A budget, not a measure: each test starts node several times (seconds each under Wine or at high load).
const CHILD_PROCESS_BUDGET = { timeout: 180_000 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes a WAV of `frames` sample frames whose bytes count up from 0 (a file of this test's own, whatever ran before). */
function countingWav(file: string, frames: number, wave: { channels: number; sampleRate: number; bitsPerSample: number; validBitsPerSample?: number; channelMask?: number }): void {
  const data = Buffer.alloc(frames * wave.channels * (wave.bitsPerSample / 8));
  for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
  const writer = new WavWriter(file, wave);
  writer.write(data);
  writer.close();
}

describe('kernel-streaming capture / render (audio)', CHILD_PROCESS_BUDGET, () => {
  it('captures --frames sample frames of the emulated index signal to a WAV file, the summary on stderr, every sample in place', async () => {
    const file = path.join(tmp, 'capture.wav');
    const { code, out, err } = await cli(['capture', 'Audio Capture', '--frames', '96000', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toContain(`capturing from "KS Emulator Audio Capture" pin 0 (48000 Hz 2-channel 16-bit PCM audio) for 96000 sample frames → ${file}`);
    expect(err).toMatch(/captured 96000 sample frames \(2\.000 s of 48000 Hz 2-channel 16-bit PCM audio\), 384000 bytes in 200 packets, in [\d.]+ s \([\d.]+× real time\), 0 packets dropped → /);
    const { wave, data } = readWav(file);
    expect(wave).toEqual({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect(data.length).toBe(384000);
    expectIndexSignal(data, 0, 4, 'the WAV data');
  });

  it('stops a --seconds capture at exactly that much audio, in another format', async () => {
    const file = path.join(tmp, 'mono.wav');
    const { code } = await cli(['capture', 'Audio Capture', '--format', '16000:1:16', '--seconds', '0.25', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    const { wave, data } = readWav(file);
    expect(wave).toEqual({ channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    expect(data.length).toBe(4000 * 2);
    expectIndexSignal(data, 0, 2, 'the mono WAV data');
  });

  it('captures the 1 kHz tone with --tone, for listening', async () => {
    const file = path.join(tmp, 'tone.wav');
    const { code } = await cli(['capture', 'Audio Capture', '--frames', '4800', '--tone', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    const { data } = readWav(file);
    expect(data.length).toBe(4800 * 4);
    // Hand-worked (16-bit: amplitude 16382; sample n at phase n · 7.5°): 0, A·sin 60° = 14187.23, A, −A/2.
    expect([0, 8, 12, 28].map((n) => data.readInt16LE(n * 4))).toEqual([0, 14187, 16382, -8191]);
    for (let n = 0; n < 4800; n++) {
      const expected = emulatorToneSample(n, 48000, 16);
      if (data.readInt16LE(n * 4) !== expected || data.readInt16LE(n * 4 + 2) !== expected) throw new Error(`sample frame ${n} is not the tone`);
    }
  });

  it('counts --packets as KS packets, and writes 24-bit audio as WAVE_FORMAT_EXTENSIBLE', async () => {
    const file = path.join(tmp, 'deep.wav');
    const { code, err } = await cli(['capture', 'Audio Capture', '--format', '48000:2:24', '--packets', '3', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    expect(err).toMatch(/ in 3 packets, /);
    const bytes = fs.readFileSync(file);
    expect(bytes.readUInt32LE(16)).toBe(40); // fmt chunk: a WAVEFORMATEXTENSIBLE
    expect(bytes.readUInt16LE(20)).toBe(0xfffe);
    const { wave, data } = readWav(file);
    expect(wave).toEqual({ channels: 2, sampleRate: 48000, bitsPerSample: 24, validBitsPerSample: 24, channelMask: 3 });
    expect(data.length % 6).toBe(0);
    expect(data.length).toBeGreaterThan(0);
    expectIndexSignal(data, 0, 6, 'the 24-bit WAV data');
  });

  it('writes the WAV to standard output with --out -, sizes marked unknown, the summary on stderr', async () => {
    const { code, stdout, err } = await cli(['capture', 'Audio Capture', '--frames', '4800', '--unthrottled', '--out', '-']);
    expect(code).toBe(0);
    expect(err).toContain('→ standard output');
    expect(stdout.toString('ascii', 0, 4)).toBe('RIFF');
    expect(stdout.readUInt32LE(40)).toBe(0xffffffff); // a pipe cannot be patched: "until the end"
    const { wave, data } = readWav(stdout);
    expect(wave).toEqual({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect(data.length).toBe(4800 * 4);
    expectIndexSignal(data, 0, 4, 'the WAV on standard output');
  });

  it('renders a WAV file to the emulated render pin, and a 24-bit EXTENSIBLE one too', async () => {
    const plain = path.join(tmp, 'to-render.wav');
    countingWav(plain, 96000, { channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    const extensible = path.join(tmp, 'to-render-24.wav');
    countingWav(extensible, 4800, { channels: 2, sampleRate: 48000, bitsPerSample: 24, validBitsPerSample: 24, channelMask: 3 });
    const { code, err } = await cli(['render', 'Audio Render', plain, '--unthrottled']);
    expect(code).toBe(0);
    expect(err).toMatch(/^rendered 96000 sample frames \(2\.000 s of 48000 Hz 2-channel 16-bit PCM audio\), 384000 bytes in 200 packets, in [\d.]+ s$/);
    const deep = await cli(['render', 'Audio Render', extensible, '--unthrottled']);
    expect(deep.code).toBe(0);
    expect(deep.err).toMatch(/^rendered 4800 sample frames \(0\.100 s of 48000 Hz 2-channel 24-bit PCM audio\), 28800 bytes in /);
  });

  it('refuses a float WAV the pin cannot take, listing the formats it can', async () => {
    const file = path.join(tmp, 'float.wav');
    const wav = new WavWriter(file, { channels: 2, sampleRate: 48000, bitsPerSample: 32, float: true });
    wav.write(Buffer.alloc(8 * 480));
    wav.close();
    const { code, err } = await cli(['render', 'Audio Render', file]);
    expect(code).toBe(1);
    expect(err).toContain('pin 0 does not accept this format (48000 Hz 2-channel 32-bit IEEE_FLOAT): its data ranges offer audio PCM');
    expect(err).toContain('the subtype IEEE_FLOAT is in none of them (they offer PCM)');
  });

  it('says clearly what it cannot do (exit 1), and leaves no file behind', async () => {
    const video = await cli(['capture', 'Video Capture', '--out', path.join(tmp, 'v.wav'), '--frames', '1']);
    expect(video.code).toBe(1);
    expect(video.err).toContain('pin 0 streams video (640x480 yuy2): --out must end in .y4m or .raw, not .wav');
    expect((await cli(['capture', 'Audio Capture', '--out', path.join(tmp, 'a.y4m')])).err).toContain('pin 0 streams audio: --out must end in .wav or .raw, not .y4m');
    expect((await cli(['capture', 'Video Capture', '--out', path.join(tmp, 'v.mp4')])).err).toContain(
      '--out must end in .wav (audio), .y4m (YUY2/NV12 video) or .raw (packets as delivered), or be - (standard output), or give --raw',
    );
    const notWav = path.join(tmp, 'not.wav');
    fs.writeFileSync(notWav, 'hello');
    expect(await cli(['render', 'Audio Render', notWav])).toMatchObject({ code: 1, err: expect.stringContaining('is not a RIFF/WAVE file') });
    expect((await cli(['capture', 'Audio Capture', '--pin', '7', '--out', path.join(tmp, 'x.wav')])).err).toContain('--pin must be one of 0..1, got 7');
    const wav = path.join(tmp, 'small.wav');
    countingWav(wav, 480, { channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect((await cli(['render', 'Audio Render', wav, '--pin', '1'])).err).toContain('pin 1 is a capture pin');
    for (const name of ['v.wav', 'a.y4m', 'v.mp4', 'x.wav']) expect(fs.existsSync(path.join(tmp, name)), name).toBe(false);
  });
});

interface Y4m {
  header: Record<string, string>;
  frames: Buffer[];
}

/** Reads a .y4m file back: the header's fields by tag, and each FRAME's bytes (the frame size from W, H and C). */
function readY4m(file: string): Y4m {
  const bytes = fs.readFileSync(file);
  let at = bytes.indexOf(0x0a);
  const [magic, ...fields] = bytes.toString('latin1', 0, at).split(' ');
  expect(magic).toBe('YUV4MPEG2');
  const header = Object.fromEntries(fields.map((f) => [f[0], f.slice(1)]));
  const w = Number(header.W);
  const h = Number(header.H);
  const frameSize = header.C === '422' ? w * h * 2 : header.C.startsWith('420') ? (w * h * 3) / 2 : NaN;
  expect(Number.isInteger(frameSize)).toBe(true);
  const frames: Buffer[] = [];
  at++;
  while (at < bytes.length) {
    const end = bytes.indexOf(0x0a, at);
    expect(bytes.toString('latin1', at, end).split(' ')[0]).toBe('FRAME');
    at = end + 1;
    expect(at + frameSize).toBeLessThanOrEqual(bytes.length);
    frames.push(bytes.subarray(at, at + frameSize));
    at += frameSize;
  }
  return { header, frames };
}

/**
 * The planes Y4M should hold for a packed frame, worked out byte-position by
 * byte-position (not the way lib/y4m.ts loops): YUY2 is Y at even offsets,
 * Cb at 4k+1, Cr at 4k+3; NV12 is its Y plane, then the even and the odd
 * bytes of its CbCr plane.
 */
function expectedPlanes(packed: Buffer, subtype: 'yuy2' | 'nv12', w: number, h: number): Buffer {
  if (subtype === 'yuy2') {
    const pick = (keep: (i: number) => boolean) => Buffer.from(packed.subarray(0, w * h * 2).filter((_, i) => keep(i)));
    return Buffer.concat([pick((i) => i % 2 === 0), pick((i) => i % 4 === 1), pick((i) => i % 4 === 3)]);
  }
  const uv = packed.subarray(w * h, (w * h * 3) / 2);
  return Buffer.concat([packed.subarray(0, w * h), Buffer.from(uv.filter((_, i) => i % 2 === 0)), Buffer.from(uv.filter((_, i) => i % 2 === 1))]);
}

function expectSameBytes(got: Buffer, expected: Buffer, what: string): void {
  if (got.equals(expected)) return;
  if (got.length !== expected.length) throw new Error(`${what}: ${got.length} bytes, expected ${expected.length}`);
  const at = got.findIndex((b, i) => b !== expected[i]);
  throw new Error(`${what}: byte ${at} is ${got[at]}, expected ${expected[at]}`);
}

describe('kernel-streaming capture / render on WaveRT endpoints', CHILD_PROCESS_BUDGET, () => {
  it('captures 2 s of the tone from the WaveRT microphone with --tone, every sample the tone', async () => {
    const file = path.join(tmp, 'mic.wav');
    const { code, err } = await cli(['capture', 'WaveRT Microphone', '--seconds', '2', '--tone', '--latency', '100', '--out', file]);
    expect(code, err).toBe(0);
    const { wave, data } = readWav(file);
    expect(wave).toMatchObject({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect(data.length).toBe(96000 * 4);
    // Hand-worked, as for the standard pin: 0, A·sin 60° = 14187.23, A, −A/2 at amplitude 16382.
    expect([0, 8, 12, 28].map((n) => data.readInt16LE(n * 4))).toEqual([0, 14187, 16382, -8191]);
    for (let n = 0; n < 96000; n++) {
      const expected = emulatorToneSample(n, 48000, 16);
      if (data.readInt16LE(n * 4) !== expected || data.readInt16LE(n * 4 + 2) !== expected) throw new Error(`sample frame ${n} is not the tone`);
    }
  });

  it.each(['event', 'polled', 'packet'])('captures the index signal in %s mode (--mode), nothing lost or repeated', async (mode) => {
    const file = path.join(tmp, `mic-${mode}.wav`);
    // A 100 ms device buffer: a loaded test machine's scheduling stays inside it.
    const { code, err } = await cli(['capture', 'WaveRT Microphone', '--seconds', '0.5', '--mode', mode, '--latency', '100', '--out', file]);
    expect(code, err).toBe(0);
    expect(err).toMatch(/, 0 packets dropped, 0 overruns \(audio the device overwrote before it was read\) → /);
    const { data } = readWav(file);
    expect(data.length).toBe(24000 * 4);
    expectIndexSignal(data, 0, 4, `the ${mode}-mode WAV data`);
  });

  it.each(['event', 'polled', 'packet'])('renders a WAV to the WaveRT speakers in %s mode with 0 glitches', async (mode) => {
    const file = path.join(tmp, `to-speakers-${mode}.wav`);
    countingWav(file, 24000, { channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    const { code, err } = await cli(['render', 'WaveRT Speakers', file, '--mode', mode, '--latency', '100']);
    expect(code, err).toBe(0);
    const summary = err.match(
      /^rendered 24000 sample frames \(0\.500 s\) to a WaveRT pin in (\w+) mode, in [\d.]+ s, (\d+) underruns \(the device reached audio not yet written\); the emulated endpoint played (\d+) bytes with (\d+) glitches$/m,
    );
    expect(summary, err).not.toBeNull();
    expect(summary![1]).toBe(mode);
    expect(Number(summary![2])).toBe(0);
    expect(Number(summary![3])).toBeGreaterThanOrEqual(24000 * 4);
    expect(Number(summary![4])).toBe(0);
  });
});

describe('kernel-streaming capture (video)', CHILD_PROCESS_BUDGET, () => {
  it('writes the frame rate as the fraction the 100 ns interval was rounded from', () => {
    expect(y4mFrameRate(333333n)).toEqual([30, 1]);
    expect(y4mFrameRate(400000)).toEqual([25, 1]);
    expect(y4mFrameRate(333667n)).toEqual([30000, 1001]);
    expect(y4mFrameRate(166833n)).toEqual([60000, 1001]);
    // Not an integer or N/1001 rate: 10⁷/interval, reduced.
    expect(y4mFrameRate(123456n)).toEqual([156250, 1929]);
    expect(() => y4mFrameRate(0n)).toThrow(/avgTimePerFrame must be a positive integer/);
    expect(() => y4mHeader({ width: 8, height: 8, subtype: KSDATAFORMAT.SUBTYPE_RGB24, avgTimePerFrame: 333333n })).toThrow(/Y4M output takes YUY2 or NV12/);
  });

  it('writes the camera\'s default format (640x480 YUY2) as Y4M 4:2:2, every plane byte in place', async () => {
    const file = path.join(tmp, 'yuy2.y4m');
    const { code, err } = await cli(['capture', 'Video Capture', '--frames', '5', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    expect(err).toMatch(/captured 5 frames \(0\.167 s of 640x480 yuy2 video at 30 fps\), 3072000 bytes, in [\d.]+ s \([\d.]+ fps, [\d.]+× real time\), 0 frames dropped → /);
    const y4m = readY4m(file);
    expect(y4m.header).toEqual({ W: '640', H: '480', F: '30:1', I: 'p', A: '1:1', C: '422' });
    expect(y4m.frames.length).toBe(5);
    const format = { subtype: KSDATAFORMAT.SUBTYPE_YUY2, width: 640, height: 480 };
    y4m.frames.forEach((planes, i) => expectSameBytes(planes, expectedPlanes(emulatorVideoFrame(format, i), 'yuy2', 640, 480), `frame ${i}`));
  });

  it('writes 1280x720 NV12 as Y4M 4:2:0 with the chroma de-interleaved, for --seconds worth of frames', async () => {
    const file = path.join(tmp, 'nv12.y4m');
    const { code, err } = await cli(['capture', 'Video Capture', '--format', '1280x720@30:NV12', '--seconds', '0.2', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    // 0.2 s at 333333 × 100 ns per frame is 6 frames.
    expect(err).toMatch(/captured 6 frames \(0\.200 s of 1280x720 nv12 video at 30 fps\), 8294400 bytes/);
    const y4m = readY4m(file);
    expect(y4m.header).toEqual({ W: '1280', H: '720', F: '30:1', I: 'p', A: '1:1', C: '420mpeg2' });
    expect(y4m.frames.length).toBe(6);
    const format = { subtype: KSDATAFORMAT.SUBTYPE_NV12, width: 1280, height: 720 };
    y4m.frames.forEach((planes, i) => expectSameBytes(planes, expectedPlanes(emulatorVideoFrame(format, i), 'nv12', 1280, 720), `frame ${i}`));
  });

  it('writes raw frames exactly as delivered, by extension or with --raw', async () => {
    const nv12 = path.join(tmp, 'frames.raw');
    expect((await cli(['capture', 'Video Capture', '--format', '640x480:nv12', '--frames', '4', '--unthrottled', '--out', nv12])).code).toBe(0);
    const format = videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_NV12, fps: 30 });
    expectSameBytes(fs.readFileSync(nv12), Buffer.concat([0, 1, 2, 3].map((i) => emulatorVideoFrame(format, i))), 'raw NV12');

    const yuy2 = path.join(tmp, 'frames.bin');
    const { code, err } = await cli(['capture', 'Video Capture', '--format', '1280x720', '--raw', '--frames', '3', '--unthrottled', '--out', yuy2]);
    expect(code).toBe(0);
    expect(err).toContain('(raw packets)');
    const layout = { subtype: KSDATAFORMAT.SUBTYPE_YUY2, width: 1280, height: 720 };
    expectSameBytes(fs.readFileSync(yuy2), Buffer.concat([0, 1, 2].map((i) => emulatorVideoFrame(layout, i))), 'raw YUY2');

    const audio = path.join(tmp, 'audio.raw');
    expect((await cli(['capture', 'Audio Capture', '--packets', '3', '--unthrottled', '--out', audio])).code).toBe(0);
    const pcm = fs.readFileSync(audio);
    expect(pcm.length).toBe(3 * 1920);
    expectIndexSignal(pcm, 0, 4, 'the raw audio');
  });

  it('refuses a bad or unoffered --format, naming what is allowed, and writes nothing', async () => {
    const file = path.join(tmp, 'bad.y4m');
    const run = (format: string) => cli(['capture', 'Video Capture', '--format', format, '--frames', '1', '--out', file]);
    const offered = 'it offers 640x480@30:yuy2, 1280x720@30:yuy2, 640x480@30:nv12, 1280x720@30:nv12';
    expect((await run('640x481')).err).toContain(`--format 640x481 is not one the pin offers; ${offered}`);
    expect((await run('640x480@25')).err).toContain(`--format 640x480@25 is not one the pin offers; ${offered}`);
    expect((await run('640x480:rgb24')).err).toContain(`--format 640x480:rgb24 is not one the pin offers; ${offered}`);
    expect((await run('640x480:i420')).err).toContain('--format subtype must be one of yuy2, nv12, rgb24, rgb32, got "i420"');
    const syntax = await run('640by480');
    expect(syntax.code).toBe(1);
    expect(syntax.err).toContain('--format must be RATE:CHANNELS:BITS[:float] for audio (e.g. 48000:2:16) or WIDTHxHEIGHT[@FPS][:SUBTYPE] for video');
    expect((await cli(['capture', 'Audio Capture', '--format', '640x480', '--out', path.join(tmp, 'bad.wav')])).err).toContain(
      'the pin has no KS_VIDEOINFOHEADER video range',
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('writes Y4M to standard output with --out -', async () => {
    const { code, stdout } = await cli(['capture', 'Video Capture', '--frames', '2', '--unthrottled', '--out', '-']);
    expect(code).toBe(0);
    const file = path.join(tmp, 'piped.y4m');
    fs.writeFileSync(file, stdout);
    const y4m = readY4m(file);
    expect(y4m.header.W).toBe('640');
    expect(y4m.frames.length).toBe(2);
    const format = { subtype: KSDATAFORMAT.SUBTYPE_YUY2, width: 640, height: 480 };
    y4m.frames.forEach((planes, i) => expectSameBytes(planes, expectedPlanes(emulatorVideoFrame(format, i), 'yuy2', 640, 480), `frame ${i}`));
  });
});
