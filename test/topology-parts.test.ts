// The topology layer's parts with values worked out here: node names as KS sends them (NUL-terminated UTF-16LE,
// an empty name, an odd byte, no terminator), which statuses mean "this node has no name" and which are failures,
// the default operation named by the KSMULTIPLE_ITEM parsers, and the walk's refusals and de-duplication (issue 16:
// survivors of the first mutation run over lib/objects/topology.ts).
import { describe, expect, it } from 'vitest';
import { KsError, KSNODETYPE, KSPROPSETID, parseConnections, parseGuidList, walkTopology } from '../lib/index';
import { isAbsent, parseWideString } from '../lib/objects/topology';
import { scriptedDevices } from './scripted-devices';

const { open } = scriptedDevices();

describe('parseWideString', () => {
  it('reads up to the first NUL, never past the reply', () => {
    expect(parseWideString(Buffer.from('Volume\0', 'utf16le'))).toBe('Volume');
    expect(parseWideString(Buffer.from('\0', 'utf16le'))).toBe('');
    expect(parseWideString(Buffer.from('ab\0cd\0', 'utf16le'))).toBe('ab');
    expect(parseWideString(Buffer.from('no end', 'utf16le'))).toBe('no end');
    expect(parseWideString(Buffer.concat([Buffer.from('odd', 'utf16le'), Buffer.from([0x41])]))).toBe('odd');
    expect(parseWideString(Buffer.alloc(0))).toBe('');
  });
});

describe('isAbsent', () => {
  it('is true for the statuses that mean "no such thing here", on either status scheme', () => {
    for (const code of ['STATUS_NOT_FOUND', 'STATUS_NOT_SUPPORTED', 'ERROR_NOT_FOUND', 'ERROR_NOT_SUPPORTED', 'ERROR_SET_NOT_FOUND']) {
      expect(isAbsent(new KsError(code as never, 'get', 'x')), code).toBe(true);
    }
    for (const code of ['STATUS_INVALID_PARAMETER', 'ERROR_ACCESS_DENIED', 'STATUS_UNSUCCESSFUL', 'ERR_CLOSED']) {
      expect(isAbsent(new KsError(code as never, 'get', 'x')), code).toBe(false);
    }
    expect(isAbsent(Object.assign(new Error('x'), { code: 'STATUS_NOT_FOUND' }))).toBe(false);
    expect(isAbsent('STATUS_NOT_FOUND')).toBe(false);
  });
});

describe('the KSMULTIPLE_ITEM parsers name their operation', () => {
  it('by default, and as given', () => {
    expect(() => parseGuidList(Buffer.alloc(4))).toThrow(new KsError('ERR_MALFORMED_REPLY', 'read GUID list', 'a KSMULTIPLE_ITEM needs 8 bytes, got 4'));
    expect(() => parseConnections(Buffer.alloc(4))).toThrow(new KsError('ERR_MALFORMED_REPLY', 'read topology connections', 'a KSMULTIPLE_ITEM needs 8 bytes, got 4'));
    let caught: KsError | undefined;
    try {
      parseGuidList(Buffer.alloc(2), 'get topology nodes');
    } catch (e) {
      caught = e as KsError;
    }
    expect([caught?.operation, caught?.message]).toStrictEqual(['get topology nodes', 'get topology nodes: a KSMULTIPLE_ITEM needs 8 bytes, got 2']);
  });
});

describe('topology() reads node names', () => {
  function device(answer: () => unknown) {
    return open({
      name: 'Topology Names',
      categories: ['AUDIO'],
      pins: [],
      topology: { nodes: [{ type: KSNODETYPE.VOLUME, name: 'Volume' }, { type: KSNODETYPE.MUTE, name: 'Mute' }] },
      properties: [{ set: KSPROPSETID.Topology, id: 3, onGet: (r) => (r.instanceId === 1 ? (answer() as never) : Buffer.from('Volume\0', 'utf16le')) }],
    });
  }

  it('a name answered absent is null; any other failure is the topology’s failure, named', () => {
    for (const status of ['STATUS_NOT_FOUND', 'STATUS_NOT_SUPPORTED']) {
      using filter = device(() => ({ status }));
      expect(filter.topology().nodes.map((n) => n.name)).toStrictEqual(['Volume', null]);
    }
    using refusing = device(() => ({ status: 'STATUS_ACCESS_DENIED' }));
    expect(() => refusing.topology()).toThrow(expect.objectContaining({ code: 'STATUS_ACCESS_DENIED' }));
    using named = device(() => Buffer.from('Mute\0', 'utf16le'));
    expect(named.topology().nodes.map((n) => [n.id, n.typeName, n.name])).toStrictEqual([
      [0, 'KSNODETYPE_VOLUME', 'Volume'],
      [1, 'KSNODETYPE_MUTE', 'Mute'],
    ]);
  });

  it('the lists malformed are refused by the request that read them', () => {
    const filter = open({
      name: 'Topology Malformed',
      categories: ['AUDIO'],
      pins: [],
      properties: [{ set: KSPROPSETID.Topology, id: 1, onGet: () => Buffer.alloc(4) }],
    });
    expect(() => filter.topology()).toThrow(new KsError('ERR_MALFORMED_REPLY', 'get topology nodes', 'a KSMULTIPLE_ITEM needs 8 bytes, got 4'));
  });
});

describe('walkTopology', () => {
  const F = 0xffffffff; // KSFILTER_NODE
  it('lists a filter pin reached twice once, and stops once every connection is used', () => {
    const connections = [
      { fromNode: F, fromNodePin: 0, toNode: 0, toNodePin: 1 },
      { fromNode: 0, fromNodePin: 0, toNode: F, toNodePin: 2 },
      { fromNode: 0, fromNodePin: 1, toNode: F, toNodePin: 2 },
      { fromNode: 0, fromNodePin: 2, toNode: 1, toNodePin: 1 },
      { fromNode: 1, fromNodePin: 0, toNode: F, toNodePin: 3 },
    ];
    expect(walkTopology({ connections }, 0)).toStrictEqual({ nodes: [0, 1], pins: [2, 3], connections });
  });

  it('refuses a pin that is no ULONG, naming fromPin', () => {
    expect(() => walkTopology({ connections: [] }, -1)).toThrow(new RangeError('fromPin must be an integer in 0..4294967295, got -1'));
    expect(() => walkTopology({ connections: [] }, 'x' as never)).toThrow(new TypeError('fromPin must be an integer in 0..4294967295, got x'));
  });
});
