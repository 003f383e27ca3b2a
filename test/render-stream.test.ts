// The render engine (pin.writer()): slots filled by JavaScript, queued with
// the device by the native engine, every byte checked by the emulated pin's
// checksum against the test's own oracle; the underrun counter; and the
// stream's lifetime: end of stream, close and stop while packets are queued,
// restart, pin close, worker termination.
import { describe, expect, it } from 'vitest';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { emulatorRenderStats, KsError, openHandleCount, setEmulatorPacing, type KsFilter, type KsPin } from '../lib/index';
import { openRender, RENDER_PIN } from './emulated-devices';
import { expectKsRejection, stereo48k } from './helpers';
import { expectedChecksum, packetsOf, patterned } from './render-oracle';

function renderPin(pacing: 'real-time' | 'unthrottled' = 'unthrottled'): { filter: KsFilter; pin: KsPin } {
  const filter = openRender();
  const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
  setEmulatorPacing(pin, pacing);
  return { filter, pin };
}

const busyWait = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('render engine: every byte', () => {
  it('consumes every byte written, in order, as the checksum proves (copied, split at the frame size)', async () => {
    const { filter, pin } = renderPin();
    const stream = pin.writer({ packets: 8, frameSize: 1920 });
    // Sizes from 4 bytes to 2.6 packets, none a multiple of 8 past the first
    // split: a packet boundary off by a sample frame changes the checksum.
    const chunks = Array.from({ length: 400 }, (_, i) => patterned(i, 4 + ((i * 1237) % 5000) - (((i * 1237) % 5000) % 4)));
    const scratch = Buffer.alloc(8192);
    for (const chunk of chunks) {
      // One buffer reused for every write: the stream must have copied it.
      chunk.copy(scratch);
      await stream.write(scratch.subarray(0, chunk.length));
      scratch.fill(0x5a);
    }
    await stream.end();
    const packets = packetsOf(chunks, 1920);
    const stats = emulatorRenderStats(pin);
    expect(stats.bytes).toBe(chunks.reduce((n, c) => n + c.length, 0));
    expect(stats.frames).toBe(packets.length + 1); // and the empty end-of-stream packet
    expect(stats.checksum).toBe(expectedChecksum(packets));
    expect(stats.endOfStream).toBe(true);
    expect(stream.ended).toBe(true);
    expect(pin.state()).toBe('stop'); // writer() started it, end() stopped it
    filter.close();
  });

  it('keeps concurrent writes in call order, also while they wait for room', async () => {
    const { filter, pin } = renderPin();
    const stream = pin.writer({ packets: 4, frameSize: 1024 });
    const chunks = Array.from({ length: 64 }, (_, i) => patterned(i, 4 * (1 + ((i * 97) % 700))));
    await Promise.all(chunks.map((c) => stream.write(c)));
    await stream.end();
    const packets = packetsOf(chunks, 1024);
    expect(emulatorRenderStats(pin).frames).toBe(packets.length + 1);
    expect(emulatorRenderStats(pin).checksum).toBe(expectedChecksum(packets));
    filter.close();
  });

  it('hands out slots to fill in place: packet(), submit(byteLength), discard()', async () => {
    const { filter, pin } = renderPin();
    const stream = pin.writer({ packets: 4, frameSize: 4096 });
    const sent: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const packet = await stream.packet();
      if (i % 50 === 7) {
        packet.discard(); // given back unsent: nothing reaches the device
        continue;
      }
      const length = 4 * (1 + ((i * 331) % 1024));
      const bytes = patterned(i, length);
      packet.data.set(bytes);
      packet.submit(length);
      sent.push(bytes);
      expect(() => packet.submit(4)).toThrow(new TypeError('submit(): the packet was already submitted or discarded; get another with packet()')); // once only
    }
    // Submitted bytes only: the discarded slots count nothing.
    expect(stream.bytesWritten).toBe(sent.reduce((n, b) => n + b.length, 0));
    await stream.end();
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(sent.length + 1);
    expect(stats.bytes).toBe(stream.bytesWritten);
    expect(stats.checksum).toBe(expectedChecksum(sent));
    filter.close();
  });

  it('refuses bad input with the field and the allowed values, leaving the stream as it was', async () => {
    const { filter, pin } = renderPin();
    expect(() => pin.writer({ packets: 0 })).toThrow('packets must be an integer in 1..4096, got 0');
    expect(() => pin.writer({ packets: 4, prime: 5 })).toThrow('prime must be an integer in 1..4, got 5');
    expect(() => pin.writer({ alignment: 3 })).toThrow(RangeError);
    expect(pin.state()).toBe('stop'); // nothing was started by the refused calls
    const stream = pin.writer({ packets: 4, frameSize: 1920 });
    await expect(stream.write('text' as never)).rejects.toThrow(TypeError);
    await expect(stream.write(Buffer.alloc(6))).rejects.toThrow('data must be whole sample frames of 4 bytes');
    await expect(stream.write(Buffer.alloc(4), { presentationTime: 1.5 })).rejects.toThrow(RangeError);
    const packet = stream.tryPacket()!;
    expect(() => packet.submit(1924)).toThrow('byteLength must be an integer in 0..1920');
    expect(() => packet.submit(2)).toThrow('whole sample frames');
    packet.submit(4);
    await stream.end();
    expect(emulatorRenderStats(pin).frames).toBe(2);
    await expectKsRejection(stream.write(Buffer.alloc(4)), 'ERR_CLOSED');
    filter.close();
  });
});

describe('render engine: the device fed from the completion side', () => {
  it('sends queued packets at each completion, with no JavaScript call, while JavaScript is blocked', async () => {
    const { filter, pin } = renderPin();
    // prime 8: the pin runs when the pool is full; JavaScript kicks only the first packets.
    const stream = pin.writer({ packets: 8, frameSize: 1920, prime: 8 });
    const chunks = Array.from({ length: 8 }, (_, i) => patterned(i, 1920));
    for (const c of chunks) await stream.write(c);
    const kicks = stream.engineStats.kicks;
    busyWait(200); // the JavaScript thread makes no call here
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(8);
    expect(stats.checksum).toBe(expectedChecksum(chunks));
    expect(stream.engineStats.kicks).toBe(kicks);
    await stream.end();
    filter.close();
  });

  it('counts an underrun when the device runs dry while running, and none after end of stream', async () => {
    const { filter, pin } = renderPin('real-time');
    const stream = pin.writer({ packets: 8, frameSize: 1920, prime: 2 });
    await stream.write(patterned(0, 1920));
    await stream.write(patterned(1, 1920)); // primed: the pin runs
    await stream.drain(); // both played; the second left the device with nothing
    expect(stream.underruns).toBe(1);
    await stream.end(); // the empty end-of-stream packet completes too, with nothing after it
    expect(stream.underruns).toBe(1);
    filter.close();
  });

  it('no underrun while JavaScript keeps the pool full (real time, 10 ms packets)', async () => {
    const { filter, pin } = renderPin('real-time');
    const stream = pin.writer({ packets: 8, frameSize: 1920 });
    for (let i = 0; i < 20; i++) await stream.write(patterned(i, 1920));
    await stream.end();
    expect(stream.underruns).toBe(0);
    expect(emulatorRenderStats(pin).frames).toBe(21);
    filter.close();
  });
});

describe('render engine: lifetime', () => {
  it('close() while packets are queued cancels them unplayed; waiting writes reject ERR_CANCELED, later ones ERR_CLOSED', async () => {
    const { filter, pin } = renderPin();
    // A pin the caller paused stays paused: the packets stay queued.
    pin.setState('pause');
    const stream = pin.writer({ packets: 4, frameSize: 1920 });
    const first = [0, 1, 2].map((i) => stream.write(patterned(i, 1920)));
    await Promise.all(first);
    expect(stream.queued).toBe(3);
    const waiting = stream.write(patterned(3, 3840)); // one slot left: waits for a second
    stream.close();
    expect((await expectKsRejection(waiting, 'ERR_CANCELED')).message).toBe('write frames: the stream was closed while data was queued');
    expect((await expectKsRejection(stream.write(patterned(4, 4)), 'ERR_CLOSED')).message).toBe('write: the render stream has ended');
    stream.close(); // twice: a no-op
    expect(emulatorRenderStats(pin).frames).toBe(0);
    expect(pin.state()).toBe('pause'); // the caller's state, untouched
    filter.close();
    expect(openHandleCount()).toBe(0);
  });

  it('close() mid-stream: the device played a prefix of the packets, exactly, as the checksum proves', async () => {
    const { filter, pin } = renderPin('real-time');
    const stream = pin.writer({ packets: 8, frameSize: 1920, prime: 8 });
    const chunks = Array.from({ length: 8 }, (_, i) => patterned(i, 1920));
    for (const c of chunks) await stream.write(c);
    await new Promise((resolve) => setTimeout(resolve, 35));
    stream.close();
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBeLessThan(8);
    expect(stats.checksum).toBe(expectedChecksum(chunks.slice(0, stats.frames)));
    filter.close();
  });

  it('pin.stop() while packets are queued ends the stream (waiting calls reject ERR_CANCELED, later ones ERR_CLOSED); a new writer() restarts it', async () => {
    const { filter, pin } = renderPin();
    const a = Array.from({ length: 6 }, (_, i) => patterned(i, 1920));
    const first = pin.writer({ packets: 4, frameSize: 1920 });
    for (const c of a.slice(0, 3)) await first.write(c);
    await first.drain();
    const played = a.slice(0, 3);
    pin.setState('pause');
    await first.write(a[3]);
    const drained = first.drain(); // cannot finish: the pin is paused
    pin.stop();
    expect((await expectKsRejection(drained, 'ERR_CANCELED')).message).toBe('write frames: the pin was stopped while data was queued');
    expect(first.ended).toBe(true);
    await expectKsRejection(first.write(a[4]), 'ERR_CLOSED');
    const second = pin.writer({ packets: 4, frameSize: 1920 });
    const b = Array.from({ length: 10 }, (_, i) => patterned(100 + i, 1920));
    for (const c of b) await second.write(c);
    await second.end();
    const stats = emulatorRenderStats(pin);
    expect(stats.checksum).toBe(expectedChecksum([...played, ...b]));
    expect(stats.frames).toBe(played.length + b.length + 1);
    filter.close();
  });

  it('pin.close() while writes wait rejects them with ERR_CANCELED and frees every handle', async () => {
    const { filter, pin } = renderPin();
    pin.setState('pause'); // the caller's: the writer leaves it paused
    const stream = pin.writer({ packets: 2, frameSize: 1920 });
    const writes = [0, 1, 2, 3].map((i) => stream.write(patterned(i, 1920)));
    pin.close();
    const outcomes = await Promise.all(writes.map((w) => w.then(() => 'ok', (e: KsError) => e.code)));
    expect(outcomes.slice(2)).toEqual(['ERR_CANCELED', 'ERR_CANCELED']);
    expect(stream.ended).toBe(true);
    filter.close();
    expect(openHandleCount()).toBe(0);
  });

  it('a worker that exits mid-render leaves the device free, without crashing', async () => {
    const script = `
      const { parentPort } = require('worker_threads');
      const ks = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
      const device = ks.listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator Audio Render');
      const filter = ks.openFilter(device.path);
      const pin = filter.createPin({ pinId: 0, dataFormat: ks.pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
      ks.setEmulatorPacing(pin, 'unthrottled');
      const stream = pin.writer({ packets: 16, frameSize: 1920 });
      const chunk = Buffer.alloc(1920, 7);
      (async () => {
        for (let n = 1; ; n++) {
          await stream.write(chunk);
          if (n === 200) parentPort.postMessage(n);
        }
      })();
    `;
    const worker = new Worker(script, { eval: true });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    // The render pin takes one instance per filter: the worker's is gone.
    const { filter, pin } = renderPin();
    const stream = pin.writer({ packets: 4, frameSize: 1920 });
    await stream.write(patterned(0, 1920));
    await stream.end();
    expect(emulatorRenderStats(pin).frames).toBe(2);
    filter.close();
  });
});
