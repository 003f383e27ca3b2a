// Camera controls (PROPSETID_VIDCAP_VIDEOPROCAMP / _CAMERACONTROL) on the emulated camera: the typed API
// (ranges, steps, defaults, values, auto/manual), the 40-byte value struct on the wire, the _NODE forms
// through KSP_NODE, refusals before the driver, the driver's own refusals, the controls' effect on the
// frames (checked against the formulas written out here), and the `controls` CLI command.
import { afterEach, describe, expect, it } from 'vitest';
import {
  IOCTL_KS,
  KSDATAFORMAT,
  KSPROPERTY_TYPE,
  PROPSETID_VIDCAP,
  defineVirtualDevice,
  loadProfile,
  openFilter,
  openHandleCount,
  setEmulatorPacing,
  videoFormat,
  type CameraControlName,
  type KsFilter,
  type VirtualDevice,
} from '../lib/index';
import { readFileSync } from 'fs';
import { join } from 'path';
import { run } from '../lib/cli/main';
import { expectKsError, expectStatus } from './helpers';
import { testBackend } from './test-backend';
import { openCamera } from './emulated-devices';

const CAMERA_TERMINAL = 0;
const PROCESSING_UNIT = 1;

/** What the emulated camera reports (docs/emulator.md: the Elgato Facecam's UVC table and Windows' units). */
const EXPECTED = [
  { name: 'brightness', property: 'KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS', minimum: 0, maximum: 255, step: 1, default: 128, mode: 'manual', canAuto: false },
  { name: 'contrast', property: 'KSPROPERTY_VIDEOPROCAMP_CONTRAST', minimum: 0, maximum: 10, step: 1, default: 3, mode: 'manual', canAuto: false },
  { name: 'saturation', property: 'KSPROPERTY_VIDEOPROCAMP_SATURATION', minimum: 0, maximum: 63, step: 1, default: 35, mode: 'manual', canAuto: false },
  { name: 'whiteBalance', property: 'KSPROPERTY_VIDEOPROCAMP_WHITEBALANCE', minimum: 2800, maximum: 12500, step: 100, default: 5000, mode: 'auto', canAuto: true },
  { name: 'gain', property: 'KSPROPERTY_VIDEOPROCAMP_GAIN', minimum: 0, maximum: 100, step: 1, default: 0, mode: 'manual', canAuto: false },
  { name: 'powerlineFrequency', property: 'KSPROPERTY_VIDEOPROCAMP_POWERLINE_FREQUENCY', minimum: 0, maximum: 2, step: 1, default: 2, mode: 'manual', canAuto: false },
  { name: 'zoom', property: 'KSPROPERTY_CAMERACONTROL_ZOOM', minimum: 1, maximum: 31, step: 1, default: 1, mode: 'manual', canAuto: false },
  { name: 'exposure', property: 'KSPROPERTY_CAMERACONTROL_EXPOSURE', minimum: -13, maximum: -2, step: 1, default: -6, mode: 'auto', canAuto: true },
  { name: 'focus', property: 'KSPROPERTY_CAMERACONTROL_FOCUS', minimum: 0, maximum: 250, step: 5, default: 0, mode: 'auto', canAuto: true },
] as const;

const filters: KsFilter[] = [];
const devices: VirtualDevice[] = [];
function camera(): KsFilter {
  const filter = openCamera();
  filters.push(filter);
  return filter;
}

afterEach(() => {
  // The camera's control state lives as long as this test file's emulator: put every control back.
  const filter = camera();
  for (const c of EXPECTED) filter.setCameraControl(c.name, c.mode === 'auto' ? 'auto' : c.default);
  for (const f of filters.splice(0)) f.close();
  for (const d of devices.splice(0)) d.remove();
  expect(openHandleCount()).toBe(0);
});

/** A GET of `id` in `set` written out by hand: KSPROPERTY { Set, Id, Flags } + Value + Flags + Capabilities. */
function request(set: string, id: number, flags: number, value = 0, modeFlags = 0, node?: number): Buffer {
  const b = Buffer.alloc(node === undefined ? 40 : 48);
  const hex = set.replace(/[{}-]/g, '');
  b.writeUInt32LE(parseInt(hex.slice(0, 8), 16), 0);
  b.writeUInt16LE(parseInt(hex.slice(8, 12), 16), 4);
  b.writeUInt16LE(parseInt(hex.slice(12, 16), 16), 6);
  Buffer.from(hex.slice(16), 'hex').copy(b, 8);
  b.writeUInt32LE(id, 16);
  b.writeUInt32LE((flags | (node === undefined ? 0 : KSPROPERTY_TYPE.TOPOLOGY)) >>> 0, 20);
  const at = node === undefined ? 24 : 32;
  if (node !== undefined) b.writeUInt32LE(node, 24);
  b.writeInt32LE(value, at);
  b.writeUInt32LE(modeFlags, at + 4);
  return b;
}

describe('camera controls on the emulated camera', () => {
  it('lists the nine controls with range, step, default, value and modes', () => {
    const controls = camera().cameraControls();
    expect(controls.map(({ name, property, minimum, maximum, step, default: d, mode, canAuto }) => ({ name, property, minimum, maximum, step, default: d, mode, canAuto }))).toEqual(EXPECTED);
    for (const c of controls) {
      expect(c.value).toBe(c.default);
      expect(c.canManual).toBe(true);
      expect(c.nodeId).toBeNull();
      expect(c.set).toBe(c.property.includes('VIDEOPROCAMP') ? PROPSETID_VIDCAP.VIDEOPROCAMP : PROPSETID_VIDCAP.CAMERACONTROL);
    }
  });

  it('gets and sets values and auto, and reads them back', () => {
    const filter = camera();
    filter.setCameraControl('brightness', 20);
    filter.setCameraControl('focus', 125);
    expect(filter.cameraControl('brightness')).toMatchObject({ value: 20, mode: 'manual', flags: 2, capabilities: 2 });
    expect(filter.cameraControl('focus')).toMatchObject({ value: 125, mode: 'manual', flags: 2, capabilities: 3 });
    filter.setCameraControl('focus', 'auto');
    // In auto mode the emulated camera settles on the default.
    expect(filter.cameraControl('focus')).toMatchObject({ value: 0, mode: 'auto', flags: 1 });
    filter.setCameraControl('exposure', -13);
    expect(filter.cameraControl('exposure').value).toBe(-13);
  });

  it('refuses an out-of-range, off-step or impossible setting with a RangeError naming the control and its range', () => {
    const filter = camera();
    expect(() => filter.setCameraControl('brightness', 256)).toThrow(new RangeError('brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS) must be within 0..255, got 256'));
    expect(() => filter.setCameraControl('whiteBalance', 2700)).toThrow('whiteBalance (KSPROPERTY_VIDEOPROCAMP_WHITEBALANCE) must be within 2800..12500 in steps of 100, got 2700');
    expect(() => filter.setCameraControl('focus', 7)).toThrow('focus (KSPROPERTY_CAMERACONTROL_FOCUS) must be 0 plus a multiple of 5 (range 0..250 in steps of 5), got 7');
    expect(() => filter.setCameraControl('brightness', 'auto')).toThrow('brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS) has no automatic mode: set a value in 0..255');
    expect(() => filter.setCameraControl('brightness', 1.5)).toThrow(TypeError);
    expect(() => filter.setCameraControl('loudness' as CameraControlName, 1)).toThrow(/camera control must be one of brightness, contrast, hue/);
    expect(filter.cameraControl('brightness').value).toBe(128);
    // A control the camera lacks: its id is not in the driver's table (STATUS_NOT_FOUND, as ks.sys answers).
    expectKsError(() => filter.cameraControl('pan'), 'STATUS_NOT_FOUND');
  });

  it('checks before the driver sees anything: no SET reaches a device for a refused value', () => {
    let sets = 0;
    // A device of our own answering brightness -10..10 (default 0) with KS's BASICSUPPORT layout.
    const description = Buffer.alloc(40 + 16 + 16 + 16 + 4);
    description.writeUInt32LE(0x203, 0);
    description.writeUInt32LE(description.length, 4);
    description.writeUInt32LE(2, 32);
    description.writeUInt32LE(2, 40); // STEPPEDRANGES
    description.writeUInt32LE(16, 44);
    description.writeUInt32LE(1, 48);
    description.writeUInt32LE(1, 56); // SteppingDelta
    description.writeInt32LE(-10, 64);
    description.writeInt32LE(10, 68);
    description.writeUInt32LE(3, 72); // VALUES
    description.writeUInt32LE(4, 76);
    description.writeUInt32LE(1, 80);
    description.writeUInt32LE(1, 84); // KSPROPERTY_MEMBER_FLAG_DEFAULT
    description.writeInt32LE(0, 88);
    const device = defineVirtualDevice({
      name: 'Test Camera',
      categories: ['VIDEO', 'CAPTURE'],
      pins: [{ name: 'Capture', dataFlow: 'out', dataRanges: [] }],
      properties: [
        {
          set: PROPSETID_VIDCAP.VIDEOPROCAMP,
          id: 0,
          onBasicSupport: ({ outputLength }) => ({ data: description.subarray(0, Math.min(outputLength, description.length)), information: outputLength >= description.length ? description.length : 40 }),
          onGet: () => {
            const b = Buffer.alloc(40);
            b.writeInt32LE(3, 24); // Value
            b.writeUInt32LE(2, 28); // Flags: MANUAL
            b.writeUInt32LE(2, 32); // Capabilities: MANUAL
            return b;
          },
          onSet: () => {
            sets++;
          },
        },
      ],
    });
    devices.push(device);
    using filter = openFilter(device.path);
    expect(filter.cameraControl('brightness')).toMatchObject({ minimum: -10, maximum: 10, step: 1, default: 0, value: 3, mode: 'manual' });
    expect(() => filter.setCameraControl('brightness', 11)).toThrow('must be within -10..10, got 11');
    expect(sets).toBe(0);
    filter.setCameraControl('brightness', -10);
    expect(sets).toBe(1);
  });

  it('speaks the 40-byte struct: the value at 24, Flags at 28, Capabilities at 32; a 36-byte form is refused', () => {
    const filter = camera();
    const reply = Buffer.alloc(40);
    const [, status, bytes] = filter.ioctl(IOCTL_KS.PROPERTY, request(PROPSETID_VIDCAP.CAMERACONTROL, 6, KSPROPERTY_TYPE.GET), reply);
    expect([status >>> 0, bytes]).toEqual([0, 40]);
    expect([reply.readInt32LE(24), reply.readUInt32LE(28), reply.readUInt32LE(32)]).toEqual([0, 1, 3]);
    // A 36-byte request (KSPROPERTY + Value + Flags) is shorter than the property's minimum.
    const shortRequest = filter.ioctl(IOCTL_KS.PROPERTY, request(PROPSETID_VIDCAP.CAMERACONTROL, 6, KSPROPERTY_TYPE.GET).subarray(0, 36), Buffer.alloc(40));
    expectStatus(shortRequest[0], shortRequest[1], 'STATUS_INVALID_PARAMETER');
    // A 36-byte value buffer gets STATUS_BUFFER_TOO_SMALL.
    const shortValue = filter.ioctl(IOCTL_KS.PROPERTY, request(PROPSETID_VIDCAP.CAMERACONTROL, 6, KSPROPERTY_TYPE.GET), Buffer.alloc(36));
    expectStatus(shortValue[0], shortValue[1], 'STATUS_BUFFER_TOO_SMALL');
  });

  it('answers BASICSUPPORT and DEFAULTVALUES with KS member lists, byte for byte', () => {
    const filter = camera();
    const basic = Buffer.alloc(92);
    const [, status, bytes] = filter.ioctl(IOCTL_KS.PROPERTY, request(PROPSETID_VIDCAP.VIDEOPROCAMP, 7, KSPROPERTY_TYPE.BASICSUPPORT), basic);
    expect([status, bytes]).toEqual([0, 92]);
    // KSPROPERTY_DESCRIPTION { AccessFlags GET|SET|BASICSUPPORT, DescriptionSize 92, PropTypeSet General/VT_I4, MembersListCount 2 }
    expect([basic.readUInt32LE(0), basic.readUInt32LE(4), basic.readUInt32LE(24), basic.readUInt32LE(32)]).toEqual([0x203, 92, 3, 2]);
    // KSPROPERTY_MEMBERSHEADER { STEPPEDRANGES, 16, 1, 0 } + KSPROPERTY_STEPPING_LONG { 100, 0, 2800, 12500 }
    expect([40, 44, 48, 52, 56, 60].map((o) => basic.readUInt32LE(o))).toEqual([2, 16, 1, 0, 100, 0]);
    expect([basic.readInt32LE(64), basic.readInt32LE(68)]).toEqual([2800, 12500]);
    // KSPROPERTY_MEMBERSHEADER { VALUES, 4, 1, FLAG_DEFAULT } + LONG 5000
    expect([72, 76, 80, 84].map((o) => basic.readUInt32LE(o))).toEqual([3, 4, 1, 1]);
    expect(basic.readInt32LE(88)).toBe(5000);
    const defaults = Buffer.alloc(60);
    const d = filter.ioctl(IOCTL_KS.PROPERTY, request(PROPSETID_VIDCAP.VIDEOPROCAMP, 7, 0x10000), defaults);
    expect([d[1], d[2]]).toEqual([0, 60]);
    expect([defaults.readUInt32LE(4), defaults.readUInt32LE(32), defaults.readUInt32LE(40), defaults.readUInt32LE(52)]).toEqual([60, 1, 3, 1]);
    expect(defaults.readInt32LE(56)).toBe(5000);
  });

  it('refuses, as a driver does, an out-of-range SET and auto on a manual-only control (STATUS_INVALID_PARAMETER)', () => {
    const filter = camera();
    const set = (id: number, value: number, flags: number) => {
      const body = request(PROPSETID_VIDCAP.VIDEOPROCAMP, id, KSPROPERTY_TYPE.SET, value, flags);
      const [kind, status] = filter.ioctl(IOCTL_KS.PROPERTY, body, Buffer.from(body));
      return [kind, status] as const;
    };
    expectStatus(...set(0, 300, 2), 'STATUS_INVALID_PARAMETER');
    expectStatus(...set(0, 10, 1), 'STATUS_INVALID_PARAMETER');
    expectStatus(...set(0, 10, 3), 'STATUS_INVALID_PARAMETER');
    expect(filter.cameraControl('brightness').value).toBe(128);
    expect(set(0, 10, 2)[1]).toBe(0);
    expect(filter.cameraControl('brightness').value).toBe(10);
  });

  it('answers the _NODE forms through KSP_NODE on the processing unit and camera terminal nodes', () => {
    const filter = camera();
    const { nodes } = filter.topology();
    expect(nodes.map((n) => [n.typeName, n.name])).toEqual([
      ['KSNODETYPE_VIDEO_CAMERA_TERMINAL', 'Camera Terminal'],
      ['KSNODETYPE_VIDEO_PROCESSING', 'Processing Unit'],
    ]);
    expect(filter.cameraControls({ nodeId: PROCESSING_UNIT }).map((c) => c.name)).toEqual(['brightness', 'contrast', 'saturation', 'whiteBalance', 'gain', 'powerlineFrequency']);
    expect(filter.cameraControls({ nodeId: CAMERA_TERMINAL }).map((c) => c.name)).toEqual(['zoom', 'exposure', 'focus']);
    filter.setCameraControl('zoom', 4, { nodeId: CAMERA_TERMINAL });
    expect(filter.cameraControl('zoom')).toMatchObject({ value: 4, nodeId: null });
    expect(filter.cameraControl('zoom', { nodeId: CAMERA_TERMINAL })).toMatchObject({ value: 4, nodeId: 0 });
    // The 48-byte KSPROPERTY_CAMERACONTROL_NODE_S (44 padded to 8): the value at 32.
    const reply = Buffer.alloc(48);
    const r = filter.ioctl(IOCTL_KS.PROPERTY, request(PROPSETID_VIDCAP.CAMERACONTROL, 3, KSPROPERTY_TYPE.GET, 0, 0, CAMERA_TERMINAL), reply);
    expect([r[1], r[2], reply.readInt32LE(32), reply.readUInt32LE(36)]).toEqual([0, 48, 4, 2]);
    expectKsError(() => filter.cameraControl('zoom', { nodeId: PROCESSING_UNIT }), 'STATUS_NOT_FOUND');
    expectKsError(() => filter.cameraControl('zoom', { nodeId: 7 }), 'STATUS_INVALID_PARAMETER');
  });

  it('reads a recorded usbvideo answer (the shipped UVC example profile): ranges from BASICSUPPORT, defaults from DEFAULTVALUES', () => {
    using loaded = loadProfile(readFileSync(join(__dirname, '..', 'profiles', 'uvc-camera.json')));
    using filter = openFilter(loaded.devices[0].path, { backend: 'emulator' });
    // Its BASICSUPPORT gives the stepped range only; the default comes from DEFAULTVALUES (a VALUES list).
    expect(filter.cameraControl('brightness')).toMatchObject({ minimum: -64, maximum: 64, step: 1, default: 0, value: 0, mode: 'manual', canAuto: false });
    expect(filter.cameraControl('contrast')).toMatchObject({ minimum: 0, maximum: 95, default: 32, value: 32 });
    expect(filter.cameraControl('focus')).toMatchObject({ minimum: 0, maximum: 250, step: 5, mode: 'auto', canAuto: true, canManual: true });
    expect(() => filter.setCameraControl('brightness', 65)).toThrow('brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS) must be within -64..64, got 65');
  });

  it('has no controls on an audio device', () => {
    const filter = openFilter('KS Emulator Audio Capture', { backend: 'emulator' });
    filters.push(filter);
    expect(filter.cameraControls()).toEqual([]);
  });
});

describe('the controls change the frames', () => {
  const W = 640;
  const H = 480;

  /** The camera's YUY2 test pattern (docs/emulator.md), then the controls' formulas, then the index stamp. */
  function expectedFrame(n: number, c: { brightness: number; contrast: number; saturation: number; gain: number; whiteBalance: number }): Buffer {
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const shift = Math.trunc((c.whiteBalance - 5000) / 100);
    const luma = (y: number) => clamp(16 + Math.floor(((y - 16) * c.contrast * (100 + c.gain)) / 300) + (c.brightness - 128), 16, 235);
    const chroma = (v: number, sign: number) => clamp(128 + Math.trunc(((v - 128) * c.saturation) / 35) + sign * shift, 16, 240);
    const frame = Buffer.alloc(W * H * 2);
    for (let y = 0; y < H; y++) {
      for (let cx = 0; cx < W / 2; cx++) {
        const bar = Math.floor((8 * 2 * cx) / W);
        const at = y * W * 2 + 4 * cx;
        frame[at] = luma(16 + ((2 * cx + 2 * y + 3 * n) % 220));
        frame[at + 1] = chroma(16 + ((28 * bar + y) % 225), 1);
        frame[at + 2] = luma(16 + ((2 * cx + 1 + 2 * y + 3 * n) % 220));
        frame[at + 3] = chroma(16 + ((224 - 28 * bar + 3 * y + n) % 225), -1);
      }
      frame.writeBigUInt64LE(BigInt(n), y * W * 2); // the index stamp, untouched by the controls
    }
    return frame;
  }

  async function firstFrames(filter: KsFilter, count: number): Promise<Buffer[]> {
    const pin = filter.createPin({ pinId: 0, dataFormat: videoFormat({ width: W, height: H, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 }) });
    setEmulatorPacing(pin, 'unthrottled');
    const frames: Buffer[] = [];
    for await (const frame of pin.frames({ packets: 2 })) {
      // A copy: the frame's slot is refilled once the loop moves on.
      frames.push(Buffer.from(new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.dataUsed)));
      if (frames.length === count) break;
    }
    pin.close();
    return frames;
  }

  function expectSame(got: Buffer, expected: Buffer, what: string): void {
    if (got.equals(expected)) return;
    const at = got.findIndex((b, i) => b !== expected[i]);
    throw new Error(`${what}: byte ${at} (row ${Math.floor(at / (W * 2))}, column byte ${at % (W * 2)}) is ${got[at]}, expected ${expected[at]}`);
  }

  const DEFAULTS = { brightness: 128, contrast: 3, saturation: 35, gain: 0, whiteBalance: 5000 };

  it('defaults leave the pattern as it is', async () => {
    const [f0, f1] = await firstFrames(camera(), 2);
    expectSame(f0, expectedFrame(0, DEFAULTS), 'frame 0');
    expectSame(f1, expectedFrame(1, DEFAULTS), 'frame 1');
  });

  it('brightness offsets luma, contrast and gain scale it, saturation scales chroma, white balance shifts Cb and Cr', async () => {
    const filter = camera();
    const settings = { brightness: 150, contrast: 5, saturation: 50, gain: 20, whiteBalance: 6500 };
    for (const [name, value] of Object.entries(settings)) filter.setCameraControl(name as CameraControlName, value);
    const [f0, f1] = await firstFrames(filter, 2);
    expectSame(f0, expectedFrame(0, settings), 'frame 0');
    expectSame(f1, expectedFrame(1, settings), 'frame 1');
    // Dark and cold: clamping at 16 and a negative white-balance shift.
    const dark = { brightness: 0, contrast: 1, saturation: 0, gain: 0, whiteBalance: 2800 };
    for (const [name, value] of Object.entries(dark)) filter.setCameraControl(name as CameraControlName, value);
    expectSame((await firstFrames(filter, 1))[0], expectedFrame(0, dark), 'dark frame');
    // White balance back to auto: the camera's own (default) temperature.
    filter.setCameraControl('whiteBalance', 'auto');
    expectSame((await firstFrames(filter, 1))[0], expectedFrame(0, { ...dark, whiteBalance: 5000 }), 'auto white balance');
  });
});

describe('kernel-streaming controls', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    // The backend the tests' devices are on: the emulator's, also where the Windows backend is the default (the Wine
    // lane), or the bridge's through the Windows backend.
    const code = await run([...args, '--backend', testBackend()], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('lists the camera\'s controls as a table', async () => {
    const { code, out } = await cli(['controls', 'Video Capture']);
    expect(code).toBe(0);
    expect(out).toMatch(/control\s+value\s+mode\s+range\s+step\s+default\s+modes\s+property/);
    expect(out).toMatch(/brightness\s+128\s+manual\s+0\.\.255\s+1\s+128\s+manual\s+KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS/);
    expect(out).toMatch(/focus\s+0\s+auto\s+0\.\.250\s+5\s+0\s+manual\/auto\s+KSPROPERTY_CAMERACONTROL_FOCUS/);
  });

  it('sets brightness=20 focus=auto exposure=-8 and prints the result; --json for machines', async () => {
    const { code, out } = await cli(['controls', 'Video Capture', 'brightness=20', 'focus=auto', 'exposure=-8', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    const byName = Object.fromEntries(report.controls.map((c: { name: string }) => [c.name, c]));
    expect(byName.brightness).toMatchObject({ value: 20, mode: 'manual' });
    expect(byName.focus).toMatchObject({ value: 0, mode: 'auto' });
    expect(byName.exposure).toMatchObject({ value: -8, mode: 'manual' });
    expect(camera().cameraControl('brightness').value).toBe(20);
  });

  it('refuses a bad setting with exit code 2 and changes nothing', async () => {
    const bad = await cli(['controls', 'Video Capture', 'brightness=30', 'contrast=11']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('contrast must be within 0..10, got 11');
    expect(camera().cameraControl('brightness').value).toBe(128);
    expect((await cli(['controls', 'Video Capture', 'loudness=3'])).err).toContain('no camera control "loudness"');
    expect((await cli(['controls', 'Video Capture', 'brightness=bright'])).code).toBe(2);
    const audio = await cli(['controls', 'Audio Capture']);
    expect(audio.code).toBe(0);
    expect(audio.out).toContain('has no camera controls');
  });
});
