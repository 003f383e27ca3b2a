// Capture streaming over the emulator: every byte checked against the test
// signal, timestamps at the format's rate, backpressure, and close during
// streaming.
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'worker_threads';
import * as path from 'path';
import { Frame, KSPROPERTY_EMULATOR, KSPROPSETID, KsFilter, KsPin, emulatorToneSample, openHandleCount, setEmulatorCaptureSignal, setEmulatorPacing } from '../lib/index';
import { closeWhilePending, expectIndexSignal, expectKsError, expectKsRejection, openCapture, stereo48k, stereo48k24 } from './helpers';

const filters: KsFilter[] = [];

function capturePin(format = stereo48k()): KsPin {
  const filter = openCapture();
  filters.push(filter);
  return filter.createPin({ pinId: 0, dataFormat: format });
}

afterEach(() => {
  for (const filter of filters.splice(0)) filter.close();
  expect(openHandleCount()).toBe(0);
});

/** A ULONG property value. */
function ulong(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

/** Checks that `frame` holds the index signal from sample frame `first` on; returns the next sample frame. */
function expectIndexFrame(frame: Frame, first: number, blockAlign: number): number {
  return expectIndexSignal(frame.data.subarray(0, frame.dataUsed), first, blockAlign, `packet ${frame.index}`);
}

describe('capture', () => {
  // A budget, not a measure: a thousand packets, every byte checked (slow under Wine on a loaded machine).
  it('delivers every sample frame of the index signal, in order, with timestamps at 48 kHz', { timeout: 120_000 }, async () => {
    const pin = capturePin();
    setEmulatorPacing(pin, 'unthrottled');
    let position = 0;
    let count = 0;
    for await (const frame of pin.frames({ packets: 8 })) {
      expect(frame.index).toBe(count);
      expect(frame.dataUsed).toBe(1920);
      expect(frame.timeValid && frame.durationValid).toBe(true);
      expect(frame.discontinuity).toBe(count === 0);
      expect(frame.presentationTime).toBe(Math.floor((position * 1e7) / 48000));
      expect(frame.duration).toBe(100000); // 480 sample frames = 10 ms in 100 ns units
      position = expectIndexFrame(frame, position, 4);
      if (++count === 1000) break;
    }
    expect(position).toBe(480 * 1000);
    expect(pin.state()).toBe('stop');
    pin.close();
  });

  // The I/O manager may report a completion after later ones: Windows finishes a request in the thread that sent it,
  // and the engine sends from JavaScript's thread and from its completion thread. LATE_COMPLETIONS has the emulator
  // report every other packet after the next one; the frames must still come in the order the device filled them.
  it('delivers frames in the order the device filled them when completions are reported out of order', { timeout: 120_000 }, async () => {
    const pin = capturePin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.setProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.LATE_COMPLETIONS, ulong(1));
    let position = 0;
    let count = 0;
    for await (const frame of pin.frames({ packets: 8 })) {
      expect(frame.discontinuity).toBe(count === 0);
      expect(frame.presentationTime).toBe(Math.floor((position * 1e7) / 48000));
      position = expectIndexFrame(frame, position, 4);
      if (++count === 300) break;
    }
    expect(position).toBe(480 * 300);
    pin.close();
  });

  it('fills 24-bit frames whose size is not a whole number of samples with whole samples only', async () => {
    const pin = capturePin(stereo48k24());
    setEmulatorPacing(pin, 'unthrottled');
    let position = 0;
    let count = 0;
    for await (const frame of pin.frames({ packets: 4, frameSize: 1000 })) {
      expect(frame.dataUsed).toBe(996); // 166 sample frames of 6 bytes
      position = expectIndexFrame(frame, position, 6);
      if (++count === 50) break;
    }
    expect(position).toBe(166 * 50);
    pin.close();
  });

  it('delivers the 1 kHz tone when asked: hand-worked samples, both channels, 16 and 24 bits', async () => {
    // At 48 kHz sample n is at phase n · 7.5°; the amplitude is 2·⌊(2^(bits−1) − 1)/4⌋: 16382 and 4194302.
    // sin 7.5° = 0.1305262, sin 30° = 1/2, sin 60° = √3/2 = 0.8660254.
    const pinned: Record<number, Record<number, number>> = {
      16: { 0: 0, 1: 2138 /* 2138.28 */, 4: 8191, 8: 14187 /* 14187.23 */, 12: 16382, 24: 0, 28: -8191, 36: -16382, 44: -8191, 47: -2138, 48: 0 },
      24: { 0: 0, 1: 547466 /* 547466.27 */, 4: 2097151, 8: 3632372 /* 3632372.08 */, 12: 4194302, 24: 0, 36: -4194302, 47: -547466 },
    };
    for (const bits of [16, 24]) {
      const pin = capturePin(bits === 16 ? stereo48k() : stereo48k24());
      setEmulatorPacing(pin, 'unthrottled');
      setEmulatorCaptureSignal(pin, 'tone');
      const bytes = bits / 8;
      const stream = pin.frames({ packets: 2 });
      const { value: frame } = await stream.next();
      const data = Buffer.from(frame!.data.buffer, frame!.data.byteOffset, frame!.dataUsed);
      const sample = (n: number, c: number) => data.readIntLE(n * 2 * bytes + c * bytes, bytes);
      for (const [n, expected] of Object.entries(pinned[bits]).map(([n, v]) => [Number(n), v])) {
        expect([sample(n, 0), sample(n, 1)], `${bits}-bit sample ${n}`).toEqual([expected, expected]);
        expect(emulatorToneSample(n, 48000, bits), `emulatorToneSample(${n}, 48000, ${bits})`).toBe(expected);
      }
      // The rest of the packet: the same sine, which repeats every 48 sample frames.
      for (let n = 0; n < frame!.dataUsed / (2 * bytes); n++) {
        if (sample(n, 0) !== sample(n % 48, 0) || sample(n, 1) !== sample(n, 0)) throw new Error(`${bits}-bit sample ${n} is not the tone`);
      }
      stream.close();
      pin.close();
    }
  });

  it('refuses a capture signal it does not know, in TypeScript and in the driver', () => {
    const pin = capturePin();
    expect(() => setEmulatorCaptureSignal(pin, 'noise' as never)).toThrow(/signal must be "index" or "tone"/);
    const value = Buffer.alloc(4);
    value.writeUInt32LE(2);
    expectKsError(() => pin.setProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.CAPTURE_SIGNAL, value), 'STATUS_INVALID_PARAMETER');
    expect(pin.getProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.CAPTURE_SIGNAL, { size: 4 }).readUInt32LE(0)).toBe(0); // 'index', the default
    pin.close();
  });

  it('paces frames at the format\'s real rate by default', async () => {
    const pin = capturePin();
    const started = process.hrtime.bigint();
    let count = 0;
    for await (const frame of pin.frames()) {
      void frame;
      if (++count === 20) break;
    }
    // 20 frames of 10 ms cannot arrive in less than (about) 200 ms.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(180);
    pin.close();
  });

  it('pauses reads while the consumer holds every packet (memory stays the pool), and resumes on release', async () => {
    const pin = capturePin();
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.frames({ packets: 4 });
    const held: Frame[] = [];
    for (let i = 0; i < 4; i++) {
      const { value } = await stream.next();
      held.push(value!.hold());
    }
    expect(held.map((f) => f.index)).toEqual([0, 1, 2, 3]);
    let settled = false;
    const fifth = stream.next().then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect(stream.inFlight).toBe(0);
    expect(stream.delivered).toBe(4);
    held[0].release();
    const { value } = await fifth;
    expect(value!.index).toBe(4);
    expect(value!.slot).toBe(held[0].slot);
    stream.close();
    pin.close();
  });

  it('drops the oldest undelivered frames when asked, and counts exactly the packets missing from the timeline', async () => {
    const pin = capturePin();
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.frames({ packets: 8, overflow: 'drop-oldest' });
    let expectedNext = 0; // the packet (10 ms, 480 sample frames) the timeline reaches next
    let missing = 0; // packets skipped in the timeline so far
    let count = 0;
    let switched = false;
    for await (const frame of stream) {
      // Packet k starts at sample frame 480k: PresentationTime 10⁷·480k / 48000 = 100000k, and its bytes are indices 480k….
      expect(frame.presentationTime % 100000).toBe(0);
      const packet = frame.presentationTime / 100000;
      expect(packet).toBeGreaterThanOrEqual(expectedNext);
      missing += packet - expectedNext;
      expectIndexFrame(frame, packet * 480, 4);
      // A packet missing before this one was dropped, so already counted.
      expect(missing).toBeLessThanOrEqual(stream.dropped);
      expectedNext = packet + 1;
      if (++count < 30 || (stream.dropped === 0 && count < 300)) {
        // A slow consumer (at least 30 frames, and until the engine has dropped some): the device keeps going.
        const until = Date.now() + 5;
        while (Date.now() < until);
      } else if (!switched) {
        switched = true;
        // Then a consumer that keeps up with a real-time device: the drops stop, and since the engine drops a record
        // only when a newer one has completed, every drop lies before a frame still to come.
        setEmulatorPacing(pin, 'real-time');
      } else if (missing === stream.dropped) {
        break;
      } else if (count >= 630) {
        throw new Error(`3 s after the drops stopped, ${stream.dropped} counted as dropped but ${missing} missing from the timeline`);
      }
    }
    expect(missing).toBe(stream.dropped);
    expect(missing).toBeGreaterThan(0);
    pin.close();
  });

  it('ends the iteration when the pin is stopped', async () => {
    const pin = capturePin();
    setEmulatorPacing(pin, 'unthrottled');
    let count = 0;
    for await (const frame of pin.frames()) {
      void frame;
      if (++count === 5) pin.stop();
      if (count > 100) throw new Error('the stream did not end after stop()');
    }
    expect(count).toBeGreaterThanOrEqual(5);
    pin.close();
  });

  it('rejects a pending read with ERR_CANCELED when the pin closes, and frees everything', async () => {
    // Real time, one packet of 250 ms in flight: the read after the first is submitted when next() releases the first
    // frame, and cannot have completed by the close() that follows. (With eight 10 ms packets in flight, a loaded
    // machine could have the next frame captured already, and next() would resolve with it.)
    const pin = capturePin();
    const stream = pin.frames({ packets: 1, frameSize: 48000 });
    await stream.next();
    const pending = stream.next();
    pin.close();
    const canceled = await expectKsRejection(pending, 'ERR_CANCELED');
    expect(canceled.message).toBe('read frames: the pin was closed while frames were being read');
    expect(openHandleCount()).toBe(1); // the filter
  });

  // A budget, not a measure: a thousand open-stream-close cycles, slow under Wine on a loaded machine (120 s ran out
  // under Wine at load 12).
  it('survives closing during streaming 1,000 times without a leak', { timeout: 300_000 }, async () => {
    for (let i = 0; i < 1000; i++) {
      const filter = openCapture();
      const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
      setEmulatorPacing(pin, i % 3 === 0 ? 'real-time' : 'unthrottled');
      const stream = pin.frames({ packets: 4, frameSize: 256 });
      await stream.next();
      const pending = stream.next();
      // Close the pin itself, or its filter (which closes the pin first).
      const outcome = await closeWhilePending(pending, pin, filter, i);
      // A frame already captured may still be handed out; otherwise the read is cancelled.
      expect(['frame', 'ERR_CANCELED']).toContain(outcome);
      filter.close();
      expect(openHandleCount()).toBe(0);
    }
  });

  it('refuses bad options before anything starts', () => {
    const pin = capturePin();
    expect(() => pin.frames({ packets: 0 })).toThrow(/packets must be an integer in 1\.\.4096/);
    expect(() => pin.frames({ frameSize: 0 })).toThrow(/frameSize must be an integer/);
    expect(() => pin.frames({ alignment: 3 })).toThrow(/alignment must be a power of two/);
    expect(() => pin.frames({ overflow: 'block' as never })).toThrow(/overflow must be/);
    expect(pin.state()).toBe('stop');
    pin.close();
    expectKsError(() => pin.frames(), 'ERR_CLOSED');
  });

  it('refuses to write to a capture pin, naming the calls that fit it', async () => {
    const pin = capturePin();
    // Refused in TypeScript before the driver is asked (which would answer STATUS_INVALID_DEVICE_REQUEST).
    await expect(pin.write(Buffer.alloc(64))).rejects.toThrow('read it with frames() or readable()');
    pin.close();
  });

  it('offers a Node Readable of copies', async () => {
    const pin = capturePin();
    setEmulatorPacing(pin, 'unthrottled');
    const readable = pin.readable({ packets: 4 });
    const chunks: Buffer[] = [];
    for await (const chunk of readable) {
      chunks.push(chunk as Buffer);
      if (chunks.length === 10) break;
    }
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(19200);
    // Copies stay valid: check them after the stream is gone.
    expectIndexSignal(all, 0, 4, 'the Readable\'s bytes');
    pin.close();
  });

  it('stops a stream in a worker that exits mid-capture without crashing', async () => {
    const script = `
      const { parentPort } = require('worker_threads');
      const ks = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
      const [device] = ks.listDevices({ category: 'CAPTURE', backend: 'emulator' });
      const filter = ks.openFilter(device.path);
      const pin = filter.createPin({ pinId: 0, dataFormat: ks.pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
      ks.setEmulatorPacing(pin, 'unthrottled');
      (async () => {
        let n = 0;
        for await (const frame of pin.frames({ packets: 16 })) if (++n === 100) parentPort.postMessage(n);
      })();
    `;
    const worker = new Worker(script, { eval: true });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    using filter = openCapture();
    expect(filter.pinCount()).toBe(2);
  });
});
