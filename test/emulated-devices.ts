// Helpers for the emulator's render and video devices (test/helpers.ts has the capture device).
import { listDevices, openFilter, setEmulatedDevicePresent, type KsFilter } from '../lib/index';
import { testBackend, throughBridge } from './test-backend';

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

/** KSPROPSETID_BridgeControl (native/windows-bridge/bridge_protocol.h): the bridge server's own controls. */
const BRIDGE_CONTROL = '{C92C19C3-9487-49A8-87AA-4481E29CF56E}';
const BRIDGE_DEVICE_PRESENT = 1;

/**
 * Plugs an emulated device in or pulls it out, as a surprise removal: the in-process emulator's control, or through
 * the bridge the server's (a property only the bridge server answers, sent to the bridge's System Clock device,
 * which is never pulled out).
 */
export function setDevicePresent(path: string, present: boolean): void {
  if (!throughBridge()) {
    setEmulatedDevicePresent(path, present);
    return;
  }
  const index = /#(\d{4})#\{/.exec(path);
  if (!index) throw new Error(`not a bridge device path: ${path}`);
  const value = Buffer.alloc(8);
  value.writeUInt32LE(Number(index[1]), 0); // KSB_DEVICE_PRESENT.deviceIndex
  value.writeUInt32LE(present ? 1 : 0, 4); // .present
  const control = openFilter(emulatedDevicePath('KS Emulator System Clock'), { backend: 'windows' });
  try {
    control.setProperty(BRIDGE_CONTROL, BRIDGE_DEVICE_PRESENT, value);
  } finally {
    control.close();
  }
}

/** The render filter's pins and nodes, as the emulator describes them. */
export const RENDER_PIN = 0;
export const BRIDGE_PIN = 1;
export const VOLUME_NODE = 0;
export const MUTE_NODE = 1;
export const DAC_NODE = 2;
