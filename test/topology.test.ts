// KSPROPSETID_Topology, KSPROPSETID_General's COMPONENTID, topology nodes and
// node properties (KSPROPSETID_Audio through KSNODEPROPERTY_AUDIO_CHANNEL).
import { afterEach, describe, expect, it } from 'vitest';
import {
  KSCATEGORY,
  KSFILTER_NODE,
  KSNODETYPE,
  KSPROPERTY_AUDIO,
  KSPROPSETID,
  audioChannelInstance,
  openHandleCount,
  parseConnections,
  parseGuidList,
  walkTopology,
  type TopologyConnection,
} from '../lib/index';
import { expectKsError, openCapture } from './helpers';
import { BRIDGE_PIN, DAC_NODE, MUTE_NODE, RENDER_PIN, VOLUME_NODE, openRender } from './emulated-devices';
import { throughBridge } from './test-backend';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

const F = KSFILTER_NODE;
const link = (fromNode: number, fromNodePin: number, toNode: number, toNodePin: number): TopologyConnection => ({ fromNode, fromNodePin, toNode, toNodePin });

describe('topology()', () => {
  it('reads the render filter\'s categories, typed and named nodes, and connections', () => {
    using filter = openRender();
    const topology = filter.topology();
    expect(topology.categories).toEqual([KSCATEGORY.AUDIO, KSCATEGORY.RENDER]);
    expect(topology.nodes).toEqual([
      { id: 0, type: KSNODETYPE.VOLUME, typeName: 'KSNODETYPE_VOLUME', name: 'Speaker Volume' },
      { id: 1, type: KSNODETYPE.MUTE, typeName: 'KSNODETYPE_MUTE', name: 'Speaker Mute' },
      { id: 2, type: KSNODETYPE.DAC, typeName: 'KSNODETYPE_DAC', name: 'DAC' },
    ]);
    // Node pins: KSNODEPIN_STANDARD_IN 1, KSNODEPIN_STANDARD_OUT 0.
    expect(topology.connections).toEqual([link(F, RENDER_PIN, VOLUME_NODE, 1), link(VOLUME_NODE, 0, MUTE_NODE, 1), link(MUTE_NODE, 0, DAC_NODE, 1), link(DAC_NODE, 0, F, BRIDGE_PIN)]);
  });

  it('answers an empty topology for a filter with no nodes (the capture device)', () => {
    using filter = openCapture();
    expect(filter.topology()).toEqual({ categories: [], nodes: [], connections: [] });
  });

  it('refuses a node name request past NODES with STATUS_INVALID_PARAMETER', () => {
    using filter = openRender();
    const instance = Buffer.alloc(8);
    instance.writeUInt32LE(3, 0);
    expectKsError(() => filter.getProperty(KSPROPSETID.Topology, 3, { instance }), 'STATUS_INVALID_PARAMETER');
  });
});

describe('walkTopology', () => {
  it('follows the render pin through volume, mute and DAC to the bridge pin', () => {
    using filter = openRender();
    const walk = walkTopology(filter.topology(), RENDER_PIN);
    expect(walk.nodes).toEqual([VOLUME_NODE, MUTE_NODE, DAC_NODE]);
    expect(walk.pins).toEqual([BRIDGE_PIN]);
    expect(walk.connections).toHaveLength(4);
  });

  it('finds nothing downstream of a pin data leaves the filter through', () => {
    using filter = openRender();
    expect(walkTopology(filter.topology(), BRIDGE_PIN)).toEqual({ nodes: [], pins: [], connections: [] });
  });

  it('ends on a cyclic graph, visiting each node once', () => {
    const cyclic = [link(F, 0, 0, 1), link(0, 0, 1, 1), link(1, 0, 0, 1), link(1, 0, 1, 1), link(1, 0, F, 2)];
    const walk = walkTopology({ connections: cyclic }, 0);
    expect(walk.nodes).toEqual([0, 1]);
    expect(walk.pins).toEqual([2]);
    expect(walk.connections.length).toBeLessThanOrEqual(cyclic.length);
  });

  it('ends on a disconnected graph and on a node pointing at itself', () => {
    const graph = [link(F, 0, 5, 1), link(5, 0, 5, 1), link(7, 0, 8, 1), link(8, 0, F, 1)];
    const walk = walkTopology({ connections: graph }, 0);
    expect(walk.nodes).toEqual([5]);
    expect(walk.pins).toEqual([]);
  });

  it('refuses a pin id that is not one', () => {
    expect(() => walkTopology({ connections: [] }, -1)).toThrow(RangeError);
  });
});

describe('topology replies as untrusted input', () => {
  const list = (size: number, count: number, body = Buffer.alloc(0)) => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(size, 0);
    head.writeUInt32LE(count, 4);
    return Buffer.concat([head, body]);
  };

  it('parses KSTOPOLOGY_CONNECTIONs from a well-formed KSMULTIPLE_ITEM', () => {
    const body = Buffer.alloc(16);
    [F, 0, 2, 1].forEach((v, i) => body.writeUInt32LE(v, i * 4));
    expect(parseConnections(list(24, 1, body))).toEqual([link(F, 0, 2, 1)]);
  });

  it('refuses a buffer shorter than the KSMULTIPLE_ITEM head', () => {
    expectKsError(() => parseConnections(Buffer.alloc(6)), 'ERR_MALFORMED_REPLY');
  });

  it('refuses a Count too large for Size', () => {
    expectKsError(() => parseConnections(list(24, 2, Buffer.alloc(16))), 'ERR_MALFORMED_REPLY');
  });

  it('refuses a Size past the buffer', () => {
    expectKsError(() => parseGuidList(list(40, 2, Buffer.alloc(16))), 'ERR_MALFORMED_REPLY');
  });
});

describe('componentId()', () => {
  it('reads KSCOMPONENTID (72 bytes) from the render filter', () => {
    using filter = openRender();
    expect(filter.componentId()).toEqual({
      manufacturer: '{4B534D55-0000-0000-454D-554C41544F52}',
      product: '{4B534D55-0001-0000-5245-4E4445520000}',
      component: '{4B534D55-0002-0000-5741-564552540000}',
      name: '{00000000-0000-0000-0000-000000000000}',
      version: 1,
      revision: 2,
    });
  });

  it('fails with STATUS_PROPSET_NOT_FOUND (as ks.sys answers a set the filter lacks) on a filter without KSPROPSETID_General', () => {
    using filter = openCapture();
    expectKsError(() => filter.componentId(), 'STATUS_PROPSET_NOT_FOUND');
  });
});

describe('node properties (KSNODEPROPERTY_AUDIO_CHANNEL)', () => {
  it('reads and sets a volume per channel in dB, keeping state across filter handles', () => {
    {
      using filter = openRender();
      expect(filter.nodeVolume(VOLUME_NODE, 0)).toBe(0);
      filter.setNodeVolume(VOLUME_NODE, 1, -6.5);
      expect(filter.nodeVolume(VOLUME_NODE, 1)).toBe(-6.5);
      expect(filter.nodeVolume(VOLUME_NODE, 0)).toBe(0);
    }
    using again = openRender();
    expect(again.nodeVolume(VOLUME_NODE, 1)).toBe(-6.5);
    again.setNodeVolume(VOLUME_NODE, 1, 0);
  });

  it('clamps a volume below the node\'s range to its minimum (-96 dB)', () => {
    using filter = openRender();
    filter.setNodeVolume(VOLUME_NODE, 0, -200);
    expect(filter.nodeVolume(VOLUME_NODE, 0)).toBe(-96);
    filter.setNodeVolume(VOLUME_NODE, 0, 0);
  });

  it('reads and sets mute per channel', () => {
    using filter = openRender();
    filter.setNodeMute(MUTE_NODE, 0, true);
    expect(filter.nodeMute(MUTE_NODE, 0)).toBe(true);
    expect(filter.nodeMute(MUTE_NODE, 1)).toBe(false);
    filter.setNodeMute(MUTE_NODE, 0, false);
    expect(filter.nodeMute(MUTE_NODE, 0)).toBe(false);
  });

  it('sends the 40-byte request with KSPROPERTY_TYPE_TOPOLOGY; without the flag the emulator says STATUS_INVALID_PARAMETER', () => {
    using filter = openRender();
    const instance = audioChannelInstance(VOLUME_NODE, 0);
    expect(instance.length + 24).toBe(40);
    expect(instance.readUInt32LE(0)).toBe(VOLUME_NODE);
    expect(instance.readInt32LE(8)).toBe(0);
    expectKsError(() => filter.getProperty(KSPROPSETID.Audio, KSPROPERTY_AUDIO.VOLUMELEVEL, { instance, size: 4 }), 'STATUS_INVALID_PARAMETER');
  });

  it('answers STATUS_NOT_FOUND for a node without the property and STATUS_INVALID_PARAMETER for a channel it lacks', () => {
    using filter = openRender();
    expectKsError(() => filter.nodeVolume(MUTE_NODE, 0), 'STATUS_NOT_FOUND');
    expectKsError(() => filter.nodeMute(DAC_NODE, 0), 'STATUS_NOT_FOUND');
    expectKsError(() => filter.nodeVolume(VOLUME_NODE, 2), 'STATUS_INVALID_PARAMETER');
  });

  it('checks arguments in TypeScript first', () => {
    using filter = openRender();
    expect(() => filter.nodeVolume(VOLUME_NODE, 1.5)).toThrow(/channel must be a LONG/);
    expect(() => filter.nodeVolume(-1, 0)).toThrow(/nodeId must be an integer/);
    expect(() => filter.setNodeVolume(VOLUME_NODE, 0, Number.NaN)).toThrow(TypeError);
    expect(() => filter.setNodeVolume(VOLUME_NODE, 0, 40000)).toThrow(RangeError);
    expect(() => filter.setNodeMute(MUTE_NODE, 0, 'yes' as never)).toThrow(TypeError);
  });
});

describe('createNode()', () => {
  it('opens a topology node object owned by the filter', () => {
    const filter = openRender();
    const node = filter.createNode(VOLUME_NODE);
    expect(node.nodeId).toBe(VOLUME_NODE);
    expect(node.createdWith).toBe(throughBridge() ? 'KsCreateTopologyNode2' : 'emulator');
    expect(openHandleCount()).toBe(2);
    filter.close();
    expect(node.closed).toBe(true);
  });

  it('answers its own node\'s properties and refuses another node id with STATUS_INVALID_PARAMETER', () => {
    using filter = openRender();
    const node = filter.createNode(VOLUME_NODE);
    const get = (nodeId: number) =>
      node.getProperty(KSPROPSETID.Audio, KSPROPERTY_AUDIO.VOLUMELEVEL, { instance: audioChannelInstance(nodeId, 0), size: 4, typeFlags: 0x10000000 });
    expect(get(VOLUME_NODE).readInt32LE(0)).toBe(0);
    expectKsError(() => get(MUTE_NODE), 'STATUS_INVALID_PARAMETER');
  });

  it('names itself "node" in a use-after-close failure', () => {
    const filter = openRender();
    const node = filter.createNode(VOLUME_NODE);
    expect(node.kind).toBe('node');
    node.close();
    const e = expectKsError(() => node.getProperty(KSPROPSETID.Audio, KSPROPERTY_AUDIO.VOLUMELEVEL, { size: 4 }), 'ERR_CLOSED');
    expect(e.message).toBe(`${e.operation}: the node is closed`);
    filter.close();
  });

  it('refuses a node the filter does not have with STATUS_INVALID_PARAMETER', () => {
    using filter = openRender();
    expectKsError(() => filter.createNode(3), 'STATUS_INVALID_PARAMETER');
    expect(() => filter.createNode(-1)).toThrow(RangeError);
  });
});
