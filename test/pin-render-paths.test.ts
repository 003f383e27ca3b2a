// KsPin's render entry points by path: write()'s options object on a standard and a WaveRT pin, the zero-copy
// path's own checks and what it hands the device (a view at an offset, end of stream, a presentation time of 0),
// the WaveRT write's refusals, writer()'s defaults taken from the pin's framing, and which stream's end stops a pin
// that writers started (issue 16: the first mutation run over pin.ts left these paths unchecked).
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineVirtualDevice,
  emulatorRenderStats,
  encodeAudioRange,
  extensibleFormat,
  openFilter,
  openHandleCount,
  renderChecksum,
  setEmulatorPacing,
  AllocatorFraming,
  KsError,
  emulatorWaveRtStats,
  KSPROPSETID,
  type VirtualDevice,
} from '../lib/index';
import { emulatedDevicePath, openRender, RENDER_PIN } from './emulated-devices';
import { openCapture, stereo48k } from './helpers';
import { waveRtPlayedChecksum } from './render-oracle';
import { testBackend } from './test-backend';

const devices: VirtualDevice[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.remove();
  expect(openHandleCount()).toBe(0);
});

async function rejection(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise;
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  throw new Error('resolved');
}

describe('write() options', () => {
  it('must be an object, on a standard pin and a WaveRT pin alike', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    using speakers = openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
    using waveRt = speakers.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    for (const target of [pin, waveRt]) {
      for (const bad of [null, 5, 'eos']) {
        expect(await rejection(target.write(Buffer.alloc(4), bad as never))).toStrictEqual(['TypeError', 'options must be an object']);
      }
    }
    expect(emulatorRenderStats(pin)).toMatchObject({ frames: 0, bytes: 0 });
    expect(pin.state()).toBe('stop');
    expect(waveRt.state()).toBe('stop');
  });
});

describe('write({ zeroCopy: true })', () => {
  it('refuses what is not bytes or not whole sample frames, before anything reaches the device', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    pin.start();
    for (const bad of ['bytes', [1, 2, 3, 4], null]) {
      expect(await rejection(pin.write(bad as never, { zeroCopy: true }))).toStrictEqual(['TypeError', 'data must be a Buffer or Uint8Array']);
    }
    for (const length of [1, 2, 3, 1922]) {
      expect(await rejection(pin.write(Buffer.alloc(length), { zeroCopy: true }))).toStrictEqual([
        'RangeError',
        `data must be whole sample frames of 4 bytes (channels × bytes per sample), got ${length} bytes`,
      ]);
    }
    expect(emulatorRenderStats(pin)).toMatchObject({ frames: 0, bytes: 0 });
  });

  it('sends the caller’s bytes, a Uint8Array view at its own offset included, a presentation time of 0, and end of stream', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const backing = new Uint8Array(4000);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 7 + 3) & 0xff;
    const view = new Uint8Array(backing.buffer, 12, 1920);
    const plain = Buffer.alloc(960, 0x5a);
    await pin.write(view, { zeroCopy: true, presentationTime: 0 });
    await pin.write(plain, { zeroCopy: true, presentationTime: 2 ** 53 - 1 });
    await pin.write(Buffer.alloc(0), { zeroCopy: true, endOfStream: true });
    expect(emulatorRenderStats(pin)).toStrictEqual({ frames: 3, bytes: 2880, checksum: renderChecksum([view, plain]), endOfStream: true });
  });
});

describe('write() on a WaveRT pin', () => {
  it('refuses what is not bytes, part frames and a presentation time; the pin stays stopped', async () => {
    using speakers = openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
    using pin = speakers.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    expect(await rejection(pin.write('pcm' as never))).toStrictEqual(['TypeError', 'data must be a Buffer or Uint8Array']);
    expect(await rejection(pin.write(Buffer.alloc(6)))).toStrictEqual(['RangeError', 'data must be whole sample frames of 4 bytes (channels × bytes per sample), got 6 bytes']);
    expect(await rejection(pin.write(Buffer.alloc(8), { presentationTime: 0 }))).toStrictEqual([
      'RangeError',
      'presentationTime: a WaveRT pin takes no per-packet time (its data goes into a cyclic buffer)',
    ]);
    expect(() => pin.writer()).toThrow(new TypeError('write frames: pin 0 is a WaveRT pin: render with write() or writable(), which feed its WaveRT engine'));
    expect(pin.state()).toBe('stop');
  });
});

describe('writer() defaults from the pin’s framing', () => {
  const renderDevice = (framing: { flags: number; poolType: number; frames: number; frameSize: number; fileAlignment: number }) => {
    const device = defineVirtualDevice({ name: 'Render Framing', categories: ['AUDIO', 'RENDER'], pins: [{ dataFlow: 'in', dataRanges: [encodeAudioRange({ minimumSampleFrequency: 44100, maximumSampleFrequency: 48000 })], framing }] });
    devices.push(device);
    return openFilter(device.path, { backend: 'emulator' });
  };

  it('more frames than 8 and no frame size: the frames, and 10 ms of the format', () => {
    using filter = renderDevice({ flags: 0, poolType: 0, frames: 12, frameSize: 0, fileAlignment: 15 });
    using pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const stream = pin.writer();
    expect([stream.packets, stream.frameSize]).toStrictEqual([12, 480 * 4]);
    stream.close();
  });

  it('fewer frames than 8 and a frame size: 8 packets of that size', () => {
    using filter = renderDevice({ flags: 0, poolType: 0, frames: 2, frameSize: 3000, fileAlignment: 3 });
    using pin = filter.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 1, sampleRate: 44100, bitsPerSample: 16 }) });
    const stream = pin.writer();
    expect([stream.packets, stream.frameSize]).toStrictEqual([8, 3000]);
    stream.close();
  });

  it('no frame size at 44.1 kHz mono: 441 sample frames', () => {
    using filter = renderDevice({ flags: 0, poolType: 0, frames: 8, frameSize: 0, fileAlignment: 0 });
    using pin = filter.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 1, sampleRate: 44100, bitsPerSample: 16 }) });
    const stream = pin.writer({ packets: 3 });
    expect([stream.packets, stream.frameSize]).toStrictEqual([3, 441 * 2]);
    stream.close();
  });

  it('options must be an object; the alignment a power of two', () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    expect(() => pin.writer(null as never)).toThrow(new TypeError('options must be an object'));
    expect(() => pin.writer(7 as never)).toThrow(new TypeError('options must be an object'));
    for (const alignment of [3, 24, 4095]) expect(() => pin.writer({ alignment })).toThrow(new RangeError(`alignment must be a power of two in 1..4096, got ${alignment}`));
    expect(pin.state()).toBe('stop');
  });
});

describe('the pin writers started', () => {
  it('stays running until the last writer ends, then stops', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    const first = pin.writer({ packets: 2, frameSize: 1920, prime: 1 });
    const second = pin.writer({ packets: 2, frameSize: 1920, prime: 1 });
    await first.write(Buffer.alloc(1920, 1));
    await second.write(Buffer.alloc(1920, 2));
    await first.end();
    expect(pin.state()).toBe('run');
    await second.end();
    expect(pin.state()).toBe('stop');
  });

  it('a pin the caller started is left running when its writer ends', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    pin.setState('pause');
    const stream = pin.writer({ packets: 2, frameSize: 1920, prime: 1 });
    await stream.write(Buffer.alloc(1920, 1));
    pin.setState('run');
    await stream.end();
    expect(pin.state()).toBe('run');
  });
});

describe('more paths', () => {
  it('a WaveRT pin written twice, end of stream on the second: one stream, every byte played in order', async () => {
    using speakers = openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
    using pin = speakers.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    const data = Buffer.alloc(48000 * 4 * 0.3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 13 + (i >> 10)) & 0xff;
    const half = data.length / 2;
    await pin.write(data.subarray(0, half), { waveRt: { mode: 'event', latencyMs: 100 } });
    expect(pin.state()).toBe('run');
    await pin.write(data.subarray(half), { endOfStream: true });
    expect(pin.state()).toBe('stop');
    const stats = emulatorWaveRtStats(pin);
    expect(stats.glitches, `glitches in the emulated DMA's late steps: ${stats.glitchesInLateSteps} of ${stats.lateSteps}`).toBe(0);
    expect(stats.checksum).toBe(waveRtPlayedChecksum(Buffer.concat([data, Buffer.alloc(stats.bytes - data.length)])));
  });

  it('refuses a WaveRT ring under 10 ms, naming ringMs', async () => {
    using speakers = openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
    using pin = speakers.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    expect(await rejection(pin.write(Buffer.alloc(8), { waveRt: { ringMs: 5 } }))).toStrictEqual(['RangeError', 'ringMs must be an integer in 10..60000, got 5']);
    expect(pin.state()).toBe('stop');
  });

  it('writer() option names; a pin that answers no framing gets 8 packets of 10 ms', () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    expect(() => pin.writer({ frameSize: 0 })).toThrow(new RangeError('frameSize must be an integer in 1..1073741824, got 0'));
    expect(() => pin.writer({ alignment: 0 })).toThrow(new RangeError('alignment must be an integer in 1..4096, got 0'));
    const device = defineVirtualDevice({
      name: 'Render No Framing',
      categories: ['AUDIO', 'RENDER'],
      pins: [{ dataFlow: 'in', dataRanges: [encodeAudioRange()] }],
      properties: [{ set: KSPROPSETID.Connection, id: 3, target: 'pin', onGet: () => ({ status: 'STATUS_NOT_FOUND' }) }], // ALLOCATORFRAMING
    });
    devices.push(device);
    using bare = openFilter(device.path, { backend: 'emulator' });
    using silent = bare.createPin({ pinId: 0, dataFormat: stereo48k() });
    const stream = silent.writer();
    expect([stream.packets, stream.frameSize]).toStrictEqual([8, 1920]);
    stream.close();
  });

  it('writable() on a capture pin says which calls fit it', () => {
    using filter = openCapture();
    using pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    expect(() => pin.writable()).toThrow(
      new TypeError('writable: pin 0 is a capture pin (data flows out of it): read it with frames() or readable(); write() and writable() are for render pins'),
    );
  });

  it('a pin whose dataflow the driver would not say is not refused either way', async () => {
    const device = defineVirtualDevice({
      name: 'Render No Dataflow',
      categories: ['AUDIO', 'RENDER'],
      pins: [{ dataFlow: 'in', dataRanges: [encodeAudioRange()] }],
      properties: [{ set: KSPROPSETID.Pin, id: 2, onGet: () => ({ status: 'STATUS_NOT_SUPPORTED' }) }], // DATAFLOW
    });
    devices.push(device);
    using filter = openFilter(device.path, { backend: 'emulator' });
    using pin = filter.createPin({ pinId: 0, dataFormat: stereo48k(), access: 0x40000000 /* GENERIC_WRITE */ });
    expect(pin.dataFlow).toBeNull();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    await pin.write(Buffer.alloc(1920, 3), { zeroCopy: true });
    expect(emulatorRenderStats(pin)).toMatchObject({ frames: 1, bytes: 1920 });
  });

  it('createAllocator with raw bytes: a whole KSALLOCATOR_FRAMING is kept decoded', () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    const framing = new AllocatorFraming({ flags: 0, poolType: 0, frames: 4, frameSize: 1920, fileAlignment: 0 });
    using allocator = pin.createAllocator(framing.encode());
    expect(allocator.framing).toStrictEqual(framing);
    expect(allocator.createdWith).toBe(pin.backend === 'emulator' ? 'emulator' : 'KsCreateAllocator2');
  });

  it('a writer-started pin that stopped, then run by its caller, is left running when the caller’s writer ends', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    const first = pin.writer({ packets: 2, frameSize: 1920, prime: 1 });
    await first.write(Buffer.alloc(1920, 1));
    await first.end();
    expect(pin.state()).toBe('stop');
    pin.setState('run');
    const second = pin.writer({ packets: 2, frameSize: 1920, prime: 1 });
    await second.write(Buffer.alloc(1920, 2));
    await second.end();
    expect(pin.state()).toBe('run');
  });

  it('a WaveRT write waiting for room in its ring, cut by closing the pin, rejects ERR_CANCELED saying so', async () => {
    using speakers = openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
    const pin = speakers.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    // 2 s of audio into a 100 ms ring: the write waits for the device to play most of it.
    const pending = pin.write(Buffer.alloc(48000 * 4 * 2), { waveRt: { mode: 'event', latencyMs: 20, ringMs: 100 } });
    const outcome = pending.then(
      () => 'resolved',
      (e: KsError) => [e.code, e.message],
    );
    await new Promise((r) => setTimeout(r, 150));
    expect(pin.state()).toBe('run');
    pin.close();
    expect(await outcome).toStrictEqual(['ERR_CANCELED', 'write frame: the WaveRT stream was stopped or its pin closed while writing']);
  });

  it('WaveRT render stats: zero until the engine starts (a write shorter than a device buffer starts nothing), frozen once it ends', async () => {
    using speakers = openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
    using pin = speakers.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    await pin.write(Buffer.alloc(4 * 48), { waveRt: { mode: 'event', latencyMs: 100 } });
    expect(pin.state()).toBe('stop');
    expect(pin.waveRtRenderStats).toStrictEqual({ underruns: 0, underrunsAfterStall: 0, stalls: 0, longestGapMs: 0, silenceBytes: 0, bytesTaken: 0 });
    await pin.write(Buffer.alloc(48000 * 4 * 0.2, 1), { endOfStream: true });
    const atEnd = pin.waveRtRenderStats!;
    expect(atEnd.bytesTaken).toBe(4 * 48 + 48000 * 4 * 0.2);
    await new Promise((r) => setTimeout(r, 30));
    expect(pin.waveRtRenderStats).toStrictEqual(atEnd);
  });
});
