import { expect } from 'vitest';
import { KsError, listDevices, openFilter, pcmFormat, type KsFilter } from '../lib/index';

/** The emulator's virtual audio capture device. */
export function emulatedCapturePath(): string {
  const device = listDevices({ category: 'CAPTURE', backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator Audio Capture');
  if (!device) throw new Error('the emulated capture device is missing');
  return device.path;
}

export function openCapture(): KsFilter {
  return openFilter(emulatedCapturePath(), { backend: 'emulator' });
}

export const stereo48k = () => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
export const stereo48k24 = () => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 24 });

/** Runs `fn`, expects a KsError with `code`, and returns it. */
export function expectKsError(fn: () => unknown, code: string): KsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a KsError ${code}`).toBeInstanceOf(KsError);
  expect((caught as KsError).code).toBe(code);
  return caught as KsError;
}

export async function expectKsRejection(promise: Promise<unknown>, code: string): Promise<KsError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a rejection with KsError ${code}`).toBeInstanceOf(KsError);
  expect((caught as KsError).code).toBe(code);
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
