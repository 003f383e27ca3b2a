// Who was late when a WaveRT stream lost audio: the emulated DMA's own
// timekeeping (emulatorWaveRtStats: lateSteps, longestStepMs,
// glitchesInLateSteps) and the engine's (CaptureStream.engineTiming), driven
// by KSPROPERTY_EMULATOR.WAVERT_DMA_HOLD, which holds the DMA's thread off
// for a given time as a loaded machine or a VM's host does. The benchmark
// prints the same counters beside its glitch counts (bench/wavert.js).
import { afterEach, describe, expect, it } from 'vitest';
import { KSPROPERTY_EMULATOR, KSPROPSETID, emulatorWaveRtStats, extensibleFormat, openFilter, openHandleCount, type KsPin } from '../lib/index';
import { emulatedDevicePath } from './emulated-devices';
import { expectKsError } from './helpers';
import { testBackend } from './test-backend';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

const format16 = () => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
const openMicrophone = () => openFilter(emulatedDevicePath('KS Emulator WaveRT Microphone'), { backend: testBackend() });
const openSpeakers = () => openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() });

/** The index signal: byte k of sample frame n (counted from the last STOP) is byte k mod 8 of n. */
function indexByte(n: number, k: number): number {
  return Number((BigInt(n) >> BigInt(8 * (k % 8))) & 0xffn);
}

function holdDma(pin: KsPin, ms: number): void {
  const value = Buffer.alloc(4);
  value.writeUInt32LE(ms);
  pin.setProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.WAVERT_DMA_HOLD, value);
}

describe('WaveRT timing: the DMA held off the CPU', () => {
  it('refuses a hold over a second, and counts no late step', () => {
    using filter = openMicrophone();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    expectKsError(() => holdDma(pin, 1001), 'STATUS_INVALID_PARAMETER');
    expect(emulatorWaveRtStats(pin)).toMatchObject({ lateSteps: 0, longestStepMs: 0, glitchesInLateSteps: 0 });
  });

  // A 100 ms buffer: the 40 ms the DMA catches up in one go stays clear of what the engine has not read yet, so
  // nothing may be lost. (A hold longer than the buffer makes the emulated DMA write over the whole buffer within
  // microseconds, faster than any hardware, while the engine may be copying from it: that case is left to the
  // native self-tests, which check the counters without the bytes.)
  it('a 40 ms hold on a 100 ms buffer: the late step is counted, nothing is lost, and every byte delivered is at its place', async () => {
    using filter = openMicrophone();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    const stream = pin.frames({ latencyMs: 100, notificationCount: 2, mode: 'event', packets: 64, frameSize: 1920 });
    let frames = 0;
    let misplaced = 0;
    let delivered = 0;
    let lastEnd = 0;
    let jumped = 0;
    const started = performance.now();
    for await (const frame of stream) {
      // The frame's first sample frame, from its presentation time (100 ns units, floored by the engine).
      const first = Math.round((frame.presentationTime * 48000) / 1e7);
      if (first > lastEnd) jumped += first - lastEnd;
      for (let i = 0; i < frame.dataUsed; i++) if (frame.data[i] !== indexByte(first + Math.floor(i / 4), i % 4)) misplaced++;
      delivered += frame.dataUsed / 4;
      lastEnd = first + frame.dataUsed / 4;
      frame.release();
      if (++frames === 5) holdDma(pin, 40);
      if (frames === 40) break;
    }
    const timing = stream.engineTiming;
    const dma = emulatorWaveRtStats(pin);
    expect(misplaced).toBe(0);
    if (stream.overruns === 0) expect(delivered).toBe(40 * 480);
    // The DMA's step after the hold came at least 40 ms after the one before.
    expect(dma.lateSteps).toBeGreaterThanOrEqual(1);
    expect(dma.longestStepMs).toBeGreaterThanOrEqual(40);
    // Any overrun (none unless the machine held the engine off for a whole buffer) came after a stall, and shows in the times.
    expect(timing.overrunsAfterStall).toBe(stream.overruns);
    if (stream.overruns === 0) expect(jumped).toBe(0);
    expect(timing.longestGapMs).toBeGreaterThan(0);
    // In milliseconds (the engine counts nanoseconds): no gap between passes, nor all their CPU time together, can be
    // longer than the whole capture took.
    const wallMs = performance.now() - started;
    expect(timing.longestGapMs).toBeLessThanOrEqual(wallMs);
    // Windows counts thread CPU time in scheduler ticks (GetThreadTimes, 15.6 ms), so short passes add up to 0 there.
    if (process.platform === 'win32') expect(stream.enginePassCpuMs).toBeGreaterThanOrEqual(0);
    else expect(stream.enginePassCpuMs).toBeGreaterThan(0);
    expect(stream.enginePassCpuMs).toBeLessThanOrEqual(wallMs);
  });

  it('render: waveRtRenderStats is null before the first write, then counts what the engine took, its silence, and no underrun', async () => {
    using filter = openSpeakers();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    expect(pin.waveRtRenderStats).toBeNull();
    const data = Buffer.alloc(48000 * 4 * 0.3, 0x5a);
    // A 100 ms buffer keeps a loaded machine's scheduling out of the count.
    await pin.write(data, { endOfStream: true, waveRt: { latencyMs: 100, mode: 'event' } });
    const stats = pin.waveRtRenderStats!;
    expect(stats.underruns).toBe(0);
    expect(stats.underrunsAfterStall).toBe(0);
    expect(stats.bytesTaken).toBe(data.length);
    // Draining, the ring ran dry while the device played the last buffer: the engine wrote silence after the data.
    expect(stats.silenceBytes).toBeGreaterThan(0);
    expect(emulatorWaveRtStats(pin).glitches).toBe(0);
  });

  it('render: a 40 ms DMA hold on a 10 ms buffer shows as an underrun the engine counts, with the stall, and in the endpoint as a late-step glitch', async () => {
    using filter = openSpeakers();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    const data = Buffer.alloc(48000 * 4 * 0.3, 0x5a);
    const timer = setTimeout(() => holdDma(pin, 40), 80);
    await pin.write(data, { endOfStream: true, waveRt: { latencyMs: 10, mode: 'event' } });
    clearTimeout(timer);
    const stats = pin.waveRtRenderStats!;
    const dma = emulatorWaveRtStats(pin);
    expect(dma.lateSteps).toBeGreaterThanOrEqual(1);
    expect(dma.longestStepMs).toBeGreaterThanOrEqual(40);
    // The step after the hold fetched 40 ms at once from a 10 ms buffer: words no client could have written yet.
    expect(dma.glitchesInLateSteps).toBeGreaterThanOrEqual(1);
    expect(stats.underruns).toBeGreaterThanOrEqual(1);
    expect(stats.stalls).toBeGreaterThanOrEqual(1);
    expect(stats.underrunsAfterStall).toBeLessThanOrEqual(stats.underruns);
    // Still every byte given was taken into the device's buffer.
    expect(stats.bytesTaken).toBe(data.length);
  });
});
