// The kernel side of allocator creation (KsCreateDefaultAllocatorEx) as the
// emulator implements it, one rule of ../shared/KS-NOTES.md per case, through
// the public API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AllocatorFraming,
  FILE_ALIGNMENT,
  IOCTL_KS,
  KSALLOCATOR_OPTIONF,
  KSALLOCATOR_REQUIREMENTF,
  KSMETHODSETID,
  KSPROPERTY_TYPE,
  KSPROPSETID,
  KsAllocator,
  KsError,
  KsFilter,
  KsPin,
  POOL_TYPE,
  encodeIdentifier,
  openHandleCount,
  statusName,
} from '../lib/index';
import { expectKsError, expectKsRejection, expectStatus, openCapture, stereo48k } from './helpers';
import { throughBridge } from './test-backend';

const DEFAULT_PIN = 0; // KsCreateDefaultAllocator: the built-in pool
const DEVICE_MEMORY_PIN = 1; // KsCreateDefaultAllocatorEx with external callbacks, 256 KiB of device memory

function raw(fields: { flags?: number; poolType?: number; frames?: number; frameSize?: number; alignment?: number; reserved?: number }, length = 24): Buffer {
  const b = Buffer.alloc(Math.max(length, 24));
  b.writeUInt32LE((fields.flags ?? 0) >>> 0, 0);
  b.writeUInt32LE(fields.poolType ?? 0, 4);
  b.writeUInt32LE(fields.frames ?? 4, 8);
  b.writeUInt32LE(fields.frameSize ?? 1024, 12);
  b.writeUInt32LE(fields.alignment ?? 3, 16);
  b.writeUInt32LE(fields.reserved ?? 0, 20);
  return b.subarray(0, length);
}

interface DeviceMemory {
  budget: number;
  reserved: number;
  initializeCalls: number;
  deleteCalls: number;
  liveAllocators: number;
  framesInUse: number;
}

function deviceMemory(filter: KsFilter): DeviceMemory {
  const b = filter.getProperty(KSPROPSETID.EmulatorDiagnostics, 0, { size: 24 });
  return {
    budget: b.readUInt32LE(0),
    reserved: b.readUInt32LE(4),
    initializeCalls: b.readUInt32LE(8),
    deleteCalls: b.readUInt32LE(12),
    liveAllocators: b.readUInt32LE(16),
    framesInUse: b.readUInt32LE(20),
  };
}

let filter: KsFilter;
let pin: KsPin;
let devicePin: KsPin;

beforeEach(() => {
  filter = openCapture();
  pin = filter.createPin({ pinId: DEFAULT_PIN, dataFormat: stereo48k() });
  devicePin = filter.createPin({ pinId: DEVICE_MEMORY_PIN, dataFormat: stereo48k() });
});

afterEach(() => {
  filter.close();
  expect(openHandleCount()).toBe(0);
});

describe('rule 1: the create request is validated (KsValidateAllocatorCreateRequest)', () => {
  it('fails a payload shorter than 24 bytes with STATUS_INVALID_PARAMETER', () => {
    const e = expectKsError(() => pin.createAllocator(raw({}, 20)), 'STATUS_INVALID_PARAMETER');
    if (!throughBridge()) expect(e.status).toBe(0xc000000d);
    expect(e.win32).toBe(87);
    expect(e.operation).toBe('create allocator');
  });

  it('fails FrameSize 0 with STATUS_INVALID_PARAMETER', () => {
    expectKsError(() => pin.createAllocator(raw({ frameSize: 0 })), 'STATUS_INVALID_PARAMETER');
  });

  it('fails OptionsFlags outside KSALLOCATOR_OPTIONF_VALID (PREFERENCES_ONLY) with STATUS_INVALID_PARAMETER', () => {
    expectKsError(
      () => pin.createAllocator(raw({ flags: KSALLOCATOR_REQUIREMENTF.PREFERENCES_ONLY })),
      'STATUS_INVALID_PARAMETER',
    );
    expectKsError(() => pin.createAllocator(raw({ flags: 0x4 })), 'STATUS_INVALID_PARAMETER');
  });

  it('fails an alignment larger than a page (FileAlignment > 4095) with STATUS_INVALID_PARAMETER', () => {
    expectKsError(() => pin.createAllocator(raw({ alignment: 0x1fff })), 'STATUS_INVALID_PARAMETER');
    expect(pin.createAllocator(raw({ alignment: 0xfff })).status().framing.fileAlignment).toBe(0xfff);
  });

  it('accepts every valid option bit', () => {
    const a = pin.createAllocator({ flags: KSALLOCATOR_OPTIONF.COMPATIBLE | KSALLOCATOR_OPTIONF.SYSTEM_MEMORY, frames: 2, frameSize: 64 });
    expect(a.status().framing.flags).toBe(3);
  });

  it('leaves no handle behind for a refused create', () => {
    const before = openHandleCount();
    expectKsError(() => pin.createAllocator(raw({ frameSize: 0 })), 'STATUS_INVALID_PARAMETER');
    expect(openHandleCount()).toBe(before);
  });
});

describe('rule 2: the external allocator path (KsCreateDefaultAllocatorEx with callbacks)', () => {
  it('calls InitializeAllocator, and its failure fails the create with its status', () => {
    const before = deviceMemory(filter);
    // 64 × 16 KiB = 1 MiB, beyond the 256 KiB of device memory.
    const e = expectKsError(() => devicePin.createAllocator({ frames: 64, frameSize: 16384 }), 'STATUS_INSUFFICIENT_RESOURCES');
    if (!throughBridge()) expect(e.status).toBe(0xc000009a);
    else expect(e.win32).toBe(1450);
    const after = deviceMemory(filter);
    expect(after.reserved).toBe(before.reserved);
    expect(after.liveAllocators).toBe(before.liveAllocators);
    expect(after.deleteCalls).toBe(before.deleteCalls);
  });

  it('creates from InitializeAllocator\'s context and allocates frames through DefaultAllocate', async () => {
    const before = deviceMemory(filter);
    const a = devicePin.createAllocator({ frames: 4, frameSize: 16384, fileAlignment: FILE_ALIGNMENT.QUAD });
    const m = deviceMemory(filter);
    expect(m.initializeCalls).toBe(before.initializeCalls + 1);
    expect(m.reserved).toBe(before.reserved + 4 * 16384);
    expect(m.liveAllocators).toBe(before.liveAllocators + 1);
    const frame = await a.allocFrame();
    expect(deviceMemory(filter).framesInUse).toBe(before.framesInUse + 1);
    await a.freeFrame(frame);
    expect(deviceMemory(filter).framesInUse).toBe(before.framesInUse);
  });

  it('calls DeleteAllocator when the allocator closes', () => {
    const before = deviceMemory(filter);
    const a = devicePin.createAllocator({ frames: 2, frameSize: 4096 });
    expect(deviceMemory(filter).deleteCalls).toBe(before.deleteCalls);
    a.close();
    const m = deviceMemory(filter);
    expect(m.deleteCalls).toBe(before.deleteCalls + 1);
    expect(m.liveAllocators).toBe(before.liveAllocators);
    expect(m.reserved).toBe(before.reserved);
  });

  it('refuses Frames 0 on device memory (its InitializeAllocator needs a count) with STATUS_INVALID_PARAMETER', () => {
    const before = deviceMemory(filter);
    expectKsError(() => devicePin.createAllocator(raw({ frames: 0, frameSize: 4096 })), 'STATUS_INVALID_PARAMETER');
    const after = deviceMemory(filter);
    expect(after.reserved).toBe(before.reserved);
    expect(after.liveAllocators).toBe(before.liveAllocators);
  });
});

describe('rule 3: the built-in allocator takes its pool from PoolType', () => {
  it.each([
    ['NonPagedPool', POOL_TYPE.NonPagedPool],
    ['PagedPool', POOL_TYPE.PagedPool],
    ['NonPagedPoolNx', POOL_TYPE.NonPagedPoolNx],
    ['PagedPoolCacheAlignedSession', POOL_TYPE.PagedPoolCacheAlignedSession],
  ])('accepts %s', (_name, poolType) => {
    expect(pin.createAllocator({ poolType, frames: 1, frameSize: 128 }).status().framing.poolType).toBe(poolType);
  });

  it('refuses the deprecated must-succeed pools with STATUS_INVALID_PARAMETER (the emulator\'s rule)', () => {
    expectKsError(() => pin.createAllocator({ poolType: POOL_TYPE.NonPagedPoolMustSucceed, frames: 1, frameSize: 128 }), 'STATUS_INVALID_PARAMETER');
  });

  it('refuses a PoolType that is no pool with STATUS_INVALID_PARAMETER', () => {
    expectKsError(() => pin.createAllocator(raw({ poolType: 3 })), 'STATUS_INVALID_PARAMETER');
  });
});

describe('rule 4: the status keeps the framing, with AllocatedFrames 0 at creation', () => {
  it('reports the create request\'s framing and no frames', () => {
    const framing = new AllocatorFraming({ flags: KSALLOCATOR_OPTIONF.SYSTEM_MEMORY, poolType: POOL_TYPE.PagedPool, frames: 3, frameSize: 777, fileAlignment: FILE_ALIGNMENT.BYTES_64 });
    const a = pin.createAllocator(framing);
    const status = a.status();
    expect(status.allocatedFrames).toBe(0);
    expect(status.framing.encode()).toEqual(framing.encode());
    expect(a.framing).toBe(framing);
    expect(a.createdWith).toBe(throughBridge() ? 'KsCreateAllocator2' : 'emulator');
  });
});

describe('rule 5: ALLOC and FREE count frames, and ALLOC pends while Frames are all out', () => {
  it('counts AllocatedFrames up on ALLOC and down on FREE', async () => {
    const a = pin.createAllocator({ frames: 3, frameSize: 256 });
    const frames = [await a.allocFrame(), await a.allocFrame(), await a.allocFrame()];
    expect(new Set(frames.map(String)).size).toBe(3);
    expect(a.status().allocatedFrames).toBe(3);
    await a.freeFrame(frames[1]);
    expect(a.status().allocatedFrames).toBe(2);
    await a.freeFrame(frames[0]);
    await a.freeFrame(frames[2]);
    expect(a.status().allocatedFrames).toBe(0);
  });

  it('keeps an ALLOC pending when Frames are all in use, and a FREE completes it', async () => {
    const a = pin.createAllocator({ frames: 2, frameSize: 256 });
    const first = await a.allocFrame();
    await a.allocFrame();
    let settled = false;
    const waiting = a.allocFrame().then((frame) => {
      settled = true;
      return frame;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(a.status().allocatedFrames).toBe(2);
    await a.freeFrame(first);
    const third = await waiting;
    expect(typeof third).toBe('bigint');
    expect(a.status().allocatedFrames).toBe(2);
  });

  it('sets no limit for Frames 0 (the emulator\'s rule; Microsoft gives none)', async () => {
    const a = pin.createAllocator(raw({ frames: 0, frameSize: 64 }));
    for (let i = 0; i < 20; i++) await a.allocFrame();
    expect(a.status().allocatedFrames).toBe(20);
  });

  it('refuses to FREE a frame it did not hand out with STATUS_INVALID_PARAMETER', async () => {
    const a = pin.createAllocator({ frames: 2, frameSize: 256 });
    await expectKsRejection(a.freeFrame(12345n), 'STATUS_INVALID_PARAMETER');
    expect(a.status().allocatedFrames).toBe(0);
  });

  it('accounts for frames still out when the allocator closes', async () => {
    const before = deviceMemory(filter);
    const a = devicePin.createAllocator({ frames: 4, frameSize: 1024 });
    await a.allocFrame();
    await a.allocFrame();
    expect(deviceMemory(filter).framesInUse).toBe(before.framesInUse + 2);
    a.close();
    const m = deviceMemory(filter);
    expect(m.framesInUse).toBe(before.framesInUse);
    expect(m.deleteCalls).toBe(before.deleteCalls + 1);
  });

  it('cancels a pending ALLOC when the allocator closes (ERR_CANCELED)', async () => {
    const a = pin.createAllocator({ frames: 1, frameSize: 256 });
    await a.allocFrame();
    const waiting = a.allocFrame();
    a.close();
    const e = await expectKsRejection(waiting, 'ERR_CANCELED');
    // Through the bridge: ERROR_OPERATION_ABORTED, what the I/O manager makes of STATUS_CANCELLED.
    if (throughBridge()) expect(e.win32).toBe(995);
    else expect(e.status).toBe(0xc0000120);
  });
});

describe('rule 6: allocator handle IOCTLs', () => {
  let a: KsAllocator;
  beforeEach(() => {
    a = pin.createAllocator({ frames: 2, frameSize: 256 });
  });

  it('refuses FUNCTIONTABLE from user mode with STATUS_INVALID_DEVICE_REQUEST', () => {
    expectKsError(() => a.getProperty(KSPROPSETID.StreamAllocator, 0, { size: 64 }), 'STATUS_INVALID_DEVICE_REQUEST');
  });

  it('answers STATUS to GET only: a SET is STATUS_INVALID_DEVICE_REQUEST', () => {
    expectKsError(() => a.setProperty(KSPROPSETID.StreamAllocator, 1, Buffer.alloc(32)), 'STATUS_INVALID_DEVICE_REQUEST');
  });

  // Holds through the Windows lane's bridge too: Wine returns no IoStatus.Information with an error status.
  it('answers a short STATUS buffer with STATUS_BUFFER_TOO_SMALL and no byte count (a request failing before it pends writes no status block)', () => {
    const request = encodeIdentifier(KSPROPSETID.StreamAllocator, 1, KSPROPERTY_TYPE.GET);
    const [kind, value, returned] = a.ioctl(IOCTL_KS.PROPERTY, request, Buffer.alloc(4));
    expectStatus(kind, value, 'STATUS_BUFFER_TOO_SMALL');
    expect(returned).toBe(0);
  });

  it.skipIf(throughBridge())('answers a zero-length STATUS query with STATUS_BUFFER_OVERFLOW and the size', () => {
    const request = encodeIdentifier(KSPROPSETID.StreamAllocator, 1, KSPROPERTY_TYPE.GET);
    const [kind, value, needed] = a.ioctl(IOCTL_KS.PROPERTY, request, null);
    expect(statusName(kind, value)).toBe('STATUS_BUFFER_OVERFLOW');
    expect(needed).toBe(32);
  });

  it('refuses input shorter than a KSPROPERTY with STATUS_INVALID_DEVICE_REQUEST', () => {
    const [kind, value] = a.ioctl(IOCTL_KS.PROPERTY, Buffer.alloc(16), Buffer.alloc(32));
    expectStatus(kind, value, 'STATUS_INVALID_DEVICE_REQUEST');
    const [mk, mv] = a.ioctl(IOCTL_KS.METHOD, Buffer.alloc(23), Buffer.alloc(8));
    expectStatus(mk, mv, 'STATUS_INVALID_DEVICE_REQUEST');
  });

  it('answers an unknown set or id with STATUS_NOT_SUPPORTED', async () => {
    expectKsError(() => a.getProperty(KSPROPSETID.Pin, 0, { size: 4 }), 'STATUS_NOT_SUPPORTED');
    expectKsError(() => a.getProperty(KSPROPSETID.StreamAllocator, 9, { size: 4 }), 'STATUS_NOT_SUPPORTED');
    await expectKsRejection(a.invokeMethod(KSMETHODSETID.StreamAllocator, 7, Buffer.alloc(8)), 'STATUS_NOT_SUPPORTED');
  });
});

describe('a pin and its allocator', () => {
  it('answers ALLOCATORFRAMING with PREFERENCES_ONLY, as real drivers do, and toCreateRequest clears it', () => {
    const framing = pin.allocatorFraming();
    expect(framing.preferencesOnly).toBe(true);
    const request = framing.toCreateRequest();
    expect(request.preferencesOnly).toBe(false);
    expect(request.flags).toBe(KSALLOCATOR_OPTIONF.SYSTEM_MEMORY);
    const a = pin.createAllocator(request);
    expect(a.status().framing.frameSize).toBe(framing.frameSize);
  });

  it('sets the allocator with KSPROPERTY_STREAM_ALLOCATOR, and the pin keeps it alive until it lets go', () => {
    const before = deviceMemory(filter);
    const a = devicePin.createAllocator({ frames: 2, frameSize: 1024 });
    devicePin.setAllocator(a);
    expect(devicePin.allocator).toBe(a);
    const reply = devicePin.getProperty(KSPROPSETID.Stream, 0, { size: 8 });
    expect(reply.readBigUInt64LE(0)).not.toBe(0n);
    a.close();
    // The pin still references the allocator: DeleteAllocator has not run.
    expect(deviceMemory(filter).deleteCalls).toBe(before.deleteCalls);
    expect(devicePin.allocator).toBeNull();
    devicePin.close();
    expect(deviceMemory(filter).deleteCalls).toBe(before.deleteCalls + 1);
  });

  it('refuses a closed allocator in setAllocator with ERR_CLOSED, and leaves the pin unchanged', () => {
    const a = pin.createAllocator({ frames: 2, frameSize: 64 });
    a.close();
    expectKsError(() => pin.setAllocator(a), 'ERR_CLOSED');
    expect(pin.getProperty(KSPROPSETID.Stream, 0, { size: 8 }).readBigUInt64LE(0)).toBe(0n);
  });
});

describe('typed framing is checked before it reaches native code', () => {
  const cases: [string, object, RegExp, typeof TypeError | typeof RangeError][] = [
    ['frames 0', { frames: 0, frameSize: 64 }, /framing\.frames must be an integer in 1\.\.4294967295/, RangeError],
    ['frames 2^32', { frames: 2 ** 32, frameSize: 64 }, /framing\.frames/, RangeError],
    ['fractional frames', { frames: 1.5, frameSize: 64 }, /framing\.frames/, TypeError],
    ['frameSize 0', { frames: 1, frameSize: 0 }, /framing\.frameSize must be an integer in 1\.\.4294967295/, RangeError],
    ['frameSize as string', { frames: 1, frameSize: '64' }, /framing\.frameSize/, TypeError],
    ['an unknown alignment', { frames: 1, frameSize: 64, fileAlignment: 5 }, /framing\.fileAlignment must be a FILE_ALIGNMENT mask/, RangeError],
    ['requirement flags', { frames: 1, frameSize: 64, flags: KSALLOCATOR_REQUIREMENTF.PREFERENCES_ONLY }, /toCreateRequest/, RangeError],
    ['unknown flag bits', { frames: 1, frameSize: 64, flags: 0x100 }, /framing\.flags may only hold/, RangeError],
    ['an unknown pool type', { frames: 1, frameSize: 64, poolType: 3 }, /framing\.poolType must be a POOL_TYPE/, RangeError],
    ['reserved set', { frames: 1, frameSize: 64, reserved: 1 }, /framing\.reserved must be 0/, RangeError],
  ];
  it.each(cases)('refuses %s', (_name, framing, message, type) => {
    const before = openHandleCount();
    expect(() => pin.createAllocator(framing as never)).toThrow(type);
    expect(() => pin.createAllocator(framing as never)).toThrow(message);
    expect(openHandleCount()).toBe(before);
  });
});

// The library's own checks in front of the allocator's requests (lib/objects/allocator.ts), left alive by the first
// Stryker run over lib/objects: a wrong frame is refused by name before any request, so no frame of the pool changes.
describe('KsAllocator refuses what it cannot send, before any request', () => {
  it('freeFrame: a frame that is not a bigint is a TypeError naming its type', async () => {
    const a = devicePin.createAllocator({ frames: 2, frameSize: 4096 });
    const frame = await a.allocFrame();
    const inUse = deviceMemory(filter).framesInUse;
    await expect(a.freeFrame(Number(frame) as unknown as bigint)).rejects.toThrow(
      new TypeError('frame must be the bigint allocFrame resolved with, got number'),
    );
    await expect(a.freeFrame(String(frame) as unknown as bigint)).rejects.toThrow(
      new TypeError('frame must be the bigint allocFrame resolved with, got string'),
    );
    expect(deviceMemory(filter).framesInUse).toBe(inUse);
    await a.freeFrame(frame);
    expect(deviceMemory(filter).framesInUse).toBe(inUse - 1);
  });

  it('freeFrame: a bigint outside 0 .. 2^64-1 is a RangeError of its own (not Buffer\'s), and both ends are sent', async () => {
    const a = devicePin.createAllocator({ frames: 2, frameSize: 4096 });
    const frame = await a.allocFrame();
    const inUse = deviceMemory(filter).framesInUse;
    for (const bad of [-1n, 2n ** 64n]) {
      const e = await a.freeFrame(bad).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(RangeError);
      expect((e as Error).message).toBe('frame must be an unsigned 64-bit value');
    }
    // 0 and 2^64-1 (0xFFFFFFFFFFFFFFFF) pass the check and reach the allocator, which frees no frame for a token it
    // never handed out: a KsError from the request, never the RangeError.
    for (const edge of [0n, 2n ** 64n - 1n]) {
      if (edge === frame) continue;
      const e = await a.freeFrame(edge).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(KsError);
    }
    expect(deviceMemory(filter).framesInUse).toBe(inUse);
    await a.freeFrame(frame);
  });

  it('a closed allocator set on a pin is ERR_CLOSED for "set allocator"', () => {
    const a = pin.createAllocator({ frames: 1, frameSize: 128 });
    a.close();
    const e = expectKsError(() => pin.setAllocator(a), 'ERR_CLOSED');
    expect(e.operation).toBe('set allocator');
    expect(e.message).toBe('set allocator: the allocator is closed');
  });
});
