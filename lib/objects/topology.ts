/**
 * A filter's topology (KSPROPSETID_Topology): its categories, its nodes
 * (NODES: a KSMULTIPLE_ITEM of node-type GUIDs; NAME per node with a
 * KSP_NODE) and the connections between nodes and pins (CONNECTIONS: a
 * KSMULTIPLE_ITEM of KSTOPOLOGY_CONNECTION, where KSFILTER_NODE stands for
 * the filter's own pins). Graphs from drivers can be disconnected or cyclic,
 * so walks are bounded.
 */
import { checkUint32 } from '../base/validate';
import { KsError } from '../base/errors';
import { KSFILTER_NODE, KSNODETYPE, KSPROPERTY_TOPOLOGY, KSPROPSETID } from '../structs/constants';
import { readGuid, type Guid } from '../structs/guid';
import { parseMultipleItem } from '../structs/multiple-item';
import type { KsHandle } from './handle';

export const KSTOPOLOGY_CONNECTION_SIZE = 16;

export interface TopologyNode {
  /** The node's index in NODES: its NodeId. */
  id: number;
  /** KSPROPERTY_TOPOLOGY_NODES: the KSNODETYPE GUID. */
  type: Guid;
  /** The KSNODETYPE_* name of `type`, or null for a type this package does not name. */
  typeName: string | null;
  /** KSPROPERTY_TOPOLOGY_NAME, when the driver gives one. */
  name: string | null;
}

/** KSTOPOLOGY_CONNECTION */
export interface TopologyConnection {
  /** FromNode: a node id, or KSFILTER_NODE for a filter pin */ fromNode: number;
  /** FromNodePin: the node's pin, or the filter's pin id */ fromNodePin: number;
  /** ToNode */ toNode: number;
  /** ToNodePin */ toNodePin: number;
}

export interface Topology {
  /** KSPROPERTY_TOPOLOGY_CATEGORIES */
  categories: Guid[];
  nodes: TopologyNode[];
  /** KSPROPERTY_TOPOLOGY_CONNECTIONS */
  connections: TopologyConnection[];
}

const TYPE_NAMES = new Map<string, string>(Object.entries(KSNODETYPE).map(([name, guid]) => [guid, `KSNODETYPE_${name}`]));

/** The KSNODETYPE_* name of a node type GUID, or null. */
export function nodeTypeName(type: Guid): string | null {
  return TYPE_NAMES.get(type) ?? null;
}

/** A KSMULTIPLE_ITEM of GUIDs (CATEGORIES, NODES). */
export function parseGuidList(reply: Buffer, operation = 'read GUID list'): Guid[] {
  return parseMultipleItem(reply, 16, (item) => readGuid(item, 0), operation);
}

/** A KSMULTIPLE_ITEM of KSTOPOLOGY_CONNECTION (CONNECTIONS). */
export function parseConnections(reply: Buffer, operation = 'read topology connections'): TopologyConnection[] {
  return parseMultipleItem(
    reply,
    KSTOPOLOGY_CONNECTION_SIZE,
    (item) => ({ fromNode: item.readUInt32LE(0), fromNodePin: item.readUInt32LE(4), toNode: item.readUInt32LE(8), toNodePin: item.readUInt32LE(12) }),
    operation,
  );
}

/** A NUL-terminated UTF-16LE string reply, never read past its end. */
export function parseWideString(reply: Buffer): string {
  const text = reply.subarray(0, reply.length - (reply.length % 2)).toString('utf16le');
  const end = text.indexOf('\0');
  return end >= 0 ? text.slice(0, end) : text;
}

/** Statuses that mean "no such thing here" rather than a failure. */
const ABSENT = new Set(['STATUS_NOT_FOUND', 'STATUS_NOT_SUPPORTED', 'ERROR_NOT_FOUND', 'ERROR_NOT_SUPPORTED', 'ERROR_SET_NOT_FOUND']);

/** @internal whether a KsError says the property is absent */
export function isAbsent(e: unknown): boolean {
  return e instanceof KsError && ABSENT.has(e.code);
}

/** Reads the whole topology of a filter (KsFilter.topology). */
export function readTopology(filter: KsHandle): Topology {
  const get = (id: number, instance?: Buffer) => filter.getProperty(KSPROPSETID.Topology, id, { instance });
  const categories = parseGuidList(get(KSPROPERTY_TOPOLOGY.CATEGORIES), 'get topology categories');
  const types = parseGuidList(get(KSPROPERTY_TOPOLOGY.NODES), 'get topology nodes');
  const connections = parseConnections(get(KSPROPERTY_TOPOLOGY.CONNECTIONS), 'get topology connections');
  const nodes = types.map((type, id): TopologyNode => {
    let name: string | null = null;
    try {
      const instance = Buffer.alloc(8); // KSP_NODE after its KSPROPERTY: NodeId, Reserved
      instance.writeUInt32LE(id, 0);
      name = parseWideString(get(KSPROPERTY_TOPOLOGY.NAME, instance));
    } catch (e) {
      if (!isAbsent(e)) throw e;
    }
    return { id, type, typeName: nodeTypeName(type), name };
  });
  return { categories, nodes, connections };
}

export interface TopologyWalk {
  /** Node ids reached, in breadth-first order, each once. */
  nodes: number[];
  /** Filter pins reached (connections into KSFILTER_NODE), each once. */
  pins: number[];
  /** The connections followed, each once. */
  connections: TopologyConnection[];
}

/**
 * Follows the connections downstream from filter pin `fromPin`, breadth
 * first. Each connection is followed at most once and each node expanded at
 * most once, so the walk ends on cyclic and disconnected graphs, after at
 * most `connections.length` steps.
 */
export function walkTopology(topology: Pick<Topology, 'connections'>, fromPin: number): TopologyWalk {
  checkUint32(fromPin, 'fromPin');
  const connections = topology.connections;
  const used = new Set<number>();
  const expanded = new Set<number>();
  const walk: TopologyWalk = { nodes: [], pins: [], connections: [] };
  // A queue of connection ends to expand: [node, pin] with node KSFILTER_NODE for the start.
  const queue: Array<{ node: number; pin?: number }> = [{ node: KSFILTER_NODE, pin: fromPin }];
  while (queue.length > 0 && used.size < connections.length) {
    const at = queue.shift()!;
    connections.forEach((c, index) => {
      if (used.has(index) || c.fromNode !== at.node) return;
      if (at.node === KSFILTER_NODE && c.fromNodePin !== at.pin) return;
      used.add(index);
      walk.connections.push(c);
      if (c.toNode === KSFILTER_NODE) {
        if (!walk.pins.includes(c.toNodePin)) walk.pins.push(c.toNodePin);
        return;
      }
      if (expanded.has(c.toNode)) return;
      expanded.add(c.toNode);
      walk.nodes.push(c.toNode);
      queue.push({ node: c.toNode });
    });
  }
  return walk;
}
