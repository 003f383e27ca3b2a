// KSPROPSETID_Pin properties through KSP_PIN beyond the basic ones:
// GLOBALCINSTANCES, NECESSARYINSTANCES, INTERFACES, MEDIUMS,
// PHYSICALCONNECTION, CONSTRAINEDDATARANGES, DATAINTERSECTION, PROPOSEDATAFORMAT.
import { afterEach, describe, expect, it } from 'vitest';
import {
  KSDATAFORMAT,
  KSINTERFACESETID_Standard,
  KSMEDIUMSETID_Standard,
  decodeAllocatorFramingEx,
  listDevices,
  openFilter,
  openHandleCount,
  parseIdentifiers,
  parsePhysicalConnection,
  pcmFormat,
  videoFormat,
} from '../lib/index';
import { emulatedCapturePath, expectKsError, openCapture, stereo48k } from './helpers';
import { BRIDGE_PIN, RENDER_PIN, openCamera, openRender } from './emulated-devices';
import { throughBridge } from './test-backend';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

/** A KSDATARANGE_AUDIO (88 bytes) for PCM with the given limits. */
function audioRange(maxChannels: number, minBits: number, maxBits: number, minRate: number, maxRate: number): Buffer {
  const b = Buffer.alloc(88);
  b.writeUInt32LE(88, 0);
  const guid = (offset: number, g: string) => {
    const m = /^\{(\w{8})-(\w{4})-(\w{4})-(\w{4})-(\w{12})\}$/.exec(g)!;
    b.writeUInt32LE(parseInt(m[1], 16), offset);
    b.writeUInt16LE(parseInt(m[2], 16), offset + 4);
    b.writeUInt16LE(parseInt(m[3], 16), offset + 6);
    Buffer.from(m[4] + m[5], 'hex').copy(b, offset + 8);
  };
  guid(16, KSDATAFORMAT.TYPE_AUDIO);
  guid(32, KSDATAFORMAT.SUBTYPE_PCM);
  guid(48, KSDATAFORMAT.SPECIFIER_WAVEFORMATEX);
  [maxChannels, minBits, maxBits, minRate, maxRate].forEach((v, i) => b.writeUInt32LE(v, 64 + i * 4));
  return b;
}

describe('pin factory properties', () => {
  it('reports the standard streaming interface and medium, instance counts and constrained ranges', () => {
    using filter = openRender();
    const render = filter.pinInfo(RENDER_PIN);
    expect(render.interfaces).toEqual([{ set: KSINTERFACESETID_Standard, id: 0, flags: 0 }]);
    expect(render.mediums).toEqual([{ set: KSMEDIUMSETID_Standard, id: 0, flags: 0 }]);
    expect(render.globalInstances).toEqual({ possible: 2, current: 0 });
    expect(render.necessaryInstances).toBe(0);
    expect(render.physicalConnection).toBeNull();
    expect(render.constrainedDataRanges!.map((r) => r.raw)).toEqual(render.dataRanges.map((r) => r.raw));
  });

  it('reports the bridge pin\'s physical connection to the capture device (kernel link and user path)', () => {
    using filter = openRender();
    const bridge = filter.pinInfo(BRIDGE_PIN);
    expect(bridge.communication).toBe('bridge');
    if (throughBridge()) {
      // The bridge names the capture device by its own interface (the AUDIO one, as the emulator's link does).
      const capture = listDevices({ backend: 'windows' }).filter((d) => d.friendlyName === 'KS Emulator Audio Capture');
      const audio = capture.find((d) => d.path.includes('{6994ad04-93ef-11d0-a3cc-00a0c9223196}'))!;
      expect(bridge.physicalConnection).toEqual({ pinId: 0, symbolicLink: '\\??\\' + audio.path.slice(4), path: audio.path });
    } else {
      expect(bridge.physicalConnection).toEqual({
        pinId: 0,
        symbolicLink: '\\??\\ROOT#KSEMULATOR#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\capture',
        path: emulatedCapturePath(),
      });
    }
    using other = openFilter(bridge.physicalConnection!.path);
    expect(other.pinCount()).toBe(2);
  });

  it('reports no physical connection (STATUS_NOT_FOUND) as null', () => {
    using filter = openCapture();
    expect(filter.pinInfo(0).physicalConnection).toBeNull();
    expect(filter.pinInfo(0).necessaryInstances).toBe(0);
  });

  it('counts GLOBALCINSTANCES across every open filter of the device and enforces its limit', () => {
    using a = openRender();
    using b = openRender();
    using c = openRender();
    a.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    b.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    expect(c.pinInfo(RENDER_PIN).globalInstances).toEqual({ possible: 2, current: 2 });
    expect(c.pinInfo(RENDER_PIN).instances).toEqual({ possible: 1, current: 0 });
    expectKsError(() => c.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() }), 'STATUS_DEVICE_BUSY');
    a.close();
    expect(c.pinInfo(RENDER_PIN).globalInstances!.current).toBe(1);
  });

  it('reports the camera\'s necessary instance and its constrained (720p) ranges', () => {
    using filter = openCamera();
    const pin = filter.pinInfo(0);
    expect(pin.necessaryInstances).toBe(1);
    expect(pin.dataRanges).toHaveLength(4);
    expect(pin.constrainedDataRanges!.map((r) => r.video!.videoInfoHeader.bitmap.height)).toEqual([720, 720]);
  });
});

describe('intersect() (KSPROPERTY_PIN_DATAINTERSECTION)', () => {
  it('picks the richest format of the pin\'s own ranges by default', () => {
    using filter = openRender();
    const format = filter.intersect(RENDER_PIN);
    expect(format.wave).toMatchObject({ formatTag: 1, channels: 2, sampleRate: 48000, bitsPerSample: 24, blockAlign: 6, avgBytesPerSec: 288000 });
    // The answer is a format the pin accepts.
    const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: format });
    expect(pin.currentDataFormat().wave!.bitsPerSample).toBe(24);
  });

  it('meets a narrower client range inside its limits', () => {
    using filter = openRender();
    const format = filter.intersect(RENDER_PIN, [audioRange(1, 16, 16, 44100, 44100)]);
    expect(format.wave).toMatchObject({ channels: 1, sampleRate: 44100, bitsPerSample: 16 });
  });

  it('takes the first client range it can meet, in the client\'s order', () => {
    using filter = openRender();
    const format = filter.intersect(RENDER_PIN, [audioRange(2, 8, 8, 8000, 8000), audioRange(2, 16, 16, 48000, 48000)]);
    expect(format.wave).toMatchObject({ bitsPerSample: 16, sampleRate: 48000 });
  });

  it('answers STATUS_NO_MATCH when no range meets', () => {
    using filter = openRender();
    expectKsError(() => filter.intersect(RENDER_PIN, [audioRange(2, 16, 16, 8000, 8000)]), 'STATUS_NO_MATCH');
    using camera = openCamera();
    expectKsError(() => filter.intersect(RENDER_PIN, [camera.pinInfo(0).dataRanges[0]]), 'STATUS_NO_MATCH');
  });

  it('gives the camera\'s KS_VIDEOINFOHEADER format for a video range', () => {
    using filter = openCamera();
    const nv12 = filter.pinInfo(0).dataRanges[2];
    const format = filter.intersect(0, [nv12]);
    expect(format.subFormat).toBe(KSDATAFORMAT.SUBTYPE_NV12);
    expect(format.video!.bitmap).toMatchObject({ width: 640, height: 480, bitCount: 12, sizeImage: 460800 });
    expect(format.sampleSize).toBe(460800);
  });

  it('refuses bad ranges in TypeScript and a pin id past CTYPES in the driver', () => {
    using filter = openRender();
    expect(() => filter.intersect(RENDER_PIN, [Buffer.alloc(10)])).toThrow(RangeError);
    expect(() => filter.intersect(RENDER_PIN, [42 as never])).toThrow(TypeError);
    expectKsError(() => filter.intersect(5), 'STATUS_INVALID_PARAMETER');
  });
});

describe('proposeDataFormat() (KSPROPERTY_PIN_PROPOSEDATAFORMAT)', () => {
  it('says whether the render pin accepts a PCM format', () => {
    using filter = openRender();
    expect(filter.proposeDataFormat(RENDER_PIN, stereo48k())).toBe(true);
    expect(filter.proposeDataFormat(RENDER_PIN, pcmFormat({ channels: 6, sampleRate: 48000, bitsPerSample: 16 }))).toBe(false);
    expect(filter.proposeDataFormat(RENDER_PIN, pcmFormat({ channels: 2, sampleRate: 8000, bitsPerSample: 16 }))).toBe(false);
  });

  it('says whether the camera accepts a video format (frame size, subtype and frame rate)', () => {
    using filter = openCamera();
    const yuy2 = KSDATAFORMAT.SUBTYPE_YUY2;
    expect(filter.proposeDataFormat(0, videoFormat({ width: 1280, height: 720, subtype: yuy2, fps: 30 }))).toBe(true);
    expect(filter.proposeDataFormat(0, videoFormat({ width: 800, height: 600, subtype: yuy2, fps: 30 }))).toBe(false);
    expect(filter.proposeDataFormat(0, videoFormat({ width: 1280, height: 720, subtype: yuy2, fps: 15 }))).toBe(false);
    expect(filter.proposeDataFormat(0, videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_RGB24, fps: 30 }))).toBe(false);
  });

  it('refuses a non-object format with a TypeError', () => {
    using filter = openRender();
    expect(() => filter.proposeDataFormat(RENDER_PIN, null as never)).toThrow(TypeError);
  });
});

describe('pin property replies as untrusted input', () => {
  it('refuses an INTERFACES reply shorter than its head, or with a Count past Size', () => {
    expectKsError(() => parseIdentifiers(Buffer.alloc(4)), 'ERR_MALFORMED_REPLY');
    const reply = Buffer.alloc(32);
    reply.writeUInt32LE(32, 0);
    reply.writeUInt32LE(2, 4); // two KSIDENTIFIERs need 56 bytes
    expectKsError(() => parseIdentifiers(reply), 'ERR_MALFORMED_REPLY');
  });

  it('refuses a KSPIN_PHYSICALCONNECTION whose Size runs past the buffer', () => {
    const reply = Buffer.alloc(12);
    reply.writeUInt32LE(64, 0);
    expectKsError(() => parsePhysicalConnection(reply), 'ERR_MALFORMED_REPLY');
    expectKsError(() => parsePhysicalConnection(Buffer.alloc(7)), 'ERR_MALFORMED_REPLY');
  });

  it('reads a physical connection link without its NUL and never past Size', () => {
    const link = Buffer.from('\\??\\X\0garbage', 'utf16le');
    const reply = Buffer.concat([Buffer.alloc(8), link]);
    reply.writeUInt32LE(8 + 12, 0); // Size covers "\??\X" + NUL only
    reply.writeUInt32LE(3, 4);
    expect(parsePhysicalConnection(reply)).toEqual({ pinId: 3, symbolicLink: '\\??\\X', path: '\\\\?\\X' });
  });

  it('refuses a KSALLOCATOR_FRAMING_EX whose CountItems needs more bytes than it has', () => {
    const reply = Buffer.alloc(112);
    reply.writeUInt32LE(2, 0);
    expectKsError(() => decodeAllocatorFramingEx(reply), 'ERR_MALFORMED_REPLY');
    expectKsError(() => decodeAllocatorFramingEx(Buffer.alloc(20)), 'ERR_MALFORMED_REPLY');
  });
});
