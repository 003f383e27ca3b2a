/**
 * KS events delivered to JavaScript. `handle.enableEvent(set, id, listener)`
 * sends IOCTL_KS_ENABLE_EVENT with a KSEVENTDATA that names an event the
 * backend waits on (a Win32 auto-reset event on Windows, the emulator's own
 * event object otherwise); each time the driver signals it, the listener runs
 * on the JS thread. Signals that arrive before the listener has run may be
 * delivered once, as an auto-reset event folds them. A subscription keeps the
 * event loop alive until `unref()` or `disable()`, and ends when its handle
 * closes.
 */
import { checkUint32 } from '../base/validate';
import { native, callNative } from '../addon/binding';
import type { Guid } from '../structs/guid';

/** KSEVENTDATA: 32 bytes on x64 (16 on x86, which this package does not build). */
export const KSEVENTDATA_SIZE = 32;

export interface KsEventInfo {
  set: Guid;
  id: number;
  /** How many times this subscription's listener has run, this call included. */
  count: number;
}

export type KsEventListener = (event: KsEventInfo) => void;

export interface EnableEventOptions {
  /** Bytes after the KSEVENT in the request (e.g. the rest of KSE_NODE). */
  request?: Buffer;
  /** Bytes after the KSEVENTDATA (e.g. KSEVENT_TIME_MARK's MarkTime). */
  data?: Buffer;
  /** KSEVENT_TYPE_ONESHOT: the driver disables the event after its first signal. */
  oneShot?: boolean;
  /** More KSEVENT_TYPE flags to OR in, e.g. KSEVENT_TYPE.TOPOLOGY. */
  typeFlags?: number;
}

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

export class KsEventSubscription {
  readonly set: Guid;
  readonly id: number;
  #subscription: number;
  #active = true;
  #count = 0;
  readonly #listener: KsEventListener;
  readonly #onEnd: (s: KsEventSubscription) => void;

  /** @internal use KsHandle.enableEvent */
  constructor(set: Guid, id: number, subscription: number, listener: KsEventListener, onEnd: (s: KsEventSubscription) => void) {
    this.set = set;
    this.id = id;
    this.#subscription = subscription;
    this.#listener = listener;
    this.#onEnd = onEnd;
  }

  /** @internal a signal, on the JS thread. Calls still queued when the event was disabled are dropped. */
  deliver(): void {
    if (!this.#active) return;
    this.#count += 1;
    this.#listener({ set: this.set, id: this.id, count: this.#count });
  }

  /** Whether the event is still enabled. */
  get active(): boolean {
    return this.#active;
  }

  /** How many times the listener has run. */
  get count(): number {
    return this.#count;
  }

  /** IOCTL_KS_DISABLE_EVENT. Idempotent; the listener does not run afterwards. */
  disable(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#onEnd(this);
    callNative('disable event', () => native.disableEvent(this.#subscription));
  }

  /** Keeps the event loop alive while the event is enabled (the default). */
  ref(): this {
    if (this.#active) native.eventRef(this.#subscription, true);
    return this;
  }

  /** Lets the process exit while the event is enabled. */
  unref(): this {
    if (this.#active) native.eventRef(this.#subscription, false);
    return this;
  }

  [disposeSymbol](): void {
    this.disable();
  }

  /** @internal its handle closed: the native side already let go. */
  end(): void {
    this.#active = false;
  }
}

/** Checks enableEvent's arguments; returns the request's KSEVENT_TYPE flags. */
export function eventTypeFlags(id: number, listener: unknown, options: EnableEventOptions): number {
  checkUint32(id, 'id');
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  for (const field of ['request', 'data'] as const) {
    if (options[field] !== undefined && !Buffer.isBuffer(options[field])) {
      throw new TypeError(`options.${field} must be a Buffer`);
    }
  }
  const flags = options.typeFlags ?? 0;
  checkUint32(flags, 'options.typeFlags');
  return (flags | (options.oneShot ? 0x2 : 0x1)) >>> 0;
}
