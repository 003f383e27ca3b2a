// Data ranges with attribute lists (mode-aware audio drivers, Windows 8.1+): a range flagged
// KSDATARANGE_ATTRIBUTES is followed by its attribute list, and KSMULTIPLE_ITEM.Count counts that
// list as an item of its own (ksproxy decrements Count when it skips one; Microsoft's audio tests
// walk DATARANGES the same way). Checked on the emulated mode-aware microphone through pins(),
// intersect() and `inspect`, and against malformed replies through virtual devices.
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUDIO_SIGNALPROCESSINGMODE,
  KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE,
  KSDATAFORMAT,
  KSPROPERTY_PIN,
  KSPROPSETID,
  defineVirtualDevice,
  encodeAttributeList,
  encodeAudioRange,
  listDevices,
  openFilter,
  parseAttributeList,
  readGuid,
  type DataRange,
  type VirtualDevice,
} from '../lib/index';
import { inspect } from '../lib/cli/inspect-command';
import { expectKsError } from './helpers';
import { testBackend } from './test-backend';

const MIC = 'KS Emulator Mode-Aware Microphone';
const micDevice = () => listDevices({ backend: testBackend() }).find((d) => d.friendlyName === MIC)!;
const openMic = () => openFilter(micDevice().path, { backend: testBackend() });

/** KSP_PIN's tail: PinId, Reserved. */
const pinTail = (pinId: number) => {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(pinId, 0);
  return b;
};

/** A KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE written out field by field: Size 40, Flags, the attribute id, the mode. */
function modeAttribute(mode: string, flags = 0): Buffer {
  const b = Buffer.alloc(40);
  b.writeUInt32LE(40, 0);
  b.writeUInt32LE(flags, 4);
  writeGuidBytes(b, 8, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE);
  writeGuidBytes(b, 24, mode);
  return b;
}

/** A GUID's in-memory bytes (Data1..3 little-endian), written here rather than by the package. */
function writeGuidBytes(target: Buffer, offset: number, guid: string): void {
  const hex = guid.replace(/[{}-]/g, '');
  target.writeUInt32LE(parseInt(hex.slice(0, 8), 16), offset);
  target.writeUInt16LE(parseInt(hex.slice(8, 12), 16), offset + 4);
  target.writeUInt16LE(parseInt(hex.slice(12, 16), 16), offset + 6);
  Buffer.from(hex.slice(16), 'hex').copy(target, offset + 8);
}

/** A KSMULTIPLE_ITEM of `items` on 8-byte steps, with the Size and Count given (the caller decides what Count counts). */
function list(items: Buffer[], count: number, size?: number): Buffer {
  const body = Buffer.concat(items.map((item) => Buffer.concat([item, Buffer.alloc((8 - (item.length % 8)) % 8)])));
  const head = Buffer.alloc(8);
  head.writeUInt32LE(size ?? 8 + body.length, 0);
  head.writeUInt32LE(count, 4);
  return Buffer.concat([head, body]);
}

/** KSDATARANGE_AUDIO for PCM with KSDATARANGE_ATTRIBUTES set or not. */
function pcmRange(channels: number, rate: number, withAttributes: boolean, minRate = rate): Buffer {
  const range = encodeAudioRange({ maximumChannels: channels, minimumSampleFrequency: minRate, maximumSampleFrequency: rate });
  range.writeUInt32LE(withAttributes ? 2 : 0, 4);
  return range;
}

describe('the mode-aware microphone\'s DATARANGES', () => {
  it('counts each attribute list as an item: 4 ranges and 3 lists make Count 7, every byte where KS puts it', () => {
    using filter = openMic();
    const reply = filter.getProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATARANGES, { instance: pinTail(0) });
    // range 0 (88) + list of 2 modes (8 + 40 + 40) + range 1 + list of 2 + range 2 + bare list (8 + 24) + range 3
    const expected = list(
      [
        pcmRange(2, 48000, true),
        list([modeAttribute(AUDIO_SIGNALPROCESSINGMODE.DEFAULT), modeAttribute(AUDIO_SIGNALPROCESSINGMODE.RAW)], 2),
        pcmRange(1, 16000, true),
        list([modeAttribute(AUDIO_SIGNALPROCESSINGMODE.COMMUNICATIONS), modeAttribute(AUDIO_SIGNALPROCESSINGMODE.SPEECH)], 2),
        pcmRange(2, 44100, true),
        list([modeAttribute(KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE).subarray(0, 24)], 1),
        (() => {
          const r = encodeAudioRange({ maximumChannels: 2, minimumBitsPerSample: 24, maximumBitsPerSample: 24, minimumSampleFrequency: 96000 });
          return r;
        })(),
      ],
      7,
    );
    // The bare attribute's Size is 24, not the 40 modeAttribute() wrote.
    expected.writeUInt32LE(24, 8 + 88 + 88 + 88 + 88 + 88 + 8);
    expect(reply.readUInt32LE(0)).toBe(8 + 4 * 88 + 88 + 88 + 32);
    expect(reply.readUInt32LE(4)).toBe(7);
    expect(reply.equals(expected)).toBe(true);
  });

  it('pins() decodes the ranges with their attribute lists and names the modes', () => {
    using filter = openMic();
    const [pin] = filter.pins();
    expect(pin.dataRanges).toHaveLength(4);
    expect(pin.dataRanges.map((r) => r.audio!.maximumSampleFrequency)).toEqual([48000, 16000, 44100, 96000]);
    expect(pin.dataRanges.map((r) => r.signalProcessingModes)).toEqual([['DEFAULT', 'RAW'], ['COMMUNICATIONS', 'SPEECH'], ['ANY'], undefined]);
    const [first] = pin.dataRanges;
    expect(first.flags).toBe(2);
    expect(first.attributes!.length).toBe(88);
    expect(first.attributeList).toEqual([
      expect.objectContaining({ attribute: KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE, name: 'KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE', size: 40, required: false, signalProcessingMode: { guid: AUDIO_SIGNALPROCESSINGMODE.DEFAULT, name: 'DEFAULT' } }),
      expect.objectContaining({ size: 40, signalProcessingMode: { guid: AUDIO_SIGNALPROCESSINGMODE.RAW, name: 'RAW' } }),
    ]);
    expect(pin.dataRanges[2].attributeList).toEqual([expect.objectContaining({ size: 24, attribute: KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE })]);
    expect(pin.dataRanges[2].attributeList![0].signalProcessingMode).toBeUndefined();
    expect(pin.dataRanges[3].attributes).toBeUndefined();
    // CONSTRAINEDDATARANGES (the same ranges here) are parsed the same way.
    expect(pin.constrainedDataRanges!.map((r) => r.signalProcessingModes)).toEqual([['DEFAULT', 'RAW'], ['COMMUNICATIONS', 'SPEECH'], ['ANY'], undefined]);
  });

  it('intersect() sends each range with its list: the pin\'s own ranges give its first format', () => {
    using filter = openMic();
    const format = filter.intersect(0);
    expect(format.wave).toMatchObject({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
  });

  it('intersect() with a client range naming a mode meets the pin range that offers that mode', () => {
    using filter = openMic();
    const wide = pcmRange(2, 48000, true, 8000);
    const asking = (mode: keyof typeof AUDIO_SIGNALPROCESSINGMODE) =>
      filter.intersect(0, [{ raw: wide, attributes: encodeAttributeList([{ signalProcessingMode: mode }]) } as DataRange]).wave;
    expect(asking('SPEECH')).toMatchObject({ channels: 1, sampleRate: 16000 });
    expect(asking('RAW')).toMatchObject({ channels: 2, sampleRate: 48000 });
    // No list names MEDIA; the range with the bare attribute takes any mode.
    expect(asking('MEDIA')).toMatchObject({ channels: 2, sampleRate: 44100 });
    // The same range without its list (flag cleared) names no mode: the pin's first range that fits.
    const plain = Buffer.from(wide);
    plain.writeUInt32LE(0, 4);
    expect(filter.intersect(0, [plain]).wave).toMatchObject({ channels: 2, sampleRate: 48000 });
  });

  it('encodes a mode list as KS lays it out, byte for byte', () => {
    const encoded = encodeAttributeList([{ signalProcessingMode: 'COMMUNICATIONS' }, { signalProcessingMode: AUDIO_SIGNALPROCESSINGMODE.RAW, required: true }]);
    expect(encoded.equals(list([modeAttribute(AUDIO_SIGNALPROCESSINGMODE.COMMUNICATIONS), modeAttribute(AUDIO_SIGNALPROCESSINGMODE.RAW, 1)], 2))).toBe(true);
    expect(() => encodeAttributeList([{ signalProcessingMode: 'LOUD' as never }])).toThrow(/signalProcessingMode must be one of DEFAULT, RAW/);
    expect(() => encodeAttributeList([Buffer.alloc(20)])).toThrow(RangeError);
  });

  it('refuses a flagged range given without its list, before anything is sent', () => {
    using filter = openMic();
    expect(() => filter.intersect(0, [pcmRange(2, 48000, true)])).toThrow(/ranges\[0\] has KSDATARANGE_ATTRIBUTES .* no attribute list/);
  });

  it('the emulator refuses a DATAINTERSECTION whose Count does not count the list (STATUS_INVALID_PARAMETER)', () => {
    using filter = openMic();
    const ranges = list([pcmRange(2, 48000, true), list([modeAttribute(AUDIO_SIGNALPROCESSINGMODE.RAW)], 1)], 1);
    expectKsError(() => filter.getProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATAINTERSECTION, { instance: Buffer.concat([pinTail(0), ranges]) }), 'STATUS_INVALID_PARAMETER');
    // Counted, the same bytes are a request the pin meets.
    ranges.writeUInt32LE(2, 4);
    const format = filter.getProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATAINTERSECTION, { instance: Buffer.concat([pinTail(0), ranges]) });
    expect(readGuid(format, 32)).toBe(KSDATAFORMAT.SUBTYPE_PCM);
  });

  it('inspect prints the modes per range, and --json keeps the decoded lists without bytes', () => {
    const lines: string[] = [];
    inspect(micDevice(), false, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(lines).toContain('    range 0: audio PCM ≤2 ch, 16-16 bit, 48000-48000 Hz (signal-processing modes DEFAULT, RAW)');
    expect(lines.some((l) => l.startsWith('    range 2:') && l.endsWith('(signal-processing modes ANY)'))).toBe(true);
    expect(lines.find((l) => l.startsWith('    range 3:'))).not.toMatch(/modes/);
    const json: string[] = [];
    inspect(micDevice(), true, { out: (l) => json.push(l), err: () => undefined });
    const report = JSON.parse(json.join('\n'));
    expect(report.pins[0].dataRanges[1].signalProcessingModes).toEqual(['COMMUNICATIONS', 'SPEECH']);
    expect(report.pins[0].dataRanges[1].attributeList[1]).toEqual({
      attribute: KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE,
      name: 'KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE',
      flags: 0,
      required: false,
      size: 40,
      signalProcessingMode: { guid: AUDIO_SIGNALPROCESSINGMODE.SPEECH, name: 'SPEECH' },
    });
  });
});

describe('malformed attribute lists through a virtual device', () => {
  const devices: VirtualDevice[] = [];
  afterEach(() => {
    for (const d of devices.splice(0)) d.remove();
  });

  function pinInfoOf(reply: Buffer) {
    const device = defineVirtualDevice({
      name: 'Mode Test Microphone',
      categories: ['AUDIO', 'CAPTURE'],
      pins: [{ name: 'Mic', dataFlow: 'out', dataRanges: [encodeAudioRange()] }],
      properties: [{ set: KSPROPSETID.Pin, id: KSPROPERTY_PIN.DATARANGES, onGet: () => reply }],
    });
    devices.push(device);
    const filter = openFilter(device.path);
    try {
      return filter.pinInfo(0);
    } finally {
      filter.close();
    }
  }
  const modes = () => list([modeAttribute(AUDIO_SIGNALPROCESSINGMODE.DEFAULT)], 1);

  it('accepts the counted form from any driver', () => {
    const info = pinInfoOf(list([pcmRange(2, 48000, true), modes(), pcmRange(1, 16000, false)], 3));
    expect(info.dataRanges.map((r) => r.signalProcessingModes)).toEqual([['DEFAULT'], undefined]);
  });

  it('a Count that counts ranges only (the list not counted) leaves a range unread', () => {
    const reply = list([pcmRange(2, 48000, true), modes(), pcmRange(1, 16000, false)], 2);
    expect(expectKsError(() => pinInfoOf(reply), 'ERR_MALFORMED_REPLY').message).toMatch(/Count 2 accounts for 144 of its 232 bytes/);
  });

  it('a Count that ends right before a range\'s list', () => {
    const reply = list([pcmRange(2, 48000, true), modes()], 1);
    expect(expectKsError(() => pinInfoOf(reply), 'ERR_MALFORMED_REPLY').message).toMatch(/range 0 has KSDATARANGE_ATTRIBUTES but KSMULTIPLE_ITEM.Count 1 ends before its attribute list/);
  });

  it('a list overrunning the reply\'s Size', () => {
    const overrun = modes();
    overrun.writeUInt32LE(4096, 0);
    const reply = list([pcmRange(2, 48000, true), overrun], 2);
    expect(expectKsError(() => pinInfoOf(reply), 'ERR_MALFORMED_REPLY').message).toMatch(/range 0's attribute list at 96 has Size 4096, outside 8\.\.48/);
  });

  it('a list whose end is past Size (Size cut short)', () => {
    const reply = list([pcmRange(2, 48000, true), modes()], 2, 8 + 88 + 4);
    expect(expectKsError(() => pinInfoOf(reply), 'ERR_MALFORMED_REPLY').message).toMatch(/attribute list at 96 runs past Size 100/);
  });

  it('an attribute overrunning its list', () => {
    const inner = modes();
    inner.writeUInt32LE(400, 8); // the attribute's Size
    expect(expectKsError(() => pinInfoOf(list([pcmRange(2, 48000, true), inner], 2)), 'ERR_MALFORMED_REPLY').message).toMatch(/attribute 0 \(Size 400\) runs past the list's Size 48/);
  });

  it('a mode attribute neither bare nor whole (Size 32)', () => {
    const inner = modes();
    inner.writeUInt32LE(32, 8);
    expect(expectKsError(() => pinInfoOf(list([pcmRange(2, 48000, true), inner], 2)), 'ERR_MALFORMED_REPLY').message).toMatch(/Size 32, neither 24 nor at least 40/);
  });

  it('a misaligned list (packed right after an 84-byte range, not on the 8-byte step)', () => {
    const short = pcmRange(2, 48000, true).subarray(0, 84);
    short.writeUInt32LE(84, 0);
    const body = Buffer.concat([short, modes()]);
    const reply = Buffer.concat([Buffer.alloc(8), body]);
    reply.writeUInt32LE(reply.length, 0);
    reply.writeUInt32LE(2, 4);
    // Read at KS's 8-byte step, the list's Size is its Count field (1): refused, not followed.
    expect(expectKsError(() => pinInfoOf(reply), 'ERR_MALFORMED_REPLY').message).toMatch(/attribute list at 96 has Size 1/);
  });
});

describe('attribute lists as bytes (parseAttributeList, encodeAttributeList)', () => {
  /** A KSATTRIBUTE of `size` bytes (at least 24): Size, Flags, Attribute. */
  const bare = (size: number, id: string, flags = 0) => {
    const b = Buffer.alloc(Math.max(size, 24));
    b.writeUInt32LE(size, 0);
    b.writeUInt32LE(flags, 4);
    writeGuidBytes(b, 8, id);
    return b;
  };
  const malformed = (message: string) => expect.objectContaining({ code: 'ERR_MALFORMED_REPLY', message: expect.stringContaining(message) });

  it('reads KSATTRIBUTE_REQUIRED, and takes a bare 24-byte mode attribute as "a mode, none named"', () => {
    const [mode, other] = parseAttributeList(list([bare(24, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE, 1), bare(24, '{11111111-2222-3333-4444-555555555555}')], 2), 'op');
    expect(mode).toMatchObject({ name: 'KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE', flags: 1, required: true, size: 24 });
    expect(mode.signalProcessingMode).toBeUndefined();
    expect(other).toMatchObject({ attribute: '{11111111-2222-3333-4444-555555555555}', name: null, required: false });
    // Only the mode attribute carries a mode: another attribute of 32 bytes is taken whole, nothing read from its tail.
    const [wide] = parseAttributeList(list([bare(32, '{11111111-2222-3333-4444-555555555555}')], 1), 'op');
    expect(wide.size).toBe(32);
    expect(wide.signalProcessingMode).toBeUndefined();
  });

  it('refuses an attribute whose head runs past Size, and one with a Size below 24', () => {
    // Count 2 fits 56 bytes at 24 each, but the first attribute takes 40: the second would start at 48.
    const long = list([modeAttribute(AUDIO_SIGNALPROCESSINGMODE.RAW), Buffer.alloc(8)], 2);
    expect(() => parseAttributeList(long, 'op')).toThrow(malformed("attribute list: attribute 1 at 48 runs past the list's Size 56"));
    const small = list([bare(16, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE)], 1);
    expect(() => parseAttributeList(small, 'op', 'range 0\'s list')).toThrow(malformed('range 0\'s list: attribute 0 has Size 16, below 24'));
  });

  it('encodes a raw KSATTRIBUTE as given and refuses one whose Size is not its length, naming the field', () => {
    const raw = bare(24, '{11111111-2222-3333-4444-555555555555}');
    expect(encodeAttributeList([raw]).equals(list([raw], 1))).toBe(true);
    const whole = 'must be a whole KSATTRIBUTE: at least 24 bytes, its Size field equal to its length';
    expect(() => encodeAttributeList([bare(32, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE).subarray(0, 24)], 'format.attributes')).toThrow(
      new RangeError(`format.attributes[0] ${whole}`),
    );
    const short = Buffer.alloc(20);
    short.writeUInt32LE(20, 0);
    expect(() => encodeAttributeList([raw, short])).toThrow(new RangeError(`attributes[1] ${whole}`));
  });

  it('refuses what is neither an array, a mode nor a Buffer', () => {
    expect(() => encodeAttributeList({} as never)).toThrow(new TypeError('attributes must be an array of attributes'));
    const neither = 'must be { signalProcessingMode } or a Buffer holding a KSATTRIBUTE';
    expect(() => encodeAttributeList([null as never])).toThrow(new TypeError(`attributes[0] ${neither}`));
    expect(() => encodeAttributeList(['RAW' as never])).toThrow(new TypeError(`attributes[0] ${neither}`));
    expect(() => encodeAttributeList([{ signalProcessingMode: 1 } as never])).toThrow(new TypeError(`attributes[0] ${neither}`));
  });
});
