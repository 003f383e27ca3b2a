// The audio format codecs (lib/formats/wave-format.ts, audio-format.ts, data-format.ts) against bytes laid out here
// at the offsets mmreg.h and ks.h give (WAVEFORMATEX 18 bytes packed, WAVEFORMATEXTENSIBLE 40, KSDATAFORMAT 64), with
// the arithmetic worked by hand in the comments, and the size and range checks at their exact edges.
import { describe, expect, it } from 'vitest';
import {
  decodeDataFormat,
  decodeWaveFormatExtensible,
  encodeDataFormat,
  encodeWaveFormatExtensible,
  extensibleFormat,
  guidToBuffer,
  KSDATAFORMAT,
  pcmFormat,
} from '../lib/index';
import { expectKsError } from './helpers';

/** A KSDATAFORMAT head: FormatSize, Flags, SampleSize, Reserved, MajorFormat, SubFormat, Specifier. */
function layHead(b: Buffer, formatSize: number, flags: number, sampleSize: number, sub: string, specifier = KSDATAFORMAT.SPECIFIER_WAVEFORMATEX, major = KSDATAFORMAT.TYPE_AUDIO): void {
  b.writeUInt32LE(formatSize, 0);
  b.writeUInt32LE(flags, 4);
  b.writeUInt32LE(sampleSize, 8);
  guidToBuffer(major).copy(b, 16);
  guidToBuffer(sub).copy(b, 32);
  guidToBuffer(specifier).copy(b, 48);
}

/** WAVEFORMATEX at `o`: wFormatTag, nChannels, nSamplesPerSec, nAvgBytesPerSec, nBlockAlign, wBitsPerSample, cbSize. */
function layWave(b: Buffer, o: number, [tag, channels, rate, avg, align, bits, cb]: number[]): void {
  b.writeUInt16LE(tag, o);
  b.writeUInt16LE(channels, o + 2);
  b.writeUInt32LE(rate, o + 4);
  b.writeUInt32LE(avg, o + 8);
  b.writeUInt16LE(align, o + 12);
  b.writeUInt16LE(bits, o + 14);
  b.writeUInt16LE(cb, o + 16);
}

/** The 22 bytes after cbSize: Samples (wValidBitsPerSample), dwChannelMask, SubFormat. */
function layExtensible(b: Buffer, o: number, valid: number, mask: number, sub: string): void {
  b.writeUInt16LE(valid, o + 18);
  b.writeUInt32LE(mask, o + 20);
  guidToBuffer(sub).copy(b, o + 24);
}

describe('WAVEFORMATEXTENSIBLE', () => {
  it('decodes every field at an offset into the buffer, a cbSize above 22 included', () => {
    const b = Buffer.alloc(5 + 40);
    // 6 channels of 24 bits at 44.1 kHz: nBlockAlign 6 × 3 = 18, nAvgBytesPerSec 44100 × 18 = 793800.
    layWave(b, 5, [0xfffe, 6, 44100, 793800, 18, 24, 30]);
    layExtensible(b, 5, 20, 0x3f, KSDATAFORMAT.SUBTYPE_PCM);
    expect(decodeWaveFormatExtensible(b, 5)).toEqual({
      formatTag: 0xfffe,
      channels: 6,
      sampleRate: 44100,
      avgBytesPerSec: 793800,
      blockAlign: 18,
      bitsPerSample: 24,
      extraSize: 30,
      validBitsPerSample: 20,
      channelMask: 0x3f,
      subFormat: KSDATAFORMAT.SUBTYPE_PCM,
    });
  });

  it('refuses a cbSize of 21, another tag, 39 bytes and a negative offset, saying which', () => {
    const b = Buffer.alloc(40);
    layWave(b, 0, [0xfffe, 2, 48000, 192000, 4, 16, 21]);
    expect(expectKsError(() => decodeWaveFormatExtensible(b), 'ERR_MALFORMED_REPLY').message).toBe(
      'decode WAVEFORMATEXTENSIBLE: wFormatTag 0xfffe / cbSize 21 is not a WAVEFORMATEXTENSIBLE',
    );
    layWave(b, 0, [1, 2, 48000, 192000, 4, 16, 22]);
    expect(expectKsError(() => decodeWaveFormatExtensible(b, 0, 'read it'), 'ERR_MALFORMED_REPLY').message).toBe(
      'read it: wFormatTag 0x1 / cbSize 22 is not a WAVEFORMATEXTENSIBLE',
    );
    layWave(b, 0, [0xfffe, 2, 48000, 192000, 4, 16, 22]);
    expect(decodeWaveFormatExtensible(b).extraSize).toBe(22); // exactly 40 bytes, cbSize exactly 22
    expect(expectKsError(() => decodeWaveFormatExtensible(b.subarray(0, 39)), 'ERR_MALFORMED_REPLY').message).toBe(
      'decode WAVEFORMATEXTENSIBLE: a WAVEFORMATEXTENSIBLE needs 40 bytes at 0, the buffer has 39',
    );
    expect(expectKsError(() => decodeWaveFormatExtensible(b, 1), 'ERR_MALFORMED_REPLY').message).toMatch(/needs 40 bytes at 1, the buffer has 40$/);
    expect(expectKsError(() => decodeWaveFormatExtensible(Buffer.alloc(48), -1), 'ERR_MALFORMED_REPLY').message).toMatch(/needs 40 bytes at -1,/);
  });

  it('encodes the exact 40 bytes, wFormatTag 0xFFFE and cbSize 22 implied', () => {
    const expected = Buffer.alloc(40);
    // 8 channels of float at 192 kHz: 8 × 4 = 32 bytes a frame, 192000 × 32 = 6144000 bytes a second; SPEAKER_ALL mask.
    layWave(expected, 0, [0xfffe, 8, 192000, 6144000, 32, 32, 22]);
    layExtensible(expected, 0, 32, 0x80000000, KSDATAFORMAT.SUBTYPE_IEEE_FLOAT);
    const w = { channels: 8, sampleRate: 192000, avgBytesPerSec: 6144000, blockAlign: 32, bitsPerSample: 32, validBitsPerSample: 32, channelMask: 0x80000000, subFormat: KSDATAFORMAT.SUBTYPE_IEEE_FLOAT };
    expect(encodeWaveFormatExtensible(w)).toEqual(expected);
    expect(() => encodeWaveFormatExtensible({ ...w, subFormat: 'not a guid' })).toThrow(/subFormat/);
  });
});

describe('KSDATAFORMAT', () => {
  it('encodes FormatSize as what was built, Flags and SampleSize, the three GUIDs, then the specifier bytes', () => {
    const expected = Buffer.alloc(67);
    layHead(expected, 67, 2, 4, KSDATAFORMAT.SUBTYPE_PCM, KSDATAFORMAT.SPECIFIER_NONE);
    expected.write('abc', 64, 'latin1');
    const format = { majorFormat: KSDATAFORMAT.TYPE_AUDIO, subFormat: KSDATAFORMAT.SUBTYPE_PCM, specifier: KSDATAFORMAT.SPECIFIER_NONE, flags: 2, sampleSize: 4, specifierData: Buffer.from('abc') };
    expect(encodeDataFormat(format)).toEqual(expected);
    const bare = Buffer.alloc(64);
    layHead(bare, 64, 0, 0, KSDATAFORMAT.SUBTYPE_PCM, KSDATAFORMAT.SPECIFIER_NONE);
    expect(encodeDataFormat({ majorFormat: format.majorFormat, subFormat: format.subFormat, specifier: format.specifier })).toEqual(bare);
    expect(() => encodeDataFormat({ ...format, majorFormat: 'x' })).toThrow(/dataFormat\.majorFormat/);
    expect(() => encodeDataFormat({ ...format, subFormat: 'x' })).toThrow(/dataFormat\.subFormat/);
    expect(() => encodeDataFormat({ ...format, specifier: 'x' })).toThrow(/dataFormat\.specifier/);
  });

  it('decodes the head, keeps the specifier bytes up to FormatSize only, and decodes no WAVEFORMATEX below 82 bytes', () => {
    const b = Buffer.alloc(90);
    layHead(b, 81, 2, 4, KSDATAFORMAT.SUBTYPE_PCM);
    b.writeUInt32LE(0xaaaaaaaa, 12); // Reserved: not read
    layWave(b, 64, [1, 2, 48000, 192000, 4, 16, 0]);
    const short = decodeDataFormat(b);
    expect(short).toEqual({
      flags: 2,
      sampleSize: 4,
      majorFormat: KSDATAFORMAT.TYPE_AUDIO,
      subFormat: KSDATAFORMAT.SUBTYPE_PCM,
      specifier: KSDATAFORMAT.SPECIFIER_WAVEFORMATEX,
      specifierData: b.subarray(64, 81),
    });
    b.writeUInt32LE(82, 0);
    expect(decodeDataFormat(b).wave).toEqual({ formatTag: 1, channels: 2, sampleRate: 48000, avgBytesPerSec: 192000, blockAlign: 4, bitsPerSample: 16, extraSize: 0 });
  });

  it('decodes the WAVEFORMATEXTENSIBLE from 104 bytes on, and only the WAVEFORMATEX of a shorter one', () => {
    const b = Buffer.alloc(104);
    layHead(b, 103, 0, 8, KSDATAFORMAT.SUBTYPE_IEEE_FLOAT);
    layWave(b, 64, [0xfffe, 2, 48000, 384000, 8, 32, 22]);
    layExtensible(b, 64, 32, 3, KSDATAFORMAT.SUBTYPE_IEEE_FLOAT);
    const cut = decodeDataFormat(b);
    expect(cut.wave!.formatTag).toBe(0xfffe);
    expect(cut.extensible).toBeUndefined();
    b.writeUInt32LE(104, 0);
    expect(decodeDataFormat(b).extensible).toMatchObject({ validBitsPerSample: 32, channelMask: 3, subFormat: KSDATAFORMAT.SUBTYPE_IEEE_FLOAT });
    // A plain WAVEFORMATEX (tag 1) in 104 bytes is not read as extensible.
    layWave(b, 64, [1, 2, 48000, 192000, 4, 16, 22]);
    expect(decodeDataFormat(b).extensible).toBeUndefined();
  });

  it('decodes a KS_VIDEOINFOHEADER from 152 bytes on and a KS_VIDEOINFOHEADER2 from 176, nothing below', () => {
    const v1 = Buffer.alloc(152);
    layHead(v1, 151, 0, 0, KSDATAFORMAT.SUBTYPE_YUY2, KSDATAFORMAT.SPECIFIER_VIDEOINFO, KSDATAFORMAT.TYPE_VIDEO);
    v1.writeInt32LE(640, 64 + 48 + 4); // bmiHeader.biWidth
    expect(decodeDataFormat(v1).video).toBeUndefined();
    v1.writeUInt32LE(152, 0);
    expect(decodeDataFormat(v1).video!.bitmap.width).toBe(640);
    expect(decodeDataFormat(v1).video2).toBeUndefined();
    expect(decodeDataFormat(v1).wave).toBeUndefined(); // 152 bytes would hold a WAVEFORMATEX; the specifier says none
    // A VIDEOINFO format long enough for a KS_VIDEOINFOHEADER2 is still read as KS_VIDEOINFOHEADER only.
    const long = Buffer.concat([v1, Buffer.alloc(24)]);
    long.writeUInt32LE(176, 0);
    expect(decodeDataFormat(long).video2).toBeUndefined();
    expect(decodeDataFormat(long).video!.bitmap.width).toBe(640);
    const v2 = Buffer.alloc(176);
    layHead(v2, 175, 0, 0, KSDATAFORMAT.SUBTYPE_NV12, KSDATAFORMAT.SPECIFIER_VIDEOINFO2, KSDATAFORMAT.TYPE_VIDEO);
    v2.writeInt32LE(1280, 64 + 72 + 4); // bmiHeader.biWidth, after the six DWORDs of KS_VIDEOINFOHEADER2
    expect(decodeDataFormat(v2).video2).toBeUndefined();
    v2.writeUInt32LE(176, 0);
    expect(decodeDataFormat(v2).video2!.bitmap.width).toBe(1280);
    expect(decodeDataFormat(v2).video).toBeUndefined();
  });

  it('refuses fewer than 64 bytes and a FormatSize outside 64..the reply, saying which', () => {
    const b = Buffer.alloc(70);
    layHead(b, 70, 0, 0, KSDATAFORMAT.SUBTYPE_PCM, KSDATAFORMAT.SPECIFIER_NONE);
    expect(decodeDataFormat(b).specifierData!.length).toBe(6);
    expect(expectKsError(() => decodeDataFormat(b.subarray(0, 63)), 'ERR_MALFORMED_REPLY').message).toBe('decode data format: a KSDATAFORMAT needs 64 bytes, got 63');
    b.writeUInt32LE(71, 0);
    expect(expectKsError(() => decodeDataFormat(b, 'get format'), 'ERR_MALFORMED_REPLY').message).toBe('get format: FormatSize 71 is outside 64..70');
    b.writeUInt32LE(63, 0);
    expect(expectKsError(() => decodeDataFormat(b), 'ERR_MALFORMED_REPLY').message).toBe('decode data format: FormatSize 63 is outside 64..70');
    b.writeUInt32LE(64, 0);
    expect(decodeDataFormat(b).specifierData!.length).toBe(0);
    // Exactly the 64-byte head, nothing after it.
    expect(decodeDataFormat(b.subarray(0, 64)).specifierData!.length).toBe(0);
  });
});

describe('pcmFormat()', () => {
  it('builds KSDATAFORMAT_WAVEFORMATEX (82 bytes) for 2 channels of 16 bits at 44.1 kHz', () => {
    const expected = Buffer.alloc(82);
    layHead(expected, 82, 0, 4, KSDATAFORMAT.SUBTYPE_PCM);
    layWave(expected, 64, [1, 2, 44100, 176400, 4, 16, 0]); // 2 × 2 bytes a frame, 44100 × 4 a second
    const format = pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 });
    expect(encodeDataFormat(format)).toEqual(expected);
    expect(format.wave).toEqual({ formatTag: 1, channels: 2, sampleRate: 44100, avgBytesPerSec: 176400, blockAlign: 4, bitsPerSample: 16, extraSize: 0 });
    expect(format.extensible).toBeUndefined();
    const mono = Buffer.alloc(82);
    layHead(mono, 82, 0, 1, KSDATAFORMAT.SUBTYPE_PCM);
    layWave(mono, 64, [1, 1, 8000, 8000, 1, 8, 0]);
    expect(encodeDataFormat(pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 8, float: false, validBitsPerSample: 8 }))).toEqual(mono);
  });

  it('turns WAVEFORMATEXTENSIBLE for a third channel, a 24-bit container, fewer valid bits, a channel mask or float', () => {
    const size = (init: Parameters<typeof pcmFormat>[0]) => encodeDataFormat(pcmFormat(init)).length;
    expect(size({ channels: 3, sampleRate: 48000, bitsPerSample: 16 })).toBe(104);
    expect(size({ channels: 2, sampleRate: 48000, bitsPerSample: 24 })).toBe(104);
    expect(size({ channels: 2, sampleRate: 48000, bitsPerSample: 16, validBitsPerSample: 12 })).toBe(104);
    expect(size({ channels: 1, sampleRate: 48000, bitsPerSample: 16, channelMask: 0x4 })).toBe(104);
    const float = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, float: true });
    expect(float.subFormat).toBe(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT);
    expect(float.extensible!.subFormat).toBe(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT);
    expect(pcmFormat({ channels: 3, sampleRate: 48000, bitsPerSample: 16 }).subFormat).toBe(KSDATAFORMAT.SUBTYPE_PCM);
    expect(pcmFormat({ channels: 1, sampleRate: 48000, bitsPerSample: 64, float: true }).extensible!.blockAlign).toBe(8);
  });

  it('refuses what it cannot build, naming the field and the values allowed', () => {
    expect(() => pcmFormat(null as never)).toThrow(new TypeError('pcmFormat takes { channels, sampleRate, bitsPerSample }'));
    expect(() => pcmFormat('x' as never)).toThrow(new TypeError('pcmFormat takes { channels, sampleRate, bitsPerSample }'));
    expect(() => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, float: 'yes' as never })).toThrow(new TypeError('pcm.float must be a boolean, got string'));
    expect(() => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16, float: true })).toThrow(new RangeError('pcm.bitsPerSample must be 32 or 64 for float samples, got 16'));
    expect(() => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 12 })).toThrow(new RangeError('pcm.bitsPerSample must be 8, 16, 24 or 32, got 12'));
    expect(() => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 4 })).toThrow(new RangeError('pcm.bitsPerSample must be an integer in 8..32, got 4'));
    expect(() => pcmFormat({ channels: 0, sampleRate: 48000, bitsPerSample: 16 })).toThrow(new RangeError('pcm.channels must be an integer in 1..65535, got 0'));
    expect(() => pcmFormat({ channels: 2, sampleRate: 0, bitsPerSample: 16 })).toThrow(new RangeError('pcm.sampleRate must be an integer in 1..4294967295, got 0'));
  });

  it('takes nAvgBytesPerSec up to 2^32 − 1 and refuses one past it', () => {
    // Mono 8-bit: nBlockAlign 1, so nAvgBytesPerSec = nSamplesPerSec = 0xFFFFFFFF exactly.
    expect(pcmFormat({ channels: 1, sampleRate: 0xffffffff, bitsPerSample: 8 }).wave!.avgBytesPerSec).toBe(0xffffffff);
    // Stereo 16-bit: 0x40000000 × 4 = 2^32.
    expect(() => pcmFormat({ channels: 2, sampleRate: 0x40000000, bitsPerSample: 16 })).toThrow(new RangeError('pcm.sampleRate × block align must fit in 32 bits, got 4294967296'));
  });
});

describe('extensibleFormat()', () => {
  it('builds KSDATAFORMAT + WAVEFORMATEXTENSIBLE (104 bytes) for 6 channels of 20 valid bits in 24 at 96 kHz', () => {
    const expected = Buffer.alloc(104);
    layHead(expected, 104, 0, 18, KSDATAFORMAT.SUBTYPE_PCM);
    // 6 × 3 = 18 bytes a frame, 96000 × 18 = 1728000 a second; the default mask is the first six SPEAKER_* bits.
    layWave(expected, 64, [0xfffe, 6, 96000, 1728000, 18, 24, 22]);
    layExtensible(expected, 64, 20, 0x3f, KSDATAFORMAT.SUBTYPE_PCM);
    const format = extensibleFormat({ channels: 6, sampleRate: 96000, bitsPerSample: 24, validBitsPerSample: 20 });
    expect(encodeDataFormat(format)).toEqual(expected);
    expect(format.wave).toEqual({ formatTag: 0xfffe, channels: 6, sampleRate: 96000, avgBytesPerSec: 1728000, blockAlign: 18, bitsPerSample: 24, extraSize: 22 });
    expect(format.extensible).toMatchObject({ formatTag: 0xfffe, extraSize: 22, validBitsPerSample: 20, channelMask: 0x3f });
  });

  it('defaults the mask to the first `channels` bits, all 32 from 32 channels on', () => {
    const mask = (channels: number) => extensibleFormat({ channels, sampleRate: 8000, bitsPerSample: 8 }).extensible!.channelMask;
    expect(mask(1)).toBe(0x1);
    expect(mask(31)).toBe(0x7fffffff);
    expect(mask(32)).toBe(0xffffffff);
    expect(mask(40)).toBe(0xffffffff);
    expect(extensibleFormat({ channels: 2, sampleRate: 8000, bitsPerSample: 8, channelMask: 0 }).extensible!.channelMask).toBe(0);
  });

  it('takes the subtype by name or GUID', () => {
    const sub = (subFormat: string) => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, subFormat }).subFormat;
    expect(sub('IEEE_FLOAT')).toBe(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT);
    expect(sub('PCM')).toBe(KSDATAFORMAT.SUBTYPE_PCM);
    expect(sub(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT.toLowerCase())).toBe(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT);
    expect(() => sub('FLOAT')).toThrow(new RangeError('extensible.subFormat must be \'PCM\', \'IEEE_FLOAT\' or a KSDATAFORMAT.SUBTYPE_* GUID, got "FLOAT"'));
    expect(() => sub('0000-nonsense')).toThrow(/extensible\.subFormat/);
    expect(() => sub(5 as never)).toThrow(new TypeError('extensible.subFormat must be a GUID string, got number'));
  });

  it('refuses containers, valid bits, masks and sizes it cannot build, naming the field', () => {
    const base = { channels: 2, sampleRate: 48000, bitsPerSample: 16 };
    expect(extensibleFormat({ ...base, bitsPerSample: 64 }).wave!.blockAlign).toBe(16);
    expect(() => extensibleFormat({ ...base, bitsPerSample: 40 })).toThrow(new RangeError('extensible.bitsPerSample must be 8, 16, 24, 32 or 64, got 40'));
    expect(() => extensibleFormat({ ...base, bitsPerSample: 12 })).toThrow(new RangeError('extensible.bitsPerSample must be 8, 16, 24, 32 or 64, got 12'));
    expect(() => extensibleFormat({ ...base, bitsPerSample: 72 })).toThrow(new RangeError('extensible.bitsPerSample must be an integer in 8..64, got 72'));
    expect(() => extensibleFormat({ ...base, validBitsPerSample: 0 })).toThrow(new RangeError('extensible.validBitsPerSample must be an integer in 1..16, got 0'));
    expect(extensibleFormat({ ...base, validBitsPerSample: 1 }).extensible!.validBitsPerSample).toBe(1);
    expect(() => extensibleFormat({ ...base, channelMask: -1 })).toThrow(new RangeError('extensible.channelMask must be an integer in 0..4294967295, got -1'));
    expect(() => extensibleFormat({ ...base, sampleRate: 0 })).toThrow(new RangeError('extensible.sampleRate must be an integer in 1..4294967295, got 0'));
    expect(() => extensibleFormat(null as never)).toThrow(new TypeError('extensible.channels must be an integer in 1..65535, got undefined'));
    // 65535 channels of 8 bits: nBlockAlign 65535 fits; of 16 bits 131070 does not.
    expect(extensibleFormat({ channels: 65535, sampleRate: 1, bitsPerSample: 8 }).wave!.blockAlign).toBe(65535);
    expect(() => extensibleFormat({ channels: 65535, sampleRate: 1, bitsPerSample: 16 })).toThrow(
      new RangeError('extensible.channels × bytes per sample must fit in 16 bits, got 131070'),
    );
    expect(extensibleFormat({ channels: 1, sampleRate: 0xffffffff, bitsPerSample: 8 }).wave!.avgBytesPerSec).toBe(0xffffffff);
    expect(() => extensibleFormat({ channels: 1, sampleRate: 0xffffffff, bitsPerSample: 16 })).toThrow(
      new RangeError('extensible.sampleRate × block align must fit in 32 bits, got 8589934590'),
    );
  });
});
