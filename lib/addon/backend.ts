/**
 * Which backend serves a call: the real Windows KS stack (ksuser.dll,
 * SetupAPI, DeviceIoControl) or the embedded emulator. The emulator is the
 * default where Windows KS is absent and opt-in on Windows, with
 * KS_BACKEND=emulator or a `backend` option.
 */
import { native } from './binding';

export type BackendName = 'windows' | 'emulator';
const BACKENDS: readonly BackendName[] = ['windows', 'emulator'];

/** Device interface paths of emulated devices start with this (case-insensitive). */
export const EMULATED_PATH_PREFIX = '\\\\?\\ROOT#KSEMULATOR#';

export function isEmulatedPath(path: string): boolean {
  return path.toUpperCase().startsWith(EMULATED_PATH_PREFIX);
}

function checkName(value: unknown, field: string): BackendName {
  if (!BACKENDS.includes(value as BackendName)) {
    throw new RangeError(`${field} must be "windows" or "emulator", got ${JSON.stringify(value)}`);
  }
  return value as BackendName;
}

/** Whether the Windows backend can run here (Windows, and ksuser.dll loads). */
export function windowsAvailable(): boolean {
  return process.platform === 'win32' && native.backendInfo('windows') !== null;
}

/** The backend used when a call names none: KS_BACKEND, else Windows KS where present, else the emulator. */
export function defaultBackend(): BackendName {
  const fromEnv = process.env.KS_BACKEND;
  if (fromEnv !== undefined && fromEnv !== '') return checkName(fromEnv, 'KS_BACKEND');
  return windowsAvailable() ? 'windows' : 'emulator';
}

export function resolveBackend(requested: unknown): BackendName {
  return requested === undefined ? defaultBackend() : checkName(requested, 'backend');
}

export interface Capabilities {
  /** The backend calls use by default here. */
  backend: BackendName;
  platform: NodeJS.Platform;
  /** Which backends can run here. */
  available: Record<BackendName, boolean>;
  /** ksuser.dll entry points and whether each resolved (Windows backend only; empty on the emulator). */
  entryPoints: Record<string, boolean>;
  /** Whether creates go through the old entry points because the *2 ones are missing. */
  fallbackInUse: boolean;
  /**
   * COM as the Windows backend uses it: the *2 entry points run on a private MTA thread of the addon's, so the calling
   * (JavaScript) thread's apartment is never changed. `initializedByAddon` once that thread has initialised COM,
   * `apartment` then 'private-mta' ('' before any *2 call).
   */
  com: { initializedByAddon: boolean; apartment: string } | null;
  /** Whether watchDevices can work (CM_Register_Notification resolved on Windows; always on the emulator). */
  deviceNotifications: boolean;
}

export function capabilities(options: { backend?: BackendName } = {}): Capabilities {
  const backend = resolveBackend(options.backend);
  const info = native.backendInfo(backend);
  const entryPoints: Record<string, boolean> = {};
  for (const ep of info?.entryPoints ?? []) entryPoints[ep.name] = ep.resolved;
  const v2 = ['KsCreatePin2', 'KsCreateAllocator2', 'KsCreateClock2', 'KsCreateTopologyNode2'];
  return {
    backend,
    platform: process.platform,
    available: { windows: windowsAvailable(), emulator: true },
    entryPoints,
    fallbackInUse: backend === 'windows' && v2.some((name) => !entryPoints[name]),
    com: backend === 'windows' && info ? { initializedByAddon: info.comInitializedHere, apartment: info.comApartment } : null,
    deviceNotifications: info?.deviceNotifications ?? false,
  };
}
