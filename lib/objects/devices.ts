/** listDevices: KS device interfaces by category, from SetupAPI or the emulator. */
import { KSCATEGORY, type KsCategoryName } from '../structs/constants';
import { guidToBuffer, normalizeGuid, readGuid, type Guid, type GuidString } from '../structs/guid';
import { callNative, native } from '../addon/binding';
import { resolveBackend, type BackendName } from '../addon/backend';
import { KsError } from '../base/errors';

export interface DeviceInfo {
  /** The device interface path ("\\?\..."), what openFilter() opens. */
  path: string;
  /** The name Windows shows for the device: the interface key's FriendlyName, else SPDRP_FRIENDLYNAME, else SPDRP_DEVICEDESC; e.g. "Microphone (USB Audio)". */
  friendlyName: string;
  /** The device instance id (e.g. "USB\\VID_046D&PID_0825\\..."); "" where the backend has none. */
  instanceId: string;
  /** The KS categories this interface is in: KSCATEGORY names where known (AUDIO, CAPTURE, ...), else GUIDs. */
  categories: string[];
  /** The backend that listed it: 'windows' (SetupAPI) or 'emulator'. */
  backend: BackendName;
  /** True for the emulator's devices (virtual, no hardware behind them). */
  emulated: boolean;
}

export interface ListDevicesOptions {
  /** Only devices in this KSCATEGORY: a name (AUDIO, CAPTURE, RENDER, VIDEO, ...) or its GUID; default every category in KSCATEGORY. */
  category?: KsCategoryName | GuidString;
  /** Which backend to ask: 'windows' (SetupAPI) or 'emulator'; default KS_BACKEND, else windows where ksuser.dll loads, else the emulator. */
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

const emulatorEnumerationHooks: (() => void)[] = [];
/**
 * Runs `hook` once before the emulator's next enumeration (how profiles named
 * by KS_EMULATOR_PROFILES are loaded without a call from the app).
 */
export function beforeEmulatorEnumeration(hook: () => void): void {
  emulatorEnumerationHooks.push(hook);
}

/**
 * One device interface under all its aliases. Windows registers a KS filter's
 * interface under several class GUIDs (KSCATEGORY_AUDIO, _CAPTURE, ...): each
 * alias is its own symbolic link, the same path but for the class GUID before
 * the reference string ("\\?\usb#vid_…#{6994ad04-…}\global" and "…#{65e8773d-…}\global"),
 * and opens the same filter. The key drops that GUID, so a filter is listed once.
 */
export function interfaceKey(path: string): string {
  return path.toLowerCase().replace(/#\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}(\\|$)/, '#$1');
}

/**
 * Every KS device interface, each filter once with all its categories (the
 * order: KSCATEGORY's, then the backend's). With `category`, only the devices
 * in it, as the full list has them (same paths, same order).
 */
export function listDevices(options: ListDevicesOptions = {}): DeviceInfo[] {
  const backend = resolveBackend(options.backend);
  if (backend === 'emulator') for (const hook of emulatorEnumerationHooks.splice(0)) hook();
  const wanted = options.category === undefined ? undefined : categoryGuid(options.category);
  const guids = Object.values(KSCATEGORY) as Guid[];
  if (wanted !== undefined && !guids.includes(wanted)) guids.push(wanted);
  const byPath = new Map<string, DeviceInfo>();
  const member = new Set<string>();
  for (const guid of guids) {
    const found = callNative('list devices', () => native.enumerate(backend, guidToBuffer(guid)));
    for (const d of found) {
      const key = interfaceKey(d.path);
      if (guid === wanted) member.add(key);
      const categories = d.categories.map((b) => readGuid(b)).map((g) => NAME_BY_GUID.get(g) ?? g);
      const known = byPath.get(key);
      if (known) {
        for (const c of categories) if (!known.categories.includes(c)) known.categories.push(c);
        continue;
      }
      byPath.set(key, {
        path: d.path,
        friendlyName: d.friendlyName,
        instanceId: d.instanceId,
        categories,
        backend,
        emulated: backend === 'emulator',
      });
    }
  }
  if (wanted === undefined) return [...byPath.values()];
  return [...byPath.entries()].filter(([key]) => member.has(key)).map(([, device]) => device);
}

export interface FindDeviceOptions {
  /** Which backend's devices to search; by default the default backend (the emulator off Windows). */
  backend?: BackendName;
  /** Only devices in this KSCATEGORY (a name such as CAPTURE, or its GUID); default every category in KSCATEGORY. */
  category?: KsCategoryName | GuidString;
}

/**
 * Finds one device by its interface path, its friendly name, or a part of the
 * name (case-insensitive). An exact name wins over partial matches; a name
 * that matches several devices, or none, is a KsError (ERR_DEVICE_AMBIGUOUS
 * with the matches in `details.matches`, or ERR_DEVICE_NOT_FOUND with the
 * devices there are in `details.devices`).
 */
export function findDevice(name: string, options: FindDeviceOptions = {}): DeviceInfo {
  if (typeof name !== 'string' || name.trim().length === 0) throw new TypeError('name must be a device path or (part of) a friendly name: a non-empty string');
  const devices = listDevices(options);
  const wanted = name.trim().toLowerCase();
  const byPath = devices.find((d) => d.path.toLowerCase() === wanted);
  if (byPath) return byPath;
  const exact = devices.filter((d) => d.friendlyName.toLowerCase() === wanted);
  if (exact.length === 1) return exact[0];
  const partial = exact.length > 1 ? exact : devices.filter((d) => d.friendlyName.toLowerCase().includes(wanted));
  if (partial.length === 1) return partial[0];
  if (partial.length > 1) {
    const list = partial.map((d) => `"${d.friendlyName}" (${d.path})`).join(', ');
    throw new KsError('ERR_DEVICE_AMBIGUOUS', 'find device', `"${name}" matches ${partial.length} devices: ${list}; give more of the name, or the path`, {
      matches: partial.map((d) => ({ friendlyName: d.friendlyName, path: d.path })),
    });
  }
  const known = devices.map((d) => `"${d.friendlyName}"`).join(', ') || 'none';
  throw new KsError('ERR_DEVICE_NOT_FOUND', 'find device', `no device named "${name}" (the ${resolveBackend(options.backend)} backend has: ${known})`, {
    devices: devices.map((d) => ({ friendlyName: d.friendlyName, path: d.path })),
  });
}
