// KSDATARANGE codecs and words (lib/formats/data-range.ts, format-fit.ts) against bytes and sentences written here:
// KSDATARANGE_AUDIO laid out at ksmedia.h's offsets, the KSMULTIPLE_ITEM walk at its exact edges (FormatSize 84 for
// the audio limits, 7 bytes of trailing padding), the format picked inside a range, and the one-line descriptions
// and misfit reasons a refused createPin prints.
import { describe, expect, it } from 'vitest';
import { encodeAudioRange, encodeDataFormat, formatForRange, guidToBuffer, KSDATAFORMAT, parseDataRanges, type DataRange } from '../lib/index';
import { describeFormat, describeRange, explainMisfit, subtypeLabel } from '../lib/formats/format-fit';
import { pcmFormat, videoFormat } from '../lib/index';
import { expectKsError } from './helpers';

const UNKNOWN = '{11111111-2222-3333-4444-555555555555}';

/** KSDATARANGE head + KSDATARANGE_AUDIO's five ULONGs at 64..84 (MaximumChannels, Min/MaxBits, Min/MaxFrequency). */
function audioRange(formatSize: number, sub: string, limits: number[], flags = 0): Buffer {
  const b = Buffer.alloc(Math.max(formatSize, 84));
  b.writeUInt32LE(formatSize, 0);
  b.writeUInt32LE(flags, 4);
  guidToBuffer(KSDATAFORMAT.TYPE_AUDIO).copy(b, 16);
  guidToBuffer(sub).copy(b, 32);
  guidToBuffer(KSDATAFORMAT.SPECIFIER_WAVEFORMATEX).copy(b, 48);
  limits.forEach((v, i) => b.writeUInt32LE(v, 64 + i * 4));
  return b.subarray(0, formatSize);
}

/** KSMULTIPLE_ITEM { Size, Count } and the items, each padded to 8 bytes, then `tail` bytes of padding. */
function list(items: Buffer[], count = items.length, tail = 0): Buffer {
  const body = Buffer.concat(items.flatMap((i) => [i, Buffer.alloc((8 - (i.length % 8)) % 8)]));
  const head = Buffer.alloc(8);
  head.writeUInt32LE(8 + body.length + tail, 0);
  head.writeUInt32LE(count, 4);
  return Buffer.concat([head, body, Buffer.alloc(tail)]);
}

const limits = (maximumChannels: number, minimumBitsPerSample: number, maximumBitsPerSample: number, minimumSampleFrequency: number, maximumSampleFrequency: number) => ({
  maximumChannels,
  minimumBitsPerSample,
  maximumBitsPerSample,
  minimumSampleFrequency,
  maximumSampleFrequency,
});

describe('parseDataRanges()', () => {
  it('reads each range\'s head and KSDATARANGE_AUDIO limits at their offsets, items on 8-byte steps', () => {
    const first = audioRange(88, KSDATAFORMAT.SUBTYPE_PCM, [6, 8, 24, 8000, 192000]);
    first.writeUInt32LE(12, 8); // SampleSize
    const second = audioRange(84, KSDATAFORMAT.SUBTYPE_IEEE_FLOAT, [2, 32, 32, 44100, 48000]); // padded to 88
    const ranges = parseDataRanges(list([first, second]));
    // Strict: a range that is not video has no `video` key at all (nor `attributes`, `signalProcessingModes`).
    expect(ranges.map(({ raw, ...r }) => r)).toStrictEqual([
      { formatSize: 88, flags: 0, sampleSize: 12, majorFormat: KSDATAFORMAT.TYPE_AUDIO, subFormat: KSDATAFORMAT.SUBTYPE_PCM, specifier: KSDATAFORMAT.SPECIFIER_WAVEFORMATEX, audio: limits(6, 8, 24, 8000, 192000) },
      { formatSize: 84, flags: 0, sampleSize: 0, majorFormat: KSDATAFORMAT.TYPE_AUDIO, subFormat: KSDATAFORMAT.SUBTYPE_IEEE_FLOAT, specifier: KSDATAFORMAT.SPECIFIER_WAVEFORMATEX, audio: limits(2, 32, 32, 44100, 48000) },
    ]);
    expect(ranges[1].raw).toEqual(second);
  });

  it('reads no audio limits from a WAVEFORMATEX range of 83 bytes', () => {
    const [range] = parseDataRanges(list([audioRange(83, KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000])]));
    expect(range.formatSize).toBe(83);
    expect(range.audio).toBeUndefined();
  });

  it('allows up to 7 bytes of padding after the last item and refuses 8, which Count left out', () => {
    const range = audioRange(88, KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000]);
    expect(parseDataRanges(list([range], 1, 7))).toHaveLength(1);
    expect(expectKsError(() => parseDataRanges(list([range], 1, 8)), 'ERR_MALFORMED_REPLY').message).toBe(
      'read data ranges: KSMULTIPLE_ITEM.Count 1 accounts for 96 of its 104 bytes (Size): items are left uncounted (each range\'s attribute list counts as an item)',
    );
  });

  it('names the range and the numbers when an item does not fit', () => {
    const range = audioRange(88, KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000]);
    const message = (reply: Buffer, operation?: string) => expectKsError(() => parseDataRanges(reply, operation), 'ERR_MALFORMED_REPLY').message;
    // Count 2 with one range in Size: the second's 64-byte head would start at 96, past Size 96.
    expect(message(list([range], 2))).toBe('read data ranges: range 1 at 96 runs past Size 96');
    const big = Buffer.from(range);
    big.writeUInt32LE(96, 0); // FormatSize 96 in an item Size holds 88 of
    expect(message(list([big.subarray(0, 88)]), 'get ranges')).toBe('get ranges: range 0 (FormatSize 96) runs past Size 96');
    const small = Buffer.from(range);
    small.writeUInt32LE(63, 0);
    expect(message(list([small]))).toBe('read data ranges: range 0 has FormatSize 63, below 64');
    // A range of 84 bytes is followed by 4 bytes of padding: the next is read at 96, not at 92, so the four bytes
    // at 92 (here a FormatSize of 88 that would make a well-formed range) are never a range's start.
    const odd = audioRange(84, KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000]);
    const shifted = list([odd, range]);
    shifted.writeUInt32LE(88, 92);
    shifted.writeUInt32LE(0, 96);
    expect(message(shifted)).toBe('read data ranges: range 1 has FormatSize 0, below 64');
  });
});

describe('attribute lists after a range (KSDATARANGE_ATTRIBUTES)', () => {
  const MODE = '{E1F89EB5-5F46-419B-967B-FF6770B98401}'; // KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE (ksmedia.h)
  const RAW_MODE = '{9E90EA20-B493-4FD1-A1A8-7E1361A956CF}'; // AUDIO_SIGNALPROCESSINGMODE_RAW (ksmedia.h)
  const OTHER = '{11111111-2222-3333-4444-555555555555}';
  /** KSATTRIBUTE { Size, Flags, Attribute } (24 bytes), followed by `tail`. */
  const attribute = (id: string, tail = Buffer.alloc(0)) => {
    const b = Buffer.concat([Buffer.alloc(24), tail]);
    b.writeUInt32LE(b.length, 0);
    guidToBuffer(id).copy(b, 8);
    return b;
  };
  /** The list: KSMULTIPLE_ITEM { Size, Count } and the attributes, each on an 8-byte step. */
  const attributes = (items: Buffer[]) => {
    const body = Buffer.concat(items);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(8 + body.length, 0);
    head.writeUInt32LE(items.length, 4);
    return Buffer.concat([head, body]);
  };
  const flagged = () => audioRange(88, KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000], 2);

  it('takes an empty list (Size 8, Count 0) as the last item: no attributes, no modes', () => {
    const [range] = parseDataRanges(list([flagged(), attributes([])]));
    expect(range.attributes).toEqual(attributes([]));
    expect(range.attributeList).toEqual([]);
    expect('signalProcessingModes' in range).toBe(false);
  });

  it('names the modes of mode attributes only: another attribute adds none', () => {
    const [other] = parseDataRanges(list([flagged(), attributes([attribute(OTHER)])]));
    expect(other.attributeList!.map((a) => a.attribute)).toEqual([OTHER]);
    expect('signalProcessingModes' in other).toBe(false);
    const [both] = parseDataRanges(list([flagged(), attributes([attribute(MODE, guidToBuffer(RAW_MODE)), attribute(OTHER), attribute(MODE)])]));
    expect(both.signalProcessingModes).toEqual(['RAW', 'ANY']);
  });

  it('names the range\'s list in a malformed attribute\'s message', () => {
    const bad = attributes([attribute(OTHER)]);
    bad.writeUInt32LE(400, 8); // the attribute's Size, past the list's 32
    expect(expectKsError(() => parseDataRanges(list([flagged(), bad])), 'ERR_MALFORMED_REPLY').message).toBe(
      "read data ranges: range 0's attribute list: attribute 0 (Size 400) runs past the list's Size 32",
    );
  });
});

describe('encodeAudioRange()', () => {
  it('lays out a KSDATARANGE_AUDIO of 88 bytes, 2 channels of 16 bits at 48 kHz by default', () => {
    expect(encodeAudioRange()).toEqual(audioRange(88, KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000]));
    expect(encodeAudioRange({ maximumChannels: 8, minimumBitsPerSample: 8, maximumBitsPerSample: 32, minimumSampleFrequency: 8000, maximumSampleFrequency: 384000, subFormat: 'IEEE_FLOAT' })).toEqual(
      audioRange(88, KSDATAFORMAT.SUBTYPE_IEEE_FLOAT, [8, 8, 32, 8000, 384000]),
    );
  });

  it('makes a lone minimum the maximum too', () => {
    expect(encodeAudioRange({ minimumBitsPerSample: 24, minimumSampleFrequency: 96000 })).toEqual(audioRange(88, KSDATAFORMAT.SUBTYPE_PCM, [2, 24, 24, 96000, 96000]));
  });

  it('refuses a minimum above its maximum and a field outside ULONG, naming it', () => {
    expect(() => encodeAudioRange({ minimumBitsPerSample: 24, maximumBitsPerSample: 16 })).toThrow(new RangeError('audioRange.minimumBitsPerSample (24) exceeds maximumBitsPerSample (16)'));
    expect(() => encodeAudioRange({ minimumSampleFrequency: 48000, maximumSampleFrequency: 44100 })).toThrow(
      new RangeError('audioRange.minimumSampleFrequency (48000) exceeds maximumSampleFrequency (44100)'),
    );
    expect(encodeAudioRange({ minimumBitsPerSample: 16, maximumBitsPerSample: 16, minimumSampleFrequency: 1, maximumSampleFrequency: 1 }).readUInt32LE(80)).toBe(1);
    expect(() => encodeAudioRange({ maximumChannels: -1 })).toThrow(new RangeError('audioRange.maximumChannels must be an integer in 0..4294967295, got -1'));
    expect(() => encodeAudioRange({ subFormat: 'float' as never })).toThrow(/audioRange\.subFormat/);
  });
});

describe('formatForRange()', () => {
  const range = (sub: string, l: number[]) => parseDataRanges(list([audioRange(88, sub, l)]))[0];

  it('picks 2 channels, 16 bits and 48 kHz where the range allows them, else the nearest edge', () => {
    expect(formatForRange(range(KSDATAFORMAT.SUBTYPE_PCM, [8, 8, 32, 8000, 192000]))!.wave).toMatchObject({ channels: 2, bitsPerSample: 16, sampleRate: 48000 });
    expect(formatForRange(range(KSDATAFORMAT.SUBTYPE_PCM, [1, 8, 8, 8000, 22050]))!.wave).toMatchObject({ channels: 1, bitsPerSample: 8, sampleRate: 22050 });
    expect(formatForRange(range(KSDATAFORMAT.SUBTYPE_PCM, [6, 24, 32, 96000, 192000]))!.extensible).toMatchObject({ channels: 2, bitsPerSample: 24, sampleRate: 96000 });
    // 20 bits only: the 24-bit container holds them.
    expect(formatForRange(range(KSDATAFORMAT.SUBTYPE_PCM, [2, 20, 20, 48000, 48000]))!.wave!.bitsPerSample).toBe(24);
  });

  it('has none for a float range or a range that is neither audio nor video', () => {
    expect(formatForRange(range(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT, [2, 32, 32, 48000, 48000]))).toBeUndefined();
    const bare = Buffer.alloc(64);
    bare.writeUInt32LE(64, 0);
    expect(formatForRange(parseDataRanges(list([bare]))[0])).toBeUndefined();
  });

  it('takes a video range\'s own KS_VIDEOINFOHEADER, SampleSize its biSizeImage; a VIDEOINFO2 range gives none', () => {
    const format = videoFormat({ width: 320, height: 240, subtype: 'RGB24', fps: 15 });
    const raw = Buffer.alloc(296);
    raw.writeUInt32LE(296, 0);
    guidToBuffer(KSDATAFORMAT.TYPE_VIDEO).copy(raw, 16);
    guidToBuffer(KSDATAFORMAT.SUBTYPE_RGB24).copy(raw, 32);
    guidToBuffer(KSDATAFORMAT.SPECIFIER_VIDEOINFO).copy(raw, 48);
    format.specifierData!.copy(raw, 208);
    const [parsed] = parseDataRanges(list([raw]));
    expect(parsed.audio).toBeUndefined(); // 296 bytes would hold KSDATARANGE_AUDIO's limits; the specifier says video
    const fitted = formatForRange(parsed)!;
    expect(fitted.sampleSize).toBe(230400); // 320 × 3 = 960 bytes a row (a multiple of 4) × 240
    expect(encodeDataFormat(fitted)).toEqual(encodeDataFormat({ ...format, flags: undefined }));
    const two = Buffer.alloc(320);
    raw.copy(two);
    two.writeUInt32LE(320, 0);
    guidToBuffer(KSDATAFORMAT.SPECIFIER_VIDEOINFO2).copy(two, 48);
    const [range2] = parseDataRanges(list([two]));
    expect(range2.video).toBeDefined();
    expect(formatForRange(range2)).toBeUndefined();
  });
});

describe('ranges and formats in words', () => {
  const audio = (sub: string, l: number[]): DataRange => parseDataRanges(list([audioRange(88, sub, l)]))[0];

  it('names subtypes without their KSDATAFORMAT_ prefixes, and an unknown GUID as itself', () => {
    expect(subtypeLabel(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT)).toBe('IEEE_FLOAT');
    expect(subtypeLabel(KSDATAFORMAT.TYPE_AUDIO)).toBe('AUDIO');
    expect(subtypeLabel(KSDATAFORMAT.SPECIFIER_WAVEFORMATEX)).toBe('WAVEFORMATEX');
    expect(subtypeLabel(UNKNOWN)).toBe(UNKNOWN);
  });

  it('describes an audio, a video and another range in one line', () => {
    expect(describeRange(audio(KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 24, 8000, 48000]))).toBe('audio PCM ≤2 ch, 16-24 bit, 8000-48000 Hz');
    const video = { ...audio(KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000]), audio: undefined, subFormat: KSDATAFORMAT.SUBTYPE_YUY2 };
    const header = (avgTimePerFrame: bigint, height: number) => ({ videoInfoHeader: { avgTimePerFrame, bitmap: { width: 640, height } } }) as never;
    // 10^7 / 417083 = 23.97604... frames a second, to two decimals 23.98.
    expect(describeRange({ ...video, video: header(417083n, -480) })).toBe('video YUY2 640×480 @ 23.98 fps');
    expect(describeRange({ ...video, video: header(0n, 480) })).toBe('video YUY2 640×480 @ 0 fps');
    const other = { ...video, majorFormat: KSDATAFORMAT.TYPE_VIDEO, subFormat: UNKNOWN, specifier: KSDATAFORMAT.SPECIFIER_NONE, formatSize: 72 };
    expect(describeRange(other)).toBe(`VIDEO / ${UNKNOWN} / NONE (72 bytes)`);
  });

  it('describes an audio, a video and another format in one line', () => {
    expect(describeFormat(pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 }))).toBe('44100 Hz 2-channel 16-bit PCM');
    const video = videoFormat({ width: 640, height: 480, subtype: 'NV12', fps: 30 });
    expect(describeFormat({ ...video, video: { ...video.video!, bitmap: { ...video.video!.bitmap, height: -480 } } })).toBe('640×480 NV12 video');
    expect(describeFormat({ majorFormat: KSDATAFORMAT.TYPE_AUDIO, subFormat: UNKNOWN, specifier: KSDATAFORMAT.SPECIFIER_NONE })).toBe(`AUDIO / ${UNKNOWN} / NONE`);
  });

  it('explains which fields of an audio format lie outside every range, with what the ranges allow', () => {
    const ranges = [audio(KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 44100, 48000]), audio(KSDATAFORMAT.SUBTYPE_PCM, [4, 16, 24, 8000, 16000])];
    const offered = 'its data ranges offer audio PCM ≤2 ch, 16-16 bit, 44100-48000 Hz; audio PCM ≤4 ch, 16-24 bit, 8000-16000 Hz';
    expect(explainMisfit(pcmFormat({ channels: 6, sampleRate: 96000, bitsPerSample: 32 }), ranges)).toBe(
      `${offered}; channels 6 is above every range's maximum (≤2, ≤4); bitsPerSample 32 is outside every range (16-16, 16-24 bits); sampleRate 96000 is outside every range (44100-48000, 8000-16000 Hz)`,
    );
    // Each at an edge of some range: 4 channels, 24 bits, 8000 and 48000 Hz are inside.
    expect(explainMisfit(pcmFormat({ channels: 4, sampleRate: 48000, bitsPerSample: 24 }), ranges)).toBe(`${offered}; each field lies in some range, but no one range has them all`);
    expect(explainMisfit(pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 16 }), ranges)).toBe(`${offered}; each field lies in some range, but no one range has them all`);
    expect(explainMisfit(pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 8 }), ranges)).toBe(`${offered}; bitsPerSample 8 is outside every range (16-16, 16-24 bits)`);
    expect(explainMisfit(pcmFormat({ channels: 2, sampleRate: 7999, bitsPerSample: 16 }), ranges)).toBe(`${offered}; sampleRate 7999 is outside every range (44100-48000, 8000-16000 Hz)`);
    expect(explainMisfit(pcmFormat({ channels: 2, sampleRate: 48001, bitsPerSample: 16 }), [ranges[0], ranges[0]])).toBe(
      'its data ranges offer audio PCM ≤2 ch, 16-16 bit, 44100-48000 Hz; audio PCM ≤2 ch, 16-16 bit, 44100-48000 Hz; sampleRate 48001 is outside every range (44100-48000 Hz)',
    );
  });

  it('explains a subtype no range offers, counts a wildcard subtype as offering it, and a pin with no audio range', () => {
    const pcm = audio(KSDATAFORMAT.SUBTYPE_PCM, [2, 16, 16, 48000, 48000]);
    const float = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, float: true });
    expect(explainMisfit(float, [pcm, pcm])).toBe(
      'its data ranges offer audio PCM ≤2 ch, 16-16 bit, 48000-48000 Hz; audio PCM ≤2 ch, 16-16 bit, 48000-48000 Hz; the subtype IEEE_FLOAT is in none of them (they offer PCM)',
    );
    const ieee = audio(KSDATAFORMAT.SUBTYPE_IEEE_FLOAT, [2, 32, 32, 48000, 48000]);
    const other = { ...pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }), subFormat: UNKNOWN };
    expect(explainMisfit(other, [pcm, ieee, pcm])).toMatch(new RegExp(`; the subtype ${UNKNOWN.replace(/[{}]/g, '\\$&')} is in none of them \\(they offer PCM, IEEE_FLOAT\\)$`));
    const wildcard = { ...pcm, subFormat: KSDATAFORMAT.TYPE_WILDCARD };
    expect(explainMisfit(float, [wildcard])).toMatch(/; bitsPerSample 32 is outside every range \(16-16 bits\)$/);
    expect(explainMisfit(float, [])).toBe('it reports no data ranges; the pin has no audio (KSDATARANGE_AUDIO) range');
    const videoRange = { ...pcm, majorFormat: KSDATAFORMAT.TYPE_VIDEO };
    expect(explainMisfit(float, [videoRange])).toMatch(/; the pin has no audio \(KSDATARANGE_AUDIO\) range$/);
    expect(explainMisfit(videoFormat({ width: 2, height: 2, subtype: 'YUY2', fps: 1 }), [pcm])).toBe('its data ranges offer audio PCM ≤2 ch, 16-16 bit, 48000-48000 Hz');
  });
});
