// Device profiles recorded on Windows, replayed anywhere (issue 15), with the Windows side real: through the bridge
// (scripts/test-bridge.sh, KS_TEST_BACKEND=windows), recordProfile() reads every bridged device through the Windows
// backend -- SetupAPI, DeviceIoControl, Win32 statuses, Wine's ways with size queries -- against the kernel driver, and
// writes the documents into KS_BRIDGE_PROFILES. Then, on the host (the Linux node, KS_BRIDGE_PROFILES_REPLAY naming
// that folder), each document is replayed on the emulator and must show `inspect --json` the same surface as the
// emulated device it was recorded from. Outside those two runs the file has nothing to do and says so.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { listDevices, loadProfile, parseProfile, recordProfile } from '../lib/index';
import { expectSameSurface } from './profile-surface';
import { throughBridge } from './test-backend';

const recordInto = process.env.KS_BRIDGE_PROFILES;
const replayFrom = process.env.KS_BRIDGE_PROFILES_REPLAY;
const fileName = (friendlyName: string) => `${friendlyName.replace(/[^A-Za-z0-9]+/g, '-')}.json`;

describe.runIf(throughBridge() && recordInto)('profiles recorded through the Windows backend against the bridge', () => {
  it('records every bridged device, a WaveRT wave filter together with its topology filter', () => {
    fs.mkdirSync(recordInto!, { recursive: true });
    const devices = listDevices({ backend: 'windows' });
    expect(devices.length).toBeGreaterThanOrEqual(10);
    for (const device of devices) {
      const document = recordProfile(device, { backend: 'windows' });
      expect(document.recordedWith).toMatchObject({ backend: 'windows', platform: 'win32' });
      expect(document.filters[0].friendlyName).toBe(device.friendlyName);
      // Refusals come back as DeviceIoControl reports them on Windows: Win32 codes.
      expect(document.filters[0].requests.some((r) => r.reply.status.scheme === 'win32'), device.friendlyName).toBe(true);
      // The WaveRT endpoints' wave and topology filters name each other through PHYSICALCONNECTION.
      if (/WaveRT/.test(device.friendlyName)) expect(document.filters.map((f) => f.friendlyName).sort()).toHaveLength(2);
      fs.writeFileSync(path.join(recordInto!, fileName(device.friendlyName)), JSON.stringify(document, null, 1));
    }
  });
});

describe.runIf(!throughBridge() && replayFrom)('profiles recorded through the bridge, replayed on the emulator', () => {
  it('shows inspect --json the same surface as each emulated original', async () => {
    const originals = listDevices({ backend: 'emulator' }).filter((d) => d.path.includes('#0'));
    expect(originals.length).toBeGreaterThanOrEqual(10);
    for (const device of originals) {
      const file = path.join(replayFrom!, fileName(device.friendlyName));
      expect(fs.existsSync(file), `${file}: recorded through the bridge`).toBe(true);
      const document = parseProfile(JSON.parse(fs.readFileSync(file, 'utf8')));
      expect(document.recordedWith.backend).toBe('windows');
      using loaded = loadProfile(document);
      await expectSameSurface(device, document, loaded);
    }
  });
});
