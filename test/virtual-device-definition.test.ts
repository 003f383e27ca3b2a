// defineVirtualDevice: every refusal of a definition by its class and whole message (the field named, as deep as it
// sits, and what is allowed), none of which defines a device; the defaults a pin gets when its definition leaves a
// field out, read back through the KS properties a client sees; handler replies by their status names; and the
// VirtualDevice lifecycle (issue 16: only the top-level refusals were checked by message).
import { afterEach, describe, expect, it } from 'vitest';
import {
  AllocatorFraming,
  defineVirtualDevice,
  encodeAudioRange,
  KsError,
  KSPROPSETID,
  listDevices,
  openFilter,
  type VirtualDevice,
  type VirtualDeviceDefinition,
} from '../lib/index';

const SET = '{5A5A5A5A-7777-2222-3333-444455556666}';
const devices: VirtualDevice[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.remove();
});

const pin = { dataFlow: 'out' as const, dataRanges: [encodeAudioRange()] };
const base = (): VirtualDeviceDefinition => ({ name: 'Definition Checks', categories: ['AUDIO'], pins: [{ ...pin }] });

function refusal(change: (d: any) => void): [string, string] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const definition = base();
  change(definition);
  const before = listDevices({ backend: 'emulator' }).length;
  try {
    devices.push(defineVirtualDevice(definition));
  } catch (e) {
    expect(listDevices({ backend: 'emulator' })).toHaveLength(before);
    return [(e as Error).constructor.name, (e as Error).message];
  }
  throw new Error('defineVirtualDevice accepted the definition');
}

describe('defineVirtualDevice refuses a definition, naming the field', () => {
  const U32 = 'must be an integer in 0..4294967295';
  const cases: [string, (d: any) => void, string, string][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['an empty name', (d) => (d.name = ''), 'TypeError', 'definition.name must be a non-empty string'],
    ['a category that is no name or GUID', (d) => (d.categories = ['AUDIO', 'SPEAKERS']), 'RangeError', expect.stringMatching(/^category must be one of AUDIO, .*, got "SPEAKERS"$/) as never],
    ['a pin that is null', (d) => (d.pins = [pin, null]), 'TypeError', 'definition.pins[1] must be an object'],
    ['a pin that is a string', (d) => (d.pins = ['pin']), 'TypeError', 'definition.pins[0] must be an object'],
    ['ranges that are not a list', (d) => (d.pins[0].dataRanges = encodeAudioRange()), 'TypeError', 'definition.pins[0].dataRanges must be an array of Buffers (whole KSDATARANGEs)'],
    ['a range that is not a Buffer', (d) => (d.pins[0].dataRanges = [encodeAudioRange(), [1, 2]]), 'TypeError', 'definition.pins[0].dataRanges must be an array of Buffers (whole KSDATARANGEs)'],
    ['no dataflow', (d) => delete d.pins[0].dataFlow, 'RangeError', "definition.pins[0].dataFlow must be one of 'in', 'out', got undefined"],
    ['another communication', (d) => (d.pins[0].communication = 'sinks'), 'RangeError', "definition.pins[0].communication must be one of 'none', 'sink', 'source', 'both', 'bridge', got \"sinks\""],
    ['a category that is no GUID', (d) => (d.pins[0].category = 'capture'), 'TypeError', 'definition.pins[0].category must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "capture"'],
    ['negative instances', (d) => (d.pins[0].instances = -1), 'RangeError', `definition.pins[0].instances ${U32}, got -1`],
    ['fractional necessary instances', (d) => (d.pins[0].necessaryInstances = 0.5), 'TypeError', `definition.pins[0].necessaryInstances ${U32}, got 0.5`],
    ['another streaming', (d) => (d.pins[0].streaming = 'wavert'), 'RangeError', "definition.pins[0].streaming must be one of 'standard', 'waveRt', got \"wavert\""],
    ['a latency that is a number', (d) => (d.pins[0].waveRtLatency = 5), 'TypeError', 'definition.pins[0].waveRtLatency must be { fifoSize, chipsetDelay, codecDelay }'],
    ['a latency that is null', (d) => (d.pins[0].waveRtLatency = null), 'TypeError', 'definition.pins[0].waveRtLatency must be { fifoSize, chipsetDelay, codecDelay }'],
    ['a latency without its FIFO', (d) => (d.pins[0].waveRtLatency = { chipsetDelay: 0, codecDelay: 0 }), 'TypeError', `definition.pins[0].waveRtLatency.fifoSize ${U32}, got undefined`],
    ['a negative chipset delay', (d) => (d.pins[0].waveRtLatency = { fifoSize: 0, chipsetDelay: -1, codecDelay: 0 }), 'RangeError', `definition.pins[0].waveRtLatency.chipsetDelay ${U32}, got -1`],
    ['a codec delay as text', (d) => (d.pins[0].waveRtLatency = { fifoSize: 0, chipsetDelay: 0, codecDelay: '1' }), 'TypeError', `definition.pins[0].waveRtLatency.codecDelay ${U32}, got 1`],
    ['a connection from no node', (d) => (d.topology = { connections: [{ fromNode: 'pin', fromNodePin: 0, toNode: 0, toNodePin: 0 }] }), 'TypeError', `definition.topology.connections[0].fromNode ${U32}, got pin`],
    ['a connection from a negative pin', (d) => (d.topology = { connections: [{ fromNode: 'filter', fromNodePin: -2, toNode: 0, toNodePin: 0 }] }), 'RangeError', `definition.topology.connections[0].fromNodePin ${U32}, got -2`],
    ['a connection to no node', (d) => (d.topology = { connections: [{ fromNode: 'filter', fromNodePin: 0, toNode: 1.5, toNodePin: 0 }] }), 'TypeError', `definition.topology.connections[0].toNode ${U32}, got 1.5`],
    ['a connection to no pin', (d) => (d.topology = { connections: [{ fromNode: 'filter', fromNodePin: 0, toNode: 'filter', toNodePin: null }] }), 'TypeError', `definition.topology.connections[0].toNodePin ${U32}, got null`],
    ['a topology category that is no GUID', (d) => (d.topology = { categories: ['{6994AD04-93EF-11D0-A3CC-00A0C9223196}', 'x'] }), 'TypeError', 'definition.topology.categories[1] must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "x"'],
    ['a node type that is no GUID', (d) => (d.topology = { nodes: [{ type: 'volume' }] }), 'TypeError', 'definition.topology.nodes[0].type must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "volume"'],
    ['a handler that is null', (d) => (d.properties = [null]), 'TypeError', 'definition.properties[0] must be an object'],
    ['a handler that is a function', (d) => (d.properties = [{ set: SET, id: 1, onGet: () => undefined }, 5]), 'TypeError', 'definition.properties[1] must be an object'],
    ['onGet that is not a function', (d) => (d.properties = [{ set: SET, id: 1, onGet: 'x' }]), 'TypeError', 'definition.properties[0].onGet must be a function'],
    ['onSet that is not a function', (d) => (d.properties = [{ set: SET, id: 1, onGet: () => undefined, onSet: {} }]), 'TypeError', 'definition.properties[0].onSet must be a function'],
    ['onBasicSupport that is not a function', (d) => (d.properties = [{ set: SET, id: 1, onGet: () => undefined, onBasicSupport: 1 }]), 'TypeError', 'definition.properties[0].onBasicSupport must be a function'],
    ['no onGet or onSet', (d) => (d.properties = [{ set: SET, id: 1, onBasicSupport: () => undefined }]), 'TypeError', 'definition.properties[0] needs onGet or onSet'],
    ['another target', (d) => (d.properties = [{ set: SET, id: 1, onGet: () => undefined, target: 'stream' }]), 'RangeError', "definition.properties[0].target must be one of 'filter', 'pin', 'node', got \"stream\""],
    ['a pin id on a filter handler', (d) => (d.properties = [{ set: SET, id: 1, onGet: () => undefined, pinId: 0 }]), 'TypeError', "definition.properties[0].pinId needs target 'pin'"],
    ['a pin id past the pins', (d) => (d.properties = [{ set: SET, id: 1, onGet: () => undefined, target: 'pin', pinId: 1 }]), 'RangeError', 'definition.properties[0].pinId must be below the pin count 1, got 1'],
    ['a negative pin id', (d) => (d.properties = [{ set: SET, id: 1, onGet: () => undefined, target: 'pin', pinId: -1 }]), 'RangeError', `definition.properties[0].pinId ${U32}, got -1`],
    ['a handler set that is no GUID', (d) => (d.properties = [{ set: 'Pin', id: 1, onGet: () => undefined }]), 'TypeError', 'definition.properties[0].set must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "Pin"'],
    ['a handler id past 32 bits', (d) => (d.properties = [{ set: SET, id: 2 ** 32, onGet: () => undefined }]), 'RangeError', `definition.properties[0].id ${U32}, got 4294967296`],
    ['an event on a node', (d) => (d.events = [{ set: SET, id: 1, target: 'node' }]), 'RangeError', "definition.events[0].target must be one of 'filter', 'pin', got \"node\""],
    ['an event set that is no GUID', (d) => (d.events = [{ set: SET, id: 1 }, { set: 'x', id: 1 }]), 'TypeError', 'definition.events[1].set must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "x"'],
    ['an event id that is negative', (d) => (d.events = [{ set: SET, id: -1 }]), 'RangeError', `definition.events[0].id ${U32}, got -1`],
  ];
  it.each(cases)('%s', (_, change, kind, message) => {
    expect(refusal(change)).toEqual([kind, message]);
  });
});

describe('a pin definition’s defaults, as a client reads them', () => {
  it('unnamed, a sink, one instance, none necessary, standard streaming, 8 frames of 4 KiB', () => {
    const device = defineVirtualDevice(base());
    devices.push(device);
    using filter = openFilter(device.path, { backend: 'emulator' });
    const info = filter.pinInfo(0);
    expect([info.name, info.communication, info.category, info.instances.possible, info.necessaryInstances]).toStrictEqual([null, 'sink', null, 1, 0]);
    expect(info.interfaces?.map((i) => i.id)).toStrictEqual([0]); // KSINTERFACE_STANDARD_STREAMING
    using created = filter.createPin({ pinId: 0 });
    expect(created.streamingKind).toBe('standard');
    expect(created.allocatorFraming()).toStrictEqual(new AllocatorFraming({ flags: 0x80000002, poolType: 0, frames: 8, frameSize: 4096, fileAlignment: 3 }));
  });

  it('what the definition gives instead', () => {
    const device = defineVirtualDevice({
      name: 'Definition Given',
      categories: ['AUDIO'],
      pins: [
        { ...pin, name: 'Mic', communication: 'both', category: '{FB6C4281-0353-11D1-905F-0000C0CC16BA}', instances: 3, necessaryInstances: 2, framing: { flags: 0, poolType: 1, frames: 2, frameSize: 960, fileAlignment: 7 } },
      ],
    });
    devices.push(device);
    using filter = openFilter(device.path, { backend: 'emulator' });
    const info = filter.pinInfo(0);
    expect([info.name, info.communication, info.category, info.instances.possible, info.necessaryInstances]).toStrictEqual(['Mic', 'both', '{FB6C4281-0353-11D1-905F-0000C0CC16BA}', 3, 2]);
    using created = filter.createPin({ pinId: 0 });
    expect(created.allocatorFraming()).toStrictEqual(new AllocatorFraming({ flags: 0, poolType: 1, frames: 2, frameSize: 960, fileAlignment: 7 }));
  });
});

describe('handler replies', () => {
  it('a status by its NTSTATUS name or number; an unknown name or a bad Information is the handler’s error', () => {
    let reply: unknown;
    const device = defineVirtualDevice({ ...base(), properties: [{ set: SET, id: 1, onGet: () => reply as never, onSet: () => reply as never }] });
    devices.push(device);
    using filter = openFilter(device.path, { backend: 'emulator' });
    reply = { status: 'STATUS_NOT_SUPPORTED' };
    expect(() => filter.getProperty(SET, 1, { size: 4 })).toThrow(expect.objectContaining({ code: 'STATUS_NOT_SUPPORTED' }));
    reply = { status: 0xc0000010 };
    expect(() => filter.getProperty(SET, 1, { size: 4 })).toThrow(expect.objectContaining({ code: 'STATUS_INVALID_DEVICE_REQUEST' }));
    reply = { status: 'STATUS_NO_SUCH_THING' };
    expect(() => filter.getProperty(SET, 1, { size: 4 })).toThrow(expect.objectContaining({ code: 'STATUS_UNSUCCESSFUL' }));
    reply = { information: -1, data: Buffer.alloc(4) };
    expect(() => filter.getProperty(SET, 1, { size: 4 })).toThrow(expect.objectContaining({ code: 'STATUS_UNSUCCESSFUL' }));
    reply = { status: -5 };
    expect(() => filter.getProperty(SET, 1, { size: 4 })).toThrow(expect.objectContaining({ code: 'STATUS_UNSUCCESSFUL' }));
    expect(device.handlerErrors.map((e) => [(e as Error).constructor.name, (e as Error).message])).toStrictEqual([
      ['RangeError', 'reply.status names no NTSTATUS this package knows: STATUS_NO_SUCH_THING'],
      ['RangeError', 'reply.information must be an integer in 0..4294967295, got -1'],
      ['RangeError', 'reply.status must be an integer in 0..4294967295, got -5'],
    ]);
    // A SET answered with a Buffer succeeds and returns nothing (even one longer than the value, which a GET would
    // refuse as too small); with a status, fails with it.
    reply = Buffer.from([1, 2, 3, 4]);
    const value = Buffer.from([5, 6]);
    filter.setProperty(SET, 1, value);
    expect([...value]).toStrictEqual([5, 6]);
    reply = { status: 'STATUS_ACCESS_DENIED' };
    expect(() => filter.setProperty(SET, 1, Buffer.alloc(4))).toThrow(expect.objectContaining({ code: 'STATUS_ACCESS_DENIED' }));
    // Information defaults to the data's length.
    reply = { data: Buffer.from([7, 8]) };
    expect([...filter.getProperty(SET, 1, { size: 4 })]).toStrictEqual([7, 8]);
  });
});

describe('the VirtualDevice lifecycle', () => {
  it('present follows plug and unplug; after remove() every call is ERR_CLOSED naming it and the device; remove twice is nothing', () => {
    const device = defineVirtualDevice({ ...base(), name: 'Lifecycle Device', events: [{ set: SET, id: 3 }] });
    expect(device.present).toBe(true);
    device.unplug();
    expect(device.present).toBe(false);
    expect(listDevices({ backend: 'emulator' }).some((d) => d.path === device.path)).toBe(false);
    device.plug();
    expect(device.present).toBe(true);
    expect(listDevices({ backend: 'emulator' }).some((d) => d.path === device.path)).toBe(true);
    expect(() => device.fireEvent('no guid', 3)).toThrow(new TypeError('set must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "no guid"'));
    expect(() => device.fireEvent(SET, -1)).toThrow(new RangeError('id must be an integer in 0..4294967295, got -1'));
    device.fireEvent(SET, 3);
    device.remove();
    expect(device.present).toBe(false);
    device.remove();
    const closed = (fn: () => void, operation: string) => {
      let caught: unknown;
      try {
        fn();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(KsError);
      expect([(caught as KsError).code, (caught as KsError).message]).toStrictEqual(['ERR_CLOSED', `${operation}: the virtual device "Lifecycle Device" was removed`]);
    };
    closed(() => device.unplug(), 'unplug');
    closed(() => device.plug(), 'plug');
    closed(() => device.fireEvent(SET, 3), 'fire event');
    expect(device.present).toBe(false);
  });

  it('disposing removes it', () => {
    let path = '';
    {
      using device = defineVirtualDevice({ ...base(), name: 'Disposed Device' });
      path = device.path;
      expect(listDevices({ backend: 'emulator' }).some((d) => d.path === path)).toBe(true);
    }
    expect(listDevices({ backend: 'emulator' }).some((d) => d.path === path)).toBe(false);
    expect(() => openFilter(path, { backend: 'emulator' })).toThrow(KsError);
    void KSPROPSETID;
  });
});
