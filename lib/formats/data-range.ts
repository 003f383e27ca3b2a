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
import { KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE, parseAttributeList, type KsAttribute } from '../structs/attributes';
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
  /**
   * The attribute list that followed the range (KSDATARANGE_ATTRIBUTES), raw: a KSMULTIPLE_ITEM of KSATTRIBUTEs.
   * `intersect()` sends it after the range again.
   */
  attributes?: Buffer;
  /** The same list decoded: each KSATTRIBUTE, signal-processing modes by name (`signalProcessingModes` collects them). */
  attributeList?: KsAttribute[];
  /**
   * The signal-processing modes the range's attribute list names ('DEFAULT', 'RAW', 'COMMUNICATIONS', ..., or the
   * GUID of a mode Windows does not define); `['ANY']` for the bare KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE
   * attribute, which says the range takes a mode without naming one. Absent when the range has no mode attribute.
   */
  signalProcessingModes?: string[];
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
 * within Size, items on 8-byte steps. A range flagged KSDATARANGE_ATTRIBUTES
 * is followed (at the next 8-byte step) by its attribute list, which Count
 * counts as an item of its own — ksproxy decrements Count when it skips one,
 * and Microsoft's audio driver tests walk DATARANGES treating the item after
 * such a range as its "attribute list pseudo-datarange". Count must account
 * for every item up to Size: a Count that ends before a range's list, or
 * leaves a range unread, is refused.
 */
export function parseDataRanges(reply: Buffer, operation = 'read data ranges'): DataRange[] {
  // The smallest item is an attribute list's 8-byte head (ranges are 64 bytes
  // or more); the walk below checks every item's own size.
  const { size, count } = readMultipleItem(reply, KSMULTIPLE_ITEM_SIZE, operation);
  const ranges: DataRange[] = [];
  let offset = KSMULTIPLE_ITEM_SIZE;
  for (let item = 0; item < count; item++) {
    const i = ranges.length;
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
      // The attribute list is the next item: a KSMULTIPLE_ITEM of KSATTRIBUTEs.
      if (++item >= count) {
        throw malformed(operation, `range ${i} has KSDATARANGE_ATTRIBUTES but KSMULTIPLE_ITEM.Count ${count} ends before its attribute list (Count counts each list as an item)`);
      }
      if (offset + KSMULTIPLE_ITEM_SIZE > size) throw malformed(operation, `range ${i}'s attribute list at ${offset} runs past Size ${size}`);
      const listSize = reply.readUInt32LE(offset);
      if (listSize < KSMULTIPLE_ITEM_SIZE || offset + listSize > size) {
        throw malformed(operation, `range ${i}'s attribute list at ${offset} has Size ${listSize}, outside 8..${size - offset} (the bytes left in Size ${size})`);
      }
      range.attributes = Buffer.from(reply.subarray(offset, offset + listSize));
      range.attributeList = parseAttributeList(range.attributes, operation, `range ${i}'s attribute list`);
      const modes = range.attributeList.filter((a) => a.attribute === KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE);
      if (modes.length > 0) {
        range.signalProcessingModes = modes.map((a) => (a.signalProcessingMode ? a.signalProcessingMode.name ?? a.signalProcessingMode.guid : 'ANY'));
      }
      offset += (listSize + 7) & ~7;
    }
    ranges.push(range);
  }
  // Padding after the last item is at most 7 bytes; more means Count left items out.
  if (size > offset && size - offset >= 8) {
    throw malformed(operation, `KSMULTIPLE_ITEM.Count ${count} accounts for ${offset} of its ${size} bytes (Size): items are left uncounted (each range's attribute list counts as an item)`);
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
