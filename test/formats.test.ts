// Format codecs: KSDATAFORMAT + KS_VIDEOINFOHEADER built exactly, the video
// ranges and VIDEOINFOHEADER2 decoded, WAVEFORMATEXTENSIBLE both ways, and
// the KSMULTIPLE_ITEM of data ranges parsed as untrusted input.
import { afterEach, describe, expect, it } from 'vitest';
import {
  KSDATAFORMAT,
  SPEAKER,
  WAVE_FORMAT_EXTENSIBLE,
  decodeDataFormat,
  decodeVideoRange,
  decodeWaveFormatExtensible,
  encodeDataFormat,
  extensibleFormat,
  guidToBuffer,
  openHandleCount,
  parseDataRanges,
  videoFormat,
} from '../lib/index';
import { expectKsError, openCapture } from './helpers';
import { openCamera } from './emulated-devices';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

/** A KSDATAFORMAT/KSDATARANGE head. */
function head(formatSize: number, major: string, sub: string, specifier: string, sampleSize = 0): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(formatSize, 0);
  b.writeUInt32LE(sampleSize, 8);
  guidToBuffer(major).copy(b, 16);
  guidToBuffer(sub).copy(b, 32);
  guidToBuffer(specifier).copy(b, 48);
  return b;
}

/** KSMULTIPLE_ITEM { Size, Count } followed by `body`. */
function multiple(size: number, count: number, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(size, 0);
  h.writeUInt32LE(count, 4);
  return Buffer.concat([h, body]);
}

describe('videoFormat()', () => {
  it('builds KSDATAFORMAT + KS_VIDEOINFOHEADER for 640×480 YUY2 at 30 fps byte for byte', () => {
    const expected = Buffer.alloc(152);
    head(152, KSDATAFORMAT.TYPE_VIDEO, KSDATAFORMAT.SUBTYPE_YUY2, KSDATAFORMAT.SPECIFIER_VIDEOINFO, 614400).copy(expected, 0);
    const v = 64; // KS_VIDEOINFOHEADER: rcSource, rcTarget stay 0
    expected.writeUInt32LE(614400 * 8 * 30, v + 32); // dwBitRate
    expected.writeBigInt64LE(333333n, v + 40); // AvgTimePerFrame
    expected.writeUInt32LE(40, v + 48); // biSize
    expected.writeInt32LE(640, v + 52);
    expected.writeInt32LE(480, v + 56);
    expected.writeUInt16LE(1, v + 60); // biPlanes
    expected.writeUInt16LE(16, v + 62); // biBitCount
    expected.write('YUY2', v + 64, 'latin1'); // biCompression FOURCC
    expected.writeUInt32LE(614400, v + 68); // biSizeImage
    expect(encodeDataFormat(videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 }))).toEqual(expected);
  });

  it('matches the KS_VIDEOINFOHEADER of the emulated camera\'s range for the same numbers', () => {
    using filter = openCamera();
    const [range] = filter.pinInfo(0).dataRanges;
    const built = encodeDataFormat(videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 }));
    expect(built.subarray(64)).toEqual(range.raw.subarray(208, 296));
  });

  it('sizes NV12 at 12 bits per pixel and pads RGB24 rows to 4 bytes', () => {
    const nv12 = videoFormat({ width: 1280, height: 720, subtype: KSDATAFORMAT.SUBTYPE_NV12, fps: 30 });
    expect(nv12.video!.bitmap).toMatchObject({ bitCount: 12, compression: 0x3231564e, sizeImage: 1382400 });
    const rgb = videoFormat({ width: 3, height: 2, subtype: KSDATAFORMAT.SUBTYPE_RGB24, fps: 25 });
    expect(rgb.video!.bitmap).toMatchObject({ bitCount: 24, compression: 0, sizeImage: 24 });
    expect(rgb.video!.avgTimePerFrame).toBe(400000n);
  });

  it('refuses bad dimensions, subtypes and rates, naming the field', () => {
    const yuy2 = KSDATAFORMAT.SUBTYPE_YUY2;
    expect(() => videoFormat({ width: 641, height: 480, subtype: yuy2, fps: 30 })).toThrow(/video\.width must be even/);
    expect(() => videoFormat({ width: 640, height: 481, subtype: KSDATAFORMAT.SUBTYPE_NV12, fps: 30 })).toThrow(/video\.height must be even/);
    expect(() => videoFormat({ width: 0, height: 480, subtype: yuy2, fps: 30 })).toThrow(RangeError);
    expect(() => videoFormat({ width: '640' as never, height: 480, subtype: yuy2, fps: 30 })).toThrow(TypeError);
    expect(() => videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_PCM, fps: 30 })).toThrow(/video\.subtype/);
    expect(() => videoFormat({ width: 640, height: 480, subtype: yuy2, fps: 0 })).toThrow(/video\.fps/);
  });

  it('round-trips through decodeDataFormat and opens a camera pin', () => {
    const format = videoFormat({ width: 1280, height: 720, subtype: KSDATAFORMAT.SUBTYPE_NV12, fps: 30 });
    expect(decodeDataFormat(encodeDataFormat(format)).video).toEqual(format.video);
    using filter = openCamera();
    const pin = filter.createPin({ pinId: 0, dataFormat: format });
    expect(pin.currentDataFormat().video!.bitmap.width).toBe(1280);
  });
});

describe('video ranges', () => {
  it('decodes the camera\'s KS_DATARANGE_VIDEO ranges (ConfigCaps and KS_VIDEOINFOHEADER)', () => {
    using filter = openCamera();
    const ranges = filter.pinInfo(0).dataRanges;
    expect(ranges.map((r) => [r.subFormat, r.video!.videoInfoHeader.bitmap.width, r.video!.videoInfoHeader.bitmap.height])).toEqual([
      [KSDATAFORMAT.SUBTYPE_YUY2, 640, 480],
      [KSDATAFORMAT.SUBTYPE_YUY2, 1280, 720],
      [KSDATAFORMAT.SUBTYPE_NV12, 640, 480],
      [KSDATAFORMAT.SUBTYPE_NV12, 1280, 720],
    ]);
    expect(ranges[1].formatSize).toBe(296);
    expect(ranges[1].video).toMatchObject({
      fixedSizeSamples: true,
      temporalCompression: false,
      configCaps: { guid: KSDATAFORMAT.SPECIFIER_VIDEOINFO, inputSize: { cx: 1280, cy: 720 }, minFrameInterval: 333333n, maxFrameInterval: 333333n },
    });
  });

  it('decodes a KS_DATARANGE_VIDEO2 with its KS_VIDEOINFOHEADER2', () => {
    const raw = Buffer.alloc(320);
    head(320, KSDATAFORMAT.TYPE_VIDEO, KSDATAFORMAT.SUBTYPE_NV12, KSDATAFORMAT.SPECIFIER_VIDEOINFO2).copy(raw, 0);
    raw.writeBigInt64LE(166666n, 80 + 104); // ConfigCaps.MinFrameInterval
    const v = 208;
    raw.writeBigInt64LE(166666n, v + 40); // AvgTimePerFrame
    raw.writeUInt32LE(16, v + 56); // dwPictAspectRatioX
    raw.writeUInt32LE(9, v + 60); // dwPictAspectRatioY
    raw.writeInt32LE(1920, v + 72 + 4); // bmiHeader.biWidth
    raw.writeInt32LE(1080, v + 72 + 8);
    const range = decodeVideoRange(raw)!;
    expect(range.configCaps.minFrameInterval).toBe(166666n);
    expect(range.videoInfoHeader).toMatchObject({ avgTimePerFrame: 166666n, pictAspectRatioX: 16, pictAspectRatioY: 9, bitmap: { width: 1920, height: 1080 } });
  });

  it('refuses a VIDEOINFO range shorter than KS_DATARANGE_VIDEO in a DATARANGES reply', () => {
    const short = head(200, KSDATAFORMAT.TYPE_VIDEO, KSDATAFORMAT.SUBTYPE_YUY2, KSDATAFORMAT.SPECIFIER_VIDEOINFO);
    const reply = multiple(208, 1, Buffer.concat([short, Buffer.alloc(136)]));
    expectKsError(() => parseDataRanges(reply), 'ERR_MALFORMED_REPLY');
  });

  it('keeps a range with an unknown specifier as raw bytes', () => {
    const unknown = Buffer.concat([head(72, KSDATAFORMAT.TYPE_VIDEO, KSDATAFORMAT.SUBTYPE_YUY2, '{11111111-2222-3333-4444-555555555555}'), Buffer.from('rawbytes')]);
    const [range] = parseDataRanges(multiple(80, 1, unknown));
    expect(range.video).toBeUndefined();
    expect(range.audio).toBeUndefined();
    expect(range.raw.subarray(64).toString()).toBe('rawbytes');
  });
});

describe('WAVEFORMATEXTENSIBLE', () => {
  it('encodes KSDATAFORMAT + WAVEFORMATEXTENSIBLE (104 bytes) exactly', () => {
    const format = extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, validBitsPerSample: 24 });
    const bytes = encodeDataFormat(format);
    expect(bytes.length).toBe(104);
    const w = bytes.subarray(64);
    expect(w.readUInt16LE(0)).toBe(WAVE_FORMAT_EXTENSIBLE);
    expect(w.readUInt16LE(2)).toBe(2);
    expect(w.readUInt32LE(4)).toBe(48000);
    expect(w.readUInt32LE(8)).toBe(384000);
    expect(w.readUInt16LE(12)).toBe(8);
    expect(w.readUInt16LE(14)).toBe(32);
    expect(w.readUInt16LE(16)).toBe(22); // cbSize
    expect(w.readUInt16LE(18)).toBe(24); // wValidBitsPerSample
    expect(w.readUInt32LE(20)).toBe(SPEAKER.FRONT_LEFT | SPEAKER.FRONT_RIGHT);
    expect(w.subarray(24)).toEqual(guidToBuffer(KSDATAFORMAT.SUBTYPE_PCM));
  });

  it('decodes it back from a KSDATAFORMAT reply', () => {
    const format = extensibleFormat({ channels: 6, sampleRate: 48000, bitsPerSample: 16, channelMask: 0x3f, subFormat: KSDATAFORMAT.SUBTYPE_IEEE_FLOAT });
    const decoded = decodeDataFormat(encodeDataFormat(format));
    expect(decoded.extensible).toEqual({
      formatTag: WAVE_FORMAT_EXTENSIBLE,
      channels: 6,
      sampleRate: 48000,
      avgBytesPerSec: 576000,
      blockAlign: 12,
      bitsPerSample: 16,
      extraSize: 22,
      validBitsPerSample: 16,
      channelMask: 0x3f,
      subFormat: KSDATAFORMAT.SUBTYPE_IEEE_FLOAT,
    });
  });

  it('opens a capture pin in an extensible PCM format', () => {
    using filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 24 }) });
    expect(pin.currentDataFormat().extensible).toMatchObject({ channels: 2, bitsPerSample: 24, validBitsPerSample: 24, channelMask: 3 });
  });

  it('refuses a short buffer or a WAVEFORMATEX that is not extensible', () => {
    expectKsError(() => decodeWaveFormatExtensible(Buffer.alloc(39)), 'ERR_MALFORMED_REPLY');
    const plain = Buffer.alloc(40);
    plain.writeUInt16LE(1, 0);
    expectKsError(() => decodeWaveFormatExtensible(plain), 'ERR_MALFORMED_REPLY');
  });

  it('checks its fields in TypeScript, naming them', () => {
    expect(() => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 20 })).toThrow(/extensible\.bitsPerSample/);
    expect(() => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16, validBitsPerSample: 24 })).toThrow(/extensible\.validBitsPerSample/);
    expect(() => extensibleFormat({ channels: 0, sampleRate: 48000, bitsPerSample: 16 })).toThrow(/extensible\.channels/);
  });
});

describe('DATARANGES replies as untrusted input', () => {
  const pcmRange = () => {
    const r = Buffer.concat([head(88, KSDATAFORMAT.TYPE_AUDIO, KSDATAFORMAT.SUBTYPE_PCM, KSDATAFORMAT.SPECIFIER_WAVEFORMATEX), Buffer.alloc(24)]);
    [2, 16, 16, 48000, 48000].forEach((v, i) => r.writeUInt32LE(v, 64 + i * 4));
    return r;
  };

  it('parses a well-formed list', () => {
    expect(parseDataRanges(multiple(96, 1, pcmRange()))[0].audio!.maximumChannels).toBe(2);
  });

  it('refuses a buffer shorter than the KSMULTIPLE_ITEM head', () => {
    expectKsError(() => parseDataRanges(Buffer.alloc(7)), 'ERR_MALFORMED_REPLY');
  });

  it('refuses a Count larger than Size could hold', () => {
    expectKsError(() => parseDataRanges(multiple(96, 2, pcmRange())), 'ERR_MALFORMED_REPLY');
  });

  it('refuses a Size past the buffer', () => {
    expectKsError(() => parseDataRanges(multiple(200, 1, pcmRange())), 'ERR_MALFORMED_REPLY');
  });

  it('refuses a range with FormatSize below 64', () => {
    const range = pcmRange();
    range.writeUInt32LE(60, 0);
    expectKsError(() => parseDataRanges(multiple(96, 1, range)), 'ERR_MALFORMED_REPLY');
  });

  it('refuses an item that is not on an 8-byte step (a range packed right after one of 84 bytes)', () => {
    const first = pcmRange().subarray(0, 84);
    first.writeUInt32LE(84, 0);
    const body = Buffer.concat([first, pcmRange()]); // the second starts at 92, not 96
    expectKsError(() => parseDataRanges(multiple(8 + body.length, 2, body)), 'ERR_MALFORMED_REPLY');
  });

  it('refuses a KSDATAFORMAT reply whose FormatSize is below 64', () => {
    const reply = head(48, KSDATAFORMAT.TYPE_AUDIO, KSDATAFORMAT.SUBTYPE_PCM, KSDATAFORMAT.SPECIFIER_NONE);
    expectKsError(() => decodeDataFormat(reply), 'ERR_MALFORMED_REPLY');
  });
});
