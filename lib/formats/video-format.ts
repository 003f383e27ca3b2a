/**
 * Building video formats: `videoFormat()` makes a KSDATAFORMAT +
 * KS_VIDEOINFOHEADER exactly, and `formatForVideoRange()` the format a
 * KS_DATARANGE_VIDEO stands for.
 */
import { checkInteger } from '../base/validate';
import { KSDATAFORMAT } from '../structs/constants';
import { normalizeGuid, type Guid, type GuidString } from '../structs/guid';
import type { DataFormat } from './data-format';
import { encodeVideoInfoHeader, KS_BITMAPINFOHEADER_SIZE, type VideoInfoHeader, type VideoRange } from './video-info';

/** REFERENCE_TIME units per second (100 ns). */
const UNITS_PER_SECOND = 10_000_000;

/** How each supported subtype lays out a frame. */
interface Layout { bitCount: number; compression: number; imageSize: (w: number, h: number) => number; evenWidth: boolean; evenHeight: boolean }
const fourcc = (s: string): number => Buffer.from(s, 'latin1').readUInt32LE(0);
const LAYOUTS: Record<string, Layout> = {
  [KSDATAFORMAT.SUBTYPE_YUY2]: { bitCount: 16, compression: fourcc('YUY2'), imageSize: (w, h) => w * h * 2, evenWidth: true, evenHeight: false },
  [KSDATAFORMAT.SUBTYPE_NV12]: { bitCount: 12, compression: fourcc('NV12'), imageSize: (w, h) => (w * h * 3) / 2, evenWidth: true, evenHeight: true },
  // BI_RGB rows are padded to 4 bytes.
  [KSDATAFORMAT.SUBTYPE_RGB24]: { bitCount: 24, compression: 0, imageSize: (w, h) => (((w * 24 + 31) & ~31) >>> 3) * h, evenWidth: false, evenHeight: false },
  [KSDATAFORMAT.SUBTYPE_RGB32]: { bitCount: 32, compression: 0, imageSize: (w, h) => w * 4 * h, evenWidth: false, evenHeight: false },
};

/** The video subtypes videoFormat() builds, by name (KSDATAFORMAT_SUBTYPE_YUY2, ...). */
export type VideoSubtypeName = 'YUY2' | 'NV12' | 'RGB24' | 'RGB32';

const SUBTYPE_BY_NAME: Record<VideoSubtypeName, Guid> = {
  YUY2: KSDATAFORMAT.SUBTYPE_YUY2,
  NV12: KSDATAFORMAT.SUBTYPE_NV12,
  RGB24: KSDATAFORMAT.SUBTYPE_RGB24,
  RGB32: KSDATAFORMAT.SUBTYPE_RGB32,
};

/** A video subtype given by name ('NV12') or GUID, as its GUID; a name it does not know is a RangeError listing the names. */
export function videoSubtypeGuid(subtype: VideoSubtypeName | GuidString, field = 'video.subtype'): Guid {
  if (typeof subtype === 'string' && Object.prototype.hasOwnProperty.call(SUBTYPE_BY_NAME, subtype.toUpperCase())) {
    return SUBTYPE_BY_NAME[subtype.toUpperCase() as VideoSubtypeName];
  }
  if (typeof subtype === 'string' && !subtype.includes('-')) {
    throw new RangeError(`${field} must be one of ${Object.keys(SUBTYPE_BY_NAME).join(', ')} or a KSDATAFORMAT.SUBTYPE_* GUID, got "${subtype}"`);
  }
  return normalizeGuid(subtype, field);
}

export interface VideoFormatInit {
  /** Picture width in pixels (biWidth), 1..16384; even for YUY2 and NV12. */
  width: number;
  /** Picture height in pixels (biHeight, written positive: top-down for YUV), 1..16384; even for NV12. */
  height: number;
  /** The pixel layout (SubFormat): 'YUY2', 'NV12', 'RGB24' or 'RGB32', or the KSDATAFORMAT.SUBTYPE_* GUID. */
  subtype: VideoSubtypeName | GuidString;
  /** Frames per second, in (0, 1000]: AvgTimePerFrame = round(10⁷ / fps) in 100 ns units (30 → 333333). */
  fps: number;
}

/**
 * KSDATAFORMAT + KS_VIDEOINFOHEADER (152 bytes): FormatSize 152, SampleSize
 * and biSizeImage the frame's bytes, rcSource/rcTarget empty (the whole
 * frame), dwBitRate = biSizeImage × 8 × fps (capped at 2³²−1),
 * dwBitErrorRate 0, biPlanes 1, biHeight positive, the rest 0.
 */
export function videoFormat(init: VideoFormatInit): DataFormat {
  if (init === null || typeof init !== 'object') throw new TypeError('videoFormat takes { width, height, subtype, fps }');
  const subtype = videoSubtypeGuid(init.subtype);
  const layout = LAYOUTS[subtype];
  if (!layout) throw new RangeError(`video.subtype must be one of YUY2, NV12, RGB24, RGB32 (KSDATAFORMAT.SUBTYPE_*), got ${subtype}`);
  const dimension = (value: unknown, field: string, even: boolean): number => {
    const n = checkInteger(value, field, 1, 16384);
    if (even && n % 2 !== 0) throw new RangeError(`${field} must be even for this subtype, got ${n}`);
    return n;
  };
  const width = dimension(init.width, 'video.width', layout.evenWidth);
  const height = dimension(init.height, 'video.height', layout.evenHeight);
  if (typeof init.fps !== 'number' || !Number.isFinite(init.fps)) throw new TypeError(`video.fps must be a number, got ${String(init.fps)}`);
  if (init.fps <= 0 || init.fps > 1000) throw new RangeError(`video.fps must be in (0, 1000], got ${init.fps}`);
  const sizeImage = layout.imageSize(width, height);
  const empty = { left: 0, top: 0, right: 0, bottom: 0 };
  const header: VideoInfoHeader = {
    source: empty,
    target: { ...empty },
    bitRate: Math.min(Math.round(sizeImage * 8 * init.fps), 0xffffffff),
    bitErrorRate: 0,
    avgTimePerFrame: BigInt(Math.round(UNITS_PER_SECOND / init.fps)),
    bitmap: {
      size: KS_BITMAPINFOHEADER_SIZE,
      width,
      height,
      planes: 1,
      bitCount: layout.bitCount,
      compression: layout.compression,
      sizeImage,
      xPelsPerMeter: 0,
      yPelsPerMeter: 0,
      clrUsed: 0,
      clrImportant: 0,
    },
  };
  return {
    majorFormat: KSDATAFORMAT.TYPE_VIDEO,
    subFormat: subtype,
    specifier: KSDATAFORMAT.SPECIFIER_VIDEOINFO,
    flags: 0,
    sampleSize: sizeImage,
    specifierData: encodeVideoInfoHeader(header),
    video: header,
  };
}

/** The format a KS_DATARANGE_VIDEO stands for: its own KS_VIDEOINFOHEADER. */
export function formatForVideoRange(range: { majorFormat: Guid; subFormat: Guid; specifier: Guid; video?: VideoRange }): DataFormat | undefined {
  if (!range.video || range.specifier !== KSDATAFORMAT.SPECIFIER_VIDEOINFO) return undefined;
  const header = range.video.videoInfoHeader;
  return {
    majorFormat: range.majorFormat,
    subFormat: range.subFormat,
    specifier: range.specifier,
    sampleSize: header.bitmap.sizeImage,
    specifierData: encodeVideoInfoHeader(header),
    video: header,
  };
}
