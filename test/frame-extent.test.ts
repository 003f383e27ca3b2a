// The bytes a capture device is told it may fill (KSSTREAM_HEADER.FrameExtent)
// are the caller's frameSize, never the alignment padding of its pool slot:
// DataUsed, the bytes JavaScript sees, the device's position and the
// timestamps agree for every size and format. Before the fix, 1764-byte
// packets (10 ms at 44.1 kHz stereo 16-bit) in 8-byte-aligned slots came back
// with DataUsed 1764 while the device had advanced 442 sample frames: one
// sample frame per packet vanished and the timestamps ran ahead.
//
// Also: a raw streaming IOCTL with a made-up KSSTREAM_HEADER.Data pointer is
// refused by the raw layer unless the caller opts in, and with the opt-in it
// fails with STATUS_ACCESS_VIOLATION (as Windows' probe of the buffer does)
// instead of crashing the process.
import { afterEach, describe, expect, it } from 'vitest';
import { IOCTL_KS, KsError, type KsFilter, type KsPin, emulatorRenderStats, openHandleCount, pcmFormat, setEmulatorPacing } from '../lib/index';
import { openRender, RENDER_PIN } from './emulated-devices';
import { expectIndexSignal, expectStatus, openCapture } from './helpers';

const filters: KsFilter[] = [];

afterEach(() => {
  for (const filter of filters.splice(0)) filter.close();
  expect(openHandleCount()).toBe(0);
});

/** 100 ns units for `frames` sample frames at `rate`, rounded down (KSSTREAM_HEADER.PresentationTime / Duration). */
function hundredNs(frames: number, rate: number): number {
  return Math.floor(frames / rate) * 1e7 + Math.floor(((frames % rate) * 1e7) / rate);
}

interface Case {
  pinId: number;
  channels: number;
  bits: number;
  rate: number;
  frameSize: number;
}

// Every sample size and channel count the emulated capture filter's pins take,
// at rates that make 10 ms packets odd sizes, and sizes that are not multiples
// of 8 nor (some of them) of the block alignment.
const cases: Case[] = [];
for (const channels of [1, 2]) {
  for (const bits of [16, 24]) {
    for (const rate of [8000, 11025, 44100]) {
      const blockAlign = (channels * bits) / 8;
      const tenMs = Math.floor(rate / 100) * blockAlign;
      for (const frameSize of [tenMs, blockAlign * 3, tenMs + blockAlign - 1]) cases.push({ pinId: 0, channels, bits, rate, frameSize });
    }
  }
}
// The second pin (on-board memory) also takes 32-bit samples and 8 channels.
for (const [channels, bits, rate, frameSize] of [
  [2, 32, 44100, 3528],
  [8, 32, 44100, 14112 + 4],
  [3, 24, 96000, 2883],
  [5, 16, 192000, 19210],
] as const) {
  cases.push({ pinId: 1, channels, bits, rate, frameSize });
}

describe('FrameExtent is the caller\'s frameSize', () => {
  it('1764-byte packets at 44.1 kHz stereo 16-bit carry 441 sample frames each, and the timestamps keep step', async () => {
    const filter = openCapture();
    filters.push(filter);
    const pin = filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 }) });
    setEmulatorPacing(pin, 'unthrottled');
    let count = 0;
    for await (const frame of pin.frames({ packets: 4, frameSize: 1764, alignment: 8 })) {
      expect(frame.dataUsed).toBe(1764);
      expectIndexSignal(frame.data.subarray(0, 1764), 441 * count, 4, `packet ${count}`);
      expect(frame.presentationTime).toBe(hundredNs(441 * count, 44100));
      expect(frame.duration).toBe(100_000);
      if (++count === 100) break;
    }
    pin.close();
  });

  for (const c of cases) {
    const blockAlign = (c.channels * c.bits) / 8;
    it(`pin ${c.pinId}, ${c.channels} ch ${c.bits}-bit ${c.rate} Hz, frameSize ${c.frameSize}: every byte and timestamp`, async () => {
      const filter = openCapture();
      filters.push(filter);
      const pin: KsPin = filter.createPin({ pinId: c.pinId, dataFormat: pcmFormat({ channels: c.channels, sampleRate: c.rate, bitsPerSample: c.bits }) });
      setEmulatorPacing(pin, 'unthrottled');
      // The device writes whole sample frames only.
      const framesPerPacket = Math.floor(c.frameSize / blockAlign);
      let position = 0;
      let count = 0;
      for await (const frame of pin.frames({ packets: 3, frameSize: c.frameSize, alignment: 16 })) {
        expect(frame.dataUsed).toBe(framesPerPacket * blockAlign);
        expect(frame.data.length).toBe(frame.dataUsed);
        expect(frame.presentationTime).toBe(hundredNs(position, c.rate));
        expect(frame.duration).toBe(hundredNs(framesPerPacket, c.rate));
        expectIndexSignal(frame.data.subarray(0, frame.dataUsed), position, blockAlign, `packet ${count}`);
        position += framesPerPacket;
        if (++count === 12) break;
      }
      expect(count).toBe(12);
      pin.close();
    });
  }
});

/** One KSSTREAM_HEADER (56 bytes on x64): Size @0, FrameExtent @32, DataUsed @36, Data @40. */
function streamHeader(data: bigint, frameExtent: number): Buffer {
  const header = Buffer.alloc(56);
  header.writeUInt32LE(56, 0);
  header.writeUInt32LE(frameExtent, 32);
  header.writeBigUInt64LE(data, 40);
  return header;
}

describe('raw streaming IOCTLs', () => {
  it('are refused without allowStreamPointers, pointing to frames() and write()', async () => {
    const filter = openCapture();
    filters.push(filter);
    const pin = filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    const header = streamHeader(0x1000n, 1920);
    const before = Buffer.from(header);
    await expect(pin.ioctlAsync(IOCTL_KS.READ_STREAM, null, header)).rejects.toThrow(/READ_STREAM.*frames\(\).*write\(\).*allowStreamPointers/s);
    expect(() => pin.ioctl(IOCTL_KS.WRITE_STREAM, null, header)).toThrow(TypeError);
    expect(header.equals(before)).toBe(true);
    pin.close();
  });

  it('with a made-up Data pointer fail with STATUS_ACCESS_VIOLATION instead of crashing the process', async () => {
    const filter = openCapture();
    filters.push(filter);
    const pin = filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    pin.setState('run');
    // Page zero and a non-canonical address: neither is ever mapped.
    for (const address of [0x1000n, 0x4141414141414000n]) {
      const header = streamHeader(address, 1920);
      const [kind, value] = await pin.ioctlAsync(IOCTL_KS.READ_STREAM, null, header, { allowStreamPointers: true });
      expectStatus(kind, value, 'STATUS_ACCESS_VIOLATION');
      expect(KsError.fromStatus(kind, value, 'read').win32).toBe(998); // ERROR_NOACCESS, as RtlNtStatusToDosError maps it
    }
    pin.setState('stop');
    pin.close();
  });

  it('render: a WRITE_STREAM whose Data cannot be read fails with STATUS_ACCESS_VIOLATION, and nothing is counted', async () => {
    const filter = openRender();
    filters.push(filter);
    const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    pin.setState('run');
    const header = streamHeader(0x2000n, 1920);
    header.writeUInt32LE(1920, 36); // DataUsed
    const [kind, value] = await pin.ioctlAsync(IOCTL_KS.WRITE_STREAM, null, header, { allowStreamPointers: true });
    expectStatus(kind, value, 'STATUS_ACCESS_VIOLATION');
    expect(emulatorRenderStats(pin).frames).toBe(0);
    pin.setState('stop');
    pin.close();
  });
});
