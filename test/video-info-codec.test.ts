// The video struct codecs (lib/formats/video-info.ts) against bytes laid out here, field by field at the offsets
// ksmedia.h gives them, every field a different value and the struct at an offset other than 0, so a field read from
// the wrong offset, with the wrong width, or not at all shows; and the length checks at their exact edges.
import { describe, expect, it } from 'vitest';
import {
  decodeBitmapInfoHeader,
  decodeVideoInfoHeader,
  decodeVideoInfoHeader2,
  decodeVideoRange,
  decodeVideoStreamConfigCaps,
  encodeVideoInfoHeader,
  guidToBuffer,
  KSDATAFORMAT,
  KsError,
  videoFormat,
} from '../lib/index';
import { expectKsError } from './helpers';

/** KS_BITMAPINFOHEADER (40 bytes) at `o`: biSize 40, 1920 × -1080 (a bottom-up RGB height), 1 plane, 32 bits, ... */
function layBitmap(b: Buffer, o: number): void {
  b.writeUInt32LE(40, o); // biSize
  b.writeInt32LE(1920, o + 4); // biWidth
  b.writeInt32LE(-1080, o + 8); // biHeight
  b.writeUInt16LE(1, o + 12); // biPlanes
  b.writeUInt16LE(32, o + 14); // biBitCount
  b.writeUInt32LE(0x32595559, o + 16); // biCompression 'YUY2'
  b.writeUInt32LE(8294400, o + 20); // biSizeImage
  b.writeInt32LE(-2835, o + 24); // biXPelsPerMeter
  b.writeInt32LE(3780, o + 28); // biYPelsPerMeter
  b.writeUInt32LE(256, o + 32); // biClrUsed
  b.writeUInt32LE(0xfffffff0, o + 36); // biClrImportant
}
const BITMAP = {
  size: 40,
  width: 1920,
  height: -1080,
  planes: 1,
  bitCount: 32,
  compression: 0x32595559,
  sizeImage: 8294400,
  xPelsPerMeter: -2835,
  yPelsPerMeter: 3780,
  clrUsed: 256,
  clrImportant: 0xfffffff0,
};

/** The 48 bytes KS_VIDEOINFOHEADER and KS_VIDEOINFOHEADER2 share, at `o`. */
function layVideoHead(b: Buffer, o: number): void {
  [-1, 2, 3, -4].forEach((v, i) => b.writeInt32LE(v, o + i * 4)); // rcSource left, top, right, bottom
  [5, -6, 7, 8].forEach((v, i) => b.writeInt32LE(v, o + 16 + i * 4)); // rcTarget
  b.writeUInt32LE(0x9abcdef0, o + 32); // dwBitRate
  b.writeUInt32LE(11, o + 36); // dwBitErrorRate
  b.writeBigInt64LE(0x0102030405n, o + 40); // AvgTimePerFrame
}
const VIDEO_HEAD = {
  source: { left: -1, top: 2, right: 3, bottom: -4 },
  target: { left: 5, top: -6, right: 7, bottom: 8 },
  bitRate: 0x9abcdef0,
  bitErrorRate: 11,
  avgTimePerFrame: 0x0102030405n,
};

/** KS_VIDEO_STREAM_CONFIG_CAPS (128 bytes) at `o`, every field its own value. */
function layConfigCaps(b: Buffer, o: number): void {
  guidToBuffer(KSDATAFORMAT.SPECIFIER_VIDEOINFO).copy(b, o); // guid
  b.writeUInt32LE(0x10, o + 16); // VideoStandard
  [640, 480, 16, 8, 1280, 720].forEach((v, i) => b.writeInt32LE(v, o + 20 + i * 4)); // InputSize, Min/MaxCroppingSize
  [2, 4, 6, 10].forEach((v, i) => b.writeInt32LE(v, o + 44 + i * 4)); // CropGranularityX/Y, CropAlignX/Y
  [160, 120, 1920, 1080].forEach((v, i) => b.writeInt32LE(v, o + 60 + i * 4)); // Min/MaxOutputSize
  [12, 14, 1, 3, 5, 7].forEach((v, i) => b.writeInt32LE(v, o + 76 + i * 4)); // OutputGranularityX/Y, Stretch/ShrinkTapsX/Y
  b.writeUInt32LE(0xdeadbeef, o + 100); // padding before the LONGLONGs: never read
  b.writeBigInt64LE(166666n, o + 104); // MinFrameInterval
  b.writeBigInt64LE(10000000n, o + 112); // MaxFrameInterval
  b.writeInt32LE(1000000, o + 120); // MinBitsPerSecond
  b.writeInt32LE(-5, o + 124); // MaxBitsPerSecond
}
const CONFIG_CAPS = {
  guid: KSDATAFORMAT.SPECIFIER_VIDEOINFO,
  videoStandard: 0x10,
  inputSize: { cx: 640, cy: 480 },
  minCroppingSize: { cx: 16, cy: 8 },
  maxCroppingSize: { cx: 1280, cy: 720 },
  cropGranularityX: 2,
  cropGranularityY: 4,
  cropAlignX: 6,
  cropAlignY: 10,
  minOutputSize: { cx: 160, cy: 120 },
  maxOutputSize: { cx: 1920, cy: 1080 },
  outputGranularityX: 12,
  outputGranularityY: 14,
  stretchTapsX: 1,
  stretchTapsY: 3,
  shrinkTapsX: 5,
  shrinkTapsY: 7,
  minFrameInterval: 166666n,
  maxFrameInterval: 10000000n,
  minBitsPerSecond: 1000000,
  maxBitsPerSecond: -5,
};

/** A KSDATARANGE head: FormatSize, Flags, SampleSize, Reserved, then the three GUIDs. */
function rangeHead(b: Buffer, formatSize: number, specifier: string): void {
  b.writeUInt32LE(formatSize, 0);
  guidToBuffer(KSDATAFORMAT.TYPE_VIDEO).copy(b, 16);
  guidToBuffer(KSDATAFORMAT.SUBTYPE_YUY2).copy(b, 32);
  guidToBuffer(specifier).copy(b, 48);
}

function failure(fn: () => unknown): KsError {
  return expectKsError(fn, 'ERR_MALFORMED_REPLY');
}

describe('KS_BITMAPINFOHEADER', () => {
  it('decodes each field from its offset, at an offset into the buffer', () => {
    const b = Buffer.alloc(7 + 40);
    layBitmap(b, 7);
    expect(decodeBitmapInfoHeader(b, 7)).toEqual(BITMAP);
  });

  it('refuses a buffer one byte short and a negative offset, naming the struct, the offset and the length', () => {
    const b = Buffer.alloc(40);
    layBitmap(b, 0);
    expect(decodeBitmapInfoHeader(b)).toEqual(BITMAP); // exactly 40 bytes is enough
    expect(failure(() => decodeBitmapInfoHeader(b, 1)).message).toBe('decode KS_BITMAPINFOHEADER: a KS_BITMAPINFOHEADER needs 40 bytes at 1, the buffer has 40');
    expect(failure(() => decodeBitmapInfoHeader(b.subarray(0, 39))).message).toBe('decode KS_BITMAPINFOHEADER: a KS_BITMAPINFOHEADER needs 40 bytes at 0, the buffer has 39');
    expect(failure(() => decodeBitmapInfoHeader(b, -1, 'read it')).message).toBe('read it: a KS_BITMAPINFOHEADER needs 40 bytes at -1, the buffer has 40');
  });
});

describe('KS_VIDEOINFOHEADER', () => {
  it('decodes rcSource, rcTarget, the rates, AvgTimePerFrame and bmiHeader at 48', () => {
    const b = Buffer.alloc(3 + 88);
    layVideoHead(b, 3);
    layBitmap(b, 3 + 48);
    expect(decodeVideoInfoHeader(b, 3)).toEqual({ ...VIDEO_HEAD, bitmap: BITMAP });
  });

  it('refuses 87 bytes with its own name, and passes the operation to the bitmap check', () => {
    expect(failure(() => decodeVideoInfoHeader(Buffer.alloc(87))).message).toBe('decode KS_VIDEOINFOHEADER: a KS_VIDEOINFOHEADER needs 88 bytes at 0, the buffer has 87');
    expect(failure(() => decodeVideoInfoHeader(Buffer.alloc(100), 13, 'op')).message).toBe('op: a KS_VIDEOINFOHEADER needs 88 bytes at 13, the buffer has 100');
    expect(decodeVideoInfoHeader(Buffer.alloc(88)).bitmap.size).toBe(0);
  });

  it('encodes the exact 88 bytes, signed fields and values above 2^31 included', () => {
    const expected = Buffer.alloc(88);
    layVideoHead(expected, 0);
    layBitmap(expected, 48);
    expect(encodeVideoInfoHeader({ ...VIDEO_HEAD, bitmap: BITMAP })).toEqual(expected);
  });
});

describe('KS_VIDEOINFOHEADER2', () => {
  it('decodes the four flags, the aspect ratio and bmiHeader at 72', () => {
    const o = 5;
    const b = Buffer.alloc(o + 112);
    layVideoHead(b, o);
    b.writeUInt32LE(0x81, o + 48); // dwInterlaceFlags
    b.writeUInt32LE(0x1, o + 52); // dwCopyProtectFlags
    b.writeUInt32LE(16, o + 56); // dwPictAspectRatioX
    b.writeUInt32LE(9, o + 60); // dwPictAspectRatioY
    b.writeUInt32LE(0x8000_0000, o + 64); // dwControlFlags
    b.writeUInt32LE(77, o + 68); // dwReserved2
    layBitmap(b, o + 72);
    expect(decodeVideoInfoHeader2(b, o)).toEqual({
      ...VIDEO_HEAD,
      interlaceFlags: 0x81,
      copyProtectFlags: 1,
      pictAspectRatioX: 16,
      pictAspectRatioY: 9,
      controlFlags: 0x8000_0000,
      reserved2: 77,
      bitmap: BITMAP,
    });
  });

  it('refuses 111 bytes', () => {
    expect(failure(() => decodeVideoInfoHeader2(Buffer.alloc(111))).message).toBe('decode KS_VIDEOINFOHEADER2: a KS_VIDEOINFOHEADER2 needs 112 bytes at 0, the buffer has 111');
    expect(decodeVideoInfoHeader2(Buffer.alloc(112)).reserved2).toBe(0);
  });
});

describe('KS_VIDEO_STREAM_CONFIG_CAPS', () => {
  it('decodes every field, skipping the 4 bytes of padding at 100', () => {
    const b = Buffer.alloc(9 + 128);
    layConfigCaps(b, 9);
    expect(decodeVideoStreamConfigCaps(b, 9)).toEqual(CONFIG_CAPS);
  });

  it('refuses 127 bytes', () => {
    expect(failure(() => decodeVideoStreamConfigCaps(Buffer.alloc(127))).message).toBe(
      'decode KS_VIDEO_STREAM_CONFIG_CAPS: a KS_VIDEO_STREAM_CONFIG_CAPS needs 128 bytes at 0, the buffer has 127',
    );
  });
});

describe('KS_DATARANGE_VIDEO and KS_DATARANGE_VIDEO2', () => {
  it('decodes the four DWORDs after the head, ConfigCaps at 80 and the KS_VIDEOINFOHEADER at 208', () => {
    const raw = Buffer.alloc(296);
    rangeHead(raw, 296, KSDATAFORMAT.SPECIFIER_VIDEOINFO);
    raw.writeUInt32LE(2, 64); // bFixedSizeSamples: any non-zero BOOL is TRUE
    raw.writeUInt32LE(0, 68); // bTemporalCompression
    raw.writeUInt32LE(0x0f, 72); // StreamDescriptionFlags
    raw.writeUInt32LE(0x20, 76); // MemoryAllocationFlags
    layConfigCaps(raw, 80);
    layVideoHead(raw, 208);
    layBitmap(raw, 208 + 48);
    expect(decodeVideoRange(raw)).toEqual({
      fixedSizeSamples: true,
      temporalCompression: false,
      streamDescriptionFlags: 0x0f,
      memoryAllocationFlags: 0x20,
      configCaps: CONFIG_CAPS,
      videoInfoHeader: { ...VIDEO_HEAD, bitmap: BITMAP },
    });
    raw.writeUInt32LE(0, 64);
    raw.writeUInt32LE(1, 68);
    expect(decodeVideoRange(raw)).toMatchObject({ fixedSizeSamples: false, temporalCompression: true });
  });

  it('decodes a KS_DATARANGE_VIDEO2 (320 bytes) with its KS_VIDEOINFOHEADER2 at 208', () => {
    const raw = Buffer.alloc(320);
    rangeHead(raw, 320, KSDATAFORMAT.SPECIFIER_VIDEOINFO2);
    layConfigCaps(raw, 80);
    layVideoHead(raw, 208);
    raw.writeUInt32LE(4, 208 + 56); // dwPictAspectRatioX
    raw.writeUInt32LE(3, 208 + 60);
    layBitmap(raw, 208 + 72);
    const range = decodeVideoRange(raw)!;
    expect(range.configCaps).toEqual(CONFIG_CAPS);
    expect(range.videoInfoHeader).toEqual({
      ...VIDEO_HEAD,
      interlaceFlags: 0,
      copyProtectFlags: 0,
      pictAspectRatioX: 4,
      pictAspectRatioY: 3,
      controlFlags: 0,
      reserved2: 0,
      bitmap: BITMAP,
    });
  });

  it('is undefined below the 64-byte head and for other specifiers; a short video range is refused by its size', () => {
    const head = Buffer.alloc(64);
    rangeHead(head, 64, KSDATAFORMAT.SPECIFIER_VIDEOINFO);
    expect(decodeVideoRange(head.subarray(0, 63))).toBeUndefined();
    expect(failure(() => decodeVideoRange(head)).message).toBe('decode video range: a KS_DATARANGE_VIDEO needs 296 bytes, got 64');
    const one = Buffer.alloc(295);
    rangeHead(one, 295, KSDATAFORMAT.SPECIFIER_VIDEOINFO);
    expect(failure(() => decodeVideoRange(one, 'read ranges')).message).toBe('read ranges: a KS_DATARANGE_VIDEO needs 296 bytes, got 295');
    const two = Buffer.alloc(319);
    rangeHead(two, 319, KSDATAFORMAT.SPECIFIER_VIDEOINFO2);
    expect(failure(() => decodeVideoRange(two)).message).toBe('decode video range: a KS_DATARANGE_VIDEO2 needs 320 bytes, got 319');
    const wave = Buffer.alloc(400);
    rangeHead(wave, 400, KSDATAFORMAT.SPECIFIER_WAVEFORMATEX);
    expect(decodeVideoRange(wave)).toBeUndefined();
  });
});

describe('videoFormat() beyond 640×480 YUY2', () => {
  it('takes the subtype by name in any case, lays out each subtype\'s bits, FOURCC and size', () => {
    // NV12: 12 bits a pixel, 'NV12' = 0x3231564E; 4 × 2 × 3 / 2 = 12 bytes.
    expect(videoFormat({ width: 4, height: 2, subtype: 'nv12', fps: 30 }).video!.bitmap).toMatchObject({ bitCount: 12, compression: 0x3231564e, sizeImage: 12 });
    // YUY2: 2 bytes a pixel; an odd height is allowed (only NV12 halves the rows).
    expect(videoFormat({ width: 4, height: 3, subtype: 'YUY2', fps: 30 }).video!.bitmap).toMatchObject({ bitCount: 16, compression: 0x32595559, sizeImage: 24 });
    // RGB32: BI_RGB, 4 bytes a pixel, any width.
    expect(videoFormat({ width: 3, height: 3, subtype: 'RGB32', fps: 30 }).video!.bitmap).toMatchObject({ bitCount: 32, compression: 0, sizeImage: 36 });
    // RGB24: rows padded to 4 bytes: 5 pixels are 15 bytes, 16 with padding; 2 rows 32. An odd width is allowed.
    expect(videoFormat({ width: 5, height: 2, subtype: 'Rgb24', fps: 30 }).video!.bitmap).toMatchObject({ bitCount: 24, compression: 0, sizeImage: 32 });
    expect(videoFormat({ width: 4, height: 1, subtype: KSDATAFORMAT.SUBTYPE_RGB24.toLowerCase(), fps: 30 }).subFormat).toBe(KSDATAFORMAT.SUBTYPE_RGB24);
  });

  it('rounds AvgTimePerFrame to the nearest 100 ns and caps dwBitRate at 2^32 − 1', () => {
    // 10^7 / 6 = 1666666.67 → 1666667; 10^7 / 7 = 1428571.43 → 1428571.
    expect(videoFormat({ width: 2, height: 2, subtype: 'YUY2', fps: 6 }).video!.avgTimePerFrame).toBe(1666667n);
    expect(videoFormat({ width: 2, height: 2, subtype: 'YUY2', fps: 7 }).video!.avgTimePerFrame).toBe(1428571n);
    // RGB24 2 × 1: a 6-byte row padded to 8; 8 bytes × 8 bits × 7.5 fps = 480 bits a second; 10^7 / 7.5 = 1333333.33.
    const slow = videoFormat({ width: 2, height: 1, subtype: 'RGB24', fps: 7.5 }).video!;
    expect([slow.bitRate, slow.avgTimePerFrame]).toEqual([480, 1333333n]);
    // 16384 × 16384 RGB32 at 1000 fps is 8.6 × 10^12 bits a second: dwBitRate holds 0xFFFFFFFF.
    expect(videoFormat({ width: 16384, height: 16384, subtype: 'RGB32', fps: 1000 }).video!.bitRate).toBe(0xffffffff);
  });

  it('refuses what it cannot build, naming the field and the values allowed', () => {
    const ok = { width: 2, height: 2, subtype: 'YUY2' as const, fps: 30 };
    expect(() => videoFormat(null as never)).toThrow(new TypeError('videoFormat takes { width, height, subtype, fps }'));
    expect(() => videoFormat(7 as never)).toThrow(new TypeError('videoFormat takes { width, height, subtype, fps }'));
    expect(() => videoFormat({ ...ok, subtype: 'MJPG' as never })).toThrow(new RangeError('video.subtype must be one of YUY2, NV12, RGB24, RGB32 or a KSDATAFORMAT.SUBTYPE_* GUID, got "MJPG"'));
    expect(() => videoFormat({ ...ok, subtype: KSDATAFORMAT.SUBTYPE_PCM })).toThrow(
      new RangeError(`video.subtype must be one of YUY2, NV12, RGB24, RGB32 (KSDATAFORMAT.SUBTYPE_*), got ${KSDATAFORMAT.SUBTYPE_PCM}`),
    );
    expect(() => videoFormat({ ...ok, width: 3 })).toThrow(new RangeError('video.width must be even for this subtype, got 3'));
    expect(() => videoFormat({ ...ok, subtype: 'NV12', height: 3 })).toThrow(new RangeError('video.height must be even for this subtype, got 3'));
    expect(() => videoFormat({ ...ok, subtype: 'NV12', width: 3 })).toThrow(new RangeError('video.width must be even for this subtype, got 3'));
    expect(() => videoFormat({ ...ok, subtype: 5 as never })).toThrow(new TypeError('video.subtype must be a GUID string, got number'));
    expect(videoFormat({ ...ok, width: 16384, height: 16384 }).video!.bitmap.width).toBe(16384);
    expect(() => videoFormat({ ...ok, width: 16386 })).toThrow(new RangeError('video.width must be an integer in 1..16384, got 16386'));
    expect(() => videoFormat({ ...ok, height: 0 })).toThrow(new RangeError('video.height must be an integer in 1..16384, got 0'));
    expect(() => videoFormat({ ...ok, fps: Number.NaN })).toThrow(new TypeError('video.fps must be a number, got NaN'));
    expect(() => videoFormat({ ...ok, fps: Infinity })).toThrow(new TypeError('video.fps must be a number, got Infinity'));
    expect(() => videoFormat({ ...ok, fps: '30' as never })).toThrow(new TypeError('video.fps must be a number, got 30'));
    expect(videoFormat({ ...ok, fps: 1000 }).video!.avgTimePerFrame).toBe(10000n);
    expect(() => videoFormat({ ...ok, fps: 1000.5 })).toThrow(new RangeError('video.fps must be in (0, 1000], got 1000.5'));
    expect(() => videoFormat({ ...ok, fps: -1 })).toThrow(new RangeError('video.fps must be in (0, 1000], got -1'));
  });
});
