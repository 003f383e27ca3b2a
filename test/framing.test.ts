// KSALLOCATOR_FRAMING's codec: the exact 24 bytes, both ways; the checks on a create request's framing; and
// KSALLOCATOR_FRAMING_EX decoded from bytes laid out here by hand (ks.h: a 24-byte head, then 88-byte KS_FRAMING_ITEMs).
import { describe, expect, it } from 'vitest';
import { AllocatorFraming, FILE_ALIGNMENT, KSALLOCATOR_REQUIREMENTF, POOL_TYPE, decodeAllocatorFramingEx, flagNames, validateCreateFraming } from '../lib/index';

describe('AllocatorFraming', () => {
  it('encodes to the exact 24 bytes, fields in SDK order', () => {
    const f = new AllocatorFraming({ flags: 0x80000002, poolType: POOL_TYPE.PagedPool, frames: 8, frameSize: 0x12345678, fileAlignment: FILE_ALIGNMENT.BYTES_512 });
    expect(f.encode().toString('hex')).toBe('02000080' + '01000000' + '08000000' + '78563412' + 'ff010000' + '00000000');
  });

  it('decodes what it encodes', () => {
    const f = new AllocatorFraming({ flags: 3, poolType: 516, frames: 0xffffffff, frameSize: 1, fileAlignment: 0 });
    const back = AllocatorFraming.decode(f.encode());
    expect(back).toEqual(f);
    expect(back.encode()).toEqual(f.encode());
  });

  it('decodes at an offset and refuses short buffers', () => {
    const b = Buffer.concat([Buffer.alloc(8, 0xaa), new AllocatorFraming({ frames: 2, frameSize: 3 }).encode()]);
    expect(AllocatorFraming.decode(b, 8).frameSize).toBe(3);
    expect(() => AllocatorFraming.decode(Buffer.alloc(23))).toThrow(RangeError);
    expect(() => AllocatorFraming.decode(b, 9)).toThrow(/needs 24 bytes, got 23/);
    expect(() => AllocatorFraming.decode(b, -1)).toThrow(new RangeError('KSALLOCATOR_FRAMING needs 24 bytes, got 33'));
  });

  it('reads FramePitch as the signed view of FileAlignment', () => {
    const f = AllocatorFraming.decode(Buffer.from('000000000000000001000000010000' + '00' + 'f0ffffff00000000', 'hex'));
    expect(f.fileAlignment).toBe(0xfffffff0);
    expect(f.framePitch).toBe(-16);
  });

  it('names flags, keeping unknown bits as hex', () => {
    expect(flagNames(KSALLOCATOR_REQUIREMENTF.PREFERENCES_ONLY | KSALLOCATOR_REQUIREMENTF.MUST_ALLOCATE | 0x100, KSALLOCATOR_REQUIREMENTF)).toEqual([
      'MUST_ALLOCATE',
      'PREFERENCES_ONLY',
      '0x100',
    ]);
  });

  it('never names a zero entry or VALID (a mask, not a flag)', () => {
    expect(flagNames(3, { VALID: 3, NONE: 0, A: 1, B: 2 })).toEqual(['A', 'B']);
    expect(flagNames(0, { NONE: 0, A: 1 })).toEqual([]);
  });

  it('prints as JSON with the pool type and alignment named, null where the value has no name', () => {
    expect(new AllocatorFraming({ flags: 0x80000008, poolType: 1, frames: 4, frameSize: 960, fileAlignment: 0x1ff }).toJSON()).toEqual({
      flags: 0x80000008,
      flagNames: ['MUST_ALLOCATE', 'PREFERENCES_ONLY'],
      poolType: 1,
      poolTypeName: 'PagedPool',
      frames: 4,
      frameSize: 960,
      fileAlignment: 0x1ff,
      alignmentName: 'BYTES_512',
    });
    const odd = new AllocatorFraming({ poolType: 3, frames: 1, frameSize: 1, fileAlignment: 2 }).toJSON();
    expect([odd.poolTypeName, odd.alignmentName]).toEqual([null, null]);
  });

  it('turns a pin\'s answer into a create request: PREFERENCES_ONLY and requirement bits cleared, defaults for 0', () => {
    const answer = new AllocatorFraming({ flags: 0x8000000f, frames: 0, frameSize: 0, fileAlignment: 7 });
    const request = answer.toCreateRequest({ frames: 4, frameSize: 512 });
    expect(request.flags).toBe(2);
    expect(request.frames).toBe(4);
    expect(request.frameSize).toBe(512);
    expect(request.fileAlignment).toBe(7);
  });

  it('is immutable', () => {
    const f = new AllocatorFraming({ frames: 1, frameSize: 1 });
    expect(() => {
      (f as { frames: number }).frames = 2;
    }).toThrow(TypeError);
  });
});

describe('a create request\'s framing', () => {
  it('must be an object', () => {
    expect(() => validateCreateFraming(null as never)).toThrow(new TypeError('framing must be an AllocatorFraming or { frames, frameSize, ... }'));
    expect(() => validateCreateFraming(8 as never)).toThrow(new TypeError('framing must be an AllocatorFraming or { frames, frameSize, ... }'));
    expect(() => validateCreateFraming({ frames: 1, frameSize: 1, flags: 1.5 })).toThrow(new TypeError('framing.flags must be an integer in 0..4294967295, got 1.5'));
  });

  it('takes only the option flags; requirement flags get a hint, unknown bits none', () => {
    const options = 'framing.flags may only hold KSALLOCATOR_OPTIONF_COMPATIBLE (0x1) and KSALLOCATOR_OPTIONF_SYSTEM_MEMORY (0x2), got ';
    expect(() => validateCreateFraming({ frames: 1, frameSize: 1, flags: 0x80000000 })).toThrow(
      new RangeError(`${options}0x80000000 (these are requirement flags from a pin's answer: use framing.toCreateRequest())`),
    );
    expect(() => validateCreateFraming({ frames: 1, frameSize: 1, flags: 0x100 })).toThrow(new RangeError(`${options}0x100`));
  });

  // wdm.h's POOL_TYPE values (3, 7 and 35 are DontUseThisType, MaxPoolType, DontUseThisTypeSession).
  it('names the allowed pool types and alignments when given another', () => {
    expect(() => validateCreateFraming({ frames: 1, frameSize: 1, poolType: 3 })).toThrow(
      new RangeError('framing.poolType must be a POOL_TYPE (0, 1, 2, 4, 5, 6, 32, 33, 34, 36, 37, 38, 512, 516, 544), got 3'),
    );
    expect(() => validateCreateFraming({ frames: 1, frameSize: 1, fileAlignment: 2 })).toThrow(
      new RangeError('framing.fileAlignment must be a FILE_ALIGNMENT mask (0x0, 0x1, 0x3, 0x7, 0xf, 0x1f, 0x3f, 0x7f, 0xff, 0x1ff), got 2'),
    );
  });
});

describe('KSALLOCATOR_FRAMING_EX', () => {
  /** The head (CountItems, PinFlags, OutputCompression, PinWeight) and items of 22 DWORDs each, as ks.h orders them. */
  function reply(count: number, head: number[], items: number[][]): Buffer {
    const b = Buffer.alloc(24 + 88 * items.length);
    [count, ...head].forEach((v, i) => b.writeUInt32LE(v, 4 * i));
    items.forEach((item, n) => item.forEach((v, i) => b.writeUInt32LE(v, 24 + 88 * n + 4 * i)));
    return b;
  }
  // MemoryType {4747B320-62CE-11CF-A5D6-28DB04C10000} as its four DWORDs, BusType all 0x11, then MemoryFlags, BusFlags,
  // Flags (CAN_ALLOCATE | CYCLE | 0x1), Frames, FileAlignment, MemoryTypeWeight, PhysicalRange, FramingRange, weights.
  const item = [0x4747b320, 0x11cf62ce, 0xdb28d6a5, 0x0000c104, 0x11, 0x11, 0x11, 0x11, 2, 3, 0x441, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17];

  it('decodes the head and every field of every item', () => {
    const framing = decodeAllocatorFramingEx(reply(2, [0x80, 1, 2, 3, 4], [item, item.map((v, i) => (i === 9 ? 99 : v))]));
    expect(framing.pinFlags).toBe(0x80);
    expect(framing.outputCompression).toEqual({ ratioNumerator: 1, ratioDenominator: 2, ratioConstantMargin: 3 });
    expect(framing.pinWeight).toBe(4);
    expect(framing.items).toHaveLength(2);
    expect(framing.items[0]).toEqual({
      memoryType: '{4747B320-62CE-11CF-A5D6-28DB04C10000}',
      busType: '{00000011-0011-0000-1100-000011000000}',
      memoryFlags: 2,
      busFlags: 3,
      flags: 0x441,
      flagNames: ['CAN_ALLOCATE', 'CYCLE', '0x1'],
      frames: 8,
      fileAlignment: 7,
      memoryTypeWeight: 9,
      physicalRange: { minFrameSize: 10, maxFrameSize: 11, stepping: 12 },
      framingRange: { minFrameSize: 13, maxFrameSize: 14, stepping: 15 },
      inPlaceWeight: 16,
      notInPlaceWeight: 17,
    });
    expect(framing.items[1].busFlags).toBe(99);
    expect(decodeAllocatorFramingEx(reply(0, [0, 0, 0, 0, 0], [])).items).toEqual([]);
  });

  it('refuses a reply shorter than its head or its CountItems (ERR_MALFORMED_REPLY)', () => {
    const short = (b: Buffer) => () => decodeAllocatorFramingEx(b, 'get framing');
    expect(short(Buffer.alloc(23))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_REPLY', message: expect.stringContaining('KSALLOCATOR_FRAMING_EX needs at least 24 bytes, got 23') }));
    expect(short(reply(2, [0, 0, 0, 0, 0], [item]))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_REPLY', message: expect.stringContaining('CountItems 2 needs 200 bytes, got 112') }));
    const oneShort = reply(1, [0, 0, 0, 0, 0], [item]).subarray(0, 111);
    expect(() => decodeAllocatorFramingEx(oneShort)).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED_REPLY', message: expect.stringMatching(/^decode KSALLOCATOR_FRAMING_EX: .*CountItems 1 needs 112 bytes, got 111/) }),
    );
  });
});
