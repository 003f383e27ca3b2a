// frames()' and WaveRT streaming's options resolved before anything starts (lib/streaming/capture-options.ts,
// wavert-options.ts): each refusal's exact message (the field and what is allowed), each default and where it comes
// from (the pin's framing _EX, the legacy framing, the documented 10 ms / one picture / 8 bytes), and each bound at its
// edge. The pin is described here field by field (a CapturePinFacts whose properties answer what the test says or throw
// "absent" as a driver without them does), so every expected value is worked out below from those numbers.
import { describe, expect, it } from 'vitest';
import { KsError, StatusKind } from '../lib/base/errors';
import type { DataFormat } from '../lib/formats/data-format';
import { KSDATAFORMAT } from '../lib/structs/constants';
import type { AllocatorFraming } from '../lib/structs/framing';
import type { AllocatorFramingEx } from '../lib/structs/framing-ex';
import type { CapturePinFacts } from '../lib/streaming/capture-defaults';
import { resolveCaptureOptions, resolveWaveRtCaptureOptions } from '../lib/streaming/capture-options';
import { resolveWaveRt, streamingKindOf } from '../lib/streaming/wavert-options';
import type { CaptureOptions } from '../lib/streaming/capture-stream';
import type { WaveFormat } from '../lib/formats/wave-format';

/** ERROR_NOT_FOUND (1168): what a driver without the property answers (lib/base/absent.ts counts it as absent). */
const absent = (): never => {
  throw KsError.fromStatus(StatusKind.Win32, 1168, 'get property');
};

/** 48 kHz stereo 16-bit PCM: blockAlign 4, 192000 bytes a second, so 10 ms is 1920 bytes. */
const wave48k: WaveFormat = { formatTag: 1, channels: 2, sampleRate: 48000, avgBytesPerSec: 192000, blockAlign: 4, bitsPerSample: 16, extraSize: 0 };

function audioFormat(wave: WaveFormat | undefined, sampleSize = 0): DataFormat {
  return { majorFormat: KSDATAFORMAT.TYPE_AUDIO, subFormat: KSDATAFORMAT.SUBTYPE_PCM, specifier: KSDATAFORMAT.SPECIFIER_WAVEFORMATEX, sampleSize, wave };
}

/** A video format whose picture (biSizeImage) is `sizeImage` bytes. */
function videoFormat(sizeImage: number): DataFormat {
  return {
    majorFormat: KSDATAFORMAT.TYPE_VIDEO,
    subFormat: KSDATAFORMAT.SUBTYPE_YUY2,
    specifier: KSDATAFORMAT.SPECIFIER_VIDEOINFO,
    video: { bitmap: { sizeImage } } as unknown as DataFormat['video'],
  };
}

interface PinScript {
  format: DataFormat;
  /** FramingItem[0] of ALLOCATORFRAMING_EX, or absent. */
  ex?: { frames: number; maxFrameSize: number; fileAlignment: number };
  /** The legacy ALLOCATORFRAMING, or absent. */
  legacy?: { frames: number; frameSize: number; alignmentBytes: number };
  /** HEADERSIZE's answer, or absent. */
  headerSize?: number;
}

function pin(script: PinScript): CapturePinFacts {
  return {
    dataFormat: script.format,
    allocatorFramingEx: () => {
      if (!script.ex) return absent();
      const { frames, maxFrameSize, fileAlignment } = script.ex;
      const item = { frames, fileAlignment, framingRange: { minFrameSize: 0, maxFrameSize, stepping: 0 }, physicalRange: { minFrameSize: 0, maxFrameSize: 0, stepping: 0 } };
      return { items: [item] } as unknown as AllocatorFramingEx;
    },
    allocatorFraming: () => (script.legacy ? (script.legacy as unknown as AllocatorFraming) : absent()),
    headerSizeProperty: () => (script.headerSize === undefined ? absent() : script.headerSize),
  };
}

const audioPin = (extra: Partial<PinScript> = {}) => pin({ format: audioFormat(wave48k), ...extra });

describe('capture options common to both pin kinds', () => {
  for (const [name, resolve] of [
    ['standard', (o: unknown) => resolveCaptureOptions(o as CaptureOptions, audioPin())],
    ['WaveRT', (o: unknown) => resolveWaveRtCaptureOptions(o as CaptureOptions, wave48k)],
  ] as const) {
    it(`${name}: refuses options that are not an object, null included, with a TypeError`, () => {
      for (const bad of [null, 5, 'packets', true]) {
        expect(() => resolve(bad)).toThrow(new TypeError('options must be an object'));
      }
    });

    it(`${name}: overflow is "pause" by default, "drop-oldest" on request, nothing else`, () => {
      expect(resolve({}).overflow).toBe('pause');
      expect(resolve({ overflow: 'drop-oldest' }).overflow).toBe('drop-oldest');
      expect(() => resolve({ overflow: 'drop-newest' })).toThrow(new RangeError('overflow must be "pause" or "drop-oldest", got "drop-newest"'));
    });

    it(`${name}: spinMicroseconds is 0 by default, an integer in 0..1000000`, () => {
      expect(resolve({}).spinMicroseconds).toBe(0);
      expect(resolve({ spinMicroseconds: 1_000_000 }).spinMicroseconds).toBe(1_000_000);
      expect(() => resolve({ spinMicroseconds: -1 })).toThrow(new RangeError('spinMicroseconds must be an integer in 0..1000000, got -1'));
      expect(() => resolve({ spinMicroseconds: 1_000_001 })).toThrow(new RangeError('spinMicroseconds must be an integer in 0..1000000, got 1000001'));
      expect(() => resolve({ spinMicroseconds: 0.5 })).toThrow(new TypeError('spinMicroseconds must be an integer in 0..1000000, got 0.5'));
    });
  }
});

describe('a standard pin: defaults from framing _EX, else the legacy framing, else documented', () => {
  it('takes packets, frame size and alignment from ALLOCATORFRAMING_EX item 0 (FileAlignment 63 is 64 bytes)', () => {
    const setup = resolveCaptureOptions({}, audioPin({ ex: { frames: 6, maxFrameSize: 3840, fileAlignment: 63 }, legacy: { frames: 9, frameSize: 999, alignmentBytes: 16 } }));
    expect(setup).toEqual({ packets: 6, frameSize: 3840, alignment: 64, overflow: 'pause', spinMicroseconds: 0, headerSize: 56, frameInfo: false });
  });

  it('falls to the legacy framing where _EX is absent', () => {
    const setup = resolveCaptureOptions({}, audioPin({ legacy: { frames: 3, frameSize: 960, alignmentBytes: 32 } }));
    expect([setup.packets, setup.frameSize, setup.alignment]).toEqual([3, 960, 32]);
  });

  it('without framing: 4 packets, 10 ms of audio (48000 × 4 / 100 = 1920 bytes), 8-byte alignment', () => {
    const setup = resolveCaptureOptions({}, audioPin());
    expect([setup.packets, setup.frameSize, setup.alignment]).toEqual([4, 1920, 8]);
  });

  it('an audio framing frame size below 10 ms is taken as it is; a frame size of 0 falls to the documented 1920', () => {
    expect(resolveCaptureOptions({}, audioPin({ legacy: { frames: 2, frameSize: 400, alignmentBytes: 8 } })).frameSize).toBe(400);
    expect(resolveCaptureOptions({}, audioPin({ legacy: { frames: 2, frameSize: 0, alignmentBytes: 8 } })).frameSize).toBe(1920);
    // Frames 0 ("no requirement") falls to the 4 documented packets.
    expect(resolveCaptureOptions({}, audioPin({ legacy: { frames: 0, frameSize: 0, alignmentBytes: 8 } })).packets).toBe(4);
  });

  it('a video frame is never below the picture: 614400 (640 × 480 × 2) over a framing of 4096, a larger framing kept', () => {
    const small = pin({ format: videoFormat(614400), ex: { frames: 2, maxFrameSize: 4096, fileAlignment: 0 } });
    expect(resolveCaptureOptions({}, small).frameSize).toBe(614400);
    const large = pin({ format: videoFormat(614400), ex: { frames: 2, maxFrameSize: 700000, fileAlignment: 0 } });
    expect(resolveCaptureOptions({}, large).frameSize).toBe(700000);
  });

  it('the framing alignment counts when above 8, and 8 is the floor (FileAlignment 0 is 1 byte)', () => {
    expect(resolveCaptureOptions({}, audioPin({ ex: { frames: 2, maxFrameSize: 1920, fileAlignment: 4095 } })).alignment).toBe(4096);
    expect(resolveCaptureOptions({}, audioPin({ ex: { frames: 2, maxFrameSize: 1920, fileAlignment: 0 } })).alignment).toBe(8);
  });

  it('a pin that states no frame size at all is refused, naming frameSize', () => {
    // No framing, no WAVEFORMATEX, SampleSize 0: nothing says how large a buffer is.
    const bare = pin({ format: audioFormat(undefined, 0) });
    expect(() => resolveCaptureOptions({}, bare)).toThrow(
      new RangeError('frameSize: the pin states no frame size (no framing property, no sample size in its format); give frameSize in 1..0x40000000'),
    );
    // The caller's frameSize is enough; SampleSize alone is too.
    expect(resolveCaptureOptions({ frameSize: 100 }, bare).frameSize).toBe(100);
    expect(resolveCaptureOptions({}, pin({ format: audioFormat(undefined, 12) })).frameSize).toBe(12);
  });

  it('the caller\'s values win over the framing, each checked at its bounds', () => {
    const framed = audioPin({ ex: { frames: 6, maxFrameSize: 3840, fileAlignment: 63 } });
    const setup = resolveCaptureOptions({ packets: 4096, frameSize: 0x40000000, alignment: 1 }, framed);
    expect([setup.packets, setup.frameSize, setup.alignment]).toEqual([4096, 0x40000000, 1]);
    expect(() => resolveCaptureOptions({ packets: 0 }, framed)).toThrow(new RangeError('packets must be an integer in 1..4096, got 0'));
    expect(() => resolveCaptureOptions({ packets: 4097 }, framed)).toThrow(new RangeError('packets must be an integer in 1..4096, got 4097'));
    expect(() => resolveCaptureOptions({ frameSize: 0 }, framed)).toThrow(new RangeError('frameSize must be an integer in 1..1073741824, got 0'));
    expect(() => resolveCaptureOptions({ alignment: 8192 }, framed)).toThrow(new RangeError('alignment must be an integer in 1..4096, got 8192'));
  });

  it('alignment must be a power of two', () => {
    expect(() => resolveCaptureOptions({ alignment: 12 }, audioPin())).toThrow(new RangeError('alignment must be a power of two in 1..4096, got 12'));
    expect(() => resolveCaptureOptions({ alignment: 3 }, audioPin())).toThrow(new RangeError('alignment must be a power of two in 1..4096, got 3'));
    expect(resolveCaptureOptions({ alignment: 2048 }, audioPin()).alignment).toBe(2048);
  });

  it('stream headers: 56 bytes for audio, 128 (with KS_FRAME_INFO) for video, HEADERSIZE where answered', () => {
    expect(resolveCaptureOptions({}, audioPin())).toMatchObject({ headerSize: 56, frameInfo: false });
    // An audio pin answering 128 still carries no KS_FRAME_INFO: only video headers do.
    expect(resolveCaptureOptions({}, audioPin({ headerSize: 128 }))).toMatchObject({ headerSize: 128, frameInfo: false });
    expect(resolveCaptureOptions({}, pin({ format: videoFormat(4096) }))).toMatchObject({ headerSize: 128, frameInfo: true });
    // HEADERSIZE 0 is the default KSSTREAM_HEADER: too short for a KS_FRAME_INFO.
    expect(resolveCaptureOptions({}, pin({ format: videoFormat(4096), headerSize: 0 }))).toMatchObject({ headerSize: 56, frameInfo: false });
    expect(resolveCaptureOptions({}, pin({ format: videoFormat(4096), headerSize: 120 }))).toMatchObject({ headerSize: 120, frameInfo: false });
  });
});

describe('a WaveRT pin: slots of whole sample frames', () => {
  it('defaults: 32 slots of 10 ms (480 frames × 4 = 1920 bytes), aligned to 64, no stream headers', () => {
    // 1920 = 2^7 × 15: its largest power-of-two divisor is 128, capped at 64.
    expect(resolveWaveRtCaptureOptions({}, wave48k)).toEqual({
      packets: 32, frameSize: 1920, alignment: 64, overflow: 'pause', spinMicroseconds: 0, headerSize: 0, frameInfo: false,
    });
  });

  it('a small slot is aligned to the largest power of two dividing it: 12 bytes → 4, 24 → 8, 40 → 8, 48 → 16', () => {
    for (const [frameSize, alignment] of [[12, 4], [24, 8], [40, 8], [48, 16], [4, 4]]) {
      expect(resolveWaveRtCaptureOptions({ frameSize }, wave48k).alignment).toBe(alignment);
    }
  });

  it('10 ms of 44.1 kHz mono 24-bit is 441 frames of 3 bytes (1323); of 50 Hz it is still one frame', () => {
    const wave441: WaveFormat = { ...wave48k, channels: 1, sampleRate: 44100, avgBytesPerSec: 132300, blockAlign: 3, bitsPerSample: 24 };
    // 1323 is odd: byte alignment.
    expect(resolveWaveRtCaptureOptions({}, wave441)).toMatchObject({ frameSize: 1323, alignment: 1 });
    expect(resolveWaveRtCaptureOptions({}, { ...wave48k, sampleRate: 50 }).frameSize).toBe(4);
  });

  it('packets 2..4096, frameSize in whole frames from one frame to 16 MiB', () => {
    expect(resolveWaveRtCaptureOptions({ packets: 2 }, wave48k).packets).toBe(2);
    expect(resolveWaveRtCaptureOptions({ packets: 4096 }, wave48k).packets).toBe(4096);
    expect(() => resolveWaveRtCaptureOptions({ packets: 1 }, wave48k)).toThrow(new RangeError('packets must be an integer in 2..4096, got 1'));
    expect(() => resolveWaveRtCaptureOptions({ packets: 4097 }, wave48k)).toThrow(new RangeError('packets must be an integer in 2..4096, got 4097'));
    expect(() => resolveWaveRtCaptureOptions({ frameSize: 2 }, wave48k)).toThrow(new RangeError('frameSize must be an integer in 4..16777216, got 2'));
    expect(() => resolveWaveRtCaptureOptions({ frameSize: 0x1000004 }, wave48k)).toThrow(new RangeError('frameSize must be an integer in 4..16777216, got 16777220'));
    expect(resolveWaveRtCaptureOptions({ frameSize: 0x1000000 }, wave48k).frameSize).toBe(0x1000000);
    expect(() => resolveWaveRtCaptureOptions({ frameSize: 6 }, wave48k)).toThrow(new RangeError('frameSize must be whole sample frames of 4 bytes, got 6'));
  });
});

describe('resolveWaveRt: mode, latency and notifications of a WaveRT stream', () => {
  it('refuses options that are not an object, null included', () => {
    for (const bad of [null, 1, 'event', false]) {
      expect(() => resolveWaveRt(bad as never, 48000, 4)).toThrow(new TypeError('options must be an object'));
    }
  });

  it('mode: "event" by default (falling back to polled), the three modes by index, nothing else', () => {
    expect(resolveWaveRt({}, 48000, 4)).toEqual({ mode: 0, fallbackToPolled: true, bufferBytes: 1920, notificationCount: 2, sampleRate: 48000, blockAlign: 4 });
    // Asked for by name, 'event' falls back too; 'polled' and 'packet' do not.
    expect(resolveWaveRt({ mode: 'event' }, 48000, 4)).toMatchObject({ mode: 0, fallbackToPolled: true });
    expect(resolveWaveRt({ mode: 'polled' }, 48000, 4)).toMatchObject({ mode: 1, fallbackToPolled: false });
    expect(resolveWaveRt({ mode: 'packet' }, 48000, 4)).toMatchObject({ mode: 2, fallbackToPolled: false });
    expect(() => resolveWaveRt({ mode: 'timer' as never }, 48000, 4)).toThrow(new RangeError('mode must be one of "event", "polled", "packet", got "timer"'));
  });

  it('latencyMs 1..2000 (default 10) sets the buffer in whole frames; notificationCount 1 or 2 (default 2)', () => {
    // 2000 ms × 48000 / 1000 = 96000 frames × 4 bytes.
    expect(resolveWaveRt({ latencyMs: 2000, notificationCount: 1 }, 48000, 4)).toMatchObject({ bufferBytes: 384000, notificationCount: 1 });
    // 3 ms at 44100 Hz is 132.3 frames: rounded to 132, × 6 bytes.
    expect(resolveWaveRt({ latencyMs: 3 }, 44100, 6).bufferBytes).toBe(792);
    // 1 ms at 400 Hz is 0.4 frames: rounded to 0, so one frame.
    expect(resolveWaveRt({ latencyMs: 1 }, 400, 4).bufferBytes).toBe(4);
    expect(() => resolveWaveRt({ latencyMs: 0 }, 48000, 4)).toThrow(new RangeError('latencyMs must be an integer in 1..2000, got 0'));
    expect(() => resolveWaveRt({ latencyMs: 2001 }, 48000, 4)).toThrow(new RangeError('latencyMs must be an integer in 1..2000, got 2001'));
    expect(() => resolveWaveRt({ notificationCount: 0 }, 48000, 4)).toThrow(new RangeError('notificationCount must be an integer in 1..2, got 0'));
    expect(() => resolveWaveRt({ notificationCount: 3 }, 48000, 4)).toThrow(new RangeError('notificationCount must be an integer in 1..2, got 3'));
  });

  it('streamingKindOf names the engine\'s mode numbers, an unknown one as polled', () => {
    expect([0, 1, 2, 7].map(streamingKindOf)).toEqual(['wavert-event', 'wavert-polled', 'wavert-packet', 'wavert-polled']);
  });
});
