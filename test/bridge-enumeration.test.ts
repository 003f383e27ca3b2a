// The bridge's filters as the Windows backend finds them: SetupAPI device
// interfaces registered by ksbridge-server.exe, one per KS category, linked by
// ksbridge.sys under each interface's exact name (scripts/test-bridge.sh).
// Runs only through the bridge (KS_TEST_BACKEND=windows).
import { afterEach, describe, expect, it } from 'vitest';
import { listDevices, openFilter, openHandleCount } from '../lib/index';
import { throughBridge } from './test-backend';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

describe.runIf(throughBridge())('the bridge through SetupAPI', () => {
  it('lists every emulated device once, with all its categories merged from its aliases, and its friendly name', () => {
    const emulated = listDevices({ backend: 'emulator' });
    const bridged = listDevices({ backend: 'windows' });
    for (const device of emulated) {
      const found = bridged.filter((d) => d.friendlyName === device.friendlyName);
      // Windows registers one interface per category; listDevices() merges a device's
      // aliases (SetupDiGetDeviceInterfaceAlias) into one entry, as the emulator lists it.
      expect(found.length, device.friendlyName).toBe(1);
      for (const d of found) {
        expect(d.path).toMatch(/^\\\\\?\\root#ksbridge#\d{4}#\{[0-9a-f-]{36}\}$/);
        expect(d.instanceId).toMatch(/^ROOT\\KSBRIDGE\\\d{4}$/);
        // SetupDiGetDeviceInterfaceAlias's answer: the same device's interfaces in the other classes.
        expect([...d.categories].sort()).toEqual([...device.categories].sort());
      }
    }
    expect(listDevices({ category: 'CAPTURE', backend: 'windows' }).map((d) => d.friendlyName).sort()).toEqual(
      listDevices({ category: 'CAPTURE', backend: 'emulator' }).map((d) => d.friendlyName).sort(),
    );
  });

  it('opens each listed path with CreateFile and reaches the emulated filter behind it', () => {
    for (const device of listDevices({ backend: 'windows' })) {
      const twin = listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === device.friendlyName)!;
      using bridged = openFilter(device.path, { backend: 'windows' });
      using local = openFilter(twin.path, { backend: 'emulator' });
      expect(bridged.pinCount()).toBe(local.pinCount());
    }
  });
});
