/**
 * The native addon, loaded once per environment by node-gyp-build (a
 * prebuild where one matches, else build/Release), and its typed surface.
 * Native calls are thin: they move bytes and statuses; this package's
 * TypeScript does the checking, encoding and error naming.
 */
import * as path from 'path';
import nodeGypBuild = require('node-gyp-build');
import { KsError, StatusKind } from '../base/errors';

/** [kind, value, bytesReturned]: an IOCTL's status and its IRP Information. */
export type StatusTriple = [StatusKind, number, number];

/** How the addon reports an asynchronous IOCTL's result: once, on the JS thread. */
export type Settle = (kind: StatusKind, value: number, bytesReturned: number) => void;

export interface NativeBackendInfo {
  name: string;
  entryPoints: { name: string; resolved: boolean }[];
  comInitializedHere: boolean;
  comApartment: string;
  /** Whether watchDevices can work with this backend. */
  deviceNotifications: boolean;
}

export interface NativeDevice {
  path: string;
  friendlyName: string;
  instanceId: string;
  categories: Buffer[];
}

/** Object classes as native/ks_backend.h numbers them. */
export enum ObjectClass {
  Filter = 0,
  Pin = 1,
  Allocator = 2,
  Clock = 3,
  TopologyNode = 4,
}

export interface NativeBinding {
  backendInfo(backend: string): NativeBackendInfo | null;
  enumerate(backend: string, category: Buffer): NativeDevice[];
  openFilter(backend: string, path: string): number;
  createObject(parent: number, cls: ObjectClass, payload: Buffer, access: number): [number, boolean];
  ioctl(id: number, code: number, input: Buffer | null, output: Buffer | null): StatusTriple;
  /** `settle` is called once, on the JS thread, when the IOCTL completes: use settled(). */
  ioctlAsync(id: number, code: number, input: Buffer | null, output: Buffer | null, settle: Settle): void;
  handleValue(id: number): bigint;
  close(id: number): void;
  isOpen(id: number): boolean;
  openHandleCount(): number;
  streamOpen(pin: number, pool: ArrayBuffer, control: Uint32Array, records: Float64Array, slots: number, slotSize: number, frameSize: number, alignment: number, write: boolean, dropOldest: boolean, ready: () => void, descriptors?: Float64Array, headerSize?: number, frameInfo?: boolean): [number, number];
  streamSubmit(stream: number): void;
  /** Starts a WaveRT engine (native/napi/wavert_streams.cpp): [streamId, offset, mode, bufferBytes, notificationCount, positionSource, fifoBytes]. */
  waveRtOpen(
    pin: number, capture: boolean, pool: ArrayBuffer, control: Uint32Array, records: Float64Array, slots: number, slotSize: number, alignment: number,
    dropOldest: boolean, ready: () => void, mode: number, fallbackToPolled: boolean, bufferBytes: number, notificationCount: number, sampleRate: number, blockAlign: number,
  ): [number, number, number, number, number, number, number];
  /** [glitches, silenceBytes, droppedBytes, wakeups, services, movedBytes, failureKind, failureValue, lostBytes, stalls, glitchesAfterStall, longestGapNs, passCpuNs] */
  waveRtInfo(stream: number): [number, number, number, number, number, number, number, number, number, number, number, number, number];
  /** Benchmarks: the floor of a WaveRT engine's cost, [wakes, waiter CPU ns, signaller CPU ns, seconds]. */
  measureWakeCost(handle: number, periodMicroseconds: number, milliseconds: number, signalled: boolean): [number, number, number, number];
  /** [inFlight, dropped, wake-ups, kicks, starved] */
  streamInfo(stream: number): [number, number, number, number, number];
  streamRef(stream: number, ref: boolean): void;
  streamClose(stream: number): void;
  /** One zero-copy render packet; `settle` as with ioctlAsync. */
  streamWrite(pin: number, data: Buffer, optionsFlags: number, presentationTime: number, settle: Settle): void;
  /** [frames, bytes, seconds] */
  streamNativeSink(pin: number, write: boolean, slots: number, slotSize: number, alignment: number, milliseconds: number): [number, number, number];
  /** IOCTL_KS_ENABLE_EVENT; `listener` runs on the JS thread per signal. Returns the subscription id. */
  enableEvent(id: number, request: Buffer, eventData: Buffer | null, listener: () => void): number;
  disableEvent(subscription: number): void;
  eventRef(subscription: number, ref: boolean): boolean;
  /** listener(change: 0 arrival | 1 removal, category GUID, path). Unref'd to begin with. */
  watchDevices(backend: string, categories: Buffer[], listener: (change: number, category: Buffer, path: string) => void): number;
  unwatchDevices(watch: number): void;
  watchRef(watch: number, ref: boolean): boolean;
  emulatorDefineDevice(definition: NativeVirtualDevice, dispatch: NativePropertyDispatch): string;
  emulatorSetPresent(path: string, present: boolean): void;
  emulatorRemoveDevice(path: string): void;
  emulatorGenerateEvent(path: string, set: Buffer, id: number): void;
  /** Whether this environment's emulator reports Win32 codes as DeviceIoControl / KsCreatePin do (lib/emulator/status-reporting.ts). */
  emulatorReportWin32Statuses(on: boolean): void;
}

/** A virtual device as native/virtual_devices.cpp takes it (lib/virtual-device.ts builds it). */
export interface NativeVirtualDevice {
  name: string;
  categories: Buffer[];
  pins: {
    name: string;
    dataFlow: number;
    communication: number;
    category: Buffer | null;
    possibleInstances: number;
    necessaryInstances: number;
    dataRanges: Buffer[];
    framing: Buffer;
  }[];
  topology: { categories: Buffer[]; nodes: { type: Buffer; name: string }[]; connections: Buffer };
  /** target: 0 filter, 1 pin, 2 node; pinId: with target 1, only that pin factory's instances (-1 every one). */
  properties: { target: number; pinId: number; set: Buffer; id: number; get: boolean; set_: boolean; basicSupport: boolean }[];
  events: { target: number; set: Buffer; id: number }[];
}

/** (index, kind: 1 GET | 2 SET | 0x200 BASICSUPPORT, instance, value, outputLength, the request's whole Flags) -> [status, data, information] */
export type NativePropertyDispatch = (
  index: number,
  kind: number,
  instance: Buffer,
  value: Buffer | null,
  outputLength: number,
  flags: number,
) => [number, Buffer | null, number];

export const native: NativeBinding = nodeGypBuild(path.join(__dirname, '..', '..'));

/**
 * The promise of an asynchronous IOCTL that `start` sends, handing the addon
 * the function that settles it. The addon takes a function rather than making
 * a promise itself: a promise made in native code (napi_deferred) can only be
 * freed by settling it, which Node-API refuses once a worker is terminating,
 * so every request pending then leaked; a function is held by an ordinary
 * reference, which the addon deletes at environment cleanup
 * (native/napi/addon.h AsyncIoctl; the sanitizer lane's leak check on
 * test/lifetime.test.ts). A synchronous failure rejects, named as callNative names it.
 */
export function settled(operation: string, start: (settle: Settle) => void): Promise<StatusTriple> {
  return new Promise<StatusTriple>((resolve) => {
    callNative(operation, () => start((kind, value, bytesReturned) => resolve([kind, value, bytesReturned])));
  });
}

interface NativeError extends Error {
  code?: string;
  statusKind?: StatusKind;
  statusValue?: number;
}

/**
 * Runs a native call, turning its failures into KsErrors: a status becomes
 * the named status, ERR_CLOSED and ERR_BACKEND_UNAVAILABLE keep their codes.
 */
export function callNative<T>(operation: string, call: () => T, hint?: (code: string) => string | undefined): T {
  try {
    return call();
  } catch (e) {
    const err = e as NativeError;
    if (err && typeof err.statusKind === 'number' && typeof err.statusValue === 'number') {
      const ks = KsError.fromStatus(err.statusKind, err.statusValue, operation);
      const extra = hint?.(ks.code);
      throw extra ? KsError.fromStatus(err.statusKind, err.statusValue, operation, extra) : ks;
    }
    if (err && (err.code === 'ERR_CLOSED' || err.code === 'ERR_BACKEND_UNAVAILABLE')) {
      throw new KsError(err.code, operation, err.message);
    }
    throw e;
  }
}
