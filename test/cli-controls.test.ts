// `kernel-streaming controls` as a user runs it: the table exactly (columns as wide as their widest cell), --node,
// --json, and every setting checked (its syntax, the control's name, its range, auto) before the first one is sent.
// The emulated camera (usbvideo's model, docs/emulator.md) has its camera terminal at node 0 (zoom, exposure, focus)
// and its processing unit at node 1 (brightness ... powerline frequency); the filter answers for both.
import { describe, expect, it } from 'vitest';
import { PROPSETID_VIDCAP } from '../lib/index';
import { cli, CLI_BUDGET, runHere } from './cli-process';
import { virtualDevices } from './helpers';

interface Control {
  name: string;
  value: number;
  mode: string;
  minimum: number;
  maximum: number;
  step: number;
  default: number | null;
  canManual: boolean;
  canAuto: boolean;
  property: string;
}

/** The controls table written out from the --json report: what the text must say, worked out here. */
function expectedTable(title: string, controls: Control[]): string[] {
  const rows = [
    ['control', 'value', 'mode', 'range', 'step', 'default', 'modes', 'property'],
    ...controls.map((c) => [c.name, String(c.value), c.mode, `${c.minimum}..${c.maximum}`, String(c.step), c.default === null ? '-' : String(c.default), [c.canManual && 'manual', c.canAuto && 'auto'].filter(Boolean).join('/'), c.property]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return [title, ...rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd())];
}

async function report(args: string[]): Promise<{ device: string; node: number | null; controls: Control[] }> {
  const { code, out, err } = await cli(['controls', 'Video Capture', ...args, '--json']);
  expect(code, err).toBe(0);
  return JSON.parse(out);
}

describe('kernel-streaming controls: the table, --node and --json', CLI_BUDGET, () => {
  it('prints the camera\'s controls as a table of aligned columns, by node or for the whole filter', async () => {
    for (const [args, title] of [[[], 'KS Emulator Video Capture:'], [['--node', '0'], 'KS Emulator Video Capture, node 0:'], [['--node', '1'], 'KS Emulator Video Capture, node 1:']] as const) {
      const json = await report([...args]);
      expect(json.node, args.join(' ')).toBe(args.length ? Number(args[1]) : null);
      expect(json.controls.length).toBeGreaterThan(1);
      const { code, out } = await cli(['controls', 'Video Capture', ...args]);
      expect(code).toBe(0);
      expect(out.split('\n'), args.join(' ')).toEqual(expectedTable(title, json.controls));
    }
    // The camera terminal has zoom, exposure and focus; the processing unit the picture's controls.
    expect((await report(['--node', '0'])).controls.map((c) => c.name)).toEqual(['zoom', 'exposure', 'focus']);
    expect((await report(['--node', '1'])).controls.map((c) => c.name)).toContain('brightness');
  });

  it('says a device has no camera controls (on the node asked for), and --json lists none', async () => {
    expect(await cli(['controls', 'Audio Capture'])).toMatchObject({ code: 0, out: 'KS Emulator Audio Capture has no camera controls (PROPSETID_VIDCAP_VIDEOPROCAMP / _CAMERACONTROL)' });
    expect(await cli(['controls', 'Audio Capture', '--node', '0'])).toMatchObject({ code: 0, out: 'KS Emulator Audio Capture has no camera controls on node 0 (PROPSETID_VIDCAP_VIDEOPROCAMP / _CAMERACONTROL)' });
    const json = await cli(['controls', 'Audio Capture', '--json']);
    expect(JSON.parse(json.out)).toEqual({ device: 'KS Emulator Audio Capture', path: expect.stringMatching(/capture$/), node: null, controls: [] });
  });
});

describe('kernel-streaming controls: settings', CLI_BUDGET, () => {
  it('sets a control to the ends of its range and back, and to auto where it has it; names and auto in any case, the value trimmed', async () => {
    const set = async (...settings: string[]) => {
      const { code, out, err } = await cli(['controls', 'Video Capture', ...settings, '--json']);
      expect(code, `${settings.join(' ')}: ${err}`).toBe(0);
      return Object.fromEntries((JSON.parse(out).controls as Control[]).map((c) => [c.name, c]));
    };
    // brightness: 0..255 step 1, manual only; focus: 0..250 step 5, manual or auto.
    expect((await set('brightness=0')).brightness).toMatchObject({ value: 0, mode: 'manual' });
    expect((await set('Brightness= 255 ')).brightness).toMatchObject({ value: 255, mode: 'manual' });
    const both = await set('FOCUS=Auto', 'zoom=31');
    expect([both.focus.mode, both.zoom.value]).toEqual(['auto', 31]);
    const back = await set('brightness=128', 'focus=0', 'zoom=1');
    expect([back.brightness.value, back.focus.value, back.focus.mode, back.zoom.value]).toEqual([128, 0, 'manual', 1]);
  });

  it('refuses a setting it cannot send, before sending any, naming what it takes (exit 2)', async () => {
    const refused = async (settings: string[], message: string) => {
      expect(await cli(['controls', 'Video Capture', 'zoom=5', ...settings]), settings.join(' ')).toMatchObject({ code: 2, out: '', err: `kernel-streaming: ${message}` });
    };
    await refused(['brightness'], 'a setting is name=value (brightness=20, focus=auto), got "brightness"');
    await refused(['1brightness=20'], 'a setting is name=value (brightness=20, focus=auto), got "1brightness=20"');
    await refused(['brightness=20\n5'], 'a setting is name=value (brightness=20, focus=auto), got "brightness=20\n5"');
    await refused(['loudness=3'], 'no camera control "loudness": the names are brightness, contrast, hue, saturation, sharpness, gamma, colorEnable, whiteBalance, backlightCompensation, gain, digitalMultiplier, digitalMultiplierLimit, powerlineFrequency, pan, tilt, roll, zoom, exposure, iris, focus, scanMode, privacy');
    for (const value of ['20x', 'x20', '2 0', '1.5', '', '99999999999999999999']) await refused([`brightness=${value}`], `brightness takes a whole number or auto, got "${value}"`);
    await refused(['brightness=-1'], 'brightness must be within 0..255, got -1');
    await refused(['brightness=256'], 'brightness must be within 0..255, got 256');
    await refused(['brightness=AUTO'], 'brightness has no automatic mode');
    // A control the device (or the node asked for) does not have.
    await refused(['pan=1'], 'KS Emulator Video Capture has no pan control; it has brightness, contrast, saturation, whiteBalance, gain, powerlineFrequency, zoom, exposure, focus');
    expect(await cli(['controls', 'Video Capture', '--node', '0', 'brightness=1'])).toMatchObject({ code: 2, err: 'kernel-streaming: KS Emulator Video Capture has no brightness control; it has zoom, exposure, focus' });
    expect((await cli(['controls', 'Audio Capture', 'brightness=1'])).err).toBe('kernel-streaming: KS Emulator Audio Capture has no brightness control; it has none');
    // zoom=5 came first on each of those command lines and was not sent.
    expect((await report(['--node', '0'])).controls.find((c) => c.name === 'zoom')!.value).toBe(1);
  });
});

describe('kernel-streaming controls: a control that is automatic only and has no default', () => {
  const virtual = virtualDevices();

  it('lists its modes as auto alone and its default as -', async () => {
    // A camera whose driver answers brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, id 0) only. BASICSUPPORT: a
    // KSPROPERTY_DESCRIPTION (AccessFlags GET|SET, DescriptionSize 72, MembersListCount 1 at 32) and one
    // KSPROPERTY_MEMBERSHEADER (STEPPEDRANGES 2, MembersSize 16, MembersCount 1, Flags 0: no default) with its
    // KSPROPERTY_STEPPING_LONG (delta 1, reserved, 0..9); DEFAULTVALUES refused. GET: KSPROPERTY_VIDEOPROCAMP_S with
    // Value 3 at 24, Flags 1 (AUTO) at 28, Capabilities 1 (AUTO only) at 32.
    const description = Buffer.alloc(72);
    description.writeUInt32LE(3, 0);
    description.writeUInt32LE(72, 4);
    description.writeUInt32LE(1, 32);
    description.writeUInt32LE(2, 40);
    description.writeUInt32LE(16, 44);
    description.writeUInt32LE(1, 48);
    description.writeUInt32LE(1, 56);
    description.writeInt32LE(0, 64);
    description.writeInt32LE(9, 68);
    const value = Buffer.alloc(40);
    value.writeInt32LE(3, 24);
    value.writeUInt32LE(1, 28);
    value.writeUInt32LE(1, 32);
    virtual('KS Test Auto Camera', ['VIDEO', 'CAPTURE'], [], [
      {
        set: PROPSETID_VIDCAP.VIDEOPROCAMP,
        id: 0,
        onGet: () => value,
        // DEFAULTVALUES (KSPROPERTY_TYPE_DEFAULTVALUES 0x10000) arrives as a basic-support request with that flag.
        onBasicSupport: (r) => (((r.flags ?? 0) & 0x10000) !== 0 ? { status: 'STATUS_NOT_SUPPORTED' } : description),
      },
    ]);
    const { code, out } = await runHere(['controls', 'KS Test Auto Camera']);
    expect(code).toBe(0);
    expect(out).toEqual([
      'KS Test Auto Camera:',
      '  control     value  mode  range  step  default  modes  property',
      '  brightness  3      auto  0..9   1     -        auto   KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS',
    ]);
  });
});

