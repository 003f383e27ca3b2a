// Helpers for the emulator's render and video devices (test/helpers.ts has the capture device).
import { listDevices, openFilter, type KsFilter } from '../lib/index';
import { testBackend } from './test-backend';

function pathOf(name: string): string {
  const device = listDevices({ backend: testBackend() }).find((d) => d.friendlyName === name);
  if (!device) throw new Error(`the emulated device "${name}" is missing`);
  return device.path;
}

export const emulatedRenderPath = () => pathOf('KS Emulator Audio Render');
export const emulatedCameraPath = () => pathOf('KS Emulator Video Capture');
export const openRender = (): KsFilter => openFilter(emulatedRenderPath(), { backend: testBackend() });
export const openCamera = (): KsFilter => openFilter(emulatedCameraPath(), { backend: testBackend() });

/** The render filter's pins and nodes, as the emulator describes them. */
export const RENDER_PIN = 0;
export const BRIDGE_PIN = 1;
export const VOLUME_NODE = 0;
export const MUTE_NODE = 1;
export const DAC_NODE = 2;
