// Ctrl-C (SIGINT) and SIGTERM during `kernel-streaming capture`, sent to the child process as a terminal or a service
// manager would: the file is finalized (WAV sizes patched, every sample the emulator's), the summary printed.
// Windows has no POSIX signals to send a child (child.kill there terminates it), so this runs on POSIX only.
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { emulatorVideoFrame, KSDATAFORMAT } from '../lib/index';
import { expectIndexSignal } from './helpers';
import { readWav } from '../lib/media/wav';
import { startCli, until } from './cli-process';

// A budget, not a measure: each test starts node several times (seconds each under Wine or at high load).
const CHILD_PROCESS_BUDGET = { timeout: 180_000 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-cli-signal-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const posix = process.platform !== 'win32';

/** Starts a capture, waits until the file holds at least `bytes`, sends `signal`, and returns the result. */
async function captureThenSignal(args: string[], file: string, bytes: number, signal: NodeJS.Signals) {
  const run = startCli(args);
  await until(() => run.err().includes('capturing from') && fs.existsSync(file) && fs.statSync(file).size >= bytes, `${file} to reach ${bytes} bytes`);
  run.child.kill(signal);
  return run.done;
}

describe.runIf(posix)('kernel-streaming capture stopped by a signal', CHILD_PROCESS_BUDGET, () => {
  it('records until Ctrl-C when no length is given: SIGINT finalizes the WAV, prints the summary, exits 0', async () => {
    const file = path.join(tmp, 'until-stopped.wav');
    const result = await captureThenSignal(['capture', 'Audio Capture', '--out', file], file, 44 + 3 * 1920, 'SIGINT');
    expect(result.err).toContain('until Ctrl-C (SIGINT) or SIGTERM');
    expect(result.signal).toBe(null);
    expect(result.code).toBe(0);
    const { wave, data } = readWav(file);
    expect(wave).toEqual({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    // The header's sizes are those of the file: RIFF size and data size patched on the signal.
    const bytes = fs.readFileSync(file);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
    expect(data.length).toBeGreaterThanOrEqual(3 * 1920);
    const frames = data.length / 4;
    expect(result.err).toMatch(new RegExp(`stopped by SIGINT: captured ${frames} sample frames \\(${(frames / 48000).toFixed(3)} s of 48000 Hz 2-channel 16-bit PCM audio\\)`));
    expectIndexSignal(data, 0, 4, 'the WAV data');
  });

  it('SIGTERM during a capture of a set length: the WAV is finalized and the exit code says it was cut short (143)', async () => {
    const file = path.join(tmp, 'cut-short.wav');
    const result = await captureThenSignal(['capture', 'Audio Capture', '--seconds', '600', '--out', file], file, 44 + 2 * 1920, 'SIGTERM');
    expect(result.code).toBe(143);
    expect(result.err).toContain('stopped by SIGTERM: captured ');
    const bytes = fs.readFileSync(file);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
    expect(readWav(file).data.length).toBe(bytes.length - 44);
  });

  it('SIGINT during a video capture leaves a Y4M of whole frames, each the emulator\'s', async () => {
    const file = path.join(tmp, 'until-stopped.y4m');
    const picture = 640 * 480 * 2;
    const result = await captureThenSignal(['capture', 'Video Capture', '--out', file], file, 2 * picture, 'SIGINT');
    expect(result.code).toBe(0);
    const bytes = fs.readFileSync(file);
    const header = bytes.indexOf(0x0a) + 1;
    const frameBytes = 'FRAME\n'.length + picture;
    expect((bytes.length - header) % frameBytes).toBe(0);
    const frames = (bytes.length - header) / frameBytes;
    expect(frames).toBeGreaterThanOrEqual(2);
    expect(result.err).toContain(`stopped by SIGINT: captured ${frames} frames`);
    // Frame 0's luma plane: the Y bytes of the packed YUY2 frame.
    const packed = emulatorVideoFrame({ subtype: KSDATAFORMAT.SUBTYPE_YUY2, width: 640, height: 480 }, 0);
    const y = bytes.subarray(header + 6, header + 6 + 640 * 480);
    for (let i = 0; i < y.length; i++) if (y[i] !== packed[2 * i]) throw new Error(`frame 0 luma byte ${i} differs`);
  });
});
