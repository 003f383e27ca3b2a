// Bad arguments across the public API get a TypeError or RangeError that names the argument and what it takes, and
// change nothing: no handle opened or closed, no value set, no packet sent. One case per refusal the other test files
// passed through without checking its message (found by the mutation run over lib/: a refusal whose check or message
// could be changed with every test still passing).
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineVirtualDevice,
  emulatorRenderStats,
  emulatorVideoFrame,
  emulatorVideoFrameIndex,
  encodeAudioRange,
  extensibleFormat,
  listDevices,
  openFilter,
  openHandleCount,
  recordProfile,
  setEmulatedDevicePresent,
  setEmulatorAudioEngineHold,
  setEmulatorPacing,
  videoFormat,
  KSDATAFORMAT,
  KsError,
  type KsFilter,
} from '../lib/index';
import { expectKsError, openCapture, stereo48k } from './helpers';
import { MUTE_NODE, RENDER_PIN, VOLUME_NODE, emulatedDevicePath, openCamera, openRender } from './emulated-devices';
import { testBackend } from './test-backend';
import { measureNativeLoop } from '../lib/streaming/native-loop';

const filters: KsFilter[] = [];
const keep = <T extends KsFilter>(f: T): T => (filters.push(f), f);
afterEach(() => {
  for (const f of filters.splice(0)) f.close();
  expect(openHandleCount()).toBe(0);
});

/** `fn` throws exactly `error` (its class and whole message) and the number of open handles stays as it was. */
function refuses(fn: () => unknown, error: Error): void {
  const before = openHandleCount();
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(error.constructor);
  expect((thrown as Error).message).toBe(error.message);
  expect(openHandleCount()).toBe(before);
}

describe('filters', () => {
  it('openFilter: the path or name must be a non-empty string', () => {
    for (const bad of ['', undefined, 7, null]) {
      refuses(() => openFilter(bad as never), new TypeError('path must be a device interface path or a device name (a non-empty string)'));
    }
  });

  it('createPin: options an object, dataFormat a DataFormat object or left out', () => {
    const filter = keep(openCapture());
    for (const bad of [null, 3, 'pin']) refuses(() => filter.createPin(bad as never), new TypeError('createPin takes { pinId, dataFormat, ... }'));
    for (const bad of [null, 5, 'PCM']) {
      refuses(
        () => filter.createPin({ pinId: 0, dataFormat: bad as never }),
        new TypeError('dataFormat must be a DataFormat object (pcmFormat(), videoFormat(), ...) or left out to let the pin choose'),
      );
    }
    // The pin factory's instance is still free: the refusals created nothing.
    filter.createPin({ pinId: 0, dataFormat: stereo48k() }).close();
  });

  it('intersect: ranges an array of DataRange objects or Buffers; proposeDataFormat: a DataFormat object', () => {
    const filter = keep(openCapture());
    refuses(() => filter.intersect(0, 'all' as never), new TypeError('ranges must be an array of DataRange objects or Buffers'));
    refuses(() => filter.intersect(0, [encodeAudioRange(), 5] as never), new TypeError('ranges[1] must be a DataRange (with raw bytes) or a Buffer'));
    refuses(() => filter.intersect(0, [{ raw: 'x' }] as never), new TypeError('ranges[0] must be a DataRange (with raw bytes) or a Buffer'));
    for (const bad of [null, 'PCM']) refuses(() => filter.proposeDataFormat(0, bad as never), new TypeError('format must be a DataFormat object'));
    expect(filter.proposeDataFormat(0, stereo48k())).toBe(true);
  });

  it('node volume in finite decibels within ±32768 dB, mute a boolean, the channel a LONG; the value stays as it was', () => {
    const filter = keep(openRender());
    filter.setNodeVolume(VOLUME_NODE, 0, -3);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '-3']) {
      refuses(() => filter.setNodeVolume(VOLUME_NODE, 0, bad as never), new TypeError(`decibels must be a finite number, got ${String(bad)}`));
    }
    // 32768 dB is 2^31 / 65536: one step past LONG's largest; -32768 dB is LONG's smallest, so one step below it.
    refuses(() => filter.setNodeVolume(VOLUME_NODE, 0, 32768), new RangeError('decibels must be within ±32768 dB, got 32768'));
    refuses(() => filter.setNodeVolume(VOLUME_NODE, 0, -32768.0001), new RangeError('decibels must be within ±32768 dB, got -32768.0001'));
    expect(filter.nodeVolume(VOLUME_NODE, 0)).toBe(-3);
    // The edges themselves go to the device: LONG's largest and smallest level.
    for (const edge of [0x7fffffff / 65536, -32768]) expect(() => filter.setNodeVolume(VOLUME_NODE, 1, edge)).not.toThrow(RangeError);
    for (const bad of [1, 'true', null]) refuses(() => filter.setNodeMute(MUTE_NODE, 0, bad as never), new TypeError(`muted must be a boolean, got ${typeof bad}`));
    for (const bad of [1.5, 2 ** 31, -(2 ** 31) - 1, '0']) {
      refuses(() => filter.nodeVolume(VOLUME_NODE, bad as never), new RangeError(`channel must be a LONG (an integer in -2147483648..2147483647), got ${String(bad)}`));
    }
    // LONG's own edges are channels the driver judges (the emulated volume node has 2: STATUS_INVALID_PARAMETER).
    for (const edge of [2 ** 31 - 1, -(2 ** 31)]) expectKsError(() => filter.nodeVolume(VOLUME_NODE, edge), 'STATUS_INVALID_PARAMETER');
  });
});

describe('pins', () => {
  it('setAllocator takes a KsAllocator or null, setMasterClock a KsClock or null, setState a KSSTATE name', () => {
    const filter = keep(openCapture());
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const clock = pin.createClock();
    for (const bad of [clock, {}, 0]) refuses(() => pin.setAllocator(bad as never), new TypeError('allocator must be a KsAllocator or null'));
    for (const bad of [pin, {}, 0]) refuses(() => pin.setMasterClock(bad as never), new TypeError('clock must be a KsClock or null'));
    for (const bad of ['RUN', 'started', 3]) {
      refuses(() => pin.setState(bad as never), new RangeError(`state must be one of stop, acquire, pause, run, got ${JSON.stringify(bad)}`));
    }
    expect(pin.state()).toBe('stop');
  });

  it('a zero-copy write: presentationTime a non-negative integer; nothing reaches the device', async () => {
    const filter = keep(openRender());
    const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    pin.start();
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      await expect(pin.write(Buffer.alloc(1920), { zeroCopy: true, presentationTime: bad })).rejects.toThrow(
        new RangeError(`presentationTime must be a non-negative integer (100 ns units), got ${String(bad)}`),
      );
    }
    expect(emulatorRenderStats(pin)).toMatchObject({ frames: 0, bytes: 0 });
  });
});

describe('the benchmark hook', () => {
  it('measureNativeLoop: packets 1..4096, frameSize 1..2^30, milliseconds 1..600000; a closed pin names the call', () => {
    const filter = keep(openCapture());
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const ok = { packets: 4, frameSize: 1920, milliseconds: 20 };
    refuses(() => measureNativeLoop(pin, { ...ok, packets: 0 }), new RangeError('packets must be an integer in 1..4096, got 0'));
    refuses(() => measureNativeLoop(pin, { ...ok, packets: 4097 }), new RangeError('packets must be an integer in 1..4096, got 4097'));
    refuses(() => measureNativeLoop(pin, { ...ok, frameSize: 0 }), new RangeError('frameSize must be an integer in 1..1073741824, got 0'));
    refuses(() => measureNativeLoop(pin, { ...ok, frameSize: 2 ** 30 + 1 }), new RangeError('frameSize must be an integer in 1..1073741824, got 1073741825'));
    refuses(() => measureNativeLoop(pin, { ...ok, milliseconds: 600001 }), new RangeError('milliseconds must be an integer in 1..600000, got 600001'));
    expect(pin.state()).toBe('stop');
    pin.close();
    expect(() => measureNativeLoop(pin, ok)).toThrow(new KsError('ERR_CLOSED', 'measure native loop', 'the pin is closed'));
  });
});

describe('WaveRT pins', () => {
  it('a write takes whole sample frames and no presentation time (its data goes into a cyclic buffer); the engine never starts', async () => {
    const filter = keep(openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() }));
    const pin = filter.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    await expect(pin.write(Buffer.alloc(1920), { presentationTime: 0 })).rejects.toThrow(
      new RangeError('presentationTime: a WaveRT pin takes no per-packet time (its data goes into a cyclic buffer)'),
    );
    await expect(pin.write(Buffer.alloc(1922))).rejects.toThrow(
      new RangeError('data must be whole sample frames of 4 bytes (channels × bytes per sample), got 1922 bytes'),
    );
    await expect(pin.write('pcm' as never)).rejects.toThrow(new TypeError('data must be a Buffer or Uint8Array'));
    expect(pin.waveRtRenderStats).toBeNull();
    expect(pin.state()).toBe('stop');
  });
});

describe('camera controls and profiles', () => {
  it('camera control options are { nodeId? }', () => {
    const camera = keep(openCamera());
    for (const bad of [5, 'node']) refuses(() => camera.cameraControls(bad as never), new TypeError('options must be { nodeId? }'));
  });

  it('recordProfile takes a device path, a friendly name or a DeviceInfo', () => {
    for (const bad of [5, null, { path: 1 }]) {
      refuses(() => recordProfile(bad as never), new TypeError('device must be a device path, a friendly name, or a DeviceInfo from listDevices()'));
    }
  });
});

describe('emulator controls', () => {
  it('pacing is "real-time" or "unthrottled"; the audio engine hold a boolean', () => {
    const filter = keep(openCapture());
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    for (const bad of ['fast', true]) refuses(() => setEmulatorPacing(pin, bad as never), new RangeError(`pacing must be "real-time" or "unthrottled", got ${JSON.stringify(bad)}`));
    for (const bad of [1, 'yes']) refuses(() => setEmulatorAudioEngineHold(filter, bad as never), new TypeError(`held must be a boolean, got ${typeof bad}`));
  });

  it('the video pattern: a video format or layout of the camera\'s subtypes, even widths (and NV12 heights), an index in 0..2^64-1', () => {
    refuses(() => emulatorVideoFrame(null as never, 0), new TypeError('format must be a video DataFormat or { subtype, width, height }'));
    refuses(() => emulatorVideoFrame(stereo48k(), 0), new RangeError('format must carry a KS_VIDEOINFOHEADER or KS_VIDEOINFOHEADER2 (specifier VIDEOINFO or VIDEOINFO2)'));
    refuses(
      () => emulatorVideoFrame({ subtype: KSDATAFORMAT.SUBTYPE_PCM, width: 2, height: 2 }, 0),
      new RangeError(`format.subtype must be KSDATAFORMAT.SUBTYPE_YUY2 or SUBTYPE_NV12 (the emulated camera's), got ${KSDATAFORMAT.SUBTYPE_PCM}`),
    );
    refuses(() => emulatorVideoFrame({ subtype: KSDATAFORMAT.SUBTYPE_YUY2, width: 3, height: 2 }, 0), new RangeError('format.width must be even, got 3'));
    refuses(() => emulatorVideoFrame({ subtype: KSDATAFORMAT.SUBTYPE_NV12, width: 4, height: 3 }, 0), new RangeError('format.height must be even for NV12, got 3'));
    // YUY2 has no such rule: 4 × 3 is 24 bytes.
    expect(emulatorVideoFrame({ subtype: KSDATAFORMAT.SUBTYPE_YUY2, width: 4, height: 3 }, 0)).toHaveLength(24);
    const layout = videoFormat({ width: 16, height: 2, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 });
    for (const bad of [-1, 0.5, 2 ** 53]) refuses(() => emulatorVideoFrame(layout, bad), new RangeError(`index must be a non-negative integer, got ${bad}`));
    for (const bad of [-1n, 2n ** 64n]) refuses(() => emulatorVideoFrame(layout, bad), new RangeError(`index must be a 64-bit unsigned integer, got ${bad}`));
    expect(emulatorVideoFrameIndex(emulatorVideoFrame(layout, 2n ** 64n - 1n))).toBe(2n ** 64n - 1n);
    refuses(() => emulatorVideoFrameIndex('frame' as never), new TypeError('frame must be a Buffer or Uint8Array'));
    refuses(() => emulatorVideoFrameIndex(Buffer.alloc(7)), new RangeError('frame must hold at least the 8-byte index stamp, got 7 bytes'));
  });

  it('a virtual device definition: an object, a non-empty name, categories and a pins array', () => {
    const before = listDevices().length;
    refuses(() => defineVirtualDevice(null as never), new TypeError('definition must be an object'));
    refuses(() => defineVirtualDevice({ name: 5, categories: ['AUDIO'], pins: [] } as never), new TypeError('definition.name must be a non-empty string'));
    for (const categories of [[], 'AUDIO', undefined]) {
      refuses(
        () => defineVirtualDevice({ name: 'x', categories, pins: [] } as never),
        new TypeError('definition.categories must be a non-empty array of KSCATEGORY names or GUIDs'),
      );
    }
    refuses(() => defineVirtualDevice({ name: 'x', categories: ['AUDIO'], pins: {} } as never), new TypeError('definition.pins must be an array'));
    expect(listDevices().length).toBe(before);
    refuses(() => setEmulatedDevicePresent(5 as never, false), new TypeError('path must be a string'));
  });

  it('a property handler answers with a Buffer, a raw reply object or nothing; reply.data a Buffer (else the request fails and the handler\'s error is kept)', () => {
    const SET = '{5A5A5A5A-2222-3333-4444-555555555555}';
    let answer: unknown;
    const device = defineVirtualDevice({ name: 'Refusing Handler', categories: ['AUDIO'], pins: [], properties: [{ set: SET, id: 1, onGet: () => answer as never }] });
    try {
      const filter = keep(openFilter(device.path, { backend: 'emulator' }));
      const expected: Error[] = [];
      for (const bad of [5, 'bytes', null]) {
        answer = bad;
        expectKsError(() => filter.getProperty(SET, 1, { size: 4 }), 'STATUS_UNSUCCESSFUL');
        expected.push(new TypeError('a property handler must return a Buffer, a raw reply object or nothing'));
      }
      answer = { data: 'abcd' };
      expectKsError(() => filter.getProperty(SET, 1, { size: 4 }), 'STATUS_UNSUCCESSFUL');
      expected.push(new TypeError('reply.data must be a Buffer'));
      expect(device.handlerErrors.map((e) => [(e as Error).constructor, (e as Error).message])).toEqual(expected.map((e) => [TypeError, e.message]));
      answer = { data: Buffer.from([1, 2, 3, 4]) };
      expect([...filter.getProperty(SET, 1, { size: 4 })]).toEqual([1, 2, 3, 4]);
      expect(device.handlerErrors).toHaveLength(4);
    } finally {
      for (const f of filters.splice(0)) f.close();
      device.remove();
    }
  });
});
