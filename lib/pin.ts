/** KsPin: a pin instance created on a filter (KsCreatePin2 where present). */
import { KsError } from './errors';
import { GENERIC_READ, KSPROPERTY_CONNECTION, KSPROPERTY_STREAM, KSPROPSETID, KSSTATE } from './constants';
import { type DataFormat, decodeDataFormat } from './dataformat';
import { AllocatorFraming, ALLOCATOR_FRAMING_SIZE, type AllocatorFramingInit, validateCreateFraming } from './framing';
import { KsHandle } from './handle';
import { callNative, native, ObjectClass } from './native';
import { KsAllocator, type CreatedWith } from './allocator';
import type { BackendName } from './backend';

export type PinState = 'stop' | 'acquire' | 'pause' | 'run';
const STATES: readonly PinState[] = ['stop', 'acquire', 'pause', 'run'];

export class KsPin extends KsHandle {
  readonly kind = 'pin';
  readonly pinId: number;
  /** The format the pin was created with. */
  readonly dataFormat: DataFormat;
  readonly createdWith: CreatedWith;
  readonly backend: BackendName;
  #allocator: KsAllocator | null = null;

  /** @internal use KsFilter.createPin */
  constructor(id: number, parent: KsHandle, pinId: number, dataFormat: DataFormat, createdWith: CreatedWith, backend: BackendName) {
    super(id, parent);
    this.pinId = pinId;
    this.dataFormat = dataFormat;
    this.createdWith = createdWith;
    this.backend = backend;
  }

  /**
   * KSPROPERTY_CONNECTION_ALLOCATORFRAMING: what the pin asks of an
   * allocator. Real drivers mark it PREFERENCES_ONLY; use
   * `toCreateRequest()` to turn it into a create request.
   */
  allocatorFraming(): AllocatorFraming {
    const reply = this.getProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.ALLOCATORFRAMING, { size: ALLOCATOR_FRAMING_SIZE });
    if (reply.length < ALLOCATOR_FRAMING_SIZE) {
      throw new KsError('ERR_MALFORMED_REPLY', 'get allocator framing', `KSALLOCATOR_FRAMING needs 24 bytes, got ${reply.length}`);
    }
    return AllocatorFraming.decode(reply);
  }

  /**
   * Creates an allocator on this pin. A framing is checked here first
   * (TypeError/RangeError, nothing sent); a Buffer is sent as the raw create
   * payload, unchecked, for testing what the kernel side does with it.
   */
  createAllocator(framing: AllocatorFraming | AllocatorFramingInit | Buffer): KsAllocator {
    const operation = 'create allocator';
    let payload: Buffer;
    let typed: AllocatorFraming | undefined;
    if (Buffer.isBuffer(framing)) {
      payload = Buffer.from(framing);
      typed = payload.length >= ALLOCATOR_FRAMING_SIZE ? AllocatorFraming.decode(payload) : undefined;
    } else {
      typed = validateCreateFraming(framing);
      payload = typed.encode();
    }
    const id = this.idFor(operation);
    const [child, usedV2] = callNative(operation, () => native.createObject(id, ObjectClass.Allocator, payload, GENERIC_READ));
    const createdWith: CreatedWith = usedV2 ? 'KsCreateAllocator2' : this.backend === 'windows' ? 'KsCreateAllocator' : 'emulator';
    return new KsAllocator(child, this, typed, createdWith);
  }

  /** KSPROPERTY_STREAM_ALLOCATOR (SET): makes `allocator` this pin's allocator; null detaches it. */
  setAllocator(allocator: KsAllocator | null): void {
    const operation = 'set allocator';
    if (allocator !== null && !(allocator instanceof KsAllocator)) {
      throw new TypeError('allocator must be a KsAllocator or null');
    }
    const value = Buffer.alloc(8);
    if (allocator) value.writeBigUInt64LE(allocator.handleForPin());
    this.idFor(operation);
    this.setProperty(KSPROPSETID.Stream, KSPROPERTY_STREAM.ALLOCATOR, value);
    this.#allocator = allocator;
  }

  /** The allocator last set with setAllocator, if it is still open. */
  get allocator(): KsAllocator | null {
    return this.#allocator && !this.#allocator.closed ? this.#allocator : null;
  }

  /** KSPROPERTY_CONNECTION_DATAFORMAT as the pin reports it. */
  currentDataFormat(): DataFormat {
    return decodeDataFormat(this.getProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.DATAFORMAT), 'get data format');
  }

  /** KSPROPERTY_CONNECTION_STATE */
  state(): PinState {
    const reply = this.getProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.STATE, { size: 4 });
    const value = reply.length >= 4 ? reply.readUInt32LE(0) : -1;
    const state = STATES[value];
    if (!state) throw new KsError('ERR_MALFORMED_REPLY', 'get pin state', `KSSTATE ${value} is not a state`);
    return state;
  }

  /** Moves the pin to `target` through every state in between, in order, up or down. */
  setState(target: PinState): void {
    const to = STATES.indexOf(target);
    if (to < 0) throw new RangeError(`state must be one of ${STATES.join(', ')}, got ${JSON.stringify(target)}`);
    let at = KSSTATE[this.state().toUpperCase() as Uppercase<PinState>];
    while (at !== to) {
      at += to > at ? 1 : -1;
      const value = Buffer.alloc(4);
      value.writeUInt32LE(at);
      this.setProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.STATE, value);
    }
  }
}

