// Virtual devices a test file defines to script a driver, and the filters it opens on them: removed and closed after
// each test, which must leave no handle open.
import { afterEach, expect } from 'vitest';
import { defineVirtualDevice, openFilter, openHandleCount, type KsFilter, type VirtualDevice, type VirtualDeviceDefinition } from '../lib/index';

export function scriptedDevices(): { define: (definition: VirtualDeviceDefinition) => VirtualDevice; open: (definition: VirtualDeviceDefinition) => KsFilter } {
  const devices: VirtualDevice[] = [];
  const filters: KsFilter[] = [];
  afterEach(() => {
    for (const f of filters.splice(0)) f.close();
    for (const d of devices.splice(0)) d.remove();
    expect(openHandleCount()).toBe(0);
  });
  const define = (definition: VirtualDeviceDefinition) => {
    const device = defineVirtualDevice(definition);
    devices.push(device);
    return device;
  };
  const open = (definition: VirtualDeviceDefinition) => {
    const filter = openFilter(define(definition).path, { backend: 'emulator' });
    filters.push(filter);
    return filter;
  };
  return { define, open };
}
