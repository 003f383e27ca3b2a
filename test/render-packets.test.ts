// The render stream's in-place packets (tryPacket(), packet(), submit(), discard()) and its refusals by whole
// message: a packet submitted twice or after discard, a length outside the packet or not whole sample frames, a
// bad options object, and each call after the stream ended, named by the call; every byte submitted in place checked
// by the device's checksum (issue 16: these refusals were never checked by message, nor slots handed back by discard).
import { describe, expect, it } from 'vitest';
import { emulatorRenderStats, KsError, renderChecksum, setEmulatorPacing } from '../lib/index';
import { openRender, RENDER_PIN } from './emulated-devices';
import { openCapture, stereo48k } from './helpers';

function thrown(fn: () => unknown): [string, string, string?] {
  try {
    fn();
  } catch (e) {
    return e instanceof KsError ? [e.constructor.name, e.message, e.code] : [(e as Error).constructor.name, (e as Error).message];
  }
  throw new Error('did not throw');
}

describe('in-place packets', () => {
  it('fill, submit part of a slot, discard one unsent: the device gets exactly the bytes submitted', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    // prime 2: the pin runs once both slots are queued, so nothing completes before then.
    const stream = pin.writer({ packets: 2, frameSize: 64, prime: 2 });
    const first = stream.tryPacket()!;
    const second = stream.tryPacket()!;
    expect(stream.tryPacket()).toBeNull(); // both slots handed out
    expect([first.data.length, second.data.length]).toStrictEqual([64, 64]);
    second.discard();
    second.discard(); // a discarded packet's discard is nothing
    const again = stream.tryPacket()!; // the discarded slot, handed out again
    expect(again).not.toBeNull();
    first.data.fill(0x11);
    first.submit(12);
    first.discard(); // submitted: not the caller's to give back
    expect(stream.tryPacket()).toBeNull();
    again.data.fill(0x22);
    again.submit();
    await stream.end();
    expect(emulatorRenderStats(pin)).toMatchObject({ bytes: 12 + 64, checksum: renderChecksum([Buffer.alloc(12, 0x11), Buffer.alloc(64, 0x22)]), endOfStream: true });
  });

  it('refuses a second submit, a submit after discard, a length outside the packet or not whole frames, bad options', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.writer({ packets: 4, frameSize: 64, prime: 4 });
    const packet = await stream.packet();
    const already = 'submit(): the packet was already submitted or discarded; get another with packet()';
    for (const bad of [65, -4, 1.5, Number.NaN, '8']) {
      expect(thrown(() => packet.submit(bad as never))).toStrictEqual(['RangeError', `byteLength must be an integer in 0..64 (the packet's size), got ${String(bad)}`]);
    }
    for (const bad of [2, 63]) {
      expect(thrown(() => packet.submit(bad))).toStrictEqual(['RangeError', `byteLength must be whole sample frames of 4 bytes (channels × bytes per sample), got ${bad}`]);
    }
    for (const bad of [null, 5]) expect(thrown(() => packet.submit(8, bad as never))).toStrictEqual(['TypeError', 'options must be an object']);
    expect(thrown(() => packet.submit(8, { presentationTime: -1 }))).toStrictEqual(['RangeError', 'presentationTime must be a non-negative integer (100 ns units), got -1']);
    // None of those sent anything: the packet is still the caller's.
    packet.submit(8);
    expect(thrown(() => packet.submit(8))).toStrictEqual(['TypeError', already]);
    const dropped = stream.tryPacket()!;
    dropped.discard();
    expect(thrown(() => dropped.submit(8))).toStrictEqual(['TypeError', already]);
    await expect(stream.write('x' as never)).rejects.toThrow(new TypeError('data must be a Buffer or Uint8Array'));
    await expect(stream.write(Buffer.alloc(6))).rejects.toThrow(new RangeError('data must be whole sample frames of 4 bytes (channels × bytes per sample), got 6 bytes'));
    await stream.end();
    expect(emulatorRenderStats(pin)).toMatchObject({ bytes: 8 });
  });

  it('after the stream ends, each call is ERR_CLOSED naming it', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.writer({ packets: 2, frameSize: 64 });
    const held = stream.tryPacket()!;
    await stream.end();
    expect(stream.ended).toBe(true);
    const closed = (operation: string) => ['KsError', `${operation}: the render stream has ended`, 'ERR_CLOSED'];
    expect(thrown(() => stream.tryPacket())).toStrictEqual(closed('packet'));
    expect(thrown(() => held.submit(8))).toStrictEqual(closed('submit'));
    for (const [operation, call] of [
      ['packet', () => stream.packet()],
      ['write', () => stream.write(Buffer.alloc(8))],
      ['drain', () => stream.drain()],
    ] as const) {
      let caught: unknown;
      try {
        await call();
      } catch (e) {
        caught = e;
      }
      expect([(caught as KsError).code, (caught as KsError).message], operation).toStrictEqual(['ERR_CLOSED', `${operation}: the render stream has ended`]);
    }
    await stream.end(); // ended cleanly: end() again is nothing
    stream.close();
  });
});

describe('the pool', () => {
  it('slots one frame rounded up to the alignment apart, each starting aligned; queued and bytesWritten count what was submitted', async () => {
    using filter = openRender();
    using pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    // 1924 bytes aligned to 16: slots 1936 bytes apart. prime 8 keeps the pin paused, so nothing completes here.
    const stream = pin.writer({ packets: 8, frameSize: 1924, alignment: 16, prime: 8 });
    const a = stream.tryPacket()!;
    const b = stream.tryPacket()!;
    const c = stream.tryPacket()!;
    expect([b.data.byteOffset - a.data.byteOffset, c.data.byteOffset - b.data.byteOffset]).toStrictEqual([1936, 1936]);
    expect(a.data.length).toBe(1924);
    a.submit(1924);
    b.submit(960);
    c.submit(4);
    expect([stream.queued, stream.bytesWritten]).toStrictEqual([3, 1924 + 960 + 4]);
    await stream.end();
    expect([stream.queued, stream.inFlight]).toStrictEqual([0, 0]);
    expect(emulatorRenderStats(pin)).toMatchObject({ bytes: 1924 + 960 + 4 });
  });
});

describe('capture iteration', () => {
  it('refuses a second next() while the first waits, and leaves the first to settle', async () => {
    using filter = openCapture();
    using pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const frames = pin.frames({ packets: 2, frameSize: 1920 });
    const first = frames.next();
    await expect(frames.next()).rejects.toThrow(new TypeError('next() called again before the previous call settled'));
    const result = await first;
    expect(result.done).toBe(false);
    await frames.return();
  });

  it('a standard pin has no WaveRT engine: no overruns, no engine timing, no pass time; the engine counters stay readable after the end', async () => {
    using filter = openCapture();
    using pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const frames = pin.frames({ packets: 4, frameSize: 1920 });
    for (let n = 0; n < 3; n++) {
      const { value } = await frames.next();
      value!.release();
    }
    expect([frames.overruns, frames.engineTiming, frames.enginePassCpuMs]).toStrictEqual([0, { stalls: 0, overrunsAfterStall: 0, longestGapMs: 0 }, 0]);
    const live = frames.engineStats;
    expect(live.wakeups).toBeGreaterThan(0);
    await frames.return();
    expect(frames.ended).toBe(true);
    const atEnd = frames.engineStats;
    expect(atEnd.wakeups).toBeGreaterThanOrEqual(live.wakeups);
    expect(frames.engineStats).toStrictEqual(atEnd);
    expect(frames.inFlight).toBe(0);
  });
});
