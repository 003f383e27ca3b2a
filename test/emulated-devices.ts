// Helpers for the emulator's render and video devices (test/helpers.ts has the capture device).
import { listDevices, openFilter, type KsFilter } from '../lib/index';
import { testBackend } from './test-backend';

const bridgedPaths = new Map<string, string>();

/** The path of the emulated device called `name` on the test backend. */
export function emulatedDevicePath(name: string): string {
  // Through the bridge, SetupAPI enumeration costs ~0.3 s under Wine and the bridge's devices never change during a
  // run: each path is looked up once. The emulator's list is cheap and changes when a test unplugs a device.
  const known = bridgedPaths.get(name);
  if (known !== undefined) return known;
  const device = listDevices({ backend: testBackend() }).find((d) => d.friendlyName === name);
  if (!device) throw new Error(`the emulated device "${name}" is missing`);
  if (testBackend() === 'windows') bridgedPaths.set(name, device.path);
  return device.path;
}

export const emulatedRenderPath = () => emulatedDevicePath('KS Emulator Audio Render');
export const emulatedCameraPath = () => emulatedDevicePath('KS Emulator Video Capture');
export const openRender = (): KsFilter => openFilter(emulatedRenderPath(), { backend: testBackend() });
export const openCamera = (): KsFilter => openFilter(emulatedCameraPath(), { backend: testBackend() });

/** The render filter's pins and nodes, as the emulator describes them. */
export const RENDER_PIN = 0;
export const BRIDGE_PIN = 1;
export const VOLUME_NODE = 0;
export const MUTE_NODE = 1;
export const DAC_NODE = 2;
