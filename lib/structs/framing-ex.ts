/**
 * KSALLOCATOR_FRAMING_EX, a pin's KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX
 * answer: CountItems, PinFlags, OutputCompression (12 bytes), PinWeight,
 * then CountItems KS_FRAMING_ITEMs of 88 bytes each from offset 24.
 */
import { KsError } from '../base/errors';
import { readGuid, type Guid } from './guid';
import { flagNames, KSALLOCATOR_FLAG } from './framing';

export const KSALLOCATOR_FRAMING_EX_HEAD_SIZE = 24;
export const KS_FRAMING_ITEM_SIZE = 88;

/** KS_FRAMING_RANGE */
export interface FramingRange {
  /** MinFrameSize */ minFrameSize: number;
  /** MaxFrameSize */ maxFrameSize: number;
  /** Stepping */ stepping: number;
}

/** KS_FRAMING_ITEM */
export interface FramingItem {
  /** MemoryType (KSMEMORY_TYPE_*; the null GUID is DONT_CARE) */ memoryType: Guid;
  /** BusType */ busType: Guid;
  /** MemoryFlags */ memoryFlags: number;
  /** BusFlags */ busFlags: number;
  /** Flags: KSALLOCATOR_FLAG_* */ flags: number;
  /** The names of the KSALLOCATOR_FLAG bits in `flags`. */ flagNames: string[];
  /** Frames */ frames: number;
  /** FileAlignment (or FramePitch) */ fileAlignment: number;
  /** MemoryTypeWeight */ memoryTypeWeight: number;
  /** PhysicalRange */ physicalRange: FramingRange;
  /** FramingRange.Range */ framingRange: FramingRange;
  /** FramingRange.InPlaceWeight */ inPlaceWeight: number;
  /** FramingRange.NotInPlaceWeight */ notInPlaceWeight: number;
}

/** KSALLOCATOR_FRAMING_EX */
export interface AllocatorFramingEx {
  /** PinFlags */ pinFlags: number;
  /** OutputCompression: output frame size = input × RatioNumerator / RatioDenominator + RatioConstantMargin */
  outputCompression: { ratioNumerator: number; ratioDenominator: number; ratioConstantMargin: number };
  /** PinWeight */ pinWeight: number;
  /** FramingItem[CountItems] */ items: FramingItem[];
}

const range = (b: Buffer, o: number): FramingRange => ({ minFrameSize: b.readUInt32LE(o), maxFrameSize: b.readUInt32LE(o + 4), stepping: b.readUInt32LE(o + 8) });

/** Decodes the reply; shorter than 24 + 88 × CountItems is ERR_MALFORMED_REPLY. */
export function decodeAllocatorFramingEx(reply: Buffer, operation = 'decode KSALLOCATOR_FRAMING_EX'): AllocatorFramingEx {
  if (reply.length < KSALLOCATOR_FRAMING_EX_HEAD_SIZE) {
    throw new KsError('ERR_MALFORMED_REPLY', operation, `KSALLOCATOR_FRAMING_EX needs at least 24 bytes, got ${reply.length}`);
  }
  const count = reply.readUInt32LE(0);
  if (count > Math.floor((reply.length - KSALLOCATOR_FRAMING_EX_HEAD_SIZE) / KS_FRAMING_ITEM_SIZE)) {
    throw new KsError('ERR_MALFORMED_REPLY', operation, `CountItems ${count} needs ${24 + 88 * count} bytes, got ${reply.length}`);
  }
  const items: FramingItem[] = [];
  for (let i = 0; i < count; i++) {
    const o = KSALLOCATOR_FRAMING_EX_HEAD_SIZE + i * KS_FRAMING_ITEM_SIZE;
    const flags = reply.readUInt32LE(o + 40);
    items.push({
      memoryType: readGuid(reply, o),
      busType: readGuid(reply, o + 16),
      memoryFlags: reply.readUInt32LE(o + 32),
      busFlags: reply.readUInt32LE(o + 36),
      flags,
      flagNames: flagNames(flags, KSALLOCATOR_FLAG),
      frames: reply.readUInt32LE(o + 44),
      fileAlignment: reply.readUInt32LE(o + 48),
      memoryTypeWeight: reply.readUInt32LE(o + 52),
      physicalRange: range(reply, o + 56),
      framingRange: range(reply, o + 68),
      inPlaceWeight: reply.readUInt32LE(o + 80),
      notInPlaceWeight: reply.readUInt32LE(o + 84),
    });
  }
  return {
    pinFlags: reply.readUInt32LE(4),
    outputCompression: { ratioNumerator: reply.readUInt32LE(8), ratioDenominator: reply.readUInt32LE(12), ratioConstantMargin: reply.readUInt32LE(16) },
    pinWeight: reply.readUInt32LE(20),
    items,
  };
}
