/** listDevices: KS device interfaces by category, from SetupAPI or the emulator. */
import { KSCATEGORY, type KsCategoryName } from '../structs/constants';
import { guidToBuffer, normalizeGuid, readGuid, type Guid } from '../structs/guid';
import { callNative, native } from '../addon/binding';
import { resolveBackend, type BackendName } from '../addon/backend';

export interface DeviceInfo {
  /** The device interface path, for openFilter. */
  path: string;
  friendlyName: string;
  /** The device instance id. */
  instanceId: string;
  /** The KS categories this interface is in (names where known, else GUIDs). */
  categories: string[];
  backend: BackendName;
  /** True for the emulator's virtual devices. */
  emulated: boolean;
}

export interface ListDevicesOptions {
  /** A KSCATEGORY name (AUDIO, CAPTURE, ...) or a GUID; every known category when absent. */
  category?: KsCategoryName | Guid;
  backend?: BackendName;
}

const NAME_BY_GUID = new Map<string, string>(Object.entries(KSCATEGORY).map(([name, guid]) => [guid, name]));

/** A KSCATEGORY name or a GUID, as the category options take it. */
export function categoryGuid(category: string): Guid {
  if (Object.prototype.hasOwnProperty.call(KSCATEGORY, category)) return KSCATEGORY[category as KsCategoryName];
  try {
    return normalizeGuid(category);
  } catch {
    throw new RangeError(`category must be one of ${Object.keys(KSCATEGORY).join(', ')} or a GUID, got ${JSON.stringify(category)}`);
  }
}

export function listDevices(options: ListDevicesOptions = {}): DeviceInfo[] {
  const backend = resolveBackend(options.backend);
  const guids = options.category === undefined ? Object.values(KSCATEGORY) : [categoryGuid(options.category)];
  const byPath = new Map<string, DeviceInfo>();
  for (const guid of guids) {
    const found = callNative('list devices', () => native.enumerate(backend, guidToBuffer(guid)));
    for (const d of found) {
      const categories = d.categories.map((b) => readGuid(b)).map((g) => NAME_BY_GUID.get(g) ?? g);
      const known = byPath.get(d.path.toLowerCase());
      if (known) {
        for (const c of categories) if (!known.categories.includes(c)) known.categories.push(c);
        continue;
      }
      byPath.set(d.path.toLowerCase(), {
        path: d.path,
        friendlyName: d.friendlyName,
        instanceId: d.instanceId,
        categories,
        backend,
        emulated: backend === 'emulator',
      });
    }
  }
  return [...byPath.values()];
}
