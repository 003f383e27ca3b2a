/**
 * `kernel-streaming controls <camera> [name=value ...]`: lists a camera's
 * controls (PROPSETID_VIDCAP_VIDEOPROCAMP and _CAMERACONTROL) as a table or
 * JSON, and sets them: `brightness=20`, `focus=auto`. Every setting is checked
 * (name, number, range) before the first one is sent.
 */
import type { DeviceInfo } from '../objects/devices';
import { openFilter } from '../objects/filter';
import { CAMERA_CONTROL_NAMES, type CameraControl, type CameraControlName } from '../objects/camera-controls';
import type { Output } from './inspect-command';

export interface ControlSetting {
  name: CameraControlName;
  value: number | 'auto';
}

/** Parses `name=value` (an integer or `auto`); throws RangeError naming what is wrong. */
export function parseControlSetting(text: string): ControlSetting {
  const m = /^([A-Za-z]+)=(.*)$/.exec(text);
  if (!m) throw new RangeError(`a setting is name=value (brightness=20, focus=auto), got "${text}"`);
  const name = CAMERA_CONTROL_NAMES.find((n) => n.toLowerCase() === m[1].toLowerCase());
  if (!name) throw new RangeError(`no camera control "${m[1]}": the names are ${CAMERA_CONTROL_NAMES.join(', ')}`);
  const raw = m[2].trim();
  if (raw.toLowerCase() === 'auto') return { name, value: 'auto' };
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new RangeError(`${name} takes a whole number or auto, got "${raw}"`);
  return { name, value: Number(raw) };
}

function row(c: CameraControl): string[] {
  const modes = [c.canManual ? 'manual' : '', c.canAuto ? 'auto' : ''].filter(Boolean).join('/');
  return [c.name, String(c.value), c.mode, `${c.minimum}..${c.maximum}`, String(c.step), c.default === null ? '-' : String(c.default), modes, c.property];
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
}

/** Applies `settings` in order (after checking them all against the device's ranges), then prints the controls. */
export function controls(device: DeviceInfo, settings: ControlSetting[], options: { json?: boolean; node?: number }, io: Output): void {
  using filter = openFilter(device.path, { backend: device.backend });
  const at = options.node === undefined ? undefined : { nodeId: options.node };
  const before = filter.cameraControls(at);
  if (before.length === 0 && !options.json) {
    io.out(`${device.friendlyName} has no camera controls${options.node === undefined ? '' : ` on node ${options.node}`} (PROPSETID_VIDCAP_VIDEOPROCAMP / _CAMERACONTROL)`);
  }
  for (const s of settings) {
    const control = before.find((c) => c.name === s.name);
    if (!control) throw new RangeError(`${device.friendlyName} has no ${s.name} control; it has ${before.map((c) => c.name).join(', ') || 'none'}`);
    if (s.value === 'auto' && !control.canAuto) throw new RangeError(`${s.name} has no automatic mode`);
    if (s.value !== 'auto' && (s.value < control.minimum || s.value > control.maximum)) {
      throw new RangeError(`${s.name} must be within ${control.minimum}..${control.maximum}, got ${s.value}`);
    }
  }
  for (const s of settings) filter.setCameraControl(s.name, s.value, at);
  const after = settings.length > 0 ? filter.cameraControls(at) : before;
  if (options.json) {
    io.out(JSON.stringify({ device: device.friendlyName, path: device.path, node: options.node ?? null, controls: after }, null, 2));
    return;
  }
  if (after.length === 0) return;
  io.out(`${device.friendlyName}${options.node === undefined ? '' : `, node ${options.node}`}:`);
  for (const line of table([['control', 'value', 'mode', 'range', 'step', 'default', 'modes', 'property'], ...after.map(row)])) io.out(`  ${line}`);
}
