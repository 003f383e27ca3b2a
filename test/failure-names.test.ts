// Each failure names the call it came from, as the user made it: a native refusal by the operation the wrapper
// gives it (plug, unplug), a short or malformed reply by the property that gave it (the emulator's diagnostics, a
// pin's framing and format), checked against a virtual device whose handlers answer short on purpose (issue 16: these
// operation names appeared in no test, so a wrong or empty one went unseen).
import { describe, expect, it } from 'vitest';
import {
  emulatorEnabledEvents,
  emulatorRenderStats,
  emulatorWaveRtStats,
  encodeAudioRange,
  KsError,
  KSPROPSETID,
  setEmulatedDevicePresent,
} from '../lib/index';
import { KSPROPERTY_EMULATOR } from '../lib/emulator/controls';
import { openRender, RENDER_PIN } from './emulated-devices';
import { scriptedDevices } from './scripted-devices';
import { stereo48k } from './helpers';

const { open } = scriptedDevices();

function failure(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KsError);
    return [(e as KsError).code, (e as KsError).message];
  }
  throw new Error('did not throw');
}

const NO_DEVICE = '\\\\?\\ROOT#KS_NO_SUCH_DEVICE#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\global';

describe('native refusals name the call', () => {
  it('plugging or unplugging a path the emulator does not have', () => {
    expect(failure(() => setEmulatedDevicePresent(NO_DEVICE, false))).toStrictEqual(['STATUS_OBJECT_NAME_NOT_FOUND', 'unplug device: STATUS_OBJECT_NAME_NOT_FOUND (0xC0000034)']);
    expect(failure(() => setEmulatedDevicePresent(NO_DEVICE, true))).toStrictEqual(['STATUS_OBJECT_NAME_NOT_FOUND', 'plug device: STATUS_OBJECT_NAME_NOT_FOUND (0xC0000034)']);
  });
});

describe('short replies name the property that gave them', () => {
  function scripted() {
    return open({
      name: 'Short Replies',
      categories: ['AUDIO'],
      pins: [{ dataFlow: 'in', dataRanges: [encodeAudioRange()] }],
      properties: [
        { set: KSPROPSETID.EmulatorDiagnostics, id: KSPROPERTY_EMULATOR.ENABLED_EVENTS, onGet: () => Buffer.alloc(2) },
        { set: KSPROPSETID.EmulatorDiagnostics, id: KSPROPERTY_EMULATOR.RENDER_STATS, target: 'pin', onGet: () => Buffer.alloc(31) },
        { set: KSPROPSETID.EmulatorDiagnostics, id: KSPROPERTY_EMULATOR.WAVERT_STATS, target: 'pin', onGet: () => Buffer.alloc(55) },
        { set: KSPROPSETID.Connection, id: 6, target: 'pin', onGet: () => Buffer.alloc(4) }, // ALLOCATORFRAMING_EX
        { set: KSPROPSETID.Connection, id: 2, target: 'pin', onGet: () => Buffer.alloc(10) }, // DATAFORMAT
      ],
    });
  }

  it('the emulator’s diagnostics', () => {
    using filter = scripted();
    using pin = filter.createPin({ pinId: 0 });
    expect(failure(() => emulatorEnabledEvents(filter))).toStrictEqual(['ERR_MALFORMED_REPLY', 'enabled events: expected 4 bytes, got 2']);
    expect(failure(() => emulatorRenderStats(pin))).toStrictEqual(['ERR_MALFORMED_REPLY', 'render stats: expected 32 bytes, got 31']);
    expect(failure(() => emulatorWaveRtStats(pin))).toStrictEqual(['ERR_MALFORMED_REPLY', 'WaveRT stats: expected 56 bytes, got 55']);
  });

  it('a pin’s framing and its current format', () => {
    using filter = scripted();
    using pin = filter.createPin({ pinId: 0 });
    expect(failure(() => pin.allocatorFramingEx())).toStrictEqual(['ERR_MALFORMED_REPLY', 'get allocator framing ex: KSALLOCATOR_FRAMING_EX needs at least 24 bytes, got 4']);
    const [code, message] = failure(() => pin.currentDataFormat());
    expect(code).toBe('ERR_MALFORMED_REPLY');
    expect(message.startsWith('get data format: ')).toBe(true);
  });
});

describe('closing a pin with render data queued', () => {
  it('cancels what waits, saying so', async () => {
    using filter = openRender();
    const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    // prime 8: nothing runs until 8 packets are queued, so these two stay queued.
    const stream = pin.writer({ packets: 8, frameSize: 1920, prime: 8 });
    await stream.write(Buffer.alloc(3840));
    const draining = stream.drain();
    pin.close();
    let caught: unknown;
    try {
      await draining;
    } catch (e) {
      caught = e;
    }
    expect([(caught as KsError).code, (caught as KsError).message]).toStrictEqual(['ERR_CANCELED', 'write frames: the pin was closed while data was queued']);
  });
});
