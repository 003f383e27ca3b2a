/**
 * KSDATAFORMAT and KSDATARANGE: the generic 64-byte head, the audio forms
 * (KSDATAFORMAT_WAVEFORMATEX, KSDATARANGE_AUDIO), and the KSMULTIPLE_ITEM
 * list a pin's DATARANGES reply comes in. Replies are parsed as untrusted
 * input: every length is checked before it is used.
 */
import { checkInteger, checkUint32 } from './validate';
import { KsError } from './errors';
import { KSDATAFORMAT } from './constants';
import { normalizeGuid, readGuid, writeGuid, type Guid } from './guid';
import { decodeWaveFormatExtensible, WAVE_FORMAT_EXTENSIBLE, WAVEFORMATEXTENSIBLE_SIZE, type WaveFormatExtensible } from './audio-format';
import { KSMULTIPLE_ITEM_SIZE, readMultipleItem } from './multiple-item';
import {
  decodeVideoInfoHeader,
  decodeVideoInfoHeader2,
  decodeVideoRange,
  formatForVideoRange,
  KS_VIDEOINFOHEADER_SIZE,
  KS_VIDEOINFOHEADER2_SIZE,
  type VideoInfoHeader,
  type VideoInfoHeader2,
  type VideoRange,
} from './video-format';

export const KSDATAFORMAT_SIZE = 64;
export const WAVEFORMATEX_SIZE = 18;
export const KSDATARANGE_AUDIO_SIZE = 88;
/** KSDATAFORMAT_ATTRIBUTES / KSDATARANGE_ATTRIBUTES */
export const KSDATAFORMAT_ATTRIBUTES = 0x2;
/** WAVE_FORMAT_PCM */
export const WAVE_FORMAT_PCM = 1;

export interface WaveFormat {
  /** wFormatTag */ formatTag: number;
  /** nChannels */ channels: number;
  /** nSamplesPerSec */ sampleRate: number;
  /** nAvgBytesPerSec */ avgBytesPerSec: number;
  /** nBlockAlign */ blockAlign: number;
  /** wBitsPerSample */ bitsPerSample: number;
  /** cbSize */ extraSize: number;
}

/** A KSDATAFORMAT: the head, then what its specifier says follows (kept as bytes). */
export interface DataFormat {
  /** MajorFormat */ majorFormat: Guid;
  /** SubFormat */ subFormat: Guid;
  /** Specifier */ specifier: Guid;
  /** Flags (KSDATAFORMAT_ATTRIBUTES, ...) */ flags?: number;
  /** SampleSize */ sampleSize?: number;
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

export interface AudioLimits {
  /** MaximumChannels */ maximumChannels: number;
  /** MinimumBitsPerSample */ minimumBitsPerSample: number;
  /** MaximumBitsPerSample */ maximumBitsPerSample: number;
  /** MinimumSampleFrequency */ minimumSampleFrequency: number;
  /** MaximumSampleFrequency */ maximumSampleFrequency: number;
}

/** A KSDATARANGE as a pin reports it, with its raw bytes kept whole. */
export interface DataRange {
  formatSize: number;
  flags: number;
  sampleSize: number;
  majorFormat: Guid;
  subFormat: Guid;
  specifier: Guid;
  /** KSDATARANGE_AUDIO's limits, when the range is one. */
  audio?: AudioLimits;
  /** KS_DATARANGE_VIDEO / KS_DATARANGE_VIDEO2 past the head, when the range is one. */
  video?: VideoRange;
  /** The attribute list that followed the range, raw, when it had one. */
  attributes?: Buffer;
  raw: Buffer;
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

export interface AudioRangeInit extends Partial<AudioLimits> {
  /** KSDATAFORMAT_SUBTYPE_* (default PCM). */
  subFormat?: Guid;
}

/**
 * Encodes a KSDATARANGE_AUDIO (88 bytes) with the WAVEFORMATEX specifier, as
 * an audio pin reports it (defaults: 2 channels, 16-bit, 48 kHz).
 */
export function encodeAudioRange(init: AudioRangeInit = {}): Buffer {
  const limits: AudioLimits = {
    maximumChannels: init.maximumChannels ?? 2,
    minimumBitsPerSample: init.minimumBitsPerSample ?? 16,
    maximumBitsPerSample: init.maximumBitsPerSample ?? init.minimumBitsPerSample ?? 16,
    minimumSampleFrequency: init.minimumSampleFrequency ?? 48000,
    maximumSampleFrequency: init.maximumSampleFrequency ?? init.minimumSampleFrequency ?? 48000,
  };
  for (const [field, value] of Object.entries(limits)) checkUint32(value, `audioRange.${field}`);
  if (limits.minimumBitsPerSample > limits.maximumBitsPerSample) {
    throw new RangeError(`audioRange.minimumBitsPerSample (${limits.minimumBitsPerSample}) exceeds maximumBitsPerSample (${limits.maximumBitsPerSample})`);
  }
  if (limits.minimumSampleFrequency > limits.maximumSampleFrequency) {
    throw new RangeError(`audioRange.minimumSampleFrequency (${limits.minimumSampleFrequency}) exceeds maximumSampleFrequency (${limits.maximumSampleFrequency})`);
  }
  const b = Buffer.alloc(KSDATARANGE_AUDIO_SIZE);
  b.writeUInt32LE(KSDATARANGE_AUDIO_SIZE, 0);
  writeGuid(b, 16, KSDATAFORMAT.TYPE_AUDIO);
  writeGuid(b, 32, normalizeGuid(init.subFormat ?? KSDATAFORMAT.SUBTYPE_PCM, 'audioRange.subFormat'));
  writeGuid(b, 48, KSDATAFORMAT.SPECIFIER_WAVEFORMATEX);
  b.writeUInt32LE(limits.maximumChannels, 64);
  b.writeUInt32LE(limits.minimumBitsPerSample, 68);
  b.writeUInt32LE(limits.maximumBitsPerSample, 72);
  b.writeUInt32LE(limits.minimumSampleFrequency, 76);
  b.writeUInt32LE(limits.maximumSampleFrequency, 80);
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

function decodeWaveFormat(b: Buffer, o: number): WaveFormat {
  return {
    formatTag: b.readUInt16LE(o),
    channels: b.readUInt16LE(o + 2),
    sampleRate: b.readUInt32LE(o + 4),
    avgBytesPerSec: b.readUInt32LE(o + 8),
    blockAlign: b.readUInt16LE(o + 12),
    bitsPerSample: b.readUInt16LE(o + 14),
    extraSize: b.readUInt16LE(o + 16),
  };
}

export interface PcmFormatInit {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}


/** KSDATAFORMAT_WAVEFORMATEX for integer PCM (82 bytes: the head and an 18-byte WAVEFORMATEX). */
export function pcmFormat(init: PcmFormatInit): DataFormat {
  const channels = checkInteger(init?.channels, 'pcm.channels', 1, 0xffff);
  const sampleRate = checkInteger(init?.sampleRate, 'pcm.sampleRate', 1, 0xffffffff);
  const bits = checkInteger(init?.bitsPerSample, 'pcm.bitsPerSample', 8, 32);
  if (bits % 8 !== 0) throw new RangeError(`pcm.bitsPerSample must be 8, 16, 24 or 32, got ${bits}`);
  const blockAlign = channels * (bits / 8);
  if (blockAlign > 0xffff) throw new RangeError(`pcm.channels × bytes per sample must fit in 16 bits, got ${blockAlign}`);
  const avg = sampleRate * blockAlign;
  if (avg > 0xffffffff) throw new RangeError(`pcm.sampleRate × block align must fit in 32 bits, got ${avg}`);
  const wave = Buffer.alloc(WAVEFORMATEX_SIZE);
  wave.writeUInt16LE(WAVE_FORMAT_PCM, 0);
  wave.writeUInt16LE(channels, 2);
  wave.writeUInt32LE(sampleRate, 4);
  wave.writeUInt32LE(avg, 8);
  wave.writeUInt16LE(blockAlign, 12);
  wave.writeUInt16LE(bits, 14);
  wave.writeUInt16LE(0, 16);
  return {
    majorFormat: KSDATAFORMAT.TYPE_AUDIO,
    subFormat: KSDATAFORMAT.SUBTYPE_PCM,
    specifier: KSDATAFORMAT.SPECIFIER_WAVEFORMATEX,
    sampleSize: blockAlign,
    specifierData: wave,
    wave: decodeWaveFormat(wave, 0),
  };
}

/**
 * Parses a KSMULTIPLE_ITEM of data ranges (KSPROPERTY_PIN_DATARANGES,
 * CONSTRAINEDDATARANGES): Size within the reply, each FormatSize ≥ 64 and
 * within Size, items on 8-byte steps, attribute lists inside their bounds.
 */
export function parseDataRanges(reply: Buffer, operation = 'read data ranges'): DataRange[] {
  // The smallest range is 64 bytes, so a count larger than that allows is a lie.
  const { size, count } = readMultipleItem(reply, KSDATAFORMAT_SIZE, operation);
  const ranges: DataRange[] = [];
  let offset = KSMULTIPLE_ITEM_SIZE;
  for (let i = 0; i < count; i++) {
    if (offset % 8 !== 0) throw malformed(operation, `range ${i} starts at ${offset}, not on an 8-byte step`);
    if (offset + KSDATAFORMAT_SIZE > size) throw malformed(operation, `range ${i} at ${offset} runs past Size ${size}`);
    const formatSize = reply.readUInt32LE(offset);
    if (formatSize < KSDATAFORMAT_SIZE) throw malformed(operation, `range ${i} has FormatSize ${formatSize}, below 64`);
    if (offset + formatSize > size) throw malformed(operation, `range ${i} (FormatSize ${formatSize}) runs past Size ${size}`);
    const raw = Buffer.from(reply.subarray(offset, offset + formatSize));
    const range: DataRange = {
      formatSize,
      flags: raw.readUInt32LE(4),
      sampleSize: raw.readUInt32LE(8),
      majorFormat: readGuid(raw, 16),
      subFormat: readGuid(raw, 32),
      specifier: readGuid(raw, 48),
      raw,
    };
    if (range.specifier === KSDATAFORMAT.SPECIFIER_WAVEFORMATEX && formatSize >= 84) {
      range.audio = {
        maximumChannels: raw.readUInt32LE(64),
        minimumBitsPerSample: raw.readUInt32LE(68),
        maximumBitsPerSample: raw.readUInt32LE(72),
        minimumSampleFrequency: raw.readUInt32LE(76),
        maximumSampleFrequency: raw.readUInt32LE(80),
      };
    }
    const video = decodeVideoRange(raw, operation);
    if (video) range.video = video;
    offset += (formatSize + 7) & ~7;
    if (range.flags & KSDATAFORMAT_ATTRIBUTES) {
      // The attribute list is one more item: a KSMULTIPLE_ITEM of KSATTRIBUTEs.
      if (offset + 8 > size) throw malformed(operation, `range ${i}'s attribute list at ${offset} runs past Size ${size}`);
      const listSize = reply.readUInt32LE(offset);
      if (listSize < 8 || offset + listSize > size) throw malformed(operation, `range ${i}'s attribute list Size ${listSize} runs past Size ${size}`);
      range.attributes = Buffer.from(reply.subarray(offset, offset + listSize));
      offset += (listSize + 7) & ~7;
    }
    ranges.push(range);
  }
  return ranges;
}

/**
 * A format inside an audio range, preferring 48 kHz, 16-bit, stereo, or a
 * video range's own KS_VIDEOINFOHEADER: what `inspect` uses to open a pin it
 * only wants to look at.
 */
export function formatForRange(range: DataRange): DataFormat | undefined {
  if (range.video) return formatForVideoRange(range);
  if (!range.audio || range.subFormat !== KSDATAFORMAT.SUBTYPE_PCM) return undefined;
  const a = range.audio;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const bits = clamp(16, a.minimumBitsPerSample, a.maximumBitsPerSample);
  return pcmFormat({
    channels: clamp(2, 1, a.maximumChannels),
    sampleRate: clamp(48000, a.minimumSampleFrequency, a.maximumSampleFrequency),
    bitsPerSample: Math.ceil(bits / 8) * 8,
  });
}
