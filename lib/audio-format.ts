/**
 * WAVEFORMATEXTENSIBLE (40 bytes, packed): a WAVEFORMATEX whose wFormatTag is
 * WAVE_FORMAT_EXTENSIBLE and cbSize 22, followed by Samples
 * (wValidBitsPerSample), dwChannelMask and SubFormat. Used for more than two
 * channels, more than 16 bits, or float samples.
 */
import { checkInteger } from './validate';
import { KsError } from './errors';
import { KSDATAFORMAT } from './constants';
import { normalizeGuid, readGuid, writeGuid, type Guid } from './guid';
import type { DataFormat, WaveFormat } from './dataformat';

/** WAVE_FORMAT_EXTENSIBLE */
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
export const WAVEFORMATEXTENSIBLE_SIZE = 40;
/** cbSize of a WAVEFORMATEXTENSIBLE: the bytes after the 18-byte WAVEFORMATEX. */
export const WAVEFORMATEXTENSIBLE_EXTRA = 22;

/** SPEAKER_* channel mask bits (dwChannelMask). */
export const SPEAKER = {
  FRONT_LEFT: 0x1,
  FRONT_RIGHT: 0x2,
  FRONT_CENTER: 0x4,
  LOW_FREQUENCY: 0x8,
  BACK_LEFT: 0x10,
  BACK_RIGHT: 0x20,
  FRONT_LEFT_OF_CENTER: 0x40,
  FRONT_RIGHT_OF_CENTER: 0x80,
  BACK_CENTER: 0x100,
  SIDE_LEFT: 0x200,
  SIDE_RIGHT: 0x400,
} as const;

export interface WaveFormatExtensible extends WaveFormat {
  /** Samples.wValidBitsPerSample: bits of precision in each container of bitsPerSample. */
  validBitsPerSample: number;
  /** dwChannelMask: SPEAKER_* bits, one per channel in order. */
  channelMask: number;
  /** SubFormat: KSDATAFORMAT_SUBTYPE_PCM, _IEEE_FLOAT, ... */
  subFormat: Guid;
}

/** Decodes a WAVEFORMATEXTENSIBLE at `offset`; a short buffer or wrong tag/cbSize is ERR_MALFORMED_REPLY. */
export function decodeWaveFormatExtensible(b: Buffer, offset = 0, operation = 'decode WAVEFORMATEXTENSIBLE'): WaveFormatExtensible {
  if (offset < 0 || offset + WAVEFORMATEXTENSIBLE_SIZE > b.length) {
    throw new KsError('ERR_MALFORMED_REPLY', operation, `a WAVEFORMATEXTENSIBLE needs 40 bytes at ${offset}, the buffer has ${b.length}`);
  }
  const formatTag = b.readUInt16LE(offset);
  const extraSize = b.readUInt16LE(offset + 16);
  if (formatTag !== WAVE_FORMAT_EXTENSIBLE || extraSize < WAVEFORMATEXTENSIBLE_EXTRA) {
    throw new KsError('ERR_MALFORMED_REPLY', operation, `wFormatTag 0x${formatTag.toString(16)} / cbSize ${extraSize} is not a WAVEFORMATEXTENSIBLE`);
  }
  return {
    formatTag,
    channels: b.readUInt16LE(offset + 2),
    sampleRate: b.readUInt32LE(offset + 4),
    avgBytesPerSec: b.readUInt32LE(offset + 8),
    blockAlign: b.readUInt16LE(offset + 12),
    bitsPerSample: b.readUInt16LE(offset + 14),
    extraSize,
    validBitsPerSample: b.readUInt16LE(offset + 18),
    channelMask: b.readUInt32LE(offset + 20),
    subFormat: readGuid(b, offset + 24),
  };
}

/** Encodes the exact 40 bytes of a WAVEFORMATEXTENSIBLE (wFormatTag and cbSize are implied). */
export function encodeWaveFormatExtensible(w: Omit<WaveFormatExtensible, 'formatTag' | 'extraSize'>): Buffer {
  const b = Buffer.alloc(WAVEFORMATEXTENSIBLE_SIZE);
  b.writeUInt16LE(WAVE_FORMAT_EXTENSIBLE, 0);
  b.writeUInt16LE(w.channels, 2);
  b.writeUInt32LE(w.sampleRate >>> 0, 4);
  b.writeUInt32LE(w.avgBytesPerSec >>> 0, 8);
  b.writeUInt16LE(w.blockAlign, 12);
  b.writeUInt16LE(w.bitsPerSample, 14);
  b.writeUInt16LE(WAVEFORMATEXTENSIBLE_EXTRA, 16);
  b.writeUInt16LE(w.validBitsPerSample, 18);
  b.writeUInt32LE(w.channelMask >>> 0, 20);
  writeGuid(b, 24, normalizeGuid(w.subFormat, 'subFormat'));
  return b;
}

export interface ExtensibleFormatInit {
  channels: number;
  sampleRate: number;
  /** wBitsPerSample: the container, 8, 16, 24 or 32. */
  bitsPerSample: number;
  /** wValidBitsPerSample; default bitsPerSample. */
  validBitsPerSample?: number;
  /** dwChannelMask; default the first `channels` SPEAKER_* bits in order. */
  channelMask?: number;
  /** SubFormat; default KSDATAFORMAT_SUBTYPE_PCM. */
  subFormat?: Guid;
}


/** KSDATAFORMAT (SubFormat = the sample SubFormat) + WAVEFORMATEXTENSIBLE: 104 bytes. */
export function extensibleFormat(init: ExtensibleFormatInit): DataFormat {
  const channels = checkInteger(init?.channels, 'extensible.channels', 1, 0xffff);
  const sampleRate = checkInteger(init?.sampleRate, 'extensible.sampleRate', 1, 0xffffffff);
  const bits = checkInteger(init?.bitsPerSample, 'extensible.bitsPerSample', 8, 32);
  if (bits % 8 !== 0) throw new RangeError(`extensible.bitsPerSample must be 8, 16, 24 or 32, got ${bits}`);
  const validBits = checkInteger(init.validBitsPerSample ?? bits, 'extensible.validBitsPerSample', 1, bits);
  const defaultMask = channels >= 32 ? 0xffffffff : 2 ** channels - 1;
  const channelMask = checkInteger(init.channelMask ?? defaultMask, 'extensible.channelMask', 0, 0xffffffff);
  const subFormat = normalizeGuid(init.subFormat ?? KSDATAFORMAT.SUBTYPE_PCM, 'extensible.subFormat');
  const blockAlign = channels * (bits / 8);
  if (blockAlign > 0xffff) throw new RangeError(`extensible.channels × bytes per sample must fit in 16 bits, got ${blockAlign}`);
  const avgBytesPerSec = sampleRate * blockAlign;
  if (avgBytesPerSec > 0xffffffff) throw new RangeError(`extensible.sampleRate × block align must fit in 32 bits, got ${avgBytesPerSec}`);
  const wave = { channels, sampleRate, avgBytesPerSec, blockAlign, bitsPerSample: bits, validBitsPerSample: validBits, channelMask, subFormat };
  const specifierData = encodeWaveFormatExtensible(wave);
  return {
    majorFormat: KSDATAFORMAT.TYPE_AUDIO,
    subFormat,
    specifier: KSDATAFORMAT.SPECIFIER_WAVEFORMATEX,
    sampleSize: blockAlign,
    specifierData,
    wave: { formatTag: WAVE_FORMAT_EXTENSIBLE, channels, sampleRate, avgBytesPerSec, blockAlign, bitsPerSample: bits, extraSize: WAVEFORMATEXTENSIBLE_EXTRA },
    extensible: decodeWaveFormatExtensible(specifierData),
  };
}
