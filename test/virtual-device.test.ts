// Virtual devices defined from TypeScript: they enumerate, open and answer
// through the whole native path (IOCTL → emulator dispatch → JS handler →
// reply bytes → this package's parsers), so malformed replies are fed to the
// parsers the way a broken driver would feed them.
import { afterEach, describe, expect, it } from 'vitest';
import {
  KSCATEGORY,
  KSDATAFORMAT,
  KSFILTER_NODE,
  KSNODETYPE,
  KSPROPERTY_PIN,
  KSPROPERTY_TOPOLOGY,
  KSPROPSETID,
  defineVirtualDevice,
  encodeAudioRange,
  encodeMultipleItem,
  guidToBuffer,
  listDevices,
  openFilter,
  openHandleCount,
  parseConnections,
  parseGuidList,
  pcmFormat,
  walkTopology,
  type VirtualDevice,
  type VirtualDeviceDefinition,
} from '../lib/index';
import { expectKsError } from './helpers';

const devices: VirtualDevice[] = [];
afterEach(() => {
  for (const device of devices.splice(0)) device.remove();
  expect(openHandleCount()).toBe(0);
});

function define(extra: Partial<VirtualDeviceDefinition> = {}): VirtualDevice {
  const device = defineVirtualDevice({
    name: 'Test Microphone',
    categories: ['AUDIO', 'CAPTURE'],
    pins: [
      { name: 'Mic', dataFlow: 'out', communication: 'sink', dataRanges: [encodeAudioRange({ maximumChannels: 2, minimumSampleFrequency: 44100, maximumSampleFrequency: 48000 })] },
    ],
    ...extra,
  });
  devices.push(device);
  return device;
}

/** A filter property handler that answers KSPROPERTY_PIN_DATARANGES (any pin) with `reply`. */
function rangesReply(reply: Buffer | ((outputLength: number) => unknown)) {
  return {
    set: KSPROPSETID.Pin,
    id: KSPROPERTY_PIN.DATARANGES,
    onGet: ({ outputLength }: { outputLength: number }) =>
      typeof reply === 'function' ? (reply(outputLength) as Buffer) : reply,
  };
}

describe('defineVirtualDevice', () => {
  it('enumerates under its categories and opens like a built-in device', () => {
    const device = define();
    const listed = listDevices({ category: 'CAPTURE', backend: 'emulator' }).find((d) => d.path === device.path);
    expect(listed?.friendlyName).toBe('Test Microphone');
    expect(listed?.categories).toEqual(expect.arrayContaining(['AUDIO', 'CAPTURE']));
    expect(listDevices({ category: 'RENDER', backend: 'emulator' }).some((d) => d.path === device.path)).toBe(false);

    using filter = openFilter(device.path);
    expect(filter.backend).toBe('emulator');
    const [pin] = filter.pins();
    expect(pin.name).toBe('Mic');
    expect(pin.dataFlow).toBe('out');
    expect(pin.dataRanges[0].audio).toEqual({
      maximumChannels: 2,
      minimumBitsPerSample: 16,
      maximumBitsPerSample: 16,
      minimumSampleFrequency: 44100,
      maximumSampleFrequency: 48000,
    });
    // The emulator's intersection works over the defined ranges, and pins open.
    expect(filter.intersect(0).subFormat).toBe(KSDATAFORMAT.SUBTYPE_PCM);
    const created = filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 }) });
    expect(created.state()).toBe('stop');
  });

  it('reports its topology as defined', () => {
    const device = define({
      topology: {
        categories: [KSCATEGORY.AUDIO],
        nodes: [{ type: KSNODETYPE.ADC, name: 'ADC' }, { type: KSNODETYPE.VOLUME, name: 'Gain' }],
        connections: [
          { fromNode: 'filter', fromNodePin: 1, toNode: 0, toNodePin: 1 },
          { fromNode: 0, fromNodePin: 0, toNode: 1, toNodePin: 1 },
          { fromNode: 1, fromNodePin: 0, toNode: 'filter', toNodePin: 0 },
        ],
      },
    });
    using filter = openFilter(device.path);
    const topology = filter.topology();
    expect(topology.nodes.map((n) => [n.typeName, n.name])).toEqual([['KSNODETYPE_ADC', 'ADC'], ['KSNODETYPE_VOLUME', 'Gain']]);
    expect(topology.connections[0]).toEqual({ fromNode: KSFILTER_NODE, fromNodePin: 1, toNode: 0, toNodePin: 1 });
  });

  it('answers properties from JS handlers, value and size query alike', () => {
    const custom = '{11111111-2222-3333-4444-555555555555}';
    let stored = Buffer.from([1, 2, 3, 4]);
    const device = define({
      properties: [{ set: custom, id: 7, onGet: () => stored, onSet: ({ value }) => void (stored = Buffer.from(value!)) }],
    });
    using filter = openFilter(device.path);
    expect([...filter.getProperty(custom, 7)]).toEqual([1, 2, 3, 4]); // a size query, then the value
    filter.setProperty(custom, 7, Buffer.from([9, 8]));
    expect([...filter.getProperty(custom, 7)]).toEqual([9, 8]);
    expect(filter.supports(custom, 7)).toMatchObject({ get: true, set: true });
    expect(filter.supportsSet(custom)).toBe(true);
  });

  it('answers STATUS_UNSUCCESSFUL when a handler throws, and keeps what it threw', () => {
    const custom = '{11111111-2222-3333-4444-555555555556}';
    const device = define({ properties: [{ set: custom, id: 0, onGet: () => { throw new Error('boom'); } }] });
    using filter = openFilter(device.path);
    expectKsError(() => filter.getProperty(custom, 0, { size: 4 }), 'STATUS_UNSUCCESSFUL');
    expect((device.handlerErrors[0] as Error).message).toBe('boom');
  });

  it('checks the definition before anything reaches native code', () => {
    expect(() => defineVirtualDevice({ name: '', categories: ['AUDIO'], pins: [] })).toThrow(/definition.name/);
    expect(() => defineVirtualDevice({ name: 'x', categories: ['NOPE' as never], pins: [] })).toThrow(/category must be one of/);
    expect(() => defineVirtualDevice({ name: 'x', categories: ['AUDIO'], pins: [{ dataFlow: 'sideways' as never, dataRanges: [] }] })).toThrow(
      /pins\[0\]\.dataFlow must be one of 'in', 'out'/,
    );
    expect(() => defineVirtualDevice({ name: 'x', categories: ['AUDIO'], pins: [{ dataFlow: 'in', dataRanges: ['x' as never] }] })).toThrow(
      /dataRanges must be an array of Buffers/,
    );
    expect(() => defineVirtualDevice({ name: 'x', categories: ['AUDIO'], pins: [], properties: [{ set: KSPROPSETID.Pin, id: 0 }] })).toThrow(
      /needs onGet or onSet/,
    );
    expect(() =>
      defineVirtualDevice({ name: 'x', categories: ['AUDIO'], pins: [], topology: { connections: [{ fromNode: -1, fromNodePin: 0, toNode: 0, toNodePin: 0 }] } }),
    ).toThrow(/connections\[0\]\.fromNode/);
    expect(listDevices({ backend: 'emulator' }).some((d) => d.friendlyName === 'x')).toBe(false);
  });

  it('is gone after remove(): not listed, not openable, and its open handles fail with STATUS_DEVICE_REMOVED', () => {
    const device = define();
    const filter = openFilter(device.path);
    device.remove();
    expect(listDevices({ backend: 'emulator' }).some((d) => d.path === device.path)).toBe(false);
    expectKsError(() => openFilter(device.path, { backend: 'emulator' }), 'STATUS_OBJECT_NAME_NOT_FOUND');
    expectKsError(() => filter.pinCount(), 'STATUS_DEVICE_REMOVED');
    filter.close();
    expect(() => device.remove()).not.toThrow();
    expectKsError(() => device.unplug(), 'ERR_CLOSED');
  });
});

describe('malformed replies through a virtual device', () => {
  const range = encodeAudioRange();

  function rangesFrom(reply: Buffer) {
    const device = define({ properties: [rangesReply(reply)] });
    const filter = openFilter(device.path);
    return { filter, read: () => filter.pinInfo(0) };
  }

  it('a short reply (less than a KSMULTIPLE_ITEM)', () => {
    const { filter, read } = rangesFrom(Buffer.from([0x10, 0, 0]));
    const error = expectKsError(read, 'ERR_MALFORMED_REPLY');
    expect(error.message).toMatch(/KSMULTIPLE_ITEM|8 bytes/);
    filter.close();
  });

  it('an oversized Count', () => {
    const reply = encodeMultipleItem([range]);
    reply.writeUInt32LE(1_000_000, 4);
    const { filter, read } = rangesFrom(reply);
    expect(expectKsError(read, 'ERR_MALFORMED_REPLY').message).toMatch(/Count 1000000 cannot fit in 96 bytes/);
    filter.close();
  });

  it('Size larger than the reply', () => {
    const reply = encodeMultipleItem([range]);
    reply.writeUInt32LE(reply.length + 64, 0);
    const { filter, read } = rangesFrom(reply);
    expect(expectKsError(read, 'ERR_MALFORMED_REPLY').message).toMatch(/Size 160 is outside 8\.\.96/);
    filter.close();
  });

  it('a FormatSize below 64', () => {
    const bad = Buffer.from(range);
    bad.writeUInt32LE(40, 0);
    const { filter, read } = rangesFrom(encodeMultipleItem([bad]));
    const error = expectKsError(read, 'ERR_MALFORMED_REPLY');
    expect(error.message).toMatch(/FormatSize 40, below 64/);
    filter.close();
  });

  it('a FormatSize running past the reply', () => {
    const bad = Buffer.from(range);
    bad.writeUInt32LE(0x7fffffff, 0);
    const { filter, read } = rangesFrom(encodeMultipleItem([bad]));
    expect(expectKsError(read, 'ERR_MALFORMED_REPLY').message).toMatch(/runs past Size/);
    filter.close();
  });

  it('a misaligned item (the second range not on an 8-byte step)', () => {
    const odd = Buffer.concat([range, Buffer.alloc(4)]); // FormatSize 92 claimed as 92 but the next item starts at 8 + 92
    odd.writeUInt32LE(92, 0);
    const packed = Buffer.concat([Buffer.alloc(8), odd, range]);
    packed.writeUInt32LE(packed.length, 0);
    packed.writeUInt32LE(2, 4);
    const { filter, read } = rangesFrom(packed);
    // Parsed with KS's 8-byte stepping, the second range is read from the
    // wrong place: its FormatSize is garbage, which is refused, not followed.
    expect(expectKsError(read, 'ERR_MALFORMED_REPLY').message).toMatch(/range 1 has FormatSize 0/);
    filter.close();
  });

  it('a driver claiming more bytes than the buffer it was given', () => {
    const device = define({
      properties: [rangesReply((outputLength) => (outputLength === 0 ? { status: 'STATUS_BUFFER_OVERFLOW', information: 96 } : { data: encodeMultipleItem([range]), information: 1 << 20 }))],
    });
    using filter = openFilter(device.path);
    const error = expectKsError(() => filter.pinInfo(0), 'ERR_MALFORMED_REPLY');
    expect(error.message).toMatch(/claims 1048576 bytes/);
  });

  it('a size query answered with no size, then a short buffer, is retried and bounded', () => {
    let calls = 0;
    const device = define({
      properties: [rangesReply(() => { calls++; return { status: 'STATUS_BUFFER_TOO_SMALL', information: 0 }; })],
    });
    using filter = openFilter(device.path);
    const error = expectKsError(() => filter.pinInfo(0), 'ERR_MALFORMED_REPLY');
    expect(error.message).toMatch(/never said how many it needs/);
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThanOrEqual(10);
  });

  it('a cyclic topology is walked to an end', () => {
    const device = define({
      topology: {
        nodes: [{ type: KSNODETYPE.VOLUME }, { type: KSNODETYPE.MUTE }],
        connections: [
          { fromNode: 'filter', fromNodePin: 0, toNode: 0, toNodePin: 1 },
          { fromNode: 0, fromNodePin: 0, toNode: 1, toNodePin: 1 },
          { fromNode: 1, fromNodePin: 0, toNode: 0, toNodePin: 1 },
        ],
      },
    });
    using filter = openFilter(device.path);
    const walk = walkTopology(filter.topology(), 0);
    expect(walk.nodes).toEqual([0, 1]);
    expect(walk.connections).toHaveLength(3); // each followed once, the back edge included
  });

  it('a topology CONNECTIONS reply with a ragged Size and a node list with an oversized Count', () => {
    const connections = encodeMultipleItem([Buffer.alloc(16)]);
    connections.writeUInt32LE(connections.length - 3, 0);
    const nodes = encodeMultipleItem([guidToBuffer(KSNODETYPE.VOLUME)]);
    nodes.writeUInt32LE(0xffffffff, 4);
    const device = define({
      properties: [
        { set: KSPROPSETID.Topology, id: KSPROPERTY_TOPOLOGY.CONNECTIONS, onGet: () => connections },
        { set: KSPROPSETID.Topology, id: KSPROPERTY_TOPOLOGY.NODES, onGet: () => nodes },
      ],
    });
    using filter = openFilter(device.path);
    expectKsError(() => filter.topology(), 'ERR_MALFORMED_REPLY');
    // Each reply on its own is refused too (the parsers, not just the first one to run).
    expectKsError(() => parseConnections(filter.getProperty(KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.CONNECTIONS)), 'ERR_MALFORMED_REPLY');
    expectKsError(() => parseGuidList(filter.getProperty(KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.NODES)), 'ERR_MALFORMED_REPLY');
  });

  it('a DATAFLOW outside the enumeration', () => {
    const device = define({ properties: [{ set: KSPROPSETID.Pin, id: KSPROPERTY_PIN.DATAFLOW, onGet: () => Buffer.from([7, 0, 0, 0]) }] });
    using filter = openFilter(device.path);
    expect(() => filter.pinInfo(0)).toThrow(/KSPIN_DATAFLOW 7 is not a dataflow/);
  });
});
