/**
 * KSDATAFORMAT: the generic 64-byte head and what its specifier says follows
 * (a WAVEFORMATEX(TENSIBLE) or a KS_VIDEOINFOHEADER(2)). Replies are parsed as
 * untrusted input: every length is checked before it is used.
 */
import { KsError } from '../base/errors';
import { KSDATAFORMAT } from '../structs/constants';
import { normalizeGuid, readGuid, writeGuid, type Guid } from '../structs/guid';
import {
  decodeWaveFormat,
  decodeWaveFormatExtensible,
  WAVE_FORMAT_EXTENSIBLE,
  WAVEFORMATEX_SIZE,
  WAVEFORMATEXTENSIBLE_SIZE,
  type WaveFormat,
  type WaveFormatExtensible,
} from './wave-format';
import {
  decodeVideoInfoHeader,
  decodeVideoInfoHeader2,
  KS_VIDEOINFOHEADER_SIZE,
  KS_VIDEOINFOHEADER2_SIZE,
  type VideoInfoHeader,
  type VideoInfoHeader2,
} from './video-info';

export const KSDATAFORMAT_SIZE = 64;
/** KSDATAFORMAT_ATTRIBUTES / KSDATARANGE_ATTRIBUTES */
export const KSDATAFORMAT_ATTRIBUTES = 0x2;

/** A KSDATAFORMAT: the head, then what its specifier says follows (kept as bytes). */
export interface DataFormat {
  /** The kind of media (MajorFormat): KSDATAFORMAT.TYPE_AUDIO, TYPE_VIDEO, ... */
  majorFormat: Guid;
  /** The encoding within it (SubFormat): KSDATAFORMAT.SUBTYPE_PCM, SUBTYPE_IEEE_FLOAT, SUBTYPE_YUY2, ... */
  subFormat: Guid;
  /** Which structure follows the 64-byte head (Specifier): KSDATAFORMAT.SPECIFIER_WAVEFORMATEX, SPECIFIER_VIDEOINFO, ... */
  specifier: Guid;
  /** KSDATAFORMAT flags (Flags): KSDATAFORMAT_ATTRIBUTES (2) when an attribute list follows; default 0. */
  flags?: number;
  /** Bytes per sample (SampleSize): the block align for audio, the picture size for video; default 0 (variable). */
  sampleSize?: number;
  /** The bytes after the 64-byte head (a WAVEFORMATEX for SPECIFIER_WAVEFORMATEX). */
  specifierData?: Buffer;
  /** The decoded WAVEFORMATEX, when the specifier is WAVEFORMATEX. */
  wave?: WaveFormat;
  /** The whole WAVEFORMATEXTENSIBLE, when wFormatTag is WAVE_FORMAT_EXTENSIBLE. */
  extensible?: WaveFormatExtensible;
  /** The KS_VIDEOINFOHEADER, when the specifier is VIDEOINFO. */
  video?: VideoInfoHeader;
  /** The KS_VIDEOINFOHEADER2, when the specifier is VIDEOINFO2. */
  video2?: VideoInfoHeader2;
}

function malformed(operation: string, message: string): KsError {
  return new KsError('ERR_MALFORMED_REPLY', operation, message);
}

/** Encodes a KSDATAFORMAT; FormatSize is what was built (64 + specifierData). */
export function encodeDataFormat(format: DataFormat): Buffer {
  const specifierData = format.specifierData ?? Buffer.alloc(0);
  const b = Buffer.alloc(KSDATAFORMAT_SIZE + specifierData.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt32LE((format.flags ?? 0) >>> 0, 4);
  b.writeUInt32LE((format.sampleSize ?? 0) >>> 0, 8);
  writeGuid(b, 16, normalizeGuid(format.majorFormat, 'dataFormat.majorFormat'));
  writeGuid(b, 32, normalizeGuid(format.subFormat, 'dataFormat.subFormat'));
  writeGuid(b, 48, normalizeGuid(format.specifier, 'dataFormat.specifier'));
  specifierData.copy(b, KSDATAFORMAT_SIZE);
  return b;
}

/** Decodes a KSDATAFORMAT reply (KSPROPERTY_CONNECTION_DATAFORMAT). */
export function decodeDataFormat(source: Buffer, operation = 'decode data format'): DataFormat {
  if (source.length < KSDATAFORMAT_SIZE) throw malformed(operation, `a KSDATAFORMAT needs 64 bytes, got ${source.length}`);
  const formatSize = source.readUInt32LE(0);
  if (formatSize < KSDATAFORMAT_SIZE || formatSize > source.length) {
    throw malformed(operation, `FormatSize ${formatSize} is outside 64..${source.length}`);
  }
  const format: DataFormat = {
    flags: source.readUInt32LE(4),
    sampleSize: source.readUInt32LE(8),
    majorFormat: readGuid(source, 16),
    subFormat: readGuid(source, 32),
    specifier: readGuid(source, 48),
    specifierData: Buffer.from(source.subarray(KSDATAFORMAT_SIZE, formatSize)),
  };
  if (format.specifier === KSDATAFORMAT.SPECIFIER_WAVEFORMATEX && formatSize >= KSDATAFORMAT_SIZE + WAVEFORMATEX_SIZE) {
    format.wave = decodeWaveFormat(source, KSDATAFORMAT_SIZE);
    if (format.wave.formatTag === WAVE_FORMAT_EXTENSIBLE && formatSize >= KSDATAFORMAT_SIZE + WAVEFORMATEXTENSIBLE_SIZE) {
      format.extensible = decodeWaveFormatExtensible(source, KSDATAFORMAT_SIZE, operation);
    }
  }
  if (format.specifier === KSDATAFORMAT.SPECIFIER_VIDEOINFO && formatSize >= KSDATAFORMAT_SIZE + KS_VIDEOINFOHEADER_SIZE) {
    format.video = decodeVideoInfoHeader(source, KSDATAFORMAT_SIZE, operation);
  }
  if (format.specifier === KSDATAFORMAT.SPECIFIER_VIDEOINFO2 && formatSize >= KSDATAFORMAT_SIZE + KS_VIDEOINFOHEADER2_SIZE) {
    format.video2 = decodeVideoInfoHeader2(source, KSDATAFORMAT_SIZE, operation);
  }
  return format;
}
