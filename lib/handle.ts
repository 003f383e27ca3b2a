/**
 * KsHandle: the base of every KS object handle (filter, pin, allocator).
 * It closes deterministically (close(), `using`), a parent closes its
 * children first, and a FinalizationRegistry closes what the program forgot,
 * as the last resort. On top sits the generic property/method layer that
 * takes and returns raw bytes.
 */
import { KsError, StatusKind, statusCancelled, statusOk } from './errors';
import { IOCTL_KS, KSMETHOD_TYPE, KSPROPERTY_TYPE } from './constants';
import { type Guid } from './guid';
import { callNative, native, type StatusTriple } from './native';
import { encodeIdentifier } from './request';

// The last resort: a handle the program dropped without closing is closed
// when it is collected. Native close of an id already closed is a no-op.
const finalizer = new FinalizationRegistry<number>((id) => {
  native.close(id);
});

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

/** Status values that answer a size query: the reply's size is in bytesReturned. */
function isSizeAnswer([kind, value]: StatusTriple): boolean {
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

export abstract class KsHandle {
  /** What kind of object this is, for messages: "filter", "pin", "allocator". */
  abstract readonly kind: string;
  readonly #id: number;
  #closed = false;
  readonly #children = new Set<KsHandle>();
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

  /** One synchronous IOCTL, raw: the caller reads the status. */
  ioctl(code: number, input: Buffer | null, output: Buffer | null): StatusTriple {
    const id = this.idFor('ioctl');
    return callNative('ioctl', () => native.ioctl(id, code, input, output));
  }

  /** One asynchronous IOCTL, raw. The buffers must not be reused until it settles. */
  async ioctlAsync(code: number, input: Buffer | null, output: Buffer | null): Promise<StatusTriple> {
    const id = this.idFor('ioctl');
    return callNative('ioctl', () => native.ioctlAsync(id, code, input, output));
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
  getProperty(set: Guid, id: number, options: PropertyOptions = {}): Buffer {
    const operation = `get property ${set}:${id}`;
    const request = encodeIdentifier(set, id, KSPROPERTY_TYPE.GET | (options.typeFlags ?? 0), options.instance);
    let size = options.size;
    if (size === undefined) {
      const probe = this.ioctl(IOCTL_KS.PROPERTY, request, null);
      if (statusOk(probe[0], probe[1])) return Buffer.alloc(0);
      if (!isSizeAnswer(probe)) KsHandle.check(probe, operation);
      size = probe[2] > 0 ? probe[2] : 256;
    }
    for (;;) {
      if (size > MAX_PROPERTY_REPLY) {
        throw new KsError('ERR_MALFORMED_REPLY', operation, `the reply would exceed ${MAX_PROPERTY_REPLY} bytes`);
      }
      const reply = Buffer.alloc(size);
      const result = this.ioctl(IOCTL_KS.PROPERTY, request, reply);
      if (statusOk(result[0], result[1])) {
        if (result[2] > reply.length) {
          throw new KsError('ERR_MALFORMED_REPLY', operation, `the driver claims ${result[2]} bytes in a ${reply.length}-byte buffer`);
        }
        return reply.subarray(0, result[2]);
      }
      if (options.size !== undefined || !isSizeAnswer(result)) KsHandle.check(result, operation);
      // Still too small: take the size given if it grew, else double.
      size = result[2] > size ? result[2] : size * 2;
    }
  }

  /** KSPROPERTY_TYPE_SET of any property with `value` as its data. */
  setProperty(set: Guid, id: number, value: Buffer, options: Omit<PropertyOptions, 'size'> = {}): void {
    const operation = `set property ${set}:${id}`;
    const request = encodeIdentifier(set, id, KSPROPERTY_TYPE.SET | (options.typeFlags ?? 0), options.instance);
    KsHandle.check(this.ioctl(IOCTL_KS.PROPERTY, request, value), operation);
  }

  /**
   * Invokes a KS method. `data` is the method's data buffer: read by the
   * driver for KSMETHOD_TYPE_WRITE methods, written for READ ones. Methods may
   * pend, so this is asynchronous; a handle closed meanwhile rejects it with
   * ERR_CANCELED.
   */
  async invokeMethod(set: Guid, id: number, data: Buffer | null, flags: number = KSMETHOD_TYPE.SEND): Promise<Buffer> {
    const operation = `invoke method ${set}:${id}`;
    const request = encodeIdentifier(set, id, flags);
    const result = await this.ioctlAsync(IOCTL_KS.METHOD, request, data);
    this.checkPending(result, operation);
    return data ? data.subarray(0, Math.min(result[2], data.length)) : Buffer.alloc(0);
  }
}

