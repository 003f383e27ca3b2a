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
  /** Channels (nChannels), 1..65535: 1 mono, 2 stereo; more than 2 makes the format WAVEFORMATEXTENSIBLE. */
  channels: number;
  /** Sample frames per second (nSamplesPerSec), in Hz, e.g. 48000. */
  sampleRate: number;
  /** Bits per sample container (wBitsPerSample): 8, 16, 24 or 32 (32 or 64 with `float`); more than 16 makes the format WAVEFORMATEXTENSIBLE. */
  bitsPerSample: number;
  /** IEEE float samples (KSDATAFORMAT_SUBTYPE_IEEE_FLOAT) instead of integer PCM; default false. Always WAVEFORMATEXTENSIBLE. */
  float?: boolean;
  /** Bits of precision in each container (wValidBitsPerSample), e.g. 20 in a 24-bit container; default bitsPerSample. */
  validBitsPerSample?: number;
  /** SPEAKER_* bits, one per channel (dwChannelMask); default the first `channels` bits in SPEAKER order. */
  channelMask?: number;
}

/**
 * An audio format for integer PCM or IEEE float samples, in the form Windows
 * audio drivers expect: KSDATAFORMAT_WAVEFORMATEX (82 bytes, WAVE_FORMAT_PCM)
 * for 1 or 2 channels of 8 or 16 bits, and KSDATAFORMAT + WAVEFORMATEXTENSIBLE
 * (104 bytes) for more channels, more bits, float samples or fewer valid
 * bits. Microsoft's WAVEFORMATEXTENSIBLE reference (mmreg.h): the extensible
 * form is for "more than two channels or higher sample resolutions than
 * allowed by WAVEFORMATEX"; WaveRT drivers take WAVEFORMATEXTENSIBLE only
 * (24-bit arrives in a 32-bit container there).
 */
export function pcmFormat(init: PcmFormatInit): DataFormat {
  if (init === null || typeof init !== 'object') throw new TypeError('pcmFormat takes { channels, sampleRate, bitsPerSample }');
  if (init.float !== undefined && typeof init.float !== 'boolean') throw new TypeError(`pcm.float must be a boolean, got ${typeof init.float}`);
  const float = init.float === true;
  if (float || init.channels > 2 || init.bitsPerSample > 16 || (init.validBitsPerSample !== undefined && init.validBitsPerSample !== init.bitsPerSample) || init.channelMask !== undefined) {
    if (float && init.bitsPerSample !== 32 && init.bitsPerSample !== 64) throw new RangeError(`pcm.bitsPerSample must be 32 or 64 for float samples, got ${String(init.bitsPerSample)}`);
    return extensibleFormat({
      channels: init.channels,
      sampleRate: init.sampleRate,
      bitsPerSample: init.bitsPerSample,
      validBitsPerSample: init.validBitsPerSample,
      channelMask: init.channelMask,
      subFormat: float ? KSDATAFORMAT.SUBTYPE_IEEE_FLOAT : KSDATAFORMAT.SUBTYPE_PCM,
    });
  }
  return waveFormatExPcm(init);
}

/** KSDATAFORMAT_WAVEFORMATEX for integer PCM (82 bytes: the head and an 18-byte WAVEFORMATEX). */
function waveFormatExPcm(init: PcmFormatInit): DataFormat {
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
  /** Channels (nChannels), 1..65535. */
  channels: number;
  /** Sample frames per second (nSamplesPerSec), in Hz. */
  sampleRate: number;
  /** Bits per sample container (wBitsPerSample): 8, 16, 24, 32 or 64 (64: float only). */
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
  const bits = checkInteger(init?.bitsPerSample, 'extensible.bitsPerSample', 8, 64);
  if (bits % 8 !== 0 || (bits > 32 && bits !== 64)) throw new RangeError(`extensible.bitsPerSample must be 8, 16, 24, 32 or 64, got ${bits}`);
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
