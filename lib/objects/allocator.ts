/** KsAllocator: a KS allocator created on a pin (KsCreateAllocator2 where present). */
import { KsError } from '../base/errors';
import { KSMETHOD_TYPE, KSMETHODSETID, KSPROPERTY_STREAMALLOCATOR, KSMETHOD_STREAMALLOCATOR, KSPROPSETID } from '../structs/constants';
import { AllocatorFraming } from '../structs/framing';
import { KsHandle } from './handle';

/** KSSTREAMALLOCATOR_STATUS */
export interface AllocatorStatus {
  /** Framing: what the allocator was created with. */
  framing: AllocatorFraming;
  /** AllocatedFrames: frames handed out and not yet freed. */
  allocatedFrames: number;
}

export const ALLOCATOR_STATUS_SIZE = 32;

/** Which entry point created a handle. */
export type CreatedWith =
  | 'KsCreatePin2'
  | 'KsCreatePin'
  | 'KsCreateAllocator2'
  | 'KsCreateAllocator'
  | 'KsCreateClock2'
  | 'KsCreateClock'
  | 'KsCreateTopologyNode2'
  | 'KsCreateTopologyNode'
  | 'emulator';

export class KsAllocator extends KsHandle {
  readonly kind = 'allocator';
  /** The framing sent in the create request (undefined when raw bytes shorter than 24 were sent). */
  readonly framing: AllocatorFraming | undefined;
  readonly createdWith: CreatedWith;

  /** @internal use KsPin.createAllocator */
  constructor(id: number, parent: KsHandle, framing: AllocatorFraming | undefined, createdWith: CreatedWith) {
    super(id, parent);
    this.framing = framing;
    this.createdWith = createdWith;
  }

  /** KSPROPERTY_STREAMALLOCATOR_STATUS */
  status(): AllocatorStatus {
    const reply = this.getProperty(KSPROPSETID.StreamAllocator, KSPROPERTY_STREAMALLOCATOR.STATUS, { size: ALLOCATOR_STATUS_SIZE });
    if (reply.length < ALLOCATOR_STATUS_SIZE) {
      throw new KsError('ERR_MALFORMED_REPLY', 'allocator status', `KSSTREAMALLOCATOR_STATUS needs 32 bytes, got ${reply.length}`);
    }
    return { framing: AllocatorFraming.decode(reply, 0), allocatedFrames: reply.readUInt32LE(24) };
  }

  /**
   * KSMETHOD_STREAMALLOCATOR_ALLOC: takes a frame. Resolves with the frame as
   * the allocator names it (on the emulator an opaque token; a real kernel
   * allocator's answer to a user-mode ALLOC is unverified). Pends while all
   * `Frames` are out, until a freeFrame; rejects with ERR_CANCELED if the
   * allocator closes first.
   */
  async allocFrame(): Promise<bigint> {
    const data = Buffer.alloc(8);
    const reply = await this.invokeMethod(KSMETHODSETID.StreamAllocator, KSMETHOD_STREAMALLOCATOR.ALLOC, data, KSMETHOD_TYPE.READ);
    if (reply.length < 8) throw new KsError('ERR_MALFORMED_REPLY', 'allocate frame', `ALLOC returned ${reply.length} bytes, expected 8`);
    return reply.readBigUInt64LE(0);
  }

  /** KSMETHOD_STREAMALLOCATOR_FREE: returns a frame from allocFrame. */
  async freeFrame(frame: bigint): Promise<void> {
    if (typeof frame !== 'bigint') throw new TypeError(`frame must be the bigint allocFrame resolved with, got ${typeof frame}`);
    if (frame < 0n || frame > 0xffffffffffffffffn) throw new RangeError('frame must be an unsigned 64-bit value');
    const data = Buffer.alloc(8);
    data.writeBigUInt64LE(frame, 0);
    await this.invokeMethod(KSMETHODSETID.StreamAllocator, KSMETHOD_STREAMALLOCATOR.FREE, data, KSMETHOD_TYPE.WRITE);
  }

  /** @internal the handle value KSPROPERTY_STREAM_ALLOCATOR carries */
  handleForPin(): bigint {
    return this.handleValue('set allocator');
  }
}
