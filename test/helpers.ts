import { afterEach, expect } from 'vitest';
import { defineVirtualDevice, KsError, openFilter, pcmFormat, type KsFilter, type VirtualDevice, type VirtualDeviceDefinition } from '../lib/index';
import { ntStatusValue, statusName, StatusKind, win32ForNtStatus } from '../lib/base/errors';
import { emulatedDevicePath } from './emulated-devices';
import { reportsWin32, testBackend } from './test-backend';

/** The emulator's virtual audio capture device. */
export const emulatedCapturePath = (): string => emulatedDevicePath('KS Emulator Audio Capture');

export function openCapture(): KsFilter {
  return openFilter(emulatedCapturePath(), { backend: testBackend() });
}

export const stereo48k = () => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
export const stereo48k24 = () => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 24 });

/**
 * Whether `e` is the failure `code` names. Through the bridge the Windows
 * backend reports what Windows reports -- DeviceIoControl's Win32 code, or the
 * *2 entry points' HRESULT_FROM_WIN32 of it -- so an NTSTATUS name matches the
 * Win32 code the I/O manager maps that NTSTATUS to (KsError.win32).
 */
export function sameFailure(e: KsError, code: string): boolean {
  if (e.code === code || !reportsWin32()) return e.code === code;
  const status = ntStatusValue(code);
  const win32 = status === undefined ? undefined : win32ForNtStatus(status);
  return win32 !== undefined && e.win32 === win32;
}

/** Expects a raw ioctl()'s [kind, value] to be the status `code` names (its Win32 code through the bridge). */
export function expectStatus(kind: number, value: number, code: string): void {
  if (reportsWin32() && kind === StatusKind.Win32) {
    const status = ntStatusValue(code);
    const win32 = status === undefined ? undefined : win32ForNtStatus(status);
    if (win32 !== undefined && value === win32) return;
  }
  expect(statusName(kind, value)).toBe(code);
}

/** Runs `fn`, expects a KsError with `code`, and returns it. */
export function expectKsError(fn: () => unknown, code: string): KsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a KsError ${code}`).toBeInstanceOf(KsError);
  if (!sameFailure(caught as KsError, code)) expect((caught as KsError).code).toBe(code);
  return caught as KsError;
}

/** `fn` throws ERR_MALFORMED_REPLY for `operation`, whose message after the operation is exactly `message`. */
export function expectMalformedReply(fn: () => unknown, operation: string, message: string): KsError {
  const e = expectKsError(fn, 'ERR_MALFORMED_REPLY');
  expect(e.operation).toBe(operation);
  expect(e.message).toBe(`${operation}: ${message}`);
  return e;
}

export async function expectKsRejection(promise: Promise<unknown>, code: string): Promise<KsError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a rejection with KsError ${code}`).toBeInstanceOf(KsError);
  if (!sameFailure(caught as KsError, code)) expect((caught as KsError).code).toBe(code);
  return caught as KsError;
}

/**
 * Closes the pin (even iterations) or its filter (odd) while `pending` waits
 * for a frame; resolves to 'frame' (one already captured may still be handed
 * out) or the rejection's code.
 */
export async function closeWhilePending(pending: Promise<unknown>, pin: { close(): void }, filter: { close(): void }, iteration: number): Promise<string> {
  if (iteration % 2 === 0) pin.close();
  else filter.close();
  return pending.then(
    () => 'frame',
    (e: { code: string }) => e.code,
  );
}

/**
 * The emulator's default audio capture signal, written out here as the oracle (not taken from the package): byte k
 * of sample frame n is byte (k mod 8) of n as a little-endian 64-bit integer. Checks `data` (whole sample frames of
 * `blockAlign` bytes) from sample frame `first` on, throwing at the first byte that differs with the index it holds
 * instead; returns the sample frame after the last.
 */
export function expectIndexSignal(data: Uint8Array, first: number, blockAlign: number, what = 'data'): number {
  if (data.byteLength % blockAlign !== 0) throw new Error(`${what}: ${data.byteLength} bytes is not a whole number of ${blockAlign}-byte sample frames`);
  const frames = data.byteLength / blockAlign;
  for (let f = 0; f < frames; f++) {
    const n = first + f; // a safe integer
    const low = n >>> 0; // bytes 0..3 of n
    const high = Math.floor(n / 0x100000000) >>> 0; // bytes 4..7
    for (let k = 0; k < blockAlign; k++) {
      const b = k % 8;
      const expected = b < 4 ? (low >>> (8 * b)) & 0xff : (high >>> (8 * (b - 4))) & 0xff;
      const at = f * blockAlign + k;
      if (data[at] !== expected) {
        const held = blockAlign >= 4 ? ` (the frame holds index ${Buffer.from(data.buffer, data.byteOffset + f * blockAlign, 4).readUInt32LE(0)}, low 32 bits)` : '';
        throw new Error(`${what}: sample frame ${first + f}, byte ${k}: ${data[at]}, expected ${expected}${held}`);
      }
    }
  }
  return first + frames;
}

/** Defines virtual devices for the calling test file, each removed after the test that defined it. */
export function virtualDevices(): (
  name: string,
  categories: VirtualDeviceDefinition['categories'],
  pins: VirtualDeviceDefinition['pins'],
  properties?: VirtualDeviceDefinition['properties'],
  topology?: VirtualDeviceDefinition['topology'],
) => VirtualDevice {
  const defined: VirtualDevice[] = [];
  afterEach(() => {
    for (const d of defined.splice(0)) d.remove();
  });
  return (name, categories, pins, properties = [], topology = undefined) => {
    const device = defineVirtualDevice({ name, categories, pins, properties, topology });
    defined.push(device);
    return device;
  };
}
