// retryNotReady (lib/objects/not-ready-retry.ts), the pin create's retry while a device is not ready yet, against a
// create written in the test that fails as many times as the case says. The first Stryker run over lib/objects left
// its policy checks and its attempt count unchecked at their edges. delayMs is 0 where the count is what is checked
// (the default policy's 200 ms waits, 0.8 s in all, run in one case).
import { describe, expect, it } from 'vitest';
import { KsError, StatusKind } from '../lib/index';
import { isNotReady, retryNotReady } from '../lib/objects/not-ready-retry';

// ERROR_NOT_READY 21 (winerror.h); STATUS_DEVICE_NOT_READY 0xC00000A3 maps to it (KB113996); HRESULT_FROM_WIN32(21)
// = 0x80070015.
const notReady = () => KsError.fromStatus(StatusKind.Win32, 21, 'create pin');

/** A create that fails with `failure()` `failures` times, then returns 'pin'; `calls()` counts its calls. */
function flaky(failures: number, failure: () => unknown = notReady) {
  let n = 0;
  return {
    create: () => {
      n++;
      if (n <= failures) throw failure();
      return 'pin';
    },
    calls: () => n,
  };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('isNotReady', () => {
  it('is Win32 21 in any scheme, and only from a KsError', () => {
    expect(isNotReady(notReady())).toBe(true);
    expect(isNotReady(KsError.fromStatus(StatusKind.NtStatus, 0xc00000a3, 'create pin'))).toBe(true);
    expect(isNotReady(KsError.fromStatus(StatusKind.HResult, 0x80070015, 'create pin'))).toBe(true);
    expect(isNotReady(KsError.fromStatus(StatusKind.Win32, 22, 'create pin'))).toBe(false);
    expect(isNotReady(KsError.fromStatus(StatusKind.NtStatus, 0xc0000184, 'create pin'))).toBe(false);
    expect(isNotReady(Object.assign(new Error('not ready'), { win32: 21 }))).toBe(false);
    expect(isNotReady(undefined)).toBe(false);
  });
});

describe('retryNotReady', () => {
  it('tries again while not ready, up to `attempts` calls in all', () => {
    const ok = flaky(2);
    expect(retryNotReady(ok.create, { attempts: 3, delayMs: 0 })).toBe('pin');
    expect(ok.calls()).toBe(3);
    // Two failures with two attempts: the second failure is thrown, no third call.
    const out = flaky(2);
    const e = thrown(() => retryNotReady(out.create, { attempts: 2, delayMs: 0 }));
    expect(e).toBeInstanceOf(KsError);
    expect((e as KsError).code).toBe('ERROR_NOT_READY');
    expect(out.calls()).toBe(2);
  });

  it('throws any other failure at once', () => {
    const other = flaky(1, () => KsError.fromStatus(StatusKind.NtStatus, 0xc0000184, 'create pin'));
    expect((thrown(() => retryNotReady(other.create, { attempts: 5, delayMs: 0 })) as KsError).code).toBe('STATUS_INVALID_DEVICE_STATE');
    expect(other.calls()).toBe(1);
  });

  it('false is one attempt; no policy is 5 attempts (the default), and so is an empty one', () => {
    const once = flaky(1);
    expect(thrown(() => retryNotReady(once.create, false))).toBeInstanceOf(KsError);
    expect(once.calls()).toBe(1);
    const byDefault = flaky(10);
    expect(thrown(() => retryNotReady(byDefault.create, undefined))).toBeInstanceOf(KsError);
    expect(byDefault.calls()).toBe(5);
    // { delayMs: 0 } takes the default attempts (5); { attempts: 1 } and {} take the default delay (a policy that
    // lost its defaults would refuse them: undefined is no integer).
    const empty = flaky(4);
    expect(retryNotReady(empty.create, { delayMs: 0 })).toBe('pin');
    expect(empty.calls()).toBe(5);
    const defaultDelay = flaky(0);
    expect(retryNotReady(defaultDelay.create, { attempts: 1 })).toBe('pin');
    expect(retryNotReady(flaky(0).create, {})).toBe('pin');
  });

  it('refuses a policy that is neither an object nor false, and attempts or delayMs out of range, by name', () => {
    const message = 'notReadyRetry must be { attempts?, delayMs? } or false';
    for (const bad of [null, 5, 'x', true]) {
      expect(() => retryNotReady(flaky(0).create, bad as never)).toThrow(new TypeError(message));
    }
    expect(() => retryNotReady(flaky(0).create, { attempts: 0 })).toThrow(new RangeError('notReadyRetry.attempts must be an integer in 1..20, got 0'));
    expect(() => retryNotReady(flaky(0).create, { attempts: 21 })).toThrow(new RangeError('notReadyRetry.attempts must be an integer in 1..20, got 21'));
    expect(() => retryNotReady(flaky(0).create, { delayMs: -1 })).toThrow(new RangeError('notReadyRetry.delayMs must be an integer in 0..10000, got -1'));
    expect(() => retryNotReady(flaky(0).create, { delayMs: 10_001 })).toThrow(
      new RangeError('notReadyRetry.delayMs must be an integer in 0..10000, got 10001'),
    );
  });
});
