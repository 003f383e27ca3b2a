/**
 * watchDevices: KS device interfaces arriving and going. On Windows through
 * CM_Register_Notification (one registration per category); on the emulator
 * when a device is plugged, unplugged, defined or removed. The watcher does
 * not keep the event loop alive unless `ref()`'d.
 */
import { KSCATEGORY, type KsCategoryName } from '../structs/constants';
import { guidToBuffer, readGuid, type GuidString } from '../structs/guid';
import { callNative, native } from '../addon/binding';
import { resolveBackend, type BackendName } from '../addon/backend';
import { categoryGuid } from './devices';

export interface DeviceChange {
  type: 'arrival' | 'removal';
  /** The device interface path (as listDevices and openFilter use it). */
  path: string;
  /** The category the notification came for (a name where known, else the GUID); one per category of the interface. */
  category: string;
  backend: BackendName;
}

export interface WatchDevicesOptions {
  /** KSCATEGORY names or GUIDs; every category in KSCATEGORY when absent. */
  categories?: (KsCategoryName | GuidString)[];
  backend?: BackendName;
}

const NAME_BY_GUID = new Map<string, string>(Object.entries(KSCATEGORY).map(([name, guid]) => [guid, name]));
const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

export class DeviceWatcher {
  readonly backend: BackendName;
  #watch: number;
  #closed = false;

  /** @internal use watchDevices */
  constructor(backend: BackendName, watch: number) {
    this.backend = backend;
    this.#watch = watch;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops watching. Idempotent; the listener is not called afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    native.unwatchDevices(this.#watch);
  }

  /** Keeps the event loop alive while watching. */
  ref(): this {
    if (!this.#closed) native.watchRef(this.#watch, true);
    return this;
  }

  /** Lets the process exit while watching (the default). */
  unref(): this {
    if (!this.#closed) native.watchRef(this.#watch, false);
    return this;
  }

  [disposeSymbol](): void {
    this.close();
  }
}

export function watchDevices(listener: (change: DeviceChange) => void, options: WatchDevicesOptions = {}): DeviceWatcher {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const backend = resolveBackend(options.backend);
  if (options.categories !== undefined && (!Array.isArray(options.categories) || options.categories.length === 0)) {
    throw new TypeError('options.categories must be a non-empty array of KSCATEGORY names or GUIDs');
  }
  const guids = (options.categories ?? Object.values(KSCATEGORY)).map((c) => categoryGuid(c));
  let watcher: DeviceWatcher | undefined;
  const watch = callNative('watch devices', () =>
    native.watchDevices(backend, guids.map(guidToBuffer), (change, category, path) => {
      if (!watcher || watcher.closed) return;
      const guid = readGuid(category);
      listener({ type: change === 0 ? 'arrival' : 'removal', path, category: NAME_BY_GUID.get(guid) ?? guid, backend });
    }),
  );
  watcher = new DeviceWatcher(backend, watch);
  return watcher;
}
