/**
 * Camera controls: PROPSETID_VIDCAP_VIDEOPROCAMP (brightness, contrast, ...,
 * white balance, gain, power-line frequency: a UVC processing unit) and
 * PROPSETID_VIDCAP_CAMERACONTROL (pan, tilt, zoom, exposure, focus, ...: the
 * camera terminal), on the filter through KSPROPERTY_VIDEOPROCAMP_S /
 * KSPROPERTY_CAMERACONTROL_S — KSPROPERTY + LONG Value + ULONG Flags + ULONG
 * Capabilities, padded to 40 bytes (KSPROPERTY is 8-byte aligned; the Frame
 * Server refuses the unpadded 36-byte form) — or on a topology node through
 * the _NODE_S forms (a KSP_NODE first, 32 + 12 padded to 48 bytes,
 * KSPROPERTY_TYPE_TOPOLOGY). Ranges come from KSPROPERTY_TYPE_BASICSUPPORT
 * (a KSPROPERTY_DESCRIPTION, then KSPROPERTY_MEMBERSHEADER lists: a
 * KSPROPERTY_STEPPING_LONG range, a default value), defaults also from
 * KSPROPERTY_TYPE_DEFAULTVALUES (0x10000), as ksproxy's IAMVideoProcAmp /
 * IAMCameraControl GetRange reads them. Replies are read as untrusted input.
 */
import { KsError, NTSTATUS_TO_WIN32, statusOk } from '../base/errors';
import { IOCTL_KS, KSPROPERTY_TYPE } from '../structs/constants';
import { encodeIdentifier } from '../structs/request';
import type { Guid } from '../structs/guid';
import { checkUint32 } from '../base/validate';
import { isAbsent } from './topology';
import type { KsHandle } from './handle';
import type { StatusTriple } from '../addon/binding';

/** PROPSETID_VIDCAP_*: the camera control property sets (ksmedia.h). */
export const PROPSETID_VIDCAP = {
  VIDEOPROCAMP: '{C6E13360-30AC-11D0-A18C-00A0C9118956}',
  CAMERACONTROL: '{C6E13370-30AC-11D0-A18C-00A0C9118956}',
} as const satisfies Record<string, Guid>;

/** KSPROPERTY_TYPE_DEFAULTVALUES: asks for a property's default-value member lists. */
export const KSPROPERTY_TYPE_DEFAULTVALUES = 0x10000;
/** KSPROPERTY_VIDEOPROCAMP_FLAGS_* / KSPROPERTY_CAMERACONTROL_FLAGS_* (Flags and Capabilities bits). */
export const CAMERA_CONTROL_FLAGS = { AUTO: 0x1, MANUAL: 0x2, ASYNCHRONOUS: 0x4, RELATIVE: 0x10 } as const;
/** sizeof(KSPROPERTY_VIDEOPROCAMP_S) = sizeof(KSPROPERTY_CAMERACONTROL_S); the _NODE_S forms are 48 (44 padded to 8 bytes). */
export const KSPROPERTY_VIDEOPROCAMP_S_SIZE = 40;
export const KSPROPERTY_VIDEOPROCAMP_NODE_S_SIZE = 48;

const PROCAMP_IDS = {
  brightness: 0, contrast: 1, hue: 2, saturation: 3, sharpness: 4, gamma: 5, colorEnable: 6, whiteBalance: 7,
  backlightCompensation: 8, gain: 9, digitalMultiplier: 10, digitalMultiplierLimit: 11, powerlineFrequency: 13,
} as const;
// The *_RELATIVE ids, PANTILT and FOCAL_LENGTH use other value structs and are left out.
const CAMERA_IDS = { pan: 0, tilt: 1, roll: 2, zoom: 3, exposure: 4, iris: 5, focus: 6, scanMode: 7, privacy: 8 } as const;

export type CameraControlName = keyof typeof PROCAMP_IDS | keyof typeof CAMERA_IDS;

interface ControlKey {
  name: CameraControlName;
  set: Guid;
  id: number;
  /** KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, KSPROPERTY_CAMERACONTROL_FOCUS, ... */
  property: string;
}

const sdkName = (name: string) => name.replace(/([A-Z])/g, '_$1').toUpperCase();
const CONTROLS: ControlKey[] = [
  ...Object.entries(PROCAMP_IDS).map(([name, id]) => ({ name: name as CameraControlName, set: PROPSETID_VIDCAP.VIDEOPROCAMP, id, property: `KSPROPERTY_VIDEOPROCAMP_${sdkName(name)}` })),
  ...Object.entries(CAMERA_IDS).map(([name, id]) => ({ name: name as CameraControlName, set: PROPSETID_VIDCAP.CAMERACONTROL, id, property: `KSPROPERTY_CAMERACONTROL_${sdkName(name)}` })),
];
// The SDK spells two of them differently from the camelCase split.
for (const c of CONTROLS) {
  if (c.name === 'whiteBalance') c.property = 'KSPROPERTY_VIDEOPROCAMP_WHITEBALANCE';
  if (c.name === 'scanMode') c.property = 'KSPROPERTY_CAMERACONTROL_SCANMODE';
  if (c.name === 'colorEnable') c.property = 'KSPROPERTY_VIDEOPROCAMP_COLORENABLE';
}

/** The names `cameraControl()` and `setCameraControl()` take, video-proc-amp ones first. */
export const CAMERA_CONTROL_NAMES: readonly CameraControlName[] = CONTROLS.map((c) => c.name);

/** One control as the device reports it. */
export interface CameraControl {
  /** brightness, contrast, ..., zoom, exposure, focus, ... */
  name: CameraControlName;
  /** The SDK's name for the property: KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, KSPROPERTY_CAMERACONTROL_FOCUS, ... */
  property: string;
  /** PROPSETID_VIDCAP_VIDEOPROCAMP or PROPSETID_VIDCAP_CAMERACONTROL. */
  set: Guid;
  /** The property id in its set. */
  id: number;
  /** The topology node asked (the _NODE_S form), or null for the filter. */
  nodeId: number | null;
  /** The range (KSPROPERTY_STEPPING_LONG Bounds, or KSPROPERTY_BOUNDS_LONG) and its SteppingDelta (1 for a plain range). */
  minimum: number;
  maximum: number;
  step: number;
  /** The default (the KSPROPERTY_MEMBER_FLAG_DEFAULT value list, from BASICSUPPORT or DEFAULTVALUES); null when the driver gives none. */
  default: number | null;
  /** Value: the current value (in auto mode, what the device's automation chose). */
  value: number;
  /** Flags: 'auto' (FLAGS_AUTO) or 'manual'. */
  mode: 'auto' | 'manual';
  /** Capabilities: whether the control can be automatic (FLAGS_AUTO) and set by hand (FLAGS_MANUAL). */
  canAuto: boolean;
  canManual: boolean;
  /** Flags and Capabilities as the driver gave them. */
  flags: number;
  capabilities: number;
}

export interface CameraControlOptions {
  /** A topology node (KSNODETYPE_VIDEO_PROCESSING, _CAMERA_TERMINAL) to address through KSP_NODE; default the filter. */
  nodeId?: number;
}

function controlKey(name: unknown): ControlKey {
  const key = CONTROLS.find((c) => c.name === name);
  if (!key) throw new RangeError(`camera control must be one of ${CAMERA_CONTROL_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  return key;
}

function nodeOf(options: CameraControlOptions | undefined): number | null {
  if (options === undefined || options === null) return null;
  if (typeof options !== 'object') throw new TypeError('options must be { nodeId? }');
  return options.nodeId === undefined ? null : checkUint32(options.nodeId, 'nodeId');
}

/** KSPROPERTY_*_S (40 bytes) or _NODE_S (48) with `flags`, Value and Flags filled in; Capabilities and the padding 0. */
function encodeRequest(key: ControlKey, typeFlags: number, node: number | null, value = 0, flags = 0): { bytes: Buffer; valueAt: number } {
  // After the KSPROPERTY: [NodeId, Reserved,] Value, Flags, Capabilities, padding to 8 bytes.
  const valueAt = node === null ? 24 : 32;
  const extra = Buffer.alloc((node === null ? KSPROPERTY_VIDEOPROCAMP_S_SIZE : KSPROPERTY_VIDEOPROCAMP_NODE_S_SIZE) - 24);
  if (node !== null) extra.writeUInt32LE(node, 0);
  extra.writeInt32LE(value, valueAt - 24);
  extra.writeUInt32LE(flags, valueAt - 24 + 4);
  const bytes = encodeIdentifier(key.set, key.id, typeFlags | (node === null ? 0 : KSPROPERTY_TYPE.TOPOLOGY), extra);
  return { bytes, valueAt };
}

function describe(key: ControlKey, node: number | null): string {
  return `${key.name} (${key.property}${node === null ? '' : ` on node ${node}`})`;
}

/** Throws the KsError for a failed status. */
function check(triple: StatusTriple, operation: string): void {
  if (!statusOk(triple[0], triple[1])) throw KsError.fromStatus(triple[0], triple[1], operation);
}

interface Members {
  minimum?: number;
  maximum?: number;
  step?: number;
  default?: number;
}

/** ERROR_INVALID_FUNCTION: what DeviceIoControl reports for STATUS_INVALID_DEVICE_REQUEST. */
const INVALID_DEVICE_REQUEST_WIN32 = NTSTATUS_TO_WIN32[0xc0000010];

const SIZE_ANSWERS = new Set(['STATUS_BUFFER_OVERFLOW', 'STATUS_BUFFER_TOO_SMALL', 'ERROR_MORE_DATA', 'ERROR_INSUFFICIENT_BUFFER']);

/**
 * Reads a KSPROPERTY_DESCRIPTION and its member lists (BASICSUPPORT or
 * DEFAULTVALUES): a zero-length size query first; a driver that answers it
 * with no size is asked for the description alone (40 bytes), whose
 * DescriptionSize gives the whole, as KS's BASICSUPPORT rules allow.
 */
function readMembers(handle: KsHandle, key: ControlKey, node: number | null, typeFlags: number, operation: string): Members {
  const { bytes } = encodeRequest(key, typeFlags, node);
  const limit = 64 * 1024;
  let size = 0;
  const probe = handle.ioctl(IOCTL_KS.PROPERTY, bytes, null);
  if (!statusOk(probe[0], probe[1])) {
    const error = KsError.fromStatus(probe[0], probe[1], operation);
    if (!SIZE_ANSWERS.has(error.code)) throw error;
    size = probe[2];
  }
  if (size === 0) {
    const head = Buffer.alloc(40);
    const first = handle.ioctl(IOCTL_KS.PROPERTY, bytes, head);
    check(first, operation);
    if (first[2] < 40) throw new KsError('ERR_MALFORMED_REPLY', operation, `expected a 40-byte KSPROPERTY_DESCRIPTION, got ${first[2]} bytes`);
    size = head.readUInt32LE(4);
  }
  if (size < 40 || size > limit) throw new KsError('ERR_MALFORMED_REPLY', operation, `the description's size ${size} is outside 40..${limit}`);
  const reply = Buffer.alloc(size);
  const whole = handle.ioctl(IOCTL_KS.PROPERTY, bytes, reply);
  check(whole, operation);
  if (whole[2] !== size) throw new KsError('ERR_MALFORMED_REPLY', operation, `the driver gave ${whole[2]} bytes of a ${size}-byte description`);
  if (reply.readUInt32LE(4) !== size) throw new KsError('ERR_MALFORMED_REPLY', operation, `KSPROPERTY_DESCRIPTION.DescriptionSize ${reply.readUInt32LE(4)} differs from the ${size} bytes the driver gave`);
  const lists = reply.readUInt32LE(32);
  const members: Members = {};
  let offset = 40;
  for (let i = 0; i < lists; i++) {
    if (offset + 16 > size) throw new KsError('ERR_MALFORMED_REPLY', operation, `member list ${i} at ${offset} runs past DescriptionSize ${size} (MembersListCount ${lists})`);
    const membersFlags = reply.readUInt32LE(offset);
    const memberSize = reply.readUInt32LE(offset + 4);
    const count = reply.readUInt32LE(offset + 8);
    const flags = reply.readUInt32LE(offset + 12);
    const bytesOfList = memberSize * count;
    if (!Number.isSafeInteger(bytesOfList) || offset + 16 + bytesOfList > size) {
      throw new KsError('ERR_MALFORMED_REPLY', operation, `member list ${i} (${count} × ${memberSize} bytes) runs past DescriptionSize ${size}`);
    }
    const at = offset + 16;
    // KSPROPERTY_MEMBER_STEPPEDRANGES 2: KSPROPERTY_STEPPING_LONG; RANGES 1: KSPROPERTY_BOUNDS_LONG; VALUES 3: LONGs.
    if (membersFlags === 2 && memberSize >= 16 && count >= 1) {
      members.step = reply.readUInt32LE(at);
      members.minimum = reply.readInt32LE(at + 8);
      members.maximum = reply.readInt32LE(at + 12);
    } else if (membersFlags === 1 && memberSize >= 8 && count >= 1 && members.minimum === undefined) {
      members.step = 1;
      members.minimum = reply.readInt32LE(at);
      members.maximum = reply.readInt32LE(at + 4);
    } else if (membersFlags === 3 && memberSize >= 4 && count >= 1 && ((flags & 1) !== 0 || typeFlags === KSPROPERTY_TYPE_DEFAULTVALUES)) {
      // A VALUES list flagged KSPROPERTY_MEMBER_FLAG_DEFAULT; in a DEFAULTVALUES reply every values list is the default.
      members.default = reply.readInt32LE(at);
    }
    offset = at + bytesOfList;
  }
  return members;
}

/** The control's range, default, value and modes; a KsError (e.g. STATUS_NOT_FOUND) when the device lacks it. */
export function readCameraControl(handle: KsHandle, name: CameraControlName, options?: CameraControlOptions): CameraControl {
  const key = controlKey(name);
  const node = nodeOf(options);
  const subject = describe(key, node);
  const members = readMembers(handle, key, node, KSPROPERTY_TYPE.BASICSUPPORT, `query the range of ${subject}`);
  if (members.minimum === undefined || members.maximum === undefined || members.step === undefined) {
    throw new KsError('ERR_MALFORMED_REPLY', `query the range of ${subject}`, 'BASICSUPPORT gave no KSPROPERTY_MEMBER_STEPPEDRANGES or RANGES list');
  }
  if (members.minimum > members.maximum) {
    throw new KsError('ERR_MALFORMED_REPLY', `query the range of ${subject}`, `the range's minimum ${members.minimum} is above its maximum ${members.maximum}`);
  }
  let fallback: number | undefined;
  if (members.default === undefined) {
    try {
      fallback = readMembers(handle, key, node, KSPROPERTY_TYPE_DEFAULTVALUES, `query the default of ${subject}`).default;
    } catch (e) {
      if (!(e instanceof KsError) || e.code === 'ERR_MALFORMED_REPLY') throw e;
      fallback = undefined; // a driver without default values answers DEFAULTVALUES with an error
    }
  }
  const operation = `get ${subject}`;
  const { bytes, valueAt } = encodeRequest(key, KSPROPERTY_TYPE.GET, node);
  const reply = Buffer.alloc(bytes.length);
  const result = handle.ioctl(IOCTL_KS.PROPERTY, bytes, reply);
  check(result, operation);
  if (result[2] < bytes.length) throw new KsError('ERR_MALFORMED_REPLY', operation, `expected a ${bytes.length}-byte value struct, got ${result[2]} bytes`);
  const flags = reply.readUInt32LE(valueAt + 4);
  const capabilities = reply.readUInt32LE(valueAt + 8);
  return {
    name: key.name,
    property: key.property,
    set: key.set,
    id: key.id,
    nodeId: node,
    minimum: members.minimum,
    maximum: members.maximum,
    step: members.step,
    default: members.default ?? fallback ?? null,
    value: reply.readInt32LE(valueAt),
    mode: flags & CAMERA_CONTROL_FLAGS.AUTO ? 'auto' : 'manual',
    canAuto: (capabilities & CAMERA_CONTROL_FLAGS.AUTO) !== 0,
    canManual: (capabilities & CAMERA_CONTROL_FLAGS.MANUAL) !== 0,
    flags,
    capabilities,
  };
}

/** Every control of both sets the device answers (BASICSUPPORT not refused as absent), in SDK order. */
export function listCameraControls(handle: KsHandle, options?: CameraControlOptions): CameraControl[] {
  const node = nodeOf(options);
  const controls: CameraControl[] = [];
  for (const set of Object.values(PROPSETID_VIDCAP)) {
    if (!handle.supportsSet(set)) continue;
    for (const key of CONTROLS.filter((c) => c.set === set)) {
      try {
        controls.push(readCameraControl(handle, key.name, node === null ? undefined : { nodeId: node }));
      } catch (e) {
        // STATUS_INVALID_DEVICE_REQUEST also means "not this control"; on Windows it arrives as DeviceIoControl's
        // ERROR_INVALID_FUNCTION (or its HRESULT), so compare the Win32 code every KsError of a status carries.
        if (isAbsent(e) || (e instanceof KsError && e.win32 === INVALID_DEVICE_REQUEST_WIN32)) continue;
        throw e;
      }
    }
  }
  return controls;
}

/**
 * Sets a control: a number is a manual value (FLAGS_MANUAL), 'auto' hands it
 * to the device (FLAGS_AUTO). The value is checked against the range the
 * device reports first, so an out-of-range or off-step value, or 'auto' on a
 * control without it, is a RangeError naming the control and its range, and
 * nothing reaches the driver.
 */
export function writeCameraControl(handle: KsHandle, name: CameraControlName, value: number | 'auto', options?: CameraControlOptions): void {
  const key = controlKey(name);
  const node = nodeOf(options);
  if (value !== 'auto' && (typeof value !== 'number' || !Number.isInteger(value))) {
    throw new TypeError(`${key.name} must be an integer or 'auto', got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  }
  const control = readCameraControl(handle, key.name, options);
  const range = `${control.minimum}..${control.maximum}${control.step > 1 ? ` in steps of ${control.step}` : ''}`;
  let flags: number;
  let send: number;
  if (value === 'auto') {
    if (!control.canAuto) throw new RangeError(`${key.name} (${key.property}) has no automatic mode: set a value in ${range}`);
    flags = CAMERA_CONTROL_FLAGS.AUTO;
    send = control.value; // drivers ignore Value in auto mode; the current one is always in range
  } else {
    if (value < control.minimum || value > control.maximum) throw new RangeError(`${key.name} (${key.property}) must be within ${range}, got ${value}`);
    if (control.step > 1 && (value - control.minimum) % control.step !== 0) {
      throw new RangeError(`${key.name} (${key.property}) must be ${control.minimum} plus a multiple of ${control.step} (range ${range}), got ${value}`);
    }
    if (!control.canManual) throw new RangeError(`${key.name} (${key.property}) cannot be set by hand; only 'auto'`);
    flags = CAMERA_CONTROL_FLAGS.MANUAL;
    send = value;
  }
  // ksproxy sends the struct as both the request and the value buffer.
  const { bytes } = encodeRequest(key, KSPROPERTY_TYPE.SET, node, send, flags);
  check(handle.ioctl(IOCTL_KS.PROPERTY, bytes, Buffer.from(bytes)), `set ${describe(key, node)} to ${value}`);
}
