/**
 * The benchmark hook (bench/run.js): a pin's streaming engine run with no
 * JavaScript in the loop. Kept off the package root: it blocks the calling
 * thread and exists to measure the engine, not to stream.
 */
import { checkInteger } from '../base/validate';
import { callNative, native } from '../addon/binding';
import { nativeIdOf } from '../objects/handle';
import type { KsPin } from '../objects/pin';

export interface NativeLoopOptions {
  /** Render (IOCTL_KS_WRITE_STREAM) instead of capture; default false. */
  write?: boolean;
  /** Packets kept in flight, 1..4096. */
  packets: number;
  /** Bytes per packet, 1..2³⁰. */
  frameSize: number;
  /** Buffer alignment in bytes (a power of two); default 8. */
  alignment?: number;
  /** How long to run, in milliseconds, 1..600000. */
  milliseconds: number;
}

/**
 * Runs `pin`'s streaming engine for `milliseconds`, each completed packet
 * resubmitted at once on the completion thread, and reports what it moved.
 * Blocks the calling thread; the pin must be running.
 */
export function measureNativeLoop(pin: KsPin, options: NativeLoopOptions): { frames: number; bytes: number; seconds: number } {
  const operation = 'measure native loop';
  const id = nativeIdOf(pin, operation);
  const { packets, frameSize, milliseconds } = options;
  const alignment = options.alignment ?? 8;
  checkInteger(packets, 'packets', 1, 4096);
  checkInteger(frameSize, 'frameSize', 1, 0x40000000);
  checkInteger(milliseconds, 'milliseconds', 1, 600000);
  const slotSize = Math.ceil(frameSize / alignment) * alignment;
  const [frames, bytes, seconds] = callNative(operation, () => native.streamNativeSink(id, options.write ?? false, packets, slotSize, alignment, milliseconds));
  return { frames, bytes, seconds };
}
