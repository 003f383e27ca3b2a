/**
 * KSMULTIPLE_ITEM: the { Size, Count } head that KS list replies start with
 * (data ranges, interfaces, mediums, topology nodes and connections), read
 * as untrusted input: Size within the reply, Count possible for the smallest
 * item, every item inside Size. Malformed → KsError ERR_MALFORMED_REPLY.
 */
import { KsError } from '../base/errors';

export const KSMULTIPLE_ITEM_SIZE = 8;

/** KSMULTIPLE_ITEM */
export interface MultipleItemHead {
  /** Size: bytes of the head and every item, padding included. */
  size: number;
  /** Count: how many items follow. */
  count: number;
}

export function malformedReply(operation: string, message: string): KsError {
  return new KsError('ERR_MALFORMED_REPLY', operation, message);
}

/**
 * Reads and checks the head: at least 8 bytes, Size in 8..reply.length, and a
 * Count that `minItemSize`-byte items could fit in Size.
 */
export function readMultipleItem(reply: Buffer, minItemSize: number, operation: string): MultipleItemHead {
  if (reply.length < KSMULTIPLE_ITEM_SIZE) throw malformedReply(operation, `a KSMULTIPLE_ITEM needs 8 bytes, got ${reply.length}`);
  const size = reply.readUInt32LE(0);
  const count = reply.readUInt32LE(4);
  if (size < KSMULTIPLE_ITEM_SIZE || size > reply.length) {
    throw malformedReply(operation, `KSMULTIPLE_ITEM.Size ${size} is outside 8..${reply.length}`);
  }
  if (count > Math.floor((size - KSMULTIPLE_ITEM_SIZE) / minItemSize)) {
    throw malformedReply(operation, `KSMULTIPLE_ITEM.Count ${count} cannot fit in ${size} bytes`);
  }
  return { size, count };
}

/**
 * A KSMULTIPLE_ITEM of fixed-size items packed after the head (GUIDs,
 * KSIDENTIFIERs, KSTOPOLOGY_CONNECTIONs); `decode` gets each item's own slice.
 */
export function parseMultipleItem<T>(reply: Buffer, itemSize: number, decode: (item: Buffer, index: number) => T, operation: string): T[] {
  const { count } = readMultipleItem(reply, itemSize, operation);
  const items: T[] = [];
  for (let i = 0; i < count; i++) {
    const offset = KSMULTIPLE_ITEM_SIZE + i * itemSize;
    items.push(decode(reply.subarray(offset, offset + itemSize), i));
  }
  return items;
}

/**
 * Encodes a KSMULTIPLE_ITEM of variable-size items, each started on an
 * 8-byte step as KS lists of data ranges are (the DATAINTERSECTION request).
 */
export function encodeMultipleItem(items: readonly Buffer[]): Buffer {
  let size = KSMULTIPLE_ITEM_SIZE;
  for (const item of items) size += (item.length + 7) & ~7;
  const b = Buffer.alloc(size);
  b.writeUInt32LE(size, 0);
  b.writeUInt32LE(items.length, 4);
  let offset = KSMULTIPLE_ITEM_SIZE;
  for (const item of items) {
    item.copy(b, offset);
    offset += (item.length + 7) & ~7;
  }
  return b;
}
