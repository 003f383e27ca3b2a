// Capture streaming over the emulator: every byte checked against the test
// signal, timestamps at the format's rate, backpressure, and close during
// streaming.
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'worker_threads';
import * as path from 'path';
import { Frame, KsFilter, KsPin, emulatorToneSample, openHandleCount, setEmulatorPacing } from '../lib/index';
import { closeWhilePending, expectKsError, expectKsRejection, openCapture, stereo48k, stereo48k24 } from './helpers';

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

/** Checks that `frame` holds the tone from sample frame `first` on; returns the next sample frame. */
function expectTone(frame: Frame, first: number, channels: number, bits: number): number {
  const bytes = bits / 8;
  const blockAlign = channels * bytes;
  const samples = frame.dataUsed / blockAlign;
  expect(Number.isInteger(samples)).toBe(true);
  for (let n = 0; n < samples; n++) {
    const expected = emulatorToneSample(first + n, 48000, bits);
    for (let c = 0; c < channels; c++) {
      const at = n * blockAlign + c * bytes;
      const value = bits === 16
        ? frame.data[at] | (frame.data[at + 1] << 8) << 16 >> 16
        : ((frame.data[at] | (frame.data[at + 1] << 8) | (frame.data[at + 2] << 16)) << 8) >> 8;
      if (value !== expected) throw new Error(`frame ${frame.index}, sample ${first + n}, channel ${c}: ${value}, expected ${expected}`);
    }
  }
  return first + samples;
}

describe('capture', () => {
  it('delivers every sample of the test tone, in order, with timestamps at 48 kHz', async () => {
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
      position = expectTone(frame, position, 2, 16);
      if (++count === 1000) break;
    }
    expect(position).toBe(480 * 1000);
    expect(pin.state()).toBe('stop');
    pin.close();
  });

  it('fills 24-bit frames whose size is not a whole number of samples with whole samples only', async () => {
    const pin = capturePin(stereo48k24());
    setEmulatorPacing(pin, 'unthrottled');
    let position = 0;
    let count = 0;
    for await (const frame of pin.frames({ packets: 4, frameSize: 1000 })) {
      expect(frame.dataUsed).toBe(996); // 166 sample frames of 6 bytes
      position = expectTone(frame, position, 2, 24);
      if (++count === 50) break;
    }
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

  it('drops the oldest undelivered frames when asked, and counts them', async () => {
    const pin = capturePin();
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.frames({ packets: 8, overflow: 'drop-oldest' });
    let last = -1;
    let count = 0;
    for await (const frame of stream) {
      // A slow consumer: the device keeps going, so frames are dropped.
      const until = Date.now() + 2;
      while (Date.now() < until);
      expect(frame.presentationTime).toBeGreaterThan(last);
      last = frame.presentationTime;
      if (++count === 30) break;
    }
    expect(stream.dropped).toBeGreaterThan(0);
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
    const pin = capturePin(); // real-time: the next frame is 10 ms away
    const stream = pin.frames();
    await stream.next();
    const pending = stream.next();
    pin.close();
    await expectKsRejection(pending, 'ERR_CANCELED');
    expect(openHandleCount()).toBe(1); // the filter
  });

  // A budget, not a measure: a thousand open-stream-close cycles, slow under Wine on a loaded machine.
  it('survives closing during streaming 1,000 times without a leak', { timeout: 120_000 }, async () => {
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
    for (let n = 0; n < 4800; n++) expect(all.readInt16LE(n * 4)).toBe(emulatorToneSample(n, 48000, 16));
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
