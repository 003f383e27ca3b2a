/**
 * KSALLOCATOR_FRAMING: the 24-byte allocator framing, its constants, its
 * codec, and the checks a create request gets before it reaches native code.
 */
import { checkInteger, checkUint32, UINT32_MAX } from '../base/validate';

/** KSALLOCATOR_REQUIREMENTF_*: the flags of a pin's framing answer. */
export const KSALLOCATOR_REQUIREMENTF = {
  INPLACE_MODIFIER: 0x1,
  SYSTEM_MEMORY: 0x2,
  FRAME_INTEGRITY: 0x4,
  MUST_ALLOCATE: 0x8,
  PREFERENCES_ONLY: 0x80000000,
} as const;

/** KSALLOCATOR_OPTIONF_*: the flags of an allocator create request. */
export const KSALLOCATOR_OPTIONF = {
  COMPATIBLE: 0x1,
  SYSTEM_MEMORY: 0x2,
  VALID: 0x3,
} as const;

/** KSALLOCATOR_FLAG_*: flags of KS_FRAMING_ITEM (KSALLOCATOR_FRAMING_EX). */
export const KSALLOCATOR_FLAG = {
  PARTIAL_READ_SUPPORT: 0x10,
  DEVICE_SPECIFIC: 0x20,
  CAN_ALLOCATE: 0x40,
  INSIST_ON_FRAMESIZE_RATIO: 0x80,
  NO_FRAME_INTEGRITY: 0x100,
  MULTIPLE_OUTPUT: 0x200,
  CYCLE: 0x400,
  ALLOCATOR_EXISTS: 0x800,
  INDEPENDENT_RANGES: 0x1000,
  ATTENTION_STEPPING: 0x2000,
} as const;

/** FILE_*_ALIGNMENT: an alignment mask, alignment − 1. */
export const FILE_ALIGNMENT = {
  BYTE: 0x0,
  WORD: 0x1,
  LONG: 0x3,
  QUAD: 0x7,
  OCTA: 0xf,
  BYTES_32: 0x1f,
  BYTES_64: 0x3f,
  BYTES_128: 0x7f,
  BYTES_256: 0xff,
  BYTES_512: 0x1ff,
} as const;

/** POOL_TYPE values. */
export const POOL_TYPE = {
  NonPagedPool: 0,
  PagedPool: 1,
  NonPagedPoolMustSucceed: 2,
  NonPagedPoolCacheAligned: 4,
  PagedPoolCacheAligned: 5,
  NonPagedPoolCacheAlignedMustS: 6,
  NonPagedPoolSession: 32,
  PagedPoolSession: 33,
  NonPagedPoolMustSucceedSession: 34,
  NonPagedPoolCacheAlignedSession: 36,
  PagedPoolCacheAlignedSession: 37,
  NonPagedPoolCacheAlignedMustSSession: 38,
  NonPagedPoolNx: 512,
  NonPagedPoolNxCacheAligned: 516,
  NonPagedPoolSessionNx: 544,
} as const;

export const ALLOCATOR_FRAMING_SIZE = 24;
const KNOWN_ALIGNMENTS: readonly number[] = Object.values(FILE_ALIGNMENT);
const KNOWN_POOL_TYPES: readonly number[] = Object.values(POOL_TYPE);
const KNOWN_REQUIREMENT_BITS = Object.values(KSALLOCATOR_REQUIREMENTF).reduce((a, b) => (a | b) >>> 0, 0);

export interface AllocatorFramingInit {
  /**
   * KSALLOCATOR_FRAMING.OptionsFlags in a create request (KSALLOCATOR_OPTIONF_*),
   * RequirementsFlags in a pin's answer (KSALLOCATOR_REQUIREMENTF_*).
   */
  flags?: number;
  /** PoolType (POOL_TYPE). Default NonPagedPool. */
  poolType?: number;
  /** Frames: how many frames; 0 in a pin's answer means no requirement. */
  frames: number;
  /** FrameSize in bytes; 0 in a pin's answer means no requirement. */
  frameSize: number;
  /** FileAlignment (FILE_ALIGNMENT mask), or the FramePitch bits. Default FILE_LONG_ALIGNMENT. */
  fileAlignment?: number;
  /** Reserved: must be 0. */
  reserved?: number;
}

/** Names of the bits set in `value`, from `table`; unknown bits as hex. */
export function flagNames(value: number, table: Record<string, number>): string[] {
  const names: string[] = [];
  let rest = value >>> 0;
  for (const [name, bit] of Object.entries(table)) {
    if (bit !== 0 && name !== 'VALID' && ((rest & bit) >>> 0) === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) names.push('0x' + rest.toString(16));
  return names;
}

function nameOf(table: Record<string, number>, value: number): string | undefined {
  return Object.entries(table).find(([, v]) => v === value)?.[0];
}

/** A KSALLOCATOR_FRAMING, immutable. */
export class AllocatorFraming {
  readonly flags: number;
  readonly poolType: number;
  readonly frames: number;
  readonly frameSize: number;
  readonly fileAlignment: number;
  readonly reserved: number;

  constructor(init: AllocatorFramingInit) {
    this.flags = (init.flags ?? 0) >>> 0;
    this.poolType = init.poolType ?? POOL_TYPE.NonPagedPool;
    this.frames = init.frames;
    this.frameSize = init.frameSize;
    this.fileAlignment = init.fileAlignment ?? FILE_ALIGNMENT.LONG;
    this.reserved = init.reserved ?? 0;
    Object.freeze(this);
  }

  /** FramePitch: the same field as FileAlignment, read as a signed LONG. */
  get framePitch(): number {
    return this.fileAlignment | 0;
  }

  /** The alignment in bytes (FileAlignment + 1). */
  get alignmentBytes(): number {
    return this.fileAlignment + 1;
  }

  /** Whether a pin's answer marks itself as preferences only. */
  get preferencesOnly(): boolean {
    return (this.flags & KSALLOCATOR_REQUIREMENTF.PREFERENCES_ONLY) !== 0;
  }

  /**
   * A create request from a pin's framing answer: PREFERENCES_ONLY and the
   * other requirement-only bits cleared, SYSTEM_MEMORY carried over to the
   * option bit of the same value. Frames or FrameSize 0 ("no requirement")
   * take the defaults given.
   */
  toCreateRequest(defaults: { frames?: number; frameSize?: number } = {}): AllocatorFraming {
    const options = this.flags & KSALLOCATOR_REQUIREMENTF.SYSTEM_MEMORY ? KSALLOCATOR_OPTIONF.SYSTEM_MEMORY : 0;
    return new AllocatorFraming({
      flags: options,
      poolType: this.poolType,
      frames: this.frames || (defaults.frames ?? 8),
      frameSize: this.frameSize || (defaults.frameSize ?? 4096),
      fileAlignment: this.fileAlignment,
    });
  }

  /** The exact 24 bytes. */
  encode(): Buffer {
    const b = Buffer.alloc(ALLOCATOR_FRAMING_SIZE);
    b.writeUInt32LE(this.flags >>> 0, 0);
    b.writeUInt32LE(this.poolType >>> 0, 4);
    b.writeUInt32LE(this.frames >>> 0, 8);
    b.writeUInt32LE(this.frameSize >>> 0, 12);
    b.writeUInt32LE(this.fileAlignment >>> 0, 16);
    b.writeUInt32LE(this.reserved >>> 0, 20);
    return b;
  }

  /** Reads 24 bytes at `offset`; a shorter buffer is a RangeError. */
  static decode(source: Buffer, offset = 0): AllocatorFraming {
    if (offset < 0 || source.length - offset < ALLOCATOR_FRAMING_SIZE) {
      throw new RangeError(`KSALLOCATOR_FRAMING needs ${ALLOCATOR_FRAMING_SIZE} bytes, got ${Math.max(0, source.length - offset)}`);
    }
    return new AllocatorFraming({
      flags: source.readUInt32LE(offset),
      poolType: source.readUInt32LE(offset + 4),
      frames: source.readUInt32LE(offset + 8),
      frameSize: source.readUInt32LE(offset + 12),
      fileAlignment: source.readUInt32LE(offset + 16),
      reserved: source.readUInt32LE(offset + 20),
    });
  }

  /** A plain object with named flags, for printing and JSON. */
  toJSON(): Record<string, unknown> {
    return {
      flags: this.flags,
      flagNames: flagNames(this.flags, KSALLOCATOR_REQUIREMENTF),
      poolType: this.poolType,
      poolTypeName: nameOf(POOL_TYPE, this.poolType) ?? null,
      frames: this.frames,
      frameSize: this.frameSize,
      fileAlignment: this.fileAlignment,
      alignmentName: nameOf(FILE_ALIGNMENT, this.fileAlignment) ?? null,
    };
  }
}


/**
 * Checks a framing for an allocator create request and returns it as an
 * AllocatorFraming. Throws TypeError/RangeError naming the field and what it
 * allows; nothing is sent for a refused framing.
 */
export function validateCreateFraming(input: AllocatorFraming | AllocatorFramingInit): AllocatorFraming {
  if (input === null || typeof input !== 'object') {
    throw new TypeError('framing must be an AllocatorFraming or { frames, frameSize, ... }');
  }
  checkInteger(input.frames, 'framing.frames', 1, UINT32_MAX);
  checkInteger(input.frameSize, 'framing.frameSize', 1, UINT32_MAX);
  const flags = input.flags ?? 0;
  checkUint32(flags, 'framing.flags');
  if ((flags & ~KSALLOCATOR_OPTIONF.VALID) >>> 0) {
    const hint =
      (flags & ~KNOWN_REQUIREMENT_BITS) >>> 0
        ? ''
        : ' (these are requirement flags from a pin\'s answer: use framing.toCreateRequest())';
    throw new RangeError(
      `framing.flags may only hold KSALLOCATOR_OPTIONF_COMPATIBLE (0x1) and KSALLOCATOR_OPTIONF_SYSTEM_MEMORY (0x2), got 0x${(flags >>> 0).toString(16)}${hint}`,
    );
  }
  const poolType = input.poolType ?? POOL_TYPE.NonPagedPool;
  if (!KNOWN_POOL_TYPES.includes(poolType)) {
    throw new RangeError(`framing.poolType must be a POOL_TYPE (${KNOWN_POOL_TYPES.join(', ')}), got ${String(poolType)}`);
  }
  const alignment = input.fileAlignment ?? FILE_ALIGNMENT.LONG;
  if (!KNOWN_ALIGNMENTS.includes(alignment)) {
    throw new RangeError(
      `framing.fileAlignment must be a FILE_ALIGNMENT mask (${KNOWN_ALIGNMENTS.map((a) => '0x' + a.toString(16)).join(', ')}), got ${String(alignment)}`,
    );
  }
  if ((input.reserved ?? 0) !== 0) throw new RangeError(`framing.reserved must be 0, got ${String(input.reserved)}`);
  return input instanceof AllocatorFraming ? input : new AllocatorFraming(input);
}
