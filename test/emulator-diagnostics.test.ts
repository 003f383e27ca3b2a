// The emulator's diagnostics as the tests read them: renderChecksum against FNV-1a 64 values worked out apart from
// this package (Python, over the same words-then-tail order), and the render and WaveRT counters in both states of
// each flag, before and after what sets it (issue 16: endOfStream was only ever seen true, packetMode only true,
// longestStepMs never in its unit).
import { afterEach, describe, expect, it } from 'vitest';
import { defineVirtualDevice, emulatorRenderStats, emulatorWaveRtStats, encodeAudioRange, extensibleFormat, KSPROPSETID, openFilter, openHandleCount, renderChecksum, setEmulatorAudioEngineHold, setEmulatorCaptureSignal, setEmulatorPacing } from '../lib/index';
import { KSPROPERTY_EMULATOR } from '../lib/emulator/controls';
import { emulatedDevicePath, openRender, RENDER_PIN } from './emulated-devices';
import { stereo48k } from './helpers';
import { until } from './cli-process';
import { testBackend } from './test-backend';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

describe('renderChecksum', () => {
  // python3: h = 0xcbf29ce484222325; per packet, h = ((h ^ word) * 0x100000001b3) mod 2^64 over its little-endian
  // 8-byte words, then the same over each tail byte.
  it('is FNV-1a 64 over each packet’s little-endian words, then its tail bytes', () => {
    expect(renderChecksum([])).toBe(0xcbf29ce484222325n);
    expect(renderChecksum([Buffer.alloc(0)])).toBe(0xcbf29ce484222325n);
    expect(renderChecksum([Buffer.from([1])])).toBe(0xaf63bc4c8601b62cn);
    expect(renderChecksum([Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9])])).toBe(0xf70f13fd27f92edfn);
    // Words restart at each packet: 3 tail bytes, then one word and four tail bytes.
    expect(renderChecksum([Buffer.from([1, 2, 3]), Buffer.from([4, 5, 6, 7, 8, 9, 10, 11, 12])])).toBe(0x2fb4193b5ba9a4a3n);
  });

  it('reads a view at its own offset, and continues from a seed', () => {
    const backing = Buffer.from([0xee, 0xee, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xee]);
    expect(renderChecksum([new Uint8Array(backing.buffer, backing.byteOffset + 2, 9)])).toBe(0xf70f13fd27f92edfn);
    const first = renderChecksum([Buffer.from([1, 2, 3])]);
    expect(renderChecksum([Buffer.from([4, 5, 6, 7, 8, 9, 10, 11, 12])], first)).toBe(0x2fb4193b5ba9a4a3n);
  });
});

describe('render stats', () => {
  it('endOfStream is false until the end-of-stream packet is consumed', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    expect(emulatorRenderStats(pin)).toStrictEqual({ frames: 0, bytes: 0, checksum: 0xcbf29ce484222325n, endOfStream: false });
    pin.start();
    const packet = Buffer.alloc(1920, 7);
    await pin.write(packet);
    await until(() => emulatorRenderStats(pin).bytes === 1920, 'the packet consumed');
    expect(emulatorRenderStats(pin)).toStrictEqual({ frames: 1, bytes: 1920, checksum: renderChecksum([packet]), endOfStream: false });
    await pin.write(Buffer.alloc(0), { endOfStream: true });
    expect(emulatorRenderStats(pin)).toStrictEqual({ frames: 2, bytes: 1920, checksum: renderChecksum([packet]), endOfStream: true });
  });
});

describe('WaveRT stats', () => {
  const openSpeakers = () => openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
  const format = () => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

  it('all zero on a pin that never ran', () => {
    using filter = openSpeakers();
    using pin = filter.createPin({ pinId: 0, dataFormat: format() });
    expect(emulatorWaveRtStats(pin)).toStrictEqual({
      frames: 0,
      bytes: 0,
      checksum: 0xcbf29ce484222325n,
      glitches: 0,
      notifications: 0,
      endOfStream: false,
      packetMode: false,
      lateSteps: 0,
      longestStepMs: 0,
      glitchesInLateSteps: 0,
    });
  });

  it('after a render: no packet mode or end of stream in event mode (packet mode is checked in wavert-rules), the longest step in milliseconds', async () => {
    using filter = openSpeakers();
    using pin = filter.createPin({ pinId: 0, dataFormat: format() });
    await pin.write(Buffer.alloc(48000 * 4 * 0.2), { endOfStream: true, waveRt: { mode: 'event', latencyMs: 100 } });
    const stats = emulatorWaveRtStats(pin);
    expect([stats.packetMode, stats.endOfStream]).toStrictEqual([false, false]);
    expect(stats.frames).toBeGreaterThan(0);
    // The DMA steps about every millisecond; the register holds microseconds. A step of a second or more would be a
    // stall no test here survives, so the bound only catches a wrong unit.
    expect(stats.longestStepMs).toBeGreaterThan(0);
    expect(stats.longestStepMs).toBeLessThan(1000);
    expect(Number.isInteger(Math.round(stats.longestStepMs * 1000 * 1e6) / 1e6)).toBe(true);
  });
});

describe('the emulator switches, as sent', () => {
  it('each switch sends its documented ULONG: signal index 0 / tone 1, pacing real-time 1 / unthrottled 0, engine hold 1 / 0', () => {
    const sent: string[] = [];
    const record = (name: string) => (r: { value?: Buffer }) => {
      sent.push(`${name} ${r.value!.readUInt32LE(0)}`);
    };
    const device = defineVirtualDevice({
      name: 'Switches',
      categories: ['AUDIO', 'CAPTURE'],
      pins: [{ dataFlow: 'out', dataRanges: [encodeAudioRange()] }],
      properties: [
        { set: KSPROPSETID.EmulatorDiagnostics, id: KSPROPERTY_EMULATOR.CAPTURE_SIGNAL, target: 'pin', onSet: record('signal') },
        { set: KSPROPSETID.EmulatorDiagnostics, id: KSPROPERTY_EMULATOR.PACING, target: 'pin', onSet: record('pacing') },
        { set: KSPROPSETID.EmulatorDiagnostics, id: KSPROPERTY_EMULATOR.AUDIO_ENGINE_HOLD, onSet: record('hold') },
      ],
    });
    try {
      using filter = openFilter(device.path, { backend: 'emulator' });
      using pin = filter.createPin({ pinId: 0 });
      setEmulatorCaptureSignal(pin, 'tone');
      setEmulatorCaptureSignal(pin, 'index');
      setEmulatorPacing(pin, 'real-time');
      setEmulatorPacing(pin, 'unthrottled');
      setEmulatorAudioEngineHold(filter, true);
      setEmulatorAudioEngineHold(filter, false);
      expect(sent).toStrictEqual(['signal 1', 'signal 0', 'pacing 1', 'pacing 0', 'hold 1', 'hold 0']);
      expect(() => setEmulatorAudioEngineHold(filter, 1 as never)).toThrow(new TypeError('held must be a boolean, got number'));
      expect(() => setEmulatorPacing(pin, 'fast' as never)).toThrow(new RangeError('pacing must be "real-time" or "unthrottled", got "fast"'));
      expect(sent).toHaveLength(6);
    } finally {
      device.remove();
    }
  });
});
