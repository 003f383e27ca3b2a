/**
 * The video structs: KS_BITMAPINFOHEADER (40 bytes), KS_VIDEOINFOHEADER (88)
 * and KS_VIDEOINFOHEADER2 (112) as they follow a KSDATAFORMAT, and the
 * KS_DATARANGE_VIDEO (296) / KS_DATARANGE_VIDEO2 (320) ranges a video pin
 * reports (KSDATARANGE, four DWORDs, KS_VIDEO_STREAM_CONFIG_CAPS at 80, the
 * header at 208). Decoders check every length.
 */import { checkInteger } from '../base/validate';
import { KsError } from '../base/errors';
import { KSDATAFORMAT } from '../structs/constants';
import { normalizeGuid, readGuid, type Guid } from '../structs/guid';

export const KS_BITMAPINFOHEADER_SIZE = 40;
export const KS_VIDEOINFOHEADER_SIZE = 88;
export const KS_VIDEOINFOHEADER2_SIZE = 112;
export const KS_VIDEO_STREAM_CONFIG_CAPS_SIZE = 128;
export const KS_DATARANGE_VIDEO_SIZE = 296;
export const KS_DATARANGE_VIDEO2_SIZE = 320;
/** KS_DATAFORMAT_VIDEOINFOHEADER: KSDATAFORMAT + KS_VIDEOINFOHEADER. */
export const KS_DATAFORMAT_VIDEOINFOHEADER_SIZE = 152;
/** Offsets inside KS_DATARANGE_VIDEO(2). */
const CONFIG_CAPS_OFFSET = 80;
const RANGE_HEADER_OFFSET = 208;
/** REFERENCE_TIME units per second (100 ns). */
const UNITS_PER_SECOND = 10_000_000;

/** RECT */
export interface Rect { left: number; top: number; right: number; bottom: number }
/** SIZE */
export interface Size { cx: number; cy: number }

/** KS_BITMAPINFOHEADER */
export interface BitmapInfoHeader {
  /** biSize */ size: number;
  /** biWidth */ width: number;
  /** biHeight (negative: top-down RGB) */ height: number;
  /** biPlanes */ planes: number;
  /** biBitCount */ bitCount: number;
  /** biCompression: a FOURCC, or BI_RGB (0) */ compression: number;
  /** biSizeImage */ sizeImage: number;
  /** biXPelsPerMeter */ xPelsPerMeter: number;
  /** biYPelsPerMeter */ yPelsPerMeter: number;
  /** biClrUsed */ clrUsed: number;
  /** biClrImportant */ clrImportant: number;
}

/** KS_VIDEOINFOHEADER */
export interface VideoInfoHeader {
  /** rcSource */ source: Rect;
  /** rcTarget */ target: Rect;
  /** dwBitRate */ bitRate: number;
  /** dwBitErrorRate */ bitErrorRate: number;
  /** AvgTimePerFrame, in 100 ns */ avgTimePerFrame: bigint;
  /** bmiHeader */ bitmap: BitmapInfoHeader;
}

/** KS_VIDEOINFOHEADER2 */
export interface VideoInfoHeader2 extends VideoInfoHeader {
  /** dwInterlaceFlags */ interlaceFlags: number;
  /** dwCopyProtectFlags */ copyProtectFlags: number;
  /** dwPictAspectRatioX */ pictAspectRatioX: number;
  /** dwPictAspectRatioY */ pictAspectRatioY: number;
  /** dwControlFlags (dwReserved1) */ controlFlags: number;
  /** dwReserved2 */ reserved2: number;
}

/** KS_VIDEO_STREAM_CONFIG_CAPS */
export interface VideoStreamConfigCaps {
  guid: Guid;
  /** VideoStandard */ videoStandard: number;
  inputSize: Size;
  minCroppingSize: Size;
  maxCroppingSize: Size;
  cropGranularityX: number;
  cropGranularityY: number;
  cropAlignX: number;
  cropAlignY: number;
  minOutputSize: Size;
  maxOutputSize: Size;
  outputGranularityX: number;
  outputGranularityY: number;
  stretchTapsX: number;
  stretchTapsY: number;
  shrinkTapsX: number;
  shrinkTapsY: number;
  /** MinFrameInterval, 100 ns */ minFrameInterval: bigint;
  /** MaxFrameInterval, 100 ns */ maxFrameInterval: bigint;
  minBitsPerSecond: number;
  maxBitsPerSecond: number;
}

/** KS_DATARANGE_VIDEO / KS_DATARANGE_VIDEO2 past the KSDATARANGE head. */
export interface VideoRange {
  /** bFixedSizeSamples */ fixedSizeSamples: boolean;
  /** bTemporalCompression */ temporalCompression: boolean;
  /** StreamDescriptionFlags */ streamDescriptionFlags: number;
  /** MemoryAllocationFlags */ memoryAllocationFlags: number;
  /** ConfigCaps */ configCaps: VideoStreamConfigCaps;
  /** VideoInfoHeader: KS_VIDEOINFOHEADER, or KS_VIDEOINFOHEADER2 for SPECIFIER_VIDEOINFO2 */
  videoInfoHeader: VideoInfoHeader | VideoInfoHeader2;
}

function malformed(operation: string, message: string): KsError {
  return new KsError('ERR_MALFORMED_REPLY', operation, message);
}

function need(b: Buffer, offset: number, size: number, what: string, operation: string): void {
  if (offset < 0 || offset + size > b.length) throw malformed(operation, `${what} needs ${size} bytes at ${offset}, the buffer has ${b.length}`);
}

const rect = (b: Buffer, o: number): Rect => ({ left: b.readInt32LE(o), top: b.readInt32LE(o + 4), right: b.readInt32LE(o + 8), bottom: b.readInt32LE(o + 12) });
const size = (b: Buffer, o: number): Size => ({ cx: b.readInt32LE(o), cy: b.readInt32LE(o + 4) });

export function decodeBitmapInfoHeader(b: Buffer, o = 0, operation = 'decode KS_BITMAPINFOHEADER'): BitmapInfoHeader {
  need(b, o, KS_BITMAPINFOHEADER_SIZE, 'a KS_BITMAPINFOHEADER', operation);
  return {
    size: b.readUInt32LE(o),
    width: b.readInt32LE(o + 4),
    height: b.readInt32LE(o + 8),
    planes: b.readUInt16LE(o + 12),
    bitCount: b.readUInt16LE(o + 14),
    compression: b.readUInt32LE(o + 16),
    sizeImage: b.readUInt32LE(o + 20),
    xPelsPerMeter: b.readInt32LE(o + 24),
    yPelsPerMeter: b.readInt32LE(o + 28),
    clrUsed: b.readUInt32LE(o + 32),
    clrImportant: b.readUInt32LE(o + 36),
  };
}

/** The first 48 bytes, which KS_VIDEOINFOHEADER and KS_VIDEOINFOHEADER2 share; the caller has checked the length. */
function videoInfoHead(b: Buffer, o: number): Omit<VideoInfoHeader, 'bitmap'> {
  return {
    source: rect(b, o),
    target: rect(b, o + 16),
    bitRate: b.readUInt32LE(o + 32),
    bitErrorRate: b.readUInt32LE(o + 36),
    avgTimePerFrame: b.readBigInt64LE(o + 40),
  };
}

export function decodeVideoInfoHeader(b: Buffer, o = 0, operation = 'decode KS_VIDEOINFOHEADER'): VideoInfoHeader {
  need(b, o, KS_VIDEOINFOHEADER_SIZE, 'a KS_VIDEOINFOHEADER', operation);
  return { ...videoInfoHead(b, o), bitmap: decodeBitmapInfoHeader(b, o + 48, operation) };
}

export function decodeVideoInfoHeader2(b: Buffer, o = 0, operation = 'decode KS_VIDEOINFOHEADER2'): VideoInfoHeader2 {
  need(b, o, KS_VIDEOINFOHEADER2_SIZE, 'a KS_VIDEOINFOHEADER2', operation);
  return {
    ...videoInfoHead(b, o),
    interlaceFlags: b.readUInt32LE(o + 48),
    copyProtectFlags: b.readUInt32LE(o + 52),
    pictAspectRatioX: b.readUInt32LE(o + 56),
    pictAspectRatioY: b.readUInt32LE(o + 60),
    controlFlags: b.readUInt32LE(o + 64),
    reserved2: b.readUInt32LE(o + 68),
    bitmap: decodeBitmapInfoHeader(b, o + 72, operation),
  };
}

export function decodeVideoStreamConfigCaps(b: Buffer, o = 0, operation = 'decode KS_VIDEO_STREAM_CONFIG_CAPS'): VideoStreamConfigCaps {
  need(b, o, KS_VIDEO_STREAM_CONFIG_CAPS_SIZE, 'a KS_VIDEO_STREAM_CONFIG_CAPS', operation);
  return {
    guid: readGuid(b, o),
    videoStandard: b.readUInt32LE(o + 16),
    inputSize: size(b, o + 20),
    minCroppingSize: size(b, o + 28),
    maxCroppingSize: size(b, o + 36),
    cropGranularityX: b.readInt32LE(o + 44),
    cropGranularityY: b.readInt32LE(o + 48),
    cropAlignX: b.readInt32LE(o + 52),
    cropAlignY: b.readInt32LE(o + 56),
    minOutputSize: size(b, o + 60),
    maxOutputSize: size(b, o + 68),
    outputGranularityX: b.readInt32LE(o + 76),
    outputGranularityY: b.readInt32LE(o + 80),
    stretchTapsX: b.readInt32LE(o + 84),
    stretchTapsY: b.readInt32LE(o + 88),
    shrinkTapsX: b.readInt32LE(o + 92),
    shrinkTapsY: b.readInt32LE(o + 96),
    // 4 bytes of padding put the LONGLONGs on an 8-byte boundary.
    minFrameInterval: b.readBigInt64LE(o + 104),
    maxFrameInterval: b.readBigInt64LE(o + 112),
    minBitsPerSecond: b.readInt32LE(o + 120),
    maxBitsPerSecond: b.readInt32LE(o + 124),
  };
}

/**
 * Decodes a whole KS_DATARANGE_VIDEO (SPECIFIER_VIDEOINFO, ≥ 296 bytes) or
 * KS_DATARANGE_VIDEO2 (SPECIFIER_VIDEOINFO2, ≥ 320 bytes); anything else is
 * undefined (the range stays raw bytes).
 */
export function decodeVideoRange(raw: Buffer, operation = 'decode video range'): VideoRange | undefined {
  if (raw.length < 64) return undefined;
  const specifier = readGuid(raw, 48);
  const two = specifier === KSDATAFORMAT.SPECIFIER_VIDEOINFO2;
  if (!two && specifier !== KSDATAFORMAT.SPECIFIER_VIDEOINFO) return undefined;
  const expected = two ? KS_DATARANGE_VIDEO2_SIZE : KS_DATARANGE_VIDEO_SIZE;
  if (raw.length < expected) throw malformed(operation, `a ${two ? 'KS_DATARANGE_VIDEO2' : 'KS_DATARANGE_VIDEO'} needs ${expected} bytes, got ${raw.length}`);
  return {
    fixedSizeSamples: raw.readUInt32LE(64) !== 0,
    temporalCompression: raw.readUInt32LE(68) !== 0,
    streamDescriptionFlags: raw.readUInt32LE(72),
    memoryAllocationFlags: raw.readUInt32LE(76),
    configCaps: decodeVideoStreamConfigCaps(raw, CONFIG_CAPS_OFFSET, operation),
    videoInfoHeader: two ? decodeVideoInfoHeader2(raw, RANGE_HEADER_OFFSET, operation) : decodeVideoInfoHeader(raw, RANGE_HEADER_OFFSET, operation),
  };
}

/** Encodes the exact 88 bytes of a KS_VIDEOINFOHEADER. */
export function encodeVideoInfoHeader(v: VideoInfoHeader): Buffer {
  const b = Buffer.alloc(KS_VIDEOINFOHEADER_SIZE);
  const r = [v.source, v.target];
  r.forEach((rc, i) => {
    b.writeInt32LE(rc.left, i * 16);
    b.writeInt32LE(rc.top, i * 16 + 4);
    b.writeInt32LE(rc.right, i * 16 + 8);
    b.writeInt32LE(rc.bottom, i * 16 + 12);
  });
  b.writeUInt32LE(v.bitRate >>> 0, 32);
  b.writeUInt32LE(v.bitErrorRate >>> 0, 36);
  b.writeBigInt64LE(v.avgTimePerFrame, 40);
  const h = v.bitmap;
  b.writeUInt32LE(h.size, 48);
  b.writeInt32LE(h.width, 52);
  b.writeInt32LE(h.height, 56);
  b.writeUInt16LE(h.planes, 60);
  b.writeUInt16LE(h.bitCount, 62);
  b.writeUInt32LE(h.compression >>> 0, 64);
  b.writeUInt32LE(h.sizeImage >>> 0, 68);
  b.writeInt32LE(h.xPelsPerMeter, 72);
  b.writeInt32LE(h.yPelsPerMeter, 76);
  b.writeUInt32LE(h.clrUsed >>> 0, 80);
  b.writeUInt32LE(h.clrImportant >>> 0, 84);
  return b;
}
