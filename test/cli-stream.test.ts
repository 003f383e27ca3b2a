// `kernel-streaming capture` and `render` against the emulator, with WAV files.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../lib/cli';
import { emulatorToneSample } from '../lib/index';
import { readWav } from '../lib/wav';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-cli-'));

describe('kernel-streaming capture / render', () => {
  it('captures the emulated tone to a WAV file, every sample in place', async () => {
    const file = path.join(tmp, 'capture.wav');
    const { code, out } = await cli(['capture', 'Audio Capture', '--backend', 'emulator', '--frames', '200', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    expect(out).toMatch(/^captured 200 frames, 384000 bytes \(2\.000 s of 48000 Hz 2-channel 16-bit audio\).*0 dropped/);
    const { wave, data } = readWav(file);
    expect(wave).toEqual({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect(data.length).toBe(384000);
    for (let n = 0; n < data.length / 4; n++) {
      const expected = emulatorToneSample(n, 48000, 16);
      if (data.readInt16LE(n * 4) !== expected || data.readInt16LE(n * 4 + 2) !== expected) throw new Error(`sample ${n} differs`);
    }
  });

  it('stops a --seconds capture at exactly that much audio, in another format', async () => {
    const file = path.join(tmp, 'mono.wav');
    const { code } = await cli(['capture', 'Audio Capture', '--backend', 'emulator', '--format', '16000:1:16', '--seconds', '0.25', '--unthrottled', '--out', file]);
    expect(code).toBe(0);
    const { wave, data } = readWav(file);
    expect(wave).toEqual({ channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    expect(data.length).toBe(4000 * 2);
  });

  it('renders a WAV file to the emulated render pin', async () => {
    const file = path.join(tmp, 'capture.wav');
    const { code, out } = await cli(['render', 'Audio Render', file, '--backend', 'emulator', '--unthrottled']);
    expect(code).toBe(0);
    expect(out).toMatch(/^rendered 200 packets, 384000 bytes \(2\.000 s of audio\)/);
  });

  it('says clearly what it cannot do', async () => {
    const video = await cli(['capture', 'Video Capture', '--backend', 'emulator', '--out', path.join(tmp, 'v.wav'), '--frames', '1']);
    expect(video.code).toBe(1);
    expect(video.err).toContain('has no audio data range');
    const y4m = await cli(['capture', 'Video Capture', '--backend', 'emulator', '--out', path.join(tmp, 'v.y4m')]);
    expect(y4m.err).toContain('video capture to Y4M/raw is not built');
    const notWav = path.join(tmp, 'not.wav');
    fs.writeFileSync(notWav, 'hello');
    expect((await cli(['render', 'Audio Render', notWav, '--backend', 'emulator'])).err).toContain('is not a RIFF/WAVE file');
    expect((await cli(['capture', 'Audio Capture'])).code).toBe(2);
    expect((await cli(['capture', 'Audio Capture', '--backend', 'emulator', '--pin', '7', '--out', path.join(tmp, 'x.wav')])).err).toContain('--pin must be one of 0..1');
  });
});
