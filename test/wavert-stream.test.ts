// Streaming on the emulated WaveRT endpoints through the public API: one
// streaming API whatever the pin (frames(), write(), writable()), in event,
// polled and packet mode. Capture is checked byte by byte against the index
// signal's formula written out here (and the tone's, on request); render by the endpoint's checksum of
// what it played, computed here over what was written. Every streaming case
// also checks that the endpoint counted no glitch. Buffers of 100 ms keep a
// loaded machine's scheduling out of the glitch counts (200 ms for render).
import { afterEach, describe, expect, it } from 'vitest';
import * as path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { Worker } from 'worker_threads';
import {
  KsError,
  emulatorWaveRtStats,
  extensibleFormat,
  openFilter,
  openHandleCount,
  setEmulatorAudioEngineHold,
  setEmulatorCaptureSignal,
  type KsFilter,
  type WaveRtMode,
} from '../lib/index';
import { emulatedDevicePath } from './emulated-devices';
import { sameFailure } from './helpers';
import { waveRtPlayedChecksum } from './render-oracle';
import { testBackend } from './test-backend';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

const MODES: WaveRtMode[] = ['event', 'polled', 'packet'];

const open = (name: string): KsFilter => openFilter(emulatedDevicePath(name), { backend: testBackend() });
const openMicrophone = () => open('KS Emulator WaveRT Microphone');
const openSpeakers = () => open('KS Emulator WaveRT Speakers');
const format16 = () => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

/** The emulator's tone, from its definition: 1 kHz, amplitude 2·⌊(2^(bits−1) − 1) / 4⌋ at the valid bits. */
function tone(n: number, validBits: number): number {
  return Math.round(Math.sin((2 * Math.PI * ((n * 1000) % 48000)) / 48000) * 2 * Math.floor((2 ** (validBits - 1) - 1) / 4));
}

/** The index signal: byte k of sample frame n (counted from the last STOP) is byte k mod 8 of n. */
function indexByte(n: number, k: number): number {
  return Number((BigInt(n) >> BigInt(8 * (k % 8))) & 0xffn);
}

/** FNV-1a 64 over 8-byte little-endian words, as the endpoint keeps it. */
const fnv = waveRtPlayedChecksum;

describe('WaveRT pins through the public API', () => {
  it('createPin picks KSINTERFACE_STANDARD_LOOPED_STREAMING when that is all the pin offers, and the pin says it is WaveRT', () => {
    using filter = openMicrophone();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    expect(pin.waveRt).toBe(true);
    expect(pin.streamingKind).toBe('wavert');
    expect(pin.hwLatency()).toEqual({ fifoSize: 256, chipsetDelay: 0, codecDelay: 10000 });
    expect(pin.presentationPosition().positionInBlocks).toBe(0n);
  });

  it.each(MODES)('captures every sample frame in %s mode, nothing lost, stale or repeated, times continuous', async (mode) => {
    using filter = openMicrophone();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    let n = 0;
    let mismatches = 0;
    for await (const frame of pin.frames({ mode, latencyMs: 100, frameSize: 1920 })) {
      expect(frame.presentationTime).toBe(Math.floor((n * 10_000_000) / 48000));
      for (let i = 0; i < frame.data.byteLength; i += 4, n++) {
        for (let k = 0; k < 4; k++) if (frame.data[i + k] !== indexByte(n, k)) mismatches++;
      }
      if (n >= 48000 * 0.3) break;
    }
    expect(mismatches).toBe(0);
    expect(pin.streamingKind).toBe(`wavert-${mode}`);
    expect(pin.state()).toBe('stop');
    expect(emulatorWaveRtStats(pin).glitches).toBe(0);
  });

  // The position register wraps: with one notification per buffer each event pass finds it where the last one
  // left it, a buffer later. The engine tells the two apart by the time between passes (it once read "no
  // movement", capturing nothing and rendering nothing new).
  it('captures and renders with one notification per buffer (the position a whole buffer on at each pass)', async () => {
    {
      using filter = openMicrophone();
      using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
      let n = 0;
      let mismatches = 0;
      for await (const frame of pin.frames({ mode: 'event', latencyMs: 100, notificationCount: 1, frameSize: 1920 })) {
        n = Math.round((frame.presentationTime * 48000) / 10_000_000);
        for (let i = 0; i < frame.data.byteLength; i += 4, n++) for (let k = 0; k < 4; k++) if (frame.data[i + k] !== indexByte(n, k)) mismatches++;
        if (n >= 48000 * 0.4) break;
      }
      expect(n).toBeGreaterThanOrEqual(48000 * 0.4);
      expect(mismatches).toBe(0);
    }
    using filter = openSpeakers();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    const data = Buffer.alloc(48000 * 4 * 0.6);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 10)) & 0xff;
    await pin.write(data, { endOfStream: true, waveRt: { mode: 'event', latencyMs: 100, notificationCount: 1 } });
    const stats = emulatorWaveRtStats(pin);
    expect(stats.glitches, `glitches in the emulated DMA's late steps: ${stats.glitchesInLateSteps} of ${stats.lateSteps} late steps, the longest ${stats.longestStepMs} ms`).toBe(0);
    expect(stats.checksum).toBe(fnv(Buffer.concat([data, Buffer.alloc(stats.bytes - data.length)])));
  });

  it('captures the tone on request, 24 valid bits in a 32-bit container, left-justified', async () => {
    using filter = openMicrophone();
    using pin = filter.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, validBitsPerSample: 24 }) });
    setEmulatorCaptureSignal(pin, 'tone');
    let n = 0;
    let mismatches = 0;
    for await (const frame of pin.frames({ latencyMs: 100 })) {
      const view = new DataView(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
      for (let i = 0; i < frame.data.byteLength; i += 8, n++) {
        if (view.getInt32(i, true) !== tone(n, 24) * 256 || view.getInt32(i + 4, true) !== tone(n, 24) * 256) mismatches++;
      }
      if (n >= 4800) break;
    }
    expect(mismatches).toBe(0);
    expect(emulatorWaveRtStats(pin).glitches).toBe(0);
  });

  it.each(MODES)('renders in %s mode: the endpoint plays every byte written, then silence', async (mode) => {
    using filter = openSpeakers();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    const data = Buffer.alloc(48000 * 4 * 0.6);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 9)) & 0xff;
    await pin.write(data, { endOfStream: true, waveRt: { mode, latencyMs: 200 } });
    expect(pin.streamingKind).toBe(`wavert-${mode}`);
    expect(pin.state()).toBe('stop');
    const stats = emulatorWaveRtStats(pin);
    expect(stats.glitches, `glitches in the emulated DMA's late steps: ${stats.glitchesInLateSteps} of ${stats.lateSteps} late steps, the longest ${stats.longestStepMs} ms`).toBe(0);
    expect(stats.bytes).toBeGreaterThanOrEqual(data.length);
    const played = Buffer.concat([data, Buffer.alloc(stats.bytes - data.length)]);
    expect(stats.checksum).toBe(fnv(played));
  });

  it('renders through writable(), chunk by chunk, with a ring smaller than the data so that writes wait for the device', async () => {
    using filter = openSpeakers();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    // 1.2 s of audio through a 0.6 s ring: writes wait for the device, and
    // JavaScript stays far enough ahead that no silence goes in between.
    const chunks = Array.from({ length: 120 }, (_, c) => Buffer.alloc(1920, (c * 7 + 1) & 0xff));
    await pipeline(Readable.from(chunks), pin.writable({ waveRt: { latencyMs: 200, ringMs: 600 } }));
    const stats = emulatorWaveRtStats(pin);
    const data = Buffer.concat(chunks);
    expect(stats.glitches, `glitches in the emulated DMA's late steps: ${stats.glitchesInLateSteps} of ${stats.lateSteps} late steps, the longest ${stats.longestStepMs} ms`).toBe(0);
    expect(stats.bytes).toBeGreaterThanOrEqual(data.length);
    expect(stats.checksum).toBe(fnv(Buffer.concat([data, Buffer.alloc(stats.bytes - data.length)])));
  });

  it('names the Windows audio engine when the endpoint is held (details.reason "in-use")', () => {
    using filter = openSpeakers();
    setEmulatorAudioEngineHold(filter, true);
    try {
      let caught: unknown;
      try {
        filter.createPin({ pinId: 0, dataFormat: format16() });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(KsError);
      const error = caught as KsError;
      // Through the bridge, what KsCreatePin2 reports: ERROR_BAD_COMMAND's HRESULT (KS-NOTES, "held by the audio engine").
      expect(sameFailure(error, 'STATUS_INVALID_DEVICE_STATE'), error.message).toBe(true);
      expect(error.details.reason).toBe('in-use');
      expect(error.message).toMatch(/Windows audio engine \(audiodg\.exe\) or another application .*GLOBALCINSTANCES 1\/1/);
    } finally {
      setEmulatorAudioEngineHold(filter, false);
    }
  });

  it('reads PACKETCOUNT and PRESENTATION_POSITION while streaming', async () => {
    using filter = openMicrophone();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    const frames = pin.frames({ mode: 'packet', latencyMs: 20 });
    let seen = 0;
    for await (const _ of frames) if (++seen === 5) break;
    expect(pin.state()).toBe('stop');
    expect(pin.packetCount()).toBe(0);
    const again = pin.frames({ mode: 'packet', latencyMs: 20 });
    await again.next();
    expect(pin.packetCount()).toBeGreaterThan(0);
    expect(pin.presentationPosition().positionInBlocks).toBeGreaterThan(0n);
    again.close();
  });

  it('stops and closes while streaming, 500 times, each start finding the pin in STOP', { timeout: 300_000 }, async () => {
    for (let i = 0; i < 500; i++) {
      using filter = openMicrophone();
      const pin = filter.createPin({ pinId: 0, dataFormat: format16() });
      const frames = pin.frames({ mode: MODES[i % 3], latencyMs: 10 });
      if (i % 2 === 0) await frames.next();
      if (i % 3 === 0) frames.close();
      else if (i % 3 === 1) pin.close();
      else filter.close();
      // Closing the stream ends it; closing the pin or its filter cancels it.
      const outcome = await frames.next().then((r) => (r.done ? 'done' : 'frame'), (e: KsError) => e.code);
      expect(outcome).toBe(i % 3 === 0 ? 'done' : 'ERR_CANCELED');
      pin.close();
    }
  });

  it('closes a rendering pin or its filter, or ends its stream, while the device plays, 100 times', { timeout: 300_000 }, async () => {
    const chunk = Buffer.alloc(1920, 7);
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      using filter = openSpeakers();
      const pin = filter.createPin({ pinId: 0, dataFormat: format16() });
      // Enough to start the engine (a device buffer), then more while it plays.
      const writing = (async () => {
        for (let n = 0; n < 20; n++) await pin.write(chunk, { waveRt: { mode: MODES[i % 3], latencyMs: 10, ringMs: 20 } });
      })();
      await new Promise((resolve) => setTimeout(resolve, i % 5));
      if (i % 3 === 0) pin.close();
      else if (i % 3 === 1) filter.close();
      else await writing.catch(() => undefined);
      // Closing cancels the writes in progress; a write after close is refused.
      const outcome = await writing.then(() => 'written', (e: KsError) => e.code);
      expect(['written', 'ERR_CANCELED', 'ERR_CLOSED']).toContain(outcome);
      if (i % 3 === 2) expect(outcome).toBe('written');
      if (outcome !== 'written') refused++;
      pin.close();
    }
    // A 20 ms ring: most closes land while writes still wait for room.
    expect(refused).toBeGreaterThan(10);
  });

  it('survives a worker terminated in the middle of a WaveRT capture', async () => {
    const script = `
      const { parentPort } = require('worker_threads');
      const ks = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
      const device = ks.listDevices({ category: 'REALTIME', backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator WaveRT Microphone');
      const filter = ks.openFilter(device.path);
      const pin = filter.createPin({ pinId: 0, dataFormat: ks.extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
      (async () => {
        let n = 0;
        for await (const frame of pin.frames({ latencyMs: 10 })) if (++n === 10) parentPort.postMessage(n);
      })();
    `;
    const worker = new Worker(script, { eval: true });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    using filter = openMicrophone();
    using pin = filter.createPin({ pinId: 0, dataFormat: format16() });
    expect(pin.state()).toBe('stop');
  });
});
