// record() and play() beyond the first-hour paths: their argument checks, which pin they choose, a recording that
// ends inside a packet, float and video recordings, and what the render device consumed from play() — packet by
// packet, through the emulated pin's own checksum read just before play() closes it.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  KsPin,
  defineVirtualDevice,
  emulatorRenderStats,
  encodeAudioRange,
  listDevices,
  play,
  readWav,
  record,
  videoFormat,
  KSDATAFORMAT,
  WavWriter,
  type RenderStats,
  type VirtualDevice,
} from '../lib/index';
import { expectIndexSignal } from './helpers';
import { testBackend } from './test-backend';
import { expectedChecksum, packetsOf } from './render-oracle';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-record-play-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const devices: VirtualDevice[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of devices.splice(0)) d.remove();
});

const stereo16 = { channels: 2, sampleRate: 48000, bitsPerSample: 16 };

describe('record() refuses what it cannot record, naming what it takes', () => {
  it('options must be an object with seconds a finite number above 0', async () => {
    const out = path.join(tmp, 'never.wav');
    for (const options of [null, 5, 'x']) {
      await expect(record('Audio Capture', options as never)).rejects.toThrow(new TypeError('record takes (device, { seconds, out, format?, pinId? })'));
    }
    for (const seconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1', undefined]) {
      await expect(record('Audio Capture', { seconds: seconds as never, out })).rejects.toThrow(new RangeError(`seconds must be a number above 0, got ${String(seconds)}`));
    }
    expect(fs.existsSync(out)).toBe(false);
  });

  it('device must be a DeviceInfo, a path or a name', async () => {
    const out = path.join(tmp, 'never.wav');
    for (const device of [null, 7, {}, { path: 3 }]) {
      await expect(record(device as never, { seconds: 0.01, out })).rejects.toThrow(
        new TypeError('device must be a DeviceInfo from listDevices(), a device path, or a device name'),
      );
    }
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a device with no capture pin (or no render pin, for play) says which it lacks', async () => {
    const out = path.join(tmp, 'never.wav');
    // The emulated render device's pins: the render sink (in) and its bridge pin (out, communication none/bridge).
    await expect(record('Audio Render', { seconds: 0.01, out, backend: testBackend() })).rejects.toThrow(
      new TypeError('the device has no capture pin (dataflow "out", communication sink or both)'),
    );
    const file = path.join(tmp, 'short.wav');
    const wav = new WavWriter(file, stereo16);
    wav.write(Buffer.alloc(16));
    wav.close();
    await expect(play('Audio Capture', file, { backend: testBackend() })).rejects.toThrow(
      new TypeError('the device has no render pin (dataflow "in", communication sink or both)'),
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('record() chooses and records', () => {
  it('takes a DeviceInfo, using its backend; a recording that ends inside a packet keeps exactly the frames asked for', async () => {
    const info = listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator Audio Capture')!;
    const file = path.join(tmp, 'partial.wav');
    // 0.0123 s at 48 kHz: 590.4 → 590 sample frames, which ends 110 frames into the second 10 ms packet.
    const result = await record(info, { seconds: 0.0123, out: file, format: stereo16 });
    expect(result).toEqual({ format: '48000 Hz 2-channel 16-bit PCM', frames: 590, bytes: 2360, seconds: 2360 / 192000 });
    const { data } = readWav(file);
    expect(data.length).toBe(2360);
    expectIndexSignal(data, 0, 4, 'the recorded WAV data');
  });

  it('the first pin data flows out of that is a sink (or both), not a bridge pin before it; float samples as WAVE_FORMAT_IEEE_FLOAT', async () => {
    const device = defineVirtualDevice({
      name: 'Record Float Microphone',
      categories: ['AUDIO', 'CAPTURE'],
      pins: [
        { name: 'Analog In', dataFlow: 'out', communication: 'bridge', dataRanges: [encodeAudioRange()] },
        { name: 'Float Out', dataFlow: 'out', communication: 'both', dataRanges: [encodeAudioRange({ subFormat: 'IEEE_FLOAT', minimumBitsPerSample: 32, maximumChannels: 1 })] },
      ],
    });
    devices.push(device);
    const file = path.join(tmp, 'float.wav');
    const result = await record(device.path, { seconds: 0.01, out: file, backend: 'emulator' });
    expect(result.format).toBe('48000 Hz 1-channel 32-bit IEEE_FLOAT');
    expect(result).toMatchObject({ frames: 480, bytes: 1920 });
    const bytes = fs.readFileSync(file);
    // WAVE_FORMAT_EXTENSIBLE whose SubFormat GUID begins with 3 (KSDATAFORMAT_SUBTYPE_IEEE_FLOAT), 32 bits.
    expect(bytes.readUInt16LE(20)).toBe(0xfffe);
    expect(bytes.readUInt16LE(34)).toBe(32);
    expect(bytes.readUInt32LE(44)).toBe(3);
    expect(readWav(file).wave).toMatchObject({ channels: 1, sampleRate: 48000, bitsPerSample: 32, float: true });
  });

  it('an already-aborted signal records nothing and still writes a valid file; the abort listener is removed after', async () => {
    const file = path.join(tmp, 'pre-aborted.wav');
    const abort = new AbortController();
    abort.abort();
    const removed = vi.spyOn(abort.signal, 'removeEventListener');
    const result = await record('Audio Capture', { seconds: 5, out: file, signal: abort.signal, format: stereo16, backend: testBackend() });
    expect(result).toEqual({ format: '48000 Hz 2-channel 16-bit PCM', frames: 0, bytes: 0, seconds: 0 });
    expect(readWav(file).data.length).toBe(0);
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('video: NV12 to Y4M, the number of pictures seconds hold at the camera\'s rate, each stamped with its index', async () => {
    const file = path.join(tmp, 'camera.y4m');
    const format = videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_NV12, fps: 30 });
    // 0.1 s at 333333 × 100 ns per picture: 3.0000003 → 3 pictures.
    const result = await record('Video Capture', { seconds: 0.1, out: file, format, backend: testBackend() });
    const picture = (640 * 480 * 3) / 2;
    expect(result).toEqual({ format: expect.stringContaining('NV12'), frames: 3, bytes: 3 * picture, seconds: (3 * 333333) / 10_000_000 });
    const bytes = fs.readFileSync(file);
    const header = bytes.subarray(0, bytes.indexOf(0x0a) + 1).toString('latin1');
    expect(header).toBe('YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420mpeg2\n');
    expect(bytes.length).toBe(header.length + 3 * (6 + picture));
    for (let n = 0; n < 3; n++) {
      const at = header.length + n * (6 + picture);
      expect(bytes.toString('latin1', at, at + 6)).toBe('FRAME\n');
      // The first 8 bytes of every Y row hold the picture's index, little-endian (docs/emulator.md's pattern).
      expect(bytes.readBigUInt64LE(at + 6)).toBe(BigInt(n));
      expect(bytes.readBigUInt64LE(at + 6 + 640 * 479)).toBe(BigInt(n));
    }
  });

  it('video: an already-aborted signal records no picture', async () => {
    const file = path.join(tmp, 'camera-aborted.y4m');
    const abort = new AbortController();
    abort.abort();
    const result = await record('Video Capture', { seconds: 10, out: file, signal: abort.signal, backend: testBackend() });
    expect(result).toMatchObject({ frames: 0, bytes: 0, seconds: 0 });
  });
});

describe('play() as the render device consumes it', () => {
  /** play() closes its pin before it returns: read the emulated pin's statistics as it closes. */
  function statsAtClose(): RenderStats[] {
    const seen: RenderStats[] = [];
    const close = KsPin.prototype.close;
    vi.spyOn(KsPin.prototype, 'close').mockImplementation(function (this: KsPin) {
      if (!this.closed) seen.push(emulatorRenderStats(this));
      return close.call(this);
    });
    return seen;
  }

  it('10 ms packets of whole sample frames, 8 in flight, then the end of the stream: every byte in order', async () => {
    // 44.1 kHz stereo 16-bit: a 10 ms packet is 441 frames, 1764 bytes (not a multiple of 8, so the checksum's
    // tail rule makes it depend on where packets split). 0.25 s + 100 frames: 25 whole packets and a short one.
    const frames = 11025 + 100;
    const data = Buffer.alloc(frames * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
    const file = path.join(tmp, 'play44.wav');
    const wav = new WavWriter(file, { channels: 2, sampleRate: 44100, bitsPerSample: 16 });
    wav.write(data);
    wav.close();

    const seen = statsAtClose();
    let inFlight = 0;
    let mostInFlight = 0;
    const write = KsPin.prototype.write;
    vi.spyOn(KsPin.prototype, 'write').mockImplementation(function (this: KsPin, ...args: Parameters<KsPin['write']>) {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      return write.apply(this, args).finally(() => inFlight--);
    });
    const result = await play('Audio Render', file, { backend: testBackend() });
    expect(result).toEqual({ format: '44100 Hz 2-channel 16-bit PCM', frames, bytes: frames * 4, seconds: (frames * 4) / 176400 });
    const packets = packetsOf([data], 1764);
    expect(packets.length).toBe(26);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ frames: packets.length + 1, bytes: data.length, checksum: expectedChecksum(packets), endOfStream: true });
    // Eight 10 ms packets queued at the device: enough to ride out a late JavaScript turn, bounded memory.
    expect(mostInFlight).toBe(8);
  });
});
