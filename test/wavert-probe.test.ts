// What `inspect` finds out about a WaveRT pin (lib/cli/wavert-probe.ts), step by step as the engine would: the
// hardware latency, event mode (a buffer with notifications), packet mode (PACKETCOUNT on that buffer), polled mode
// always; and what it says when it cannot probe (the endpoint held by the audio engine, a refused format, a failure
// that is not "absent"). The refusals come from handlers of a virtual device's WaveRT pin, so each step is shown to
// follow from the driver's own answer (issue 16: the first mutation run found most of this file reached by no test).
import { describe, expect, it } from 'vitest';
import { encodeAudioRange, extensibleFormat, KSPROPERTY_RTAUDIO, KSPROPSETID, openFilter, setEmulatorAudioEngineHold, type VirtualPropertyHandler } from '../lib/index';
import { scriptedDevices } from './scripted-devices';
import { probeWaveRt } from '../lib/cli/wavert-probe';
import { emulatedDevicePath } from './emulated-devices';
import { testBackend } from './test-backend';

const { open } = scriptedDevices();

const format = () => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
const LATENCY = { fifoSize: 384, chipsetDelay: 20, codecDelay: 30000 };

function waveRtDevice(refusals: Partial<Record<keyof typeof KSPROPERTY_RTAUDIO, string>>) {
  const properties: VirtualPropertyHandler[] = Object.entries(refusals).map(([name, status]) => ({
    set: KSPROPSETID.RtAudio,
    id: KSPROPERTY_RTAUDIO[name as keyof typeof KSPROPERTY_RTAUDIO],
    target: 'pin',
    onGet: () => ({ status }),
  }));
  return open({
    name: 'Probe Speakers',
    categories: ['AUDIO', 'RENDER'],
    pins: [{ dataFlow: 'in', streaming: 'waveRt', waveRtLatency: LATENCY, dataRanges: [encodeAudioRange()] }],
    properties,
  });
}

describe('probeWaveRt', () => {
  it('a WaveRT pin that answers everything: its latency, and event, packet and polled mode', () => {
    using filter = waveRtDevice({});
    expect(probeWaveRt(filter, filter.pinInfo(0), format())).toStrictEqual({ hwLatency: LATENCY, modes: ['event', 'packet', 'polled'] });
  });

  it('no notifications: polled only (packet mode needs the buffer event mode allocates)', () => {
    using filter = waveRtDevice({ BUFFER_WITH_NOTIFICATION: 'STATUS_NOT_SUPPORTED' });
    expect(probeWaveRt(filter, filter.pinInfo(0), format())).toStrictEqual({ hwLatency: LATENCY, modes: ['polled'] });
  });

  it('no PACKETCOUNT (a driver before Windows 10): event and polled', () => {
    using filter = waveRtDevice({ PACKETCOUNT: 'STATUS_NOT_SUPPORTED' });
    expect(probeWaveRt(filter, filter.pinInfo(0), format())).toStrictEqual({ hwLatency: LATENCY, modes: ['event', 'polled'] });
  });

  it('HWLATENCY answered absent is no latency; any other failure is the probe’s error', () => {
    using absent = waveRtDevice({ HWLATENCY: 'STATUS_NOT_FOUND' });
    expect(probeWaveRt(absent, absent.pinInfo(0), format())).toStrictEqual({ hwLatency: null, modes: ['event', 'packet', 'polled'] });
    using denied = waveRtDevice({ HWLATENCY: 'STATUS_ACCESS_DENIED' });
    const probe = probeWaveRt(denied, denied.pinInfo(0), format());
    expect(probe.hwLatency).toBeNull();
    expect(probe.modes).toStrictEqual([]);
    expect(probe.error).toMatch(/^STATUS_ACCESS_DENIED: get KSPROPERTY_RTAUDIO_HWLATENCY: STATUS_ACCESS_DENIED \(0xC0000022\)/);
  });

  it('an endpoint the audio engine holds is "in use"; a refused format is its code and message', () => {
    using speakers = openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
    const pin = speakers.pinInfo(0);
    setEmulatorAudioEngineHold(speakers, true);
    try {
      const held = probeWaveRt(speakers, pin, format());
      expect([held.hwLatency, held.modes]).toStrictEqual([null, []]);
      // STATUS_INVALID_DEVICE_STATE, which DeviceIoControl reports as ERROR_BAD_COMMAND (the Windows backend's lane).
      expect(held.error).toMatch(/^in use \(create pin: (STATUS_INVALID_DEVICE_STATE|ERROR_BAD_COMMAND) .*\)$/);
    } finally {
      setEmulatorAudioEngineHold(speakers, false);
    }
    const refused = probeWaveRt(speakers, pin, extensibleFormat({ channels: 2, sampleRate: 8000, bitsPerSample: 16 }));
    expect([refused.hwLatency, refused.modes]).toStrictEqual([null, []]);
    expect(refused.error).toMatch(/^(STATUS|ERROR)_NO_MATCH: create pin: (STATUS|ERROR)_NO_MATCH \(0x[0-9A-F]{8}\): pin 0 does not accept this format/);
  });
});
