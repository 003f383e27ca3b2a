// KSALLOCATOR_FRAMING's codec: the exact 24 bytes, both ways.
import { describe, expect, it } from 'vitest';
import { AllocatorFraming, FILE_ALIGNMENT, KSALLOCATOR_REQUIREMENTF, POOL_TYPE, flagNames } from '../lib/index';

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
