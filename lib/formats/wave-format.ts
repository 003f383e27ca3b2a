/**
 * The wave structs: WAVEFORMATEX (18 bytes, packed) and WAVEFORMATEXTENSIBLE
 * (40 bytes, packed): a WAVEFORMATEX whose wFormatTag is
 * WAVE_FORMAT_EXTENSIBLE and cbSize 22, followed by Samples
 * (wValidBitsPerSample), dwChannelMask and SubFormat. The extensible form is
 * used for more than two channels, more than 16 bits, or float samples.
 */import { KsError } from '../base/errors';
import { normalizeGuid, readGuid, writeGuid, type Guid } from '../structs/guid';

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

export const WAVEFORMATEX_SIZE = 18;
/** WAVE_FORMAT_PCM */
export const WAVE_FORMAT_PCM = 1;

export interface WaveFormat {
  /** The encoding (wFormatTag): WAVE_FORMAT_PCM (1), WAVE_FORMAT_IEEE_FLOAT (3) or WAVE_FORMAT_EXTENSIBLE (0xFFFE). */
  formatTag: number;
  /** Channels (nChannels): 1 mono, 2 stereo, ... */
  channels: number;
  /** Sample frames per second, in Hz (nSamplesPerSec). */
  sampleRate: number;
  /** Bytes per second (nAvgBytesPerSec): sampleRate × blockAlign. */
  avgBytesPerSec: number;
  /** Bytes per sample frame, all channels (nBlockAlign): channels × bitsPerSample / 8. */
  blockAlign: number;
  /** Bits per sample container (wBitsPerSample): 8, 16, 24, 32 (or 64 for float). */
  bitsPerSample: number;
  /** Bytes of extra format information after the 18-byte WAVEFORMATEX (cbSize): 0, or 22 for WAVEFORMATEXTENSIBLE. */
  extraSize: number;
}

/** Decodes the 18 bytes of a WAVEFORMATEX at `o` (the caller checked the length). */
export function decodeWaveFormat(b: Buffer, o: number): WaveFormat {
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
