// Record → replay over device shapes the built-in emulated devices do not have (issue 16: the first mutation run over
// lib/profiles left most of replay-profile.ts unchecked, since the built-in devices all look alike): pins of every
// dataflow and communication, unnamed pins and pins without a category, several instances and none necessary, a
// WaveRT pin among standard ones, several ranges per pin, a filter with no pins. Each replay must look to a client
// (`inspect --json`) exactly like the device it was recorded from, and a replayed WaveRT pin must stream as WaveRT.
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineVirtualDevice,
  encodeAudioRange,
  extensibleFormat,
  listDevices,
  loadProfile,
  openFilter,
  recordProfile,
  type VirtualDevice,
  type VirtualDeviceDefinition,
} from '../lib/index';
import { expectSameSurface } from './profile-surface';

const PINNAME_CAPTURE = '{FB6C4281-0353-11D1-905F-0000C0CC16BA}';
const devices: VirtualDevice[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.remove();
});

async function roundTrip(definition: VirtualDeviceDefinition): Promise<ReturnType<typeof loadProfile>> {
  const device = defineVirtualDevice(definition);
  devices.push(device);
  const info = listDevices({ backend: 'emulator' }).find((d) => d.path === device.path)!;
  const document = recordProfile(info, { followPhysicalConnections: false });
  const loaded = loadProfile(JSON.stringify(document));
  await expectSameSurface(info, document, loaded);
  // And it behaves the same: each pin factory takes, or refuses with the same status, a pin in its first range's format.
  using original = openFilter(info.path, { backend: 'emulator' });
  using replay = openFilter(loaded.devices[0].path, { backend: 'emulator' });
  for (const pin of original.pins()) {
    const outcome = (f: typeof original) => {
      try {
        f.createPin({ pinId: pin.pinId, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) }).close();
        return 'created';
      } catch (e) {
        return (e as { code?: string }).code ?? String(e);
      }
    };
    expect(outcome(replay), `pin ${pin.pinId}`).toBe(outcome(original));
  }
  return loaded;
}

describe('a replay looks like the device it was recorded from', () => {
  it('pins of every dataflow and communication, named or not, with and without a category, several ranges', async () => {
    using _ = await roundTrip({
      name: 'Shapes One',
      categories: ['AUDIO', 'CAPTURE', 'RENDER'],
      pins: [
        { name: 'Bridge In', dataFlow: 'in', communication: 'bridge', dataRanges: [encodeAudioRange()] },
        { dataFlow: 'out', communication: 'both', instances: 3, necessaryInstances: 0, category: PINNAME_CAPTURE, dataRanges: [encodeAudioRange({ maximumChannels: 1, minimumSampleFrequency: 8000, maximumSampleFrequency: 16000 }), encodeAudioRange({ subFormat: 'IEEE_FLOAT', minimumBitsPerSample: 32 })] },
        { name: 'Source', dataFlow: 'out', communication: 'source', dataRanges: [encodeAudioRange({ minimumBitsPerSample: 24, maximumBitsPerSample: 24 })] },
        { name: 'None', dataFlow: 'in', communication: 'none', instances: 0, dataRanges: [] },
        { name: 'Sink', dataFlow: 'in', communication: 'sink', necessaryInstances: 1, dataRanges: [encodeAudioRange({ maximumChannels: 8 })] },
      ],
    });
  });

  it('a filter with no pins, and a WaveRT pin beside a standard one, which streams as WaveRT after the replay', async () => {
    using _empty = await roundTrip({ name: 'Shapes Empty', categories: ['AUDIO'], pins: [] });
    using loaded = await roundTrip({
      name: 'Shapes WaveRT',
      categories: ['AUDIO', 'RENDER'],
      pins: [
        { name: 'Standard', dataFlow: 'in', communication: 'sink', dataRanges: [encodeAudioRange()] },
        { name: 'Speaker', dataFlow: 'in', communication: 'sink', streaming: 'waveRt', waveRtLatency: { fifoSize: 512, chipsetDelay: 10, codecDelay: 20000 }, dataRanges: [encodeAudioRange()] },
      ],
    });
    using filter = openFilter(loaded.devices[0].path, { backend: 'emulator' });
    using pin = filter.createPin({ pinId: 1, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    expect(pin.streamingKind).toBe('wavert');
    expect(pin.hwLatency()).toEqual({ fifoSize: 512, chipsetDelay: 10, codecDelay: 20000 });
    using standard = filter.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    expect(standard.streamingKind).toBe('standard');
  });
});
