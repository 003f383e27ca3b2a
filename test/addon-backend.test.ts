// The backend choice and the native-call wrapper (lib/addon/backend.ts, binding.ts) at the edges Stryker showed
// unchecked: KS_BACKEND read from the environment (set, empty, misspelt), which paths count as emulated, what
// capabilities() says of a backend that cannot run here, and how callNative names the addon's ERR_CLOSED and
// ERR_BACKEND_UNAVAILABLE failures. The failures are the real addon's (a handle id never opened, the Windows backend on
// Linux); the expected KsError text is written here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capabilities, defaultBackend, EMULATED_PATH_PREFIX, KsError } from '../lib/index';
import { isEmulatedPath, resolveBackend } from '../lib/addon/backend';
import { callNative, native } from '../lib/addon/binding';

const onWindows = process.platform === 'win32';

describe('KS_BACKEND', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.KS_BACKEND;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.KS_BACKEND;
    else process.env.KS_BACKEND = saved;
  });

  it('names the default backend when set, whatever is available', () => {
    process.env.KS_BACKEND = 'windows';
    expect(defaultBackend()).toBe('windows');
    expect(resolveBackend(undefined)).toBe('windows');
    process.env.KS_BACKEND = 'emulator';
    expect(defaultBackend()).toBe('emulator');
    // A backend named in the call wins over the environment.
    expect(resolveBackend('windows')).toBe('windows');
  });

  it.skipIf(onWindows)('unset or empty, the default is the emulator where Windows KS is absent', () => {
    delete process.env.KS_BACKEND;
    expect(defaultBackend()).toBe('emulator');
    process.env.KS_BACKEND = '';
    expect(defaultBackend()).toBe('emulator');
  });

  it('a misspelt value is a RangeError naming KS_BACKEND and the two names', () => {
    process.env.KS_BACKEND = 'Emulator';
    expect(() => defaultBackend()).toThrow(new RangeError('KS_BACKEND must be "windows" or "emulator", got "Emulator"'));
    expect(() => resolveBackend('ks')).toThrow(new RangeError('backend must be "windows" or "emulator", got "ks"'));
  });
});

describe('emulated device paths', () => {
  it('start with \\\\?\\ROOT#KSEMULATOR#, in any case', () => {
    // Written out here rather than taken from the export: the prefix is part of the public API.
    expect(EMULATED_PATH_PREFIX).toBe('\\\\?\\ROOT#KSEMULATOR#');
    expect(isEmulatedPath('\\\\?\\ROOT#KSEMULATOR#0001#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\wave')).toBe(true);
    expect(isEmulatedPath('\\\\?\\root#ksemulator#0001#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\wave')).toBe(true);
    // A real device's path, and the prefix anywhere but at the start, are not emulated.
    expect(isEmulatedPath('\\\\?\\USB#VID_046D&PID_0825&MI_00#7&1b2c3d&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global')).toBe(false);
    expect(isEmulatedPath('\\\\?\\USB#VID_046D\\\\?\\ROOT#KSEMULATOR#')).toBe(false);
    expect(isEmulatedPath('')).toBe(false);
  });
});

describe('capabilities', () => {
  it('the emulator has no COM state to report', () => {
    expect(capabilities({ backend: 'emulator' })).toMatchObject({ backend: 'emulator', com: null, deviceNotifications: true, fallbackInUse: false });
  });

  it.skipIf(onWindows)('the Windows backend on Linux: nothing resolved, so creates would fall back, no COM, no notifications', () => {
    expect(native.backendInfo('windows')).toBeNull();
    const caps = capabilities({ backend: 'windows' });
    expect(caps).toEqual({
      backend: 'windows',
      platform: process.platform,
      available: { windows: false, emulator: true },
      entryPoints: {},
      fallbackInUse: true,
      com: null,
      deviceNotifications: false,
    });
  });
});

describe('callNative', () => {
  it('names the addon\'s ERR_CLOSED with the operation (a handle id never opened)', () => {
    let caught: unknown;
    try {
      callNative('read the widget', () => native.ioctl(0x7ffffff0, 0, null, null));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KsError);
    expect(caught).toMatchObject({ code: 'ERR_CLOSED', operation: 'read the widget', message: 'read the widget: the handle is closed' });
  });

  it.skipIf(onWindows)('names ERR_BACKEND_UNAVAILABLE with the operation (the Windows backend on Linux)', () => {
    let caught: unknown;
    try {
      callNative('list the widgets', () => native.enumerate('windows', Buffer.alloc(16)));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KsError);
    expect(caught).toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE', operation: 'list the widgets', message: 'list the widgets: that backend is not available here' });
  });

  it('passes other failures through untouched, and a value through', () => {
    const plain = Object.assign(new Error('odd'), { code: 'ERR_SOMETHING_ELSE' });
    let caught: unknown;
    try {
      callNative('x', () => {
        throw plain;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(plain);
    expect(callNative('x', () => 42)).toBe(42);
  });
});
