// What a client sees of a device, through `inspect --json`, compared between an emulated device and the replay of
// its profile (test/profiles.test.ts records on the emulator; test/bridge-profiles.test.ts through the Windows
// backend against the bridge).
import { expect } from 'vitest';
import { listDevices, type DeviceInfo, type LoadedProfile, type ProfileDocument } from '../lib/index';
import { run } from '../lib/cli/main';

export async function inspectJson(pathOrName: string): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const code = await run(['inspect', pathOrName, '--json', '--backend', 'emulator'], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  expect(code, lines.join('\n')).toBe(0);
  return JSON.parse(lines.join('\n')) as Record<string, unknown>;
}

/** Expects `loaded` (the replay of `document`, recorded from `device`'s twin) to look like the emulated `device`. */
export async function expectSameSurface(device: DeviceInfo, document: ProfileDocument, loaded: LoadedProfile): Promise<void> {
  expect(loaded.devices).toHaveLength(document.filters.length);
  const original = await inspectJson(device.path);
  const replay = await inspectJson(loaded.devices[0].path);
  // The replayed device is another device (its own path and name entry), and the emulator's private
  // diagnostics set is instrumentation, not part of the device: neither is recorded.
  for (const report of [original, replay]) {
    delete report.device;
    report.propertySets = (report.propertySets as string[]).filter((s) => s !== 'EmulatorDiagnostics');
  }
  // A physical connection names the replayed partner, not the original: the partner is found by its friendly name
  // (the document's paths are those of the backend it was recorded on).
  const names = new Map(listDevices({ backend: 'emulator' }).map((d) => [d.path.toLowerCase(), d.friendlyName]));
  const pins = original.pins as { physicalConnection: { path: string; symbolicLink: string } | null }[];
  const replayPins = replay.pins as typeof pins;
  pins.forEach((pin, i) => {
    if (!pin.physicalConnection) return;
    const partnerName = names.get(pin.physicalConnection.path.toLowerCase());
    const partner = document.filters.findIndex((f) => f.friendlyName === partnerName);
    expect(partner, `${device.friendlyName} pin ${i}'s partner is recorded too`).toBeGreaterThan(0);
    expect(replayPins[i].physicalConnection!.path).toBe(loaded.devices[partner].path);
    pin.physicalConnection = replayPins[i].physicalConnection;
  });
  expect(replay, device.friendlyName).toEqual(original);
}
