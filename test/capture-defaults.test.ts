// Where frames() takes its defaults from (lib/streaming/capture-defaults.ts), each rule against pin facts given in
// the test: ALLOCATORFRAMING_EX's first item, else the legacy framing, else the documented defaults, with "absent"
// falling through and any other failure thrown; FileAlignment read as a mask; the documented frame size (one
// picture, 10 ms of audio); and HEADERSIZE's checks (a multiple of 8 from 56 to 4096; 0 the default) (issue 16:
// the first run over lib/streaming scored capture-defaults.ts 61.43 %).
import { describe, expect, it } from 'vitest';
import { KsError, pcmFormat, videoFormat, KSDATAFORMAT, AllocatorFraming, type DataFormat } from '../lib/index';
import { captureFraming, documentedFrameSize, streamHeaderSize, type CapturePinFacts } from '../lib/streaming/capture-defaults';
import type { AllocatorFramingEx } from '../lib/structs/framing-ex';
import { StatusKind } from '../lib/base/errors';

// As the driver's refusals arrive: STATUS_NOT_FOUND means absent, STATUS_ACCESS_DENIED is a failure.
const absent = () => {
  throw KsError.fromStatus(StatusKind.NtStatus, 0xc0000225, 'get');
};
const denied = () => {
  throw KsError.fromStatus(StatusKind.NtStatus, 0xc0000022, 'get');
};
const audio = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

function facts(over: Partial<CapturePinFacts>): CapturePinFacts {
  return { dataFormat: audio, allocatorFramingEx: absent, allocatorFraming: absent, headerSizeProperty: absent, ...over };
}
function ex(items: { frames: number; fileAlignment: number; framingMax: number; physicalMax: number }[]): () => AllocatorFramingEx {
  return () =>
    ({
      items: items.map((i) => ({ frames: i.frames, fileAlignment: i.fileAlignment, framingRange: { maxFrameSize: i.framingMax }, physicalRange: { maxFrameSize: i.physicalMax } })),
    }) as unknown as AllocatorFramingEx;
}
const legacy = (frames: number, frameSize: number, fileAlignment: number) => () => new AllocatorFraming({ flags: 0, poolType: 0, frames, frameSize, fileAlignment });

describe('captureFraming', () => {
  it('ALLOCATORFRAMING_EX’s first item: its frames, the framing range’s largest frame (else the physical range’s), FileAlignment + 1', () => {
    expect(captureFraming(facts({ allocatorFramingEx: ex([{ frames: 6, fileAlignment: 127, framingMax: 614400, physicalMax: 1 }, { frames: 1, fileAlignment: 0, framingMax: 1, physicalMax: 1 }]) }))).toStrictEqual({
      source: 'framing-ex',
      frames: 6,
      frameSize: 614400,
      alignment: 128,
    });
    expect(captureFraming(facts({ allocatorFramingEx: ex([{ frames: 2, fileAlignment: 0, framingMax: 0, physicalMax: 4096 }]) }))).toStrictEqual({ source: 'framing-ex', frames: 2, frameSize: 4096, alignment: 1 });
  });

  it('FileAlignment is a mask: 4095 is 4096 bytes; past 4096 or not a mask is no requirement (8 bytes)', () => {
    const alignment = (fileAlignment: number) => captureFraming(facts({ allocatorFramingEx: ex([{ frames: 1, fileAlignment, framingMax: 1, physicalMax: 1 }]) })).alignment;
    expect([0, 1, 3, 4095].map(alignment)).toStrictEqual([1, 2, 4, 4096]);
    expect([8191, 5, 2, 0xffffffff].map(alignment)).toStrictEqual([8, 8, 8, 8]);
  });

  it('an _EX reply with no items, or _EX absent: the legacy framing; both absent: the documented defaults', () => {
    expect(captureFraming(facts({ allocatorFramingEx: ex([]), allocatorFraming: legacy(8, 1920, 7) }))).toStrictEqual({ source: 'framing', frames: 8, frameSize: 1920, alignment: 8 });
    expect(captureFraming(facts({ allocatorFraming: legacy(3, 960, 0) }))).toStrictEqual({ source: 'framing', frames: 3, frameSize: 960, alignment: 1 });
    expect(captureFraming(facts({}))).toStrictEqual({ source: 'documented', frames: 0, frameSize: 0, alignment: 8 });
  });

  it('any other failure of either property is thrown', () => {
    expect(() => captureFraming(facts({ allocatorFramingEx: denied, allocatorFraming: legacy(8, 1920, 7) }))).toThrow('STATUS_ACCESS_DENIED');
    expect(() => captureFraming(facts({ allocatorFraming: denied }))).toThrow('STATUS_ACCESS_DENIED');
  });
});

describe('documentedFrameSize', () => {
  it('10 ms of audio in whole sample frames, at least one; the SampleSize where the format gives no rate', () => {
    expect(documentedFrameSize(audio)).toBe(1920);
    expect(documentedFrameSize(pcmFormat({ channels: 1, sampleRate: 44100, bitsPerSample: 16 }))).toBe(882);
    expect(documentedFrameSize(pcmFormat({ channels: 2, sampleRate: 8, bitsPerSample: 16 }))).toBe(4);
    const noRate = { ...audio, wave: { ...audio.wave!, avgBytesPerSec: 0 }, sampleSize: 12 } as DataFormat;
    expect(documentedFrameSize(noRate)).toBe(12);
    const noAlign = { ...audio, wave: { ...audio.wave!, blockAlign: 0 }, sampleSize: 0 } as DataFormat;
    expect(documentedFrameSize(noAlign)).toBe(0);
  });

  it('one picture of video: biSizeImage, or SampleSize when that is larger', () => {
    const yuy2 = videoFormat({ width: 64, height: 48, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 });
    expect(documentedFrameSize(yuy2)).toBe(64 * 48 * 2);
    expect(documentedFrameSize({ ...yuy2, sampleSize: 10000 })).toBe(10000);
  });
});

describe('streamHeaderSize', () => {
  const video = videoFormat({ width: 64, height: 48, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 });
  const answered = (n: number) => streamHeaderSize(facts({ headerSizeProperty: () => n }));

  it('absent: the documented size (KSSTREAM_HEADER, 56; + KS_FRAME_INFO for video, 128); 0: the default header', () => {
    expect(streamHeaderSize(facts({}))).toBe(56);
    expect(streamHeaderSize(facts({ dataFormat: video }))).toBe(128);
    expect(answered(0)).toBe(56);
  });

  it('a multiple of 8 from 56 to 4096 as answered; anything else refused, naming the property', () => {
    expect([56, 64, 128, 4096].map(answered)).toStrictEqual([56, 64, 128, 4096]);
    for (const bad of [48, 60, 4104]) {
      expect(() => answered(bad)).toThrow(new KsError('ERR_MALFORMED_REPLY', 'get stream header size', `KSPROPERTY_STREAMINTERFACE_HEADERSIZE answered ${bad}: a stream header is a multiple of 8 bytes from 56 to 4096`));
    }
    expect(() => streamHeaderSize(facts({ headerSizeProperty: denied }))).toThrow('STATUS_ACCESS_DENIED');
  });
});
