// Real KS devices, on Windows only (npm run test:devices). The suite skips —
// it does not pass — where there is no such device (Linux, Wine, CI runners).
// Each device is opened, every pin factory read, and where a pin takes a
// format built from its first range: a pin instance, its framing, and an
// allocator through KsCreateAllocator2 where it is exported.
import { describe, expect, it } from 'vitest';
import { capabilities, formatForRange, KsError, listDevices, openFilter, type DeviceInfo } from '../../lib/index';

function realDevices(): DeviceInfo[] {
  if (process.platform !== 'win32' || !capabilities({ backend: 'windows' }).available.windows) return [];
  return listDevices({ backend: 'windows' }).filter((d) => ['AUDIO', 'VIDEO'].some((c) => d.categories.includes(c)));
}

const devices = realDevices();

// A pin create or allocator refused because another client holds the device (audiodg.exe on an endpoint it uses:
// STATUS_INVALID_DEVICE_STATE → ERROR_BAD_COMMAND, PortAudio's "occupied by another application"; a device busy or
// opened exclusively elsewhere). Any other failure fails the test.
const IN_USE = new Set(['ERROR_BAD_COMMAND', 'STATUS_INVALID_DEVICE_STATE', 'ERROR_BUSY', 'STATUS_DEVICE_BUSY', 'ERROR_SHARING_VIOLATION']);

describe.skipIf(devices.length === 0)(`real KS devices (${devices.length} here)`, () => {
  for (const device of devices) {
    it(`reads every pin of ${device.friendlyName}`, () => {
      using filter = openFilter(device.path, { backend: 'windows' });
      const pins = filter.pins();
      expect(pins.length).toBe(filter.pinCount());
      for (const pin of pins) {
        expect(['in', 'out']).toContain(pin.dataFlow);
        expect(pin.instances.possible).toBeGreaterThanOrEqual(0);
      }
    });

    it(`creates a pin and an allocator on ${device.friendlyName} where the device allows`, (context) => {
      using filter = openFilter(device.path, { backend: 'windows' });
      const v2 = capabilities({ backend: 'windows' }).entryPoints.KsCreateAllocator2;
      const busy: string[] = [];
      for (const info of filter.pins()) {
        if (info.communication !== 'sink' && info.communication !== 'both') continue;
        const format = info.dataRanges.map(formatForRange).find((f) => f !== undefined);
        if (!format || info.instances.current >= info.instances.possible) continue;
        try {
          using pin = filter.createPin({ pinId: info.pinId, dataFormat: format });
          const framing = pin.allocatorFraming();
          using allocator = pin.createAllocator(framing.toCreateRequest());
          expect(allocator.createdWith).toBe(v2 ? 'KsCreateAllocator2' : 'KsCreateAllocator');
          expect(allocator.status().allocatedFrames).toBe(0);
          return;
        } catch (e) {
          // Only a device in use elsewhere is a reason to try the next pin; anything else is a failure.
          if (!(e instanceof KsError) || !IN_USE.has(e.code)) throw e;
          busy.push(`pin ${info.pinId}: ${e.code}`);
        }
      }
      context.skip(busy.length ? `every pin is in use elsewhere (${busy.join(', ')})` : 'no sink pin takes a format from its ranges here');
    });
  }
});
