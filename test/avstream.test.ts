// The emulated camera (usbvideo.sys) and USB-audio microphone (usbaudio.sys)
// behave as AVStream pins do, and the library works on them:
// - stream headers of the pin's StreamHeaderSize (KSSTREAM_HEADER + KS_FRAME_INFO,
//   128 bytes, on video), a buffer of any other size refused as KsProbeStreamIrp
//   refuses it (STATUS_INVALID_BUFFER_SIZE, ReactOS ks/irp.c);
// - KSPROPERTY_STREAMINTERFACE_HEADERSIZE where answered, else the documented size;
// - ALLOCATORFRAMING_EX only (the legacy property is absent), and frames()
//   takes its defaults from it, keeping no more reads in flight than its Frames;
// - KS_FRAME_INFO's PictureNumber, DropCount and flags on video frames;
// - PresentationTime Numerator/Denominator 1/1 on every packet sent.
// The portcls WaveCyclic models keep answering the legacy framing.
import { afterEach, describe, expect, it } from 'vitest';
import {
  IOCTL_KS,
  KSDATAFORMAT,
  KSPROPERTY_EMULATOR,
  KSPROPSETID,
  KS_VIDEO_FLAG,
  KsError,
  type KsFilter,
  type KsPin,
  listDevices,
  openFilter,
  openHandleCount,
  pcmFormat,
  setEmulatorPacing, setEmulatorCaptureSignal,
  videoFormat,
} from '../lib/index';
import { openCamera, openRender, RENDER_PIN } from './emulated-devices';
import { expectKsError, expectStatus, openCapture } from './helpers';

const filters: KsFilter[] = [];

afterEach(() => {
  for (const filter of filters.splice(0)) filter.close();
  expect(openHandleCount()).toBe(0);
});

function track(filter: KsFilter): KsFilter {
  filters.push(filter);
  return filter;
}

const camera = () => track(openCamera());
const usbAudio = () => {
  const device = listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator USB PnP Sound Device');
  if (!device) throw new Error('the emulated USB audio device is missing');
  return track(openFilter(device.path, { backend: 'emulator' }));
};

const vga = () => videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 });
const stereo48k = () => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

/** A buffer of `count` stream headers of `size` bytes each: Size @0, DataUsed @36, OptionsFlags @48. */
function headers(size: number, count: number, fill: { headerSize?: number; dataUsed?: number; optionsFlags?: number } = {}): Buffer {
  const b = Buffer.alloc(size * count);
  for (let i = 0; i < count; i++) {
    b.writeUInt32LE(fill.headerSize ?? size, i * size);
    b.writeUInt32LE(fill.dataUsed ?? 0, i * size + 36);
    b.writeUInt32LE(fill.optionsFlags ?? 0, i * size + 48);
  }
  return b;
}

/** Sends a raw READ_STREAM and expects the status `code` names (its Win32 code where statuses come back as Win32). */
async function expectRead(pin: KsPin, buffer: Buffer, code: string): Promise<void> {
  const [kind, value] = await pin.ioctlAsync(IOCTL_KS.READ_STREAM, null, buffer, { allowStreamPointers: true });
  expectStatus(kind, value, code);
}

/** EmulatorStreamHeaders: headers the pin was sent, and how many of them had a 0 Numerator or Denominator. */
function headersSeen(pin: KsPin): { headers: number; unscaled: number } {
  const b = pin.getProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.STREAM_HEADERS, { size: 16 });
  return { headers: Number(b.readBigUInt64LE(0)), unscaled: Number(b.readBigUInt64LE(8)) };
}

describe('the emulated camera (usbvideo.sys, AVStream)', () => {
  it('answers HEADERSIZE with 128 (KSSTREAM_HEADER 56 + KS_FRAME_INFO 72), and the library uses it', () => {
    const pin = camera().createPin({ pinId: 0, dataFormat: vga() });
    expect(pin.getProperty(KSPROPSETID.StreamInterface, 0, { size: 4 }).readUInt32LE(0)).toBe(128);
    expect(pin.streamHeaderSize()).toBe(128);
  });

  it('refuses a READ_STREAM of 56-byte headers, or of a buffer that is not a multiple of 128, with STATUS_INVALID_BUFFER_SIZE', async () => {
    const pin = camera().createPin({ pinId: 0, dataFormat: vga() });
    pin.setState('run');
    await expectRead(pin, headers(56, 1), 'STATUS_INVALID_BUFFER_SIZE');
    await expectRead(pin, headers(56, 4), 'STATUS_INVALID_BUFFER_SIZE'); // 224 bytes: not a multiple of 128
    await expectRead(pin, Buffer.concat([headers(128, 1), Buffer.alloc(56)]), 'STATUS_INVALID_BUFFER_SIZE');
    await expectRead(pin, headers(128, 1, { headerSize: 120 }), 'STATUS_INVALID_BUFFER_SIZE');
    // A read carries no data and no flags in (KsProbeStreamIrp).
    await expectRead(pin, headers(128, 1, { dataUsed: 4 }), 'STATUS_INVALID_BUFFER_SIZE');
    await expectRead(pin, headers(128, 1, { optionsFlags: 0x4 }), 'STATUS_INVALID_PARAMETER');
    pin.setState('stop');
  });

  it('answers ALLOCATORFRAMING_EX only; frames() takes 4 packets of the picture size from it', async () => {
    const pin = camera().createPin({ pinId: 0, dataFormat: vga() });
    const legacy = expectKsError(() => pin.allocatorFraming(), 'STATUS_NOT_FOUND');
    expect(legacy.win32).toBe(1168);
    const framing = pin.captureFraming();
    expect(framing).toEqual({ source: 'framing-ex', frames: 4, frameSize: 1280 * 720 * 2, alignment: 8 });
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.frames();
    expect(stream.packets).toBe(4);
    expect(stream.headerSize).toBe(128);
    let count = 0;
    for await (const frame of stream) {
      expect(stream.inFlight).toBeLessThanOrEqual(4);
      expect(frame.dataUsed).toBe(640 * 480 * 2);
      if (++count === 10) break;
    }
  });

  it('fills KS_FRAME_INFO: PictureNumber counts pictures from RUN, DropCount 0 when no picture is missed, flags of a whole uncompressed frame', async () => {
    const pin = camera().createPin({ pinId: 0, dataFormat: vga() });
    setEmulatorPacing(pin, 'unthrottled');
    let count = 0;
    for await (const frame of pin.frames({ packets: 3 })) {
      expect(frame.pictureNumber).toBe(count);
      expect(frame.dropCount).toBe(0);
      expect(frame.frameFlags).toBe(KS_VIDEO_FLAG.FRAME | KS_VIDEO_FLAG.I_FRAME);
      // docs/emulator.md: the first 8 bytes of every row are the picture's number, little-endian.
      expect(Buffer.from(frame.data.subarray(0, 8)).readBigUInt64LE(0)).toBe(BigInt(count));
      expect(frame.presentationTime).toBe(count * 333333);
      if (++count === 20) break;
    }
  });

  it('drops pictures that fall due while no buffer is queued, and says so in PictureNumber and DropCount', async () => {
    const pin = camera().createPin({ pinId: 0, dataFormat: vga() });
    // Real-time pacing (30 fps) with two buffers: holding both for 400 ms leaves the camera without one.
    const stream = pin.frames({ packets: 2 });
    const held = [];
    for (let i = 0; i < 2; i++) {
      const next = await stream.next();
      held.push(next.value!.hold());
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Every delivered picture is either delivered or counted dropped (a loaded machine may drop some early too).
    // Read before release: a released frame's object is the slot's, refilled when the slot comes back.
    for (const frame of held) expect(frame.pictureNumber! - frame.dropCount!).toBe(frame.index);
    const before = held[1].dropCount!;
    let lastPicture = held[1].pictureNumber!;
    for (const frame of held) frame.release();
    let dropped = 0;
    for (let i = 0; i < 4; i++) {
      const frame = (await stream.next()).value!;
      expect(frame.pictureNumber! - frame.dropCount!).toBe(frame.index);
      expect(frame.pictureNumber!).toBeGreaterThan(lastPicture);
      expect(Buffer.from(frame.data.subarray(0, 8)).readBigUInt64LE(0)).toBe(BigInt(frame.pictureNumber!));
      expect(frame.presentationTime).toBe(frame.pictureNumber! * 333333);
      dropped = frame.dropCount! - before;
      lastPicture = frame.pictureNumber!;
    }
    // 400 ms at 33.3 ms a picture: about 10 missed; at least a few on any machine.
    expect(dropped).toBeGreaterThanOrEqual(3);
    stream.close();
  });

  it('gets every packet with PresentationTime 1/1 from frames()', async () => {
    const pin = camera().createPin({ pinId: 0, dataFormat: vga() });
    setEmulatorPacing(pin, 'unthrottled');
    let count = 0;
    for await (const frame of pin.frames({ packets: 3 })) {
      void frame;
      if (++count === 12) break;
    }
    const seen = headersSeen(pin);
    expect(seen.headers).toBeGreaterThanOrEqual(12);
    expect(seen.unscaled).toBe(0);
    // The diagnostic can fail: a header sent 0/0 is counted.
    pin.setState('run');
    await pin.ioctlAsync(IOCTL_KS.READ_STREAM, null, headers(128, 1), { allowStreamPointers: true });
    pin.setState('stop');
    expect(headersSeen(pin).unscaled).toBe(1);
  });
});

describe('the emulated USB Audio 1.0 microphone (usbaudio.sys, AVStream)', () => {
  it('answers ALLOCATORFRAMING_EX only, and no HEADERSIZE: frames() uses _EX and 56-byte headers', async () => {
    const pin = usbAudio().createPin({ pinId: 0, dataFormat: stereo48k() });
    expectKsError(() => pin.allocatorFraming(), 'STATUS_NOT_FOUND');
    expectKsError(() => pin.getProperty(KSPROPSETID.StreamInterface, 0, { size: 4 }), 'STATUS_PROPSET_NOT_FOUND');
    expect(pin.streamHeaderSize()).toBe(56);
    expect(pin.captureFraming()).toEqual({ source: 'framing-ex', frames: 8, frameSize: 1920, alignment: 4 }); // FILE_LONG_ALIGNMENT
    setEmulatorPacing(pin, 'unthrottled');
    setEmulatorCaptureSignal(pin, 'tone'); // the test checks the tone's samples
    const stream = pin.frames();
    expect([stream.packets, stream.frameSize, stream.headerSize]).toEqual([8, 1920, 56]); // alignment: at least 8
    // The tone: a 1 kHz sine at half full scale (docs/emulator.md), 480 sample frames a packet.
    const amplitude = 2 * Math.floor((2 ** 15 - 1) / 4); // 16382 (docs/emulator.md: an even amplitude, so ±½ never ties)
    let position = 0;
    for await (const frame of stream) {
      expect(frame.dataUsed).toBe(1920);
      expect(frame.pictureNumber).toBeUndefined();
      for (let n = 0; n < 480; n++) {
        const expected = Math.round(Math.sin((2 * Math.PI * (((position + n) * 1000) % 48000)) / 48000) * amplitude);
        const view = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.dataUsed);
        if (view.readInt16LE(n * 4) !== expected || view.readInt16LE(n * 4 + 2) !== expected) {
          throw new Error(`sample frame ${position + n}: ${view.readInt16LE(n * 4)}, expected ${expected}`);
        }
      }
      position += 480;
      if (position === 480 * 10) break;
    }
    expect(headersSeen(pin).unscaled).toBe(0);
  });

  it('refuses 128-byte headers (its StreamHeaderSize is the default 56) with STATUS_INVALID_BUFFER_SIZE', async () => {
    const pin = usbAudio().createPin({ pinId: 0, dataFormat: stereo48k() });
    pin.setState('run');
    await expectRead(pin, headers(128, 1), 'STATUS_INVALID_BUFFER_SIZE');
    pin.setState('stop');
  });

  it('offers its discrete sample rates only', () => {
    const filter = usbAudio();
    expect(() => filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 32000, bitsPerSample: 16 }) })).toThrow(KsError);
    filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 }) }).close();
  });
});

describe('the portcls WaveCyclic models', () => {
  it('answer the legacy ALLOCATORFRAMING; frames() uses _EX where a pin also answers it, else the legacy one', () => {
    const capture = track(openCapture()).createPin({ pinId: 0, dataFormat: stereo48k() });
    expect(capture.allocatorFraming().frames).toBe(8);
    expect(capture.captureFraming()).toEqual({ source: 'framing', frames: 8, frameSize: 1920, alignment: 4 });
    expect(capture.streamHeaderSize()).toBe(56);
    const render = track(openRender()).createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    expect(render.allocatorFraming().frames).toBe(8);
    expect(render.captureFraming()).toMatchObject({ source: 'framing-ex', frames: 8, frameSize: 3840 });
  });

  it('frames() on the WaveCyclic capture pin sends 1/1 time scales too', async () => {
    const pin = track(openCapture()).createPin({ pinId: 0, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    let count = 0;
    for await (const frame of pin.frames()) {
      void frame;
      if (++count === 10) break;
    }
    expect(headersSeen(pin)).toMatchObject({ unscaled: 0 });
    expect(headersSeen(pin).headers).toBeGreaterThanOrEqual(10);
  });
});
