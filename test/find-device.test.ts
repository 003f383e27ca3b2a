// findDevice()'s matching rules (lib/objects/devices.ts) over virtual devices named in the test, left unchecked at
// their edges by the first Stryker run over lib/objects: a path (any case) first, then one exact friendly name (any
// case, the query trimmed), where several devices share the exact name those alone are the ambiguous matches, then a
// part of the name; an ambiguous or unknown name is a KsError listing what there is.
import { afterEach, describe, expect, it } from 'vitest';
import { defineVirtualDevice, findDevice, KsError, listDevices, type VirtualDevice } from '../lib/index';

const defined: VirtualDevice[] = [];
afterEach(() => {
  for (const d of defined.splice(0)) d.remove();
});

function device(name: string): VirtualDevice {
  const d = defineVirtualDevice({ name, categories: ['AUDIO'], pins: [] });
  defined.push(d);
  return d;
}

function caught(f: () => unknown): KsError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KsError);
    return e as KsError;
  }
  throw new Error('expected a KsError');
}

// Virtual devices live in the in-process emulator, whatever the lane: every search here names that backend (on Windows,
// the Wine lane, the default backend is windows, which has no virtual device).
const EMULATOR = { backend: 'emulator' } as const;

describe('findDevice()', () => {
  it('refuses a name that is not a non-empty string', () => {
    const message = 'name must be a device path or (part of) a friendly name: a non-empty string';
    for (const bad of ['', '   ', 5 as unknown as string, undefined as unknown as string]) {
      expect(() => findDevice(bad, EMULATOR)).toThrow(new TypeError(message));
    }
  });

  it('finds a device by its path in any case, and by its exact name in any case with the query trimmed', () => {
    const one = device('Zeta Probe');
    const two = device('Zeta Probe Two');
    expect(findDevice(one.path.toUpperCase(), EMULATOR).path).toBe(one.path);
    // "zeta probe" is also a part of "Zeta Probe Two": the exact name wins.
    expect(findDevice('zeta probe', EMULATOR).path).toBe(one.path);
    expect(findDevice('  ZETA PROBE TWO \t', EMULATOR).path).toBe(two.path);
    // A part of one name only.
    expect(findDevice('probe two', EMULATOR).path).toBe(two.path);
  });

  it('a part of several names is ERR_DEVICE_AMBIGUOUS listing each match with its path', () => {
    const one = device('Zeta Probe');
    const two = device('Zeta Probe Two');
    const e = caught(() => findDevice('eta prob', EMULATOR));
    expect(e.code).toBe('ERR_DEVICE_AMBIGUOUS');
    expect(e.operation).toBe('find device');
    expect(e.details.matches).toEqual([
      { friendlyName: 'Zeta Probe', path: one.path },
      { friendlyName: 'Zeta Probe Two', path: two.path },
    ]);
    expect(e.message).toBe(
      `find device: "eta prob" matches 2 devices: "Zeta Probe" (${one.path}), "Zeta Probe Two" (${two.path}); give more of the name, or the path`,
    );
  });

  it('several devices with the same exact name are the only matches, not the names that contain it', () => {
    const a = device('Zeta Twin');
    const b = device('zeta twin');
    device('Zeta Twin Extra');
    const e = caught(() => findDevice('ZETA TWIN', EMULATOR));
    expect(e.code).toBe('ERR_DEVICE_AMBIGUOUS');
    expect(e.details.matches).toEqual([
      { friendlyName: 'Zeta Twin', path: a.path },
      { friendlyName: 'zeta twin', path: b.path },
    ]);
  });

  it('an unknown name is ERR_DEVICE_NOT_FOUND naming the backend and every device it has', () => {
    device('Zeta Probe');
    const all = listDevices(EMULATOR);
    expect(all.some((d) => d.friendlyName === 'Zeta Probe')).toBe(true);
    const e = caught(() => findDevice('no such zeta', EMULATOR));
    expect(e.code).toBe('ERR_DEVICE_NOT_FOUND');
    expect(e.operation).toBe('find device');
    expect(e.details.devices).toEqual(all.map((d) => ({ friendlyName: d.friendlyName, path: d.path })));
    expect(e.message).toBe(`find device: no device named "no such zeta" (the emulator backend has: ${all.map((d) => `"${d.friendlyName}"`).join(', ')})`);
  });

  it('with no device in the category searched, the list reads "none"', () => {
    // A category GUID made up here: no device registers under it.
    const e = caught(() => findDevice('anything', { ...EMULATOR, category: '{0E0E0E0E-1234-5678-9ABC-DEF012345678}' }));
    expect(e.code).toBe('ERR_DEVICE_NOT_FOUND');
    expect(e.details.devices).toEqual([]);
    expect(e.message).toBe('find device: no device named "anything" (the emulator backend has: none)');
  });
});
