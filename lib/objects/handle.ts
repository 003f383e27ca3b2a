/**
 * KsHandle: the base of every KS object handle (filter, pin, allocator).
 * It closes deterministically (close(), `using`), a parent closes its
 * children first, and a FinalizationRegistry closes what the program forgot,
 * as the last resort. On top sits the generic property/method layer that
 * takes and returns raw bytes.
 */
import { KsError, StatusKind, statusCancelled, statusName, statusOk } from '../base/errors';
import { guidLabel, propertyName } from '../structs/names';
import { IOCTL_KS, KSMETHOD_TYPE, KSPROPERTY_TYPE } from '../structs/constants';
import { normalizeGuid, readGuid, type Guid } from '../structs/guid';
import { type EnableEventOptions, eventTypeFlags, type KsEventListener, KsEventSubscription } from './events';
import { callNative, native, settled, type StatusTriple } from '../addon/binding';
import { encodeIdentifier } from '../structs/request';
import { checkUint32 } from '../base/validate';
import { isAbsent } from '../base/absent';

// The last resort: a handle the program dropped without closing is closed
// when it is collected. Native close of an id already closed is a no-op.
const finalizer = new FinalizationRegistry<number>((id) => {
  native.close(id);
});

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

/** Status values that answer a size query: the reply's size is in bytesReturned. */
export function isSizeAnswer([kind, value]: StatusTriple): boolean {
  value >>>= 0;
  switch (kind) {
    case StatusKind.NtStatus:
      return value === 0x80000005 || value === 0xc0000023; // BUFFER_OVERFLOW, BUFFER_TOO_SMALL
    case StatusKind.Win32:
      return value === 234 || value === 122; // ERROR_MORE_DATA, ERROR_INSUFFICIENT_BUFFER
    case StatusKind.HResult:
      return value === 0x800700ea || value === 0x8007007a;
  }
}

/** Whether a status says "no such property or set" (base/absent.ts: NOT_SUPPORTED, NOT_FOUND and SET_NOT_FOUND alike). */
function isNotSupported([kind, value]: StatusTriple): boolean {
  return isAbsent(KsError.fromStatus(kind, value, ''));
}

/** Options of the raw `ioctl` / `ioctlAsync`. */
export interface RawIoctlOptions {
  /**
   * Send IOCTL_KS_READ_STREAM / IOCTL_KS_WRITE_STREAM although their
   * KSSTREAM_HEADER.Data pointers are not checked by this package: the caller
   * vouches that each points at FrameExtent bytes it owns until the request
   * settles. (A bad pointer fails with STATUS_ACCESS_VIOLATION on Windows and
   * in the emulator; one that points at live memory of the process is written.)
   */
  allowStreamPointers?: boolean;
}

/** Refuses streaming IOCTLs, whose headers hold raw pointers, unless the caller opted in. */
function checkRawIoctl(code: number, options: RawIoctlOptions): void {
  const stream = code === IOCTL_KS.READ_STREAM ? 'IOCTL_KS_READ_STREAM' : code === IOCTL_KS.WRITE_STREAM ? 'IOCTL_KS_WRITE_STREAM' : undefined;
  if (stream === undefined || options.allowStreamPointers === true) return;
  throw new TypeError(
    `ioctl: ${stream} carries KSSTREAM_HEADER.Data pointers that the raw layer cannot check; ` +
      'capture with pin.frames() or pin.readable(), render with pin.write() or pin.writable(), ' +
      'or pass { allowStreamPointers: true } if every header points at memory you own until the request settles',
  );
}

/** KSPROPERTY_DESCRIPTION: 40 bytes. */
export const KSPROPERTY_DESCRIPTION_SIZE = 40;

/** What KSPROPERTY_TYPE_BASICSUPPORT says of one property. */
export interface PropertySupport {
  get: boolean;
  set: boolean;
  /** The AccessFlags as the driver gave them (KSPROPERTY_TYPE_* bits). */
  accessFlags: number;
  /** The KSPROPERTY_DESCRIPTION, where the driver gave one (some give only the access flags). */
  description?: {
    /** DescriptionSize: the whole description with its member lists, which `raw` holds when they fit. */
    size: number;
    /** PropTypeSet: a type set (KSPROPTYPESETID_General for plain values) and a VARENUM type. */
    typeSet: Guid;
    type: number;
    membersListCount: number;
  };
  /** The reply's bytes: the description and any KSPROPERTY_MEMBERSHEADER lists after it. */
  raw: Buffer;
}

/** The largest property reply this package will allocate for. */
export const MAX_PROPERTY_REPLY = 16 * 1024 * 1024;

export interface PropertyOptions {
  /** Bytes that follow the KSPROPERTY in the request (the rest of KSP_PIN, KSP_NODE, ...). */
  instance?: Buffer;
  /** The reply's size when it is known; otherwise the driver is asked for it. */
  size?: number;
  /** KSPROPERTY_TYPE flags OR'd into the request's, e.g. KSPROPERTY_TYPE_TOPOLOGY for node properties. */
  typeFlags?: number;
}

/** Reads a handle's native id for code in this package outside the class (set by KsHandle's static block). */
let nativeIdReader: (handle: KsHandle, operation: string) => number;

/**
 * The native id of an open handle, or ERR_CLOSED: for package code that talks
 * to the addon about a handle from outside its class (the benchmark hook).
 * Not exported from the package root.
 */
export function nativeIdOf(handle: KsHandle, operation: string): number {
  return nativeIdReader(handle, operation);
}

export abstract class KsHandle {
  static {
    nativeIdReader = (handle, operation) => handle.idFor(operation);
  }

  /** What kind of object this is, for messages: "filter", "pin", "allocator". */
  abstract readonly kind: string;
  readonly #id: number;
  #closed = false;
  readonly #children = new Set<KsHandle>();
  readonly #subscriptions = new Set<KsEventSubscription>();
  readonly #parent: KsHandle | undefined;

  protected constructor(id: number, parent?: KsHandle) {
    this.#id = id;
    this.#parent = parent;
    if (parent) parent.#children.add(this);
    finalizer.register(this, id, this);
  }

  /** Whether close() has run (on this handle or on its parent). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the handle and, first, every handle created from it. Idempotent. */
  close(): void {
    if (this.#closed) return;
    for (const child of [...this.#children].reverse()) child.close();
    this.#closed = true;
    finalizer.unregister(this);
    if (this.#parent) this.#parent.#children.delete(this);
    // The native side ends the subscriptions with the handle.
    for (const subscription of this.#subscriptions) subscription.end();
    this.#subscriptions.clear();
    this.onClose();
    native.close(this.#id);
  }

  [disposeSymbol](): void {
    this.close();
  }

  /** Subclasses release JS-side state here; the native handle closes after. */
  protected onClose(): void {}

  /** The native id, or ERR_CLOSED for `operation`. */
  protected idFor(operation: string): number {
    if (this.#closed) throw KsError.closed(operation, this.kind);
    return this.#id;
  }

  /** The backend's handle value (a HANDLE on Windows), e.g. for KSPROPERTY_STREAM_ALLOCATOR. */
  protected handleValue(operation: string): bigint {
    const id = this.idFor(operation);
    return callNative(operation, () => native.handleValue(id));
  }

  /**
   * One synchronous IOCTL, raw: the caller reads the status. Streaming IOCTLs
   * (IOCTL_KS_READ_STREAM / WRITE_STREAM) are refused unless
   * `options.allowStreamPointers` is set: see ioctlAsync.
   */
  ioctl(code: number, input: Buffer | null, output: Buffer | null, options: RawIoctlOptions = {}): StatusTriple {
    const id = this.idFor('ioctl');
    checkRawIoctl(code, options);
    return callNative('ioctl', () => native.ioctl(id, code, input, output));
  }

  /**
   * One asynchronous IOCTL, raw. The buffers must not be reused until it settles.
   * IOCTL_KS_READ_STREAM and WRITE_STREAM carry KSSTREAM_HEADERs whose `Data`
   * fields are raw addresses no one checks here: they are refused with a
   * TypeError unless `options.allowStreamPointers` is set. Stream with
   * `KsPin.frames()` / `readable()` (capture) or `write()` / `writable()`
   * (render), which own their buffers.
   */
  async ioctlAsync(code: number, input: Buffer | null, output: Buffer | null, options: RawIoctlOptions = {}): Promise<StatusTriple> {
    const id = this.idFor('ioctl');
    checkRawIoctl(code, options);
    return settled('ioctl', (settle) => native.ioctlAsync(id, code, input, output, settle));
  }

  /**
   * One IOCTL this class builds itself (a property or method request): a
   * closed handle is ERR_CLOSED for `operation` ("get KSPROPERTY_…"), not for
   * the generic "ioctl", and the raw-IOCTL guard has nothing to check.
   */
  private request(operation: string, code: number, input: Buffer, output: Buffer | null): StatusTriple {
    const id = this.idFor(operation);
    return callNative(operation, () => native.ioctl(id, code, input, output));
  }

  /** request()'s asynchronous twin, for methods (IOCTL_KS_METHOD may pend). */
  private requestAsync(operation: string, code: number, input: Buffer, output: Buffer | null): Promise<StatusTriple> {
    const id = this.idFor(operation);
    return settled(operation, (settle) => native.ioctlAsync(id, code, input, output, settle));
  }

  /** Throws the KsError for a failed status; `hint` explains it in context. */
  protected static check(triple: StatusTriple, operation: string, hint?: (code: string) => string | undefined): void {
    const [kind, value] = triple;
    if (statusOk(kind, value)) return;
    const plain = KsError.fromStatus(kind, value, operation);
    const extra = hint?.(plain.code);
    throw extra ? KsError.fromStatus(kind, value, operation, extra) : plain;
  }

  /**
   * Throws for the status of a request that was pending: ERR_CANCELED (with
   * the platform status kept) when the handle closed or stopped meanwhile,
   * else the status's own KsError.
   */
  protected checkPending(triple: StatusTriple, operation: string): void {
    const [kind, value] = triple;
    if (statusCancelled(kind, value)) {
      const { details } = KsError.fromStatus(kind, value, operation);
      throw new KsError('ERR_CANCELED', operation, `the ${this.kind} was closed or stopped while the request was pending`, details);
    }
    KsHandle.check(triple, operation);
  }

  /**
   * KSPROPERTY_TYPE_GET of any property, returning the reply's bytes. Without
   * `size`, the driver is asked for the size first (a zero-length GET); a
   * driver that answers without one is asked again with growing buffers.
   */
  getProperty(set: Guid | string, id: number, options: PropertyOptions = {}): Buffer {
    return this.getPropertyOf('', set, id, options);
  }

  /** getProperty, with what the request is about (" of pin 3", " on node 1 (KSNODETYPE_MUTE)") in its messages. */
  protected getPropertyOf(subject: string, set: Guid | string, id: number, options: PropertyOptions = {}, hint?: (code: string) => string | undefined): Buffer {
    const operation = `get ${propertyName(set, id)}${subject}`;
    const request = encodeIdentifier(set, id, KSPROPERTY_TYPE.GET | (options.typeFlags ?? 0), options.instance);
    let size = options.size;
    // Whether the driver named the size (then a data query that asks for more
    // again, without a larger size, is a driver whose two answers disagree).
    let told = size !== undefined;
    if (size === undefined) {
      const probe = this.request(operation, IOCTL_KS.PROPERTY, request, null);
      if (statusOk(probe[0], probe[1])) {
        // Some drivers answer the zero-length probe with success and the size in BytesReturned.
        if (probe[2] === 0) return Buffer.alloc(0);
      } else if (!isSizeAnswer(probe)) {
        KsHandle.check(probe, operation, hint);
      }
      told = probe[2] > 0;
      size = told ? probe[2] : 256;
    }
    for (let attempt = 0; ; attempt++) {
      if (size > MAX_PROPERTY_REPLY) {
        throw new KsError('ERR_MALFORMED_REPLY', operation, `the reply would exceed ${MAX_PROPERTY_REPLY} bytes`);
      }
      const reply = Buffer.alloc(size);
      const result = this.request(operation, IOCTL_KS.PROPERTY, request, reply);
      if (statusOk(result[0], result[1])) {
        if (result[2] > reply.length) {
          throw new KsError('ERR_MALFORMED_REPLY', operation, `the driver claims ${result[2]} bytes in a ${reply.length}-byte buffer`);
        }
        return reply.subarray(0, result[2]);
      }
      if (options.size !== undefined || !isSizeAnswer(result)) KsHandle.check(result, operation, hint);
      if (result[2] > size) {
        // Still too small, with a larger size given: take it (bounded: the reply may grow between the calls).
        if (attempt >= 8) throw new KsError('ERR_MALFORMED_REPLY', operation, `the driver asked for a larger buffer ${attempt + 1} times in a row`);
        size = result[2];
        told = true;
        continue;
      }
      if (told) {
        // PortAudio #1176: the size query said N bytes, the data query with N bytes says "more data" again.
        throw new KsError(
          'ERR_MALFORMED_REPLY',
          operation,
          `the driver's size and data queries disagree: it asked for ${size} bytes, then answered a ${size}-byte buffer with ${statusName(result[0], result[1])} and ${result[2]} bytes`,
        );
      }
      // No size given at all: double, a few times.
      if (attempt >= 8) throw new KsError('ERR_MALFORMED_REPLY', operation, `no reply fitted in up to ${size} bytes and the driver never said how many it needs`);
      size *= 2;
    }
  }

  /** KSPROPERTY_TYPE_SET of any property with `value` as its data. */
  setProperty(set: Guid | string, id: number, value: Buffer, options: Omit<PropertyOptions, 'size'> = {}): void {
    this.setPropertyOf('', set, id, value, options);
  }

  /** setProperty, with what the request is about in its messages. */
  protected setPropertyOf(subject: string, set: Guid | string, id: number, value: Buffer, options: Omit<PropertyOptions, 'size'> = {}, hint?: (code: string) => string | undefined): void {
    const operation = `set ${propertyName(set, id)}${subject}`;
    const request = encodeIdentifier(set, id, KSPROPERTY_TYPE.SET | (options.typeFlags ?? 0), options.instance);
    KsHandle.check(this.request(operation, IOCTL_KS.PROPERTY, request, value), operation, hint);
  }

  /**
   * KSPROPERTY_TYPE_SETSUPPORT: whether the object answers the property set
   * at all. False for the "not supported / not found / set not found"
   * statuses; any other failure throws.
   */
  supportsSet(set: Guid | string): boolean {
    const operation = `query support of property set ${guidLabel(set)}`;
    const request = encodeIdentifier(set, 0, KSPROPERTY_TYPE.SETSUPPORT);
    const result = this.request(operation, IOCTL_KS.PROPERTY, request, null);
    if (statusOk(result[0], result[1])) return true;
    if (isNotSupported(result)) return false;
    KsHandle.check(result, operation);
    return false;
  }

  /**
   * KSPROPERTY_TYPE_BASICSUPPORT: whether the property can be read and
   * written, with its KSPROPERTY_DESCRIPTION (and member lists) where the
   * driver gives one; null when the object does not support the property.
   */
  supports(set: Guid | string, id: number, options: Omit<PropertyOptions, 'size'> = {}): PropertySupport | null {
    checkUint32(id, 'id');
    const operation = `query support of ${propertyName(set, id)}`;
    const request = encodeIdentifier(set, id, KSPROPERTY_TYPE.BASICSUPPORT | (options.typeFlags ?? 0), options.instance);
    // Ask for the description's size first; drivers that only know the short
    // form answer a description-sized buffer with the access flags alone.
    let size = KSPROPERTY_DESCRIPTION_SIZE;
    const probe = this.request(operation, IOCTL_KS.PROPERTY, request, null);
    if (!statusOk(probe[0], probe[1])) {
      if (isNotSupported(probe)) return null;
      if (!isSizeAnswer(probe)) KsHandle.check(probe, operation);
      size = Math.max(size, probe[2]);
    }
    if (size > MAX_PROPERTY_REPLY) throw new KsError('ERR_MALFORMED_REPLY', operation, `the reply would exceed ${MAX_PROPERTY_REPLY} bytes`);
    const reply = Buffer.alloc(size);
    const result = this.request(operation, IOCTL_KS.PROPERTY, request, reply);
    if (!statusOk(result[0], result[1])) {
      if (isNotSupported(result)) return null;
      KsHandle.check(result, operation);
    }
    const length = result[2];
    if (length > reply.length) {
      throw new KsError('ERR_MALFORMED_REPLY', operation, `the driver claims ${length} bytes in a ${reply.length}-byte buffer`);
    }
    if (length < 4) throw new KsError('ERR_MALFORMED_REPLY', operation, `BASICSUPPORT returned ${length} bytes, fewer than its 4-byte access flags`);
    const raw = reply.subarray(0, length);
    const accessFlags = raw.readUInt32LE(0);
    const support: PropertySupport = {
      get: (accessFlags & KSPROPERTY_TYPE.GET) !== 0,
      set: (accessFlags & KSPROPERTY_TYPE.SET) !== 0,
      accessFlags,
      raw,
    };
    if (length >= KSPROPERTY_DESCRIPTION_SIZE) {
      support.description = {
        size: raw.readUInt32LE(4),
        typeSet: readGuid(raw, 8),
        type: raw.readUInt32LE(24),
        membersListCount: raw.readUInt32LE(32),
      };
    }
    return support;
  }

  /**
   * IOCTL_KS_ENABLE_EVENT for any event of any handle: `listener` runs on the
   * JS thread each time the driver signals it. The subscription keeps the
   * event loop alive until unref'd or disabled, and ends with the handle.
   */
  enableEvent(set: Guid | string, id: number, listener: KsEventListener, options: EnableEventOptions = {}): KsEventSubscription {
    const flags = eventTypeFlags(id, listener, options);
    const handleId = this.idFor('enable event');
    const request = encodeIdentifier(set, id, flags, options.request);
    let subscription: KsEventSubscription | undefined;
    const nativeId = callNative(`enable event ${guidLabel(set)} id ${id}`, () =>
      native.enableEvent(handleId, request, options.data ?? null, () => subscription?.deliver()),
    );
    subscription = new KsEventSubscription(normalizeGuid(set, 'set'), id, nativeId, listener, (s) => this.#subscriptions.delete(s));
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /** Disables an event enabled on this handle (the same as `subscription.disable()`). */
  disableEvent(subscription: KsEventSubscription): void {
    if (!this.#subscriptions.has(subscription) && subscription.active) {
      throw new TypeError('the subscription belongs to another handle');
    }
    subscription.disable();
  }

  /**
   * Invokes a KS method. `data` is the method's data buffer: read by the
   * driver for KSMETHOD_TYPE_WRITE methods, written for READ ones. Methods may
   * pend, so this is asynchronous; a handle closed meanwhile rejects it with
   * ERR_CANCELED.
   */
  async invokeMethod(set: Guid | string, id: number, data: Buffer | null, flags: number = KSMETHOD_TYPE.SEND): Promise<Buffer> {
    const operation = `invoke method ${guidLabel(set)} id ${id}`;
    const request = encodeIdentifier(set, id, flags);
    const result = await this.requestAsync(operation, IOCTL_KS.METHOD, request, data);
    this.checkPending(result, operation);
    return data ? data.subarray(0, Math.min(result[2], data.length)) : Buffer.alloc(0);
  }
}

