/**
 * Encoders for the request headers of KS IOCTLs: KSPROPERTY/KSMETHOD/KSEVENT
 * (KSIDENTIFIER, 24 bytes) and the instance forms that extend it (KSP_PIN,
 * KSP_NODE, 32 bytes).
 */
import { writeGuid, type Guid } from './guid';

export const KSIDENTIFIER_SIZE = 24;
export const KSP_PIN_SIZE = 32;
export const KSP_NODE_SIZE = 32;

/** KSIDENTIFIER { Set, Id, Flags } followed by `extra` bytes of instance data. */
export function encodeIdentifier(set: Guid | string, id: number, flags: number, extra: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(KSIDENTIFIER_SIZE + extra.length);
  writeGuid(b, 0, set);
  b.writeUInt32LE(id >>> 0, 16);
  b.writeUInt32LE(flags >>> 0, 20);
  extra.copy(b, KSIDENTIFIER_SIZE);
  return b;
}

/** The part of KSP_PIN after its KSPROPERTY: PinId, Reserved. */
export function pinInstance(pinId: number): Buffer {
  const extra = Buffer.alloc(KSP_PIN_SIZE - KSIDENTIFIER_SIZE);
  extra.writeUInt32LE(pinId >>> 0, 0);
  return extra;
}

/** KSP_PIN: a KSPROPERTY addressed to one pin factory of a filter. */
export function encodePinProperty(set: Guid | string, id: number, flags: number, pinId: number): Buffer {
  return encodeIdentifier(set, id, flags, pinInstance(pinId));
}

/** KSNODEPROPERTY_AUDIO_CHANNEL: 40 bytes. */
export const KSNODEPROPERTY_AUDIO_CHANNEL_SIZE = 40;

/**
 * The part of KSNODEPROPERTY_AUDIO_CHANNEL after its KSPROPERTY: NodeId,
 * Reserved (the rest of KSNODEPROPERTY), LONG Channel, ULONG Reserved.
 */
export function audioChannelInstance(nodeId: number, channel: number): Buffer {
  const extra = Buffer.alloc(KSNODEPROPERTY_AUDIO_CHANNEL_SIZE - KSIDENTIFIER_SIZE);
  extra.writeUInt32LE(nodeId >>> 0, 0);
  extra.writeInt32LE(channel | 0, 8);
  return extra;
}

/** KSP_NODE: a KSPROPERTY addressed to one topology node. */
export function encodeNodeProperty(set: Guid | string, id: number, flags: number, nodeId: number): Buffer {
  const extra = Buffer.alloc(KSP_NODE_SIZE - KSIDENTIFIER_SIZE);
  extra.writeUInt32LE(nodeId >>> 0, 0);
  return encodeIdentifier(set, id, flags, extra);
}
