/**
 * Building audio formats: KSDATAFORMAT_WAVEFORMATEX for integer PCM
 * (`pcmFormat`) and KSDATAFORMAT + WAVEFORMATEXTENSIBLE (`extensibleFormat`).
 */
import { checkInteger } from '../base/validate';
import { KSDATAFORMAT } from '../structs/constants';
import { normalizeGuid, type Guid } from '../structs/guid';
import type { DataFormat } from './data-format';
import {
  decodeWaveFormat,
  decodeWaveFormatExtensible,
  encodeWaveFormatExtensible,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_PCM,
  WAVEFORMATEX_SIZE,
  WAVEFORMATEXTENSIBLE_EXTRA,
} from './wave-format';

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
