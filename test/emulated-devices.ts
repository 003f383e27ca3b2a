// Helpers for the emulator's render and video devices (test/helpers.ts has the capture device).
import { listDevices, openFilter, type KsFilter } from '../lib/index';

function pathOf(name: string): string {
  const device = listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === name);
  if (!device) throw new Error(`the emulated device "${name}" is missing`);
  return device.path;
}

export const emulatedRenderPath = () => pathOf('KS Emulator Audio Render');
export const emulatedCameraPath = () => pathOf('KS Emulator Video Capture');
export const openRender = (): KsFilter => openFilter(emulatedRenderPath(), { backend: 'emulator' });
export const openCamera = (): KsFilter => openFilter(emulatedCameraPath(), { backend: 'emulator' });

/** The render filter's pins and nodes, as the emulator describes them. */
export const RENDER_PIN = 0;
export const BRIDGE_PIN = 1;
export const VOLUME_NODE = 0;
export const MUTE_NODE = 1;
export const DAC_NODE = 2;
