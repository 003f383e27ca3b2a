/**
 * Pin creates that fail because the device is not ready yet (ERROR_NOT_READY,
 * STATUS_DEVICE_NOT_READY, HRESULT 0x80070015) are tried again: cameras
 * refuse them for a moment after they arrive or wake. GStreamer's KS source
 * retries 5 times, 1 s apart. createPin() is synchronous, so waiting blocks
 * the calling thread: the default policy is 5 attempts 200 ms apart (at most
 * 0.8 s of waiting), and createPin's `notReadyRetry` option changes it.
 */
import { KsError } from '../base/errors';
import { checkInteger } from '../base/validate';

export interface NotReadyRetry {
  /** Attempts in all, the first included (1 = no retry). Default 5. */
  attempts?: number;
  /** Milliseconds between attempts. Default 200. */
  delayMs?: number;
}

export const DEFAULT_NOT_READY_RETRY: Required<NotReadyRetry> = { attempts: 5, delayMs: 200 };

/** Whether `e` says the device is not ready (Win32 21 in any scheme). */
export function isNotReady(e: unknown): boolean {
  return e instanceof KsError && e.win32 === 21;
}

/** Blocks the thread for `ms` (no busy loop; Atomics.wait works on Node's main thread). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `create`, again after `delayMs` while it fails with "not ready", up to `attempts` times in all. */
export function retryNotReady<T>(create: () => T, policy: NotReadyRetry | false | undefined): T {
  const { attempts, delayMs } = resolvePolicy(policy);
  for (let attempt = 1; ; attempt++) {
    try {
      return create();
    } catch (e) {
      if (!isNotReady(e) || attempt >= attempts) throw e;
    }
    sleep(delayMs);
  }
}

function resolvePolicy(policy: NotReadyRetry | false | undefined): Required<NotReadyRetry> {
  if (policy === false) return { attempts: 1, delayMs: 0 };
  if (policy === undefined) return DEFAULT_NOT_READY_RETRY;
  if (policy === null || typeof policy !== 'object') throw new TypeError('notReadyRetry must be { attempts?, delayMs? } or false');
  return {
    attempts: checkInteger(policy.attempts ?? DEFAULT_NOT_READY_RETRY.attempts, 'notReadyRetry.attempts', 1, 20),
    delayMs: checkInteger(policy.delayMs ?? DEFAULT_NOT_READY_RETRY.delayMs, 'notReadyRetry.delayMs', 0, 10_000),
  };
}
