/**
 * KsNode: a topology node object opened on a filter (KsCreateTopologyNode2
 * where present) with KSNODE_CREATE { CreateFlags 0, Node }. Node properties
 * can also be sent to the filter itself with a KSP_NODE (see
 * KsFilter.nodeVolume and friends); this handle is for drivers that want a
 * node opened.
 */
import { KsHandle } from './handle';
import type { CreatedWith } from './allocator';

/** KSNODE_CREATE: 8 bytes. */
export const KSNODE_CREATE_SIZE = 8;

/** KSNODE_CREATE { CreateFlags, Node }. */
export function encodeNodeCreate(nodeId: number): Buffer {
  const b = Buffer.alloc(KSNODE_CREATE_SIZE);
  b.writeUInt32LE(0, 0); // CreateFlags: none are defined
  b.writeUInt32LE(nodeId >>> 0, 4);
  return b;
}

export class KsNode extends KsHandle {
  readonly kind = 'node';
  /** KSNODE_CREATE.Node */
  readonly nodeId: number;
  readonly createdWith: CreatedWith;

  /** @internal use KsFilter.createNode */
  constructor(id: number, parent: KsHandle, nodeId: number, createdWith: CreatedWith) {
    super(id, parent);
    this.nodeId = nodeId;
    this.createdWith = createdWith;
  }
}
