// KsFilter against a driver scripted in the test: each KSPROPERTY_PIN reply short or malformed on purpose, and the
// refusal names the request that got it ("get pin dataflow", "get pin mediums", ...); the physical connection's
// Size bounds and link forms; the hints a refusal carries (a pin past the filter's pin factories, a node past its
// nodes, the node's type); proposeDataFormat's false and its other failures; audio node values shorter than a LONG
// (issue 16: the first mutation run over filter.ts, 74.84 %, found these operation names and bounds in no test).
import { describe, expect, it } from 'vitest';
import {
  encodeAudioRange,
  extensibleFormat,
  KsError,
  KSNODETYPE,
  KSPROPERTY_AUDIO,
  KSPROPSETID,
  type VirtualPropertyHandler,
  type VirtualPropertyRequest,
} from '../lib/index';
import { parseIdentifiers, parsePhysicalConnection } from '../lib/objects/filter';
import { expectKsError } from './helpers';
import { scriptedDevices } from './scripted-devices';

const { open } = scriptedDevices();

const PIN = KSPROPSETID.Pin;
// ks.h's KSPROPERTY_PIN ids.
const ID = { CINSTANCES: 0, CTYPES: 1, DATAFLOW: 2, DATARANGES: 3, INTERFACES: 5, MEDIUMS: 6, COMMUNICATION: 7, NECESSARYINSTANCES: 9, PHYSICALCONNECTION: 10, CONSTRAINEDDATARANGES: 13, PROPOSEDATAFORMAT: 14 };

function scripted(properties: VirtualPropertyHandler[], extra: { nodes?: string[]; pins?: number } = {}) {
  return open({
    name: 'Scripted Filter',
    categories: ['AUDIO'],
    pins: Array.from({ length: extra.pins ?? 2 }, () => ({ dataFlow: 'out' as const, dataRanges: [encodeAudioRange()] })),
    topology: { nodes: (extra.nodes ?? []).map((type) => ({ type })) },
    properties,
  });
}

/** The whole message of the ERR_MALFORMED_REPLY `fn` throws. */
const malformed = (fn: () => unknown): string => expectKsError(fn, 'ERR_MALFORMED_REPLY').message;

const short = (id: number, bytes = 2): VirtualPropertyHandler => ({ set: PIN, id, onGet: () => Buffer.alloc(bytes) });

describe('a short or malformed KSPROPERTY_PIN reply names the request', () => {
  it('the ULONGs: CTYPES, DATAFLOW, COMMUNICATION, NECESSARYINSTANCES', () => {
    expect(malformed(() => scripted([short(ID.CTYPES)]).pinCount())).toBe('get pin count: expected a 4-byte ULONG, got 2 bytes');
    expect(malformed(() => scripted([short(ID.DATAFLOW)]).pinInfo(0))).toBe('get pin dataflow: expected a 4-byte ULONG, got 2 bytes');
    expect(malformed(() => scripted([short(ID.COMMUNICATION)]).pinInfo(0))).toBe('get pin communication: expected a 4-byte ULONG, got 2 bytes');
    expect(malformed(() => scripted([short(ID.NECESSARYINSTANCES)]).pinInfo(0))).toBe('get pin necessary instances: expected a 4-byte ULONG, got 2 bytes');
  });

  it('the lists: DATARANGES, INTERFACES, MEDIUMS, CONSTRAINEDDATARANGES', () => {
    const list = 'a KSMULTIPLE_ITEM needs 8 bytes, got 4';
    expect(malformed(() => scripted([short(ID.DATARANGES, 4)]).pinInfo(0))).toBe(`get pin data ranges: ${list}`);
    expect(malformed(() => scripted([short(ID.INTERFACES, 4)]).pinInfo(0))).toBe(`get pin interfaces: ${list}`);
    expect(malformed(() => scripted([short(ID.MEDIUMS, 4)]).pinInfo(0))).toBe(`get pin mediums: ${list}`);
    expect(malformed(() => scripted([short(ID.CONSTRAINEDDATARANGES, 4)]).pinInfo(0))).toBe(`get pin constrained data ranges: ${list}`);
    expect(malformed(() => scripted([short(ID.DATARANGES, 4)]).intersect(0))).toBe(`get pin data ranges: ${list}`);
  });

  it('PHYSICALCONNECTION: at least 8 bytes, a Size within them; the link as KS names it and as a path', () => {
    const link = (size: number, text: string, total?: number) => {
      const name = Buffer.from(`${text}\0`, 'utf16le');
      const b = Buffer.alloc(total ?? 8 + name.length);
      b.writeUInt32LE(size, 0);
      b.writeUInt32LE(3, 4);
      name.copy(b, 8, 0, Math.max(0, Math.min(name.length, b.length - 8)));
      return b;
    };
    const connected = (reply: Buffer) => scripted([{ set: PIN, id: ID.PHYSICALCONNECTION, onGet: () => reply }]).pinInfo(0).physicalConnection;
    expect(malformed(() => connected(Buffer.alloc(7)))).toBe('get pin physical connection: KSPIN_PHYSICALCONNECTION needs 8 bytes, got 7');
    expect(malformed(() => connected(link(7, '', 10)))).toBe('get pin physical connection: KSPIN_PHYSICALCONNECTION.Size 7 is outside 8..10');
    expect(malformed(() => connected(link(40, 'ab')))).toBe('get pin physical connection: KSPIN_PHYSICALCONNECTION.Size 40 is outside 8..14');
    // Size 8: a link with no name at all.
    expect(connected(link(8, '', 8))).toStrictEqual({ pinId: 3, symbolicLink: '', path: '' });
    const ksForm = link(0, '\\??\\ROOT#WAVE#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\topo');
    ksForm.writeUInt32LE(ksForm.length, 0);
    expect(connected(ksForm)).toStrictEqual({
      pinId: 3,
      symbolicLink: '\\??\\ROOT#WAVE#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\topo',
      path: '\\\\?\\ROOT#WAVE#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\topo',
    });
    const other = link(0, 'SWD#MMDEVAPI#x');
    other.writeUInt32LE(other.length, 0);
    expect(connected(other)).toMatchObject({ symbolicLink: 'SWD#MMDEVAPI#x', path: 'SWD#MMDEVAPI#x' });
  });

  it('the parsers name their default operation', () => {
    expect(malformed(() => parseIdentifiers(Buffer.alloc(4)))).toBe('read identifiers: a KSMULTIPLE_ITEM needs 8 bytes, got 4');
    expect(malformed(() => parsePhysicalConnection(Buffer.alloc(4)))).toBe('read physical connection: KSPIN_PHYSICALCONNECTION needs 8 bytes, got 4');
  });
});

describe('hints a refusal carries', () => {
  it('a pin past the filter’s pin factories, or a filter with none', () => {
    const refuse: VirtualPropertyHandler = { set: PIN, id: ID.DATAFLOW, onGet: () => ({ status: 'STATUS_INVALID_PARAMETER' }) };
    const two = scripted([refuse]);
    expect(() => two.pinInfo(2)).toThrow("get KSPROPERTY_PIN_DATAFLOW of pin 2: STATUS_INVALID_PARAMETER (0xC000000D): pin 2 is past the filter's 2 pin factories (pin ids 0..1)");
    // Pin 1 is one of them: no hint.
    expect(() => two.pinInfo(1)).toThrow(/^get KSPROPERTY_PIN_DATAFLOW of pin 1: STATUS_INVALID_PARAMETER \(0xC000000D\)$/);
    const none = scripted([refuse], { pins: 0 });
    expect(() => none.pinInfo(0)).toThrow('STATUS_INVALID_PARAMETER (0xC000000D): the filter has no pin factories');
  });

  it('a node property: the node’s type, a node past the nodes, or a filter with none; a local error left as it is', () => {
    let answer: (r: VirtualPropertyRequest) => unknown = () => ({ status: 'STATUS_NOT_FOUND' });
    const volume: VirtualPropertyHandler = { set: KSPROPSETID.Audio, id: KSPROPERTY_AUDIO.VOLUMELEVEL, target: 'node', onGet: (r) => answer(r) as never, onSet: (r) => answer(r) as never };
    const filter = scripted([volume], { nodes: [KSNODETYPE.SUM, KSNODETYPE.VOLUME] });
    expect(() => filter.nodeVolume(1, 0)).toThrow(/^get KSPROPERTY_AUDIO_VOLUMELEVEL on node 1 channel 0 \(KSNODETYPE_VOLUME\): STATUS_NOT_FOUND \(0xC0000225\)$/);
    expect(() => filter.setNodeVolume(1, 0, -6)).toThrow(/^set KSPROPERTY_AUDIO_VOLUMELEVEL on node 1 channel 0 \(KSNODETYPE_VOLUME\): STATUS_NOT_FOUND \(0xC0000225\)$/);
    answer = () => Buffer.alloc(2);
    expect(malformed(() => filter.nodeVolume(1, 0))).toBe('get node volume: expected a 4-byte LONG, got 2 bytes');
    answer = (r) => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(-6 * 65536 + r.instance.readInt32LE(8));
      return b;
    };
    expect(filter.nodeVolume(1, 3)).toBe(-6 + 3 / 65536);
    const bare = scripted([volume]);
    answer = () => ({ status: 'STATUS_NOT_FOUND' });
    expect(() => bare.nodeVolume(0, 0)).toThrow('STATUS_NOT_FOUND (0xC0000225): the filter has no topology nodes');
    expect(() => bare.nodeMute(0, 0)).toThrow(KsError);
  });

  it('mute: a BOOL, and shorter than a LONG is malformed', () => {
    let reply = Buffer.from([1, 0, 0, 0]);
    const filter = scripted([{ set: KSPROPSETID.Audio, id: KSPROPERTY_AUDIO.MUTE, target: 'node', onGet: () => reply }], { nodes: [KSNODETYPE.MUTE] });
    expect(filter.nodeMute(0, 0)).toBe(true);
    reply = Buffer.from([0, 0, 0, 0]);
    expect(filter.nodeMute(0, 0)).toBe(false);
    reply = Buffer.from([1]);
    expect(malformed(() => filter.nodeMute(0, 0))).toBe('get node mute: expected a 4-byte LONG, got 1 bytes');
  });
});

describe('proposeDataFormat', () => {
  it('false for STATUS_NO_MATCH; any other refusal is thrown', () => {
    let status = 'STATUS_NO_MATCH';
    const filter = scripted([{ set: PIN, id: ID.PROPOSEDATAFORMAT, onGet: () => undefined, onSet: () => ({ status }) }]);
    const format = extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect(filter.proposeDataFormat(0, format)).toBe(false);
    status = 'STATUS_SUCCESS';
    expect(filter.proposeDataFormat(0, format)).toBe(true);
    status = 'STATUS_INVALID_DEVICE_REQUEST';
    expect(() => filter.proposeDataFormat(0, format)).toThrow(expect.objectContaining({ code: 'STATUS_INVALID_DEVICE_REQUEST' }));
  });
});

describe('argument refusals name the field', () => {
  const U32 = 'must be an integer in 0..4294967295';
  it('pin and node ids, access, and createPin’s interface, medium and priority fields', () => {
    const filter = scripted([]);
    const format = extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect(() => filter.pinInfo(-1)).toThrow(new RangeError(`pinId ${U32}, got -1`));
    expect(() => filter.intersect(-1)).toThrow(new RangeError(`pinId ${U32}, got -1`));
    expect(() => filter.proposeDataFormat(-1, format)).toThrow(new RangeError(`pinId ${U32}, got -1`));
    expect(() => filter.createNode(-1)).toThrow(new RangeError(`nodeId ${U32}, got -1`));
    expect(() => filter.createNode(0, { access: -1 })).toThrow(new RangeError(`access ${U32}, got -1`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, access: 2 ** 32 })).toThrow(new RangeError(`access ${U32}, got 4294967296`));
    const GUID_LIKE = 'must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}';
    const STANDARD = '{1A8766A0-62CE-11CF-A5D6-28DB04C10000}';
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, interface: { set: 'std', id: 0 } })).toThrow(new TypeError(`interface.set ${GUID_LIKE}, got "std"`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, interface: { set: STANDARD, id: -1 } })).toThrow(new RangeError(`interface.id ${U32}, got -1`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, interface: { set: STANDARD, id: 0, flags: -1 } })).toThrow(new RangeError(`interface.flags ${U32}, got -1`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, medium: { set: 'any', id: 0 } })).toThrow(new TypeError(`medium.set ${GUID_LIKE}, got "any"`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, medium: { set: STANDARD, id: 0.5 } })).toThrow(new TypeError(`medium.id ${U32}, got 0.5`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, medium: { set: STANDARD, id: 0, flags: -2 } })).toThrow(new RangeError(`medium.flags ${U32}, got -2`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, priority: { priorityClass: -1, prioritySubClass: 1 } })).toThrow(new RangeError(`priority.priorityClass ${U32}, got -1`));
    expect(() => filter.createPin({ pinId: 0, dataFormat: format, priority: { priorityClass: 1, prioritySubClass: -1 } })).toThrow(new RangeError(`priority.prioritySubClass ${U32}, got -1`));
  });

  it('intersect: a range of exactly 64 bytes is taken, 63 refused; an attribute list of exactly 8 bytes is taken', () => {
    const filter = scripted([{ set: PIN, id: 4, onGet: () => ({ status: 'STATUS_NO_MATCH' }) }]); // DATAINTERSECTION
    const range = encodeAudioRange();
    expect(() => filter.intersect(0, [range.subarray(0, 63)])).toThrow(new RangeError('ranges[0] must be at least a 64-byte KSDATARANGE, got 63 bytes'));
    expect(() => filter.intersect(0, [range.subarray(0, 64)])).toThrow(expect.objectContaining({ code: 'STATUS_NO_MATCH' }));
    const flagged = Buffer.from(range);
    flagged.writeUInt32LE(flagged.readUInt32LE(4) | 2, 4); // KSDATARANGE_ATTRIBUTES
    const attributes = Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]); // KSMULTIPLE_ITEM { Size 8, Count 0 }
    expect(() => filter.intersect(0, [{ raw: flagged, attributes: attributes.subarray(0, 7) } as never])).toThrow(TypeError);
    expect(() => filter.intersect(0, [{ raw: flagged, attributes } as never])).toThrow(expect.objectContaining({ code: 'STATUS_NO_MATCH' }));
  });
});
