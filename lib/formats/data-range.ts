/**
 * KSDATARANGE: what a pin offers (KSPROPERTY_PIN_DATARANGES,
 * CONSTRAINEDDATARANGES) in a KSMULTIPLE_ITEM list, the audio form
 * KSDATARANGE_AUDIO (88 bytes), and the format a range stands for. Replies are
 * parsed as untrusted input: every length is checked before it is used.
 */
import { checkUint32 } from '../base/validate';
import { KsError } from '../base/errors';
import { KSDATAFORMAT } from '../structs/constants';
import { readGuid, writeGuid, type Guid, type GuidString } from '../structs/guid';
import { KSMULTIPLE_ITEM_SIZE, readMultipleItem } from '../structs/multiple-item';
import { KSDATAFORMAT_ATTRIBUTES, KSDATAFORMAT_SIZE, type DataFormat } from './data-format';
import { decodeVideoRange, type VideoRange } from './video-info';
import { audioSubtypeGuid, pcmFormat, type AudioSubtypeName } from './audio-format';
import { formatForVideoRange } from './video-format';

export const KSDATARANGE_AUDIO_SIZE = 88;

export interface AudioLimits {
  /** The most channels the range allows (MaximumChannels). */
  maximumChannels: number;
  /** The fewest bits per sample container (MinimumBitsPerSample). */
  minimumBitsPerSample: number;
  /** The most bits per sample container (MaximumBitsPerSample). */
  maximumBitsPerSample: number;
  /** The lowest sample rate, in Hz (MinimumSampleFrequency). */
  minimumSampleFrequency: number;
  /** The highest sample rate, in Hz (MaximumSampleFrequency). */
  maximumSampleFrequency: number;
}

/** A KSDATARANGE as a pin reports it, with its raw bytes kept whole. */
export interface DataRange {
  /** The range's size in bytes (FormatSize): 64 for a bare KSDATARANGE, 88 for KSDATARANGE_AUDIO, ... */
  formatSize: number;
  /** KSDATARANGE flags (Flags): KSDATARANGE_ATTRIBUTES (2) when an attribute list follows. */
  flags: number;
  /** Bytes per sample (SampleSize); 0 when it varies. */
  sampleSize: number;
  /** The kind of media (MajorFormat): KSDATAFORMAT.TYPE_AUDIO, TYPE_VIDEO, ... */
  majorFormat: Guid;
  /** The encoding (SubFormat): KSDATAFORMAT.SUBTYPE_PCM, SUBTYPE_YUY2, ...; the null GUID is a wildcard. */
  subFormat: Guid;
  /** The structure a format built from it carries (Specifier): SPECIFIER_WAVEFORMATEX, SPECIFIER_VIDEOINFO, ... */
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

export interface AudioRangeInit extends Partial<AudioLimits> {
  /** The sample type (SubFormat): 'PCM' (default), 'IEEE_FLOAT', or a KSDATAFORMAT.SUBTYPE_* GUID. */
  subFormat?: AudioSubtypeName | GuidString;
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
  writeGuid(b, 32, audioSubtypeGuid(init.subFormat ?? 'PCM', 'audioRange.subFormat'));
  writeGuid(b, 48, KSDATAFORMAT.SPECIFIER_WAVEFORMATEX);
  b.writeUInt32LE(limits.maximumChannels, 64);
  b.writeUInt32LE(limits.minimumBitsPerSample, 68);
  b.writeUInt32LE(limits.maximumBitsPerSample, 72);
  b.writeUInt32LE(limits.minimumSampleFrequency, 76);
  b.writeUInt32LE(limits.maximumSampleFrequency, 80);
  return b;
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
