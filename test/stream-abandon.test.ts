// Leaving a capture early, every way a program can, leaves the pin ready for the next frames()/readable(): the pin is
// back in STOP at once (not when the old stream's next packet lands), and the next stream gets every frame. The
// emulator paces in real time here: a stop that lands late (the fault this guards against) shows up as a second
// stream that ends with no frames.
import { describe, expect, it } from 'vitest';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { emulatorRenderStats, renderChecksum, setEmulatorPacing, type KsPin } from '../lib/index';
import { expectIndexSignal, openCapture, stereo48k } from './helpers';
import { openRender, RENDER_PIN } from './emulated-devices';

function capturePin(): { pin: KsPin; close(): void } {
  const filter = openCapture();
  const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
  return { pin, close: () => filter.close() };
}

/** The next capture on `pin` delivers `count` frames, the first of them the index signal from sample frame 0 of a fresh run. */
async function expectNextCaptureWorks(pin: KsPin, count = 3): Promise<void> {
  expect(pin.state()).toBe('stop');
  let frames = 0;
  for await (const frame of pin.frames()) {
    if (frame.index === 0) expectIndexSignal(frame.data.subarray(0, frame.dataUsed), 0, 4, 'the first packet');
    if (++frames >= count) break;
  }
  expect(frames).toBe(count);
  expect(pin.state()).toBe('stop');
}

describe('abandoning a capture leaves the pin ready for the next', () => {
  it('break out of for await over frames()', async () => {
    const { pin, close } = capturePin();
    for await (const _ of pin.frames()) break;
    await expectNextCaptureWorks(pin);
    close();
  });

  it('return from inside the loop', async () => {
    const { pin, close } = capturePin();
    const first = async () => {
      for await (const frame of pin.frames()) return frame.dataUsed;
      return 0;
    };
    expect(await first()).toBe(1920);
    await expectNextCaptureWorks(pin);
    close();
  });

  it('an exception thrown in the loop', async () => {
    const { pin, close } = capturePin();
    await expect(
      (async () => {
        for await (const _ of pin.frames()) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    await expectNextCaptureWorks(pin);
    close();
  });

  it('close() of the stream while a next() is pending', async () => {
    const { pin, close } = capturePin();
    const stream = pin.frames();
    const pending = stream.next();
    stream.close();
    expect((await pending).done).toBe(true);
    await expectNextCaptureWorks(pin);
    close();
  });

  it('break out of for await over readable()', async () => {
    const { pin, close } = capturePin();
    for await (const chunk of pin.readable()) {
      expect(chunk.length).toBe(1920);
      break;
    }
    await expectNextCaptureWorks(pin);
    close();
  });

  it('destroy() of the Readable, and readable() again after it', async () => {
    const { pin, close } = capturePin();
    const readable = pin.readable();
    await new Promise<void>((resolve) => readable.once('data', () => resolve()));
    readable.destroy();
    expect(pin.state()).toBe('stop');
    const again = pin.readable();
    let bytes = 0;
    for await (const chunk of again) {
      bytes += chunk.length;
      if (bytes >= 3 * 1920) break;
    }
    expect(bytes).toBe(3 * 1920);
    await expectNextCaptureWorks(pin);
    close();
  });

  it('an exception thrown while iterating readable()', async () => {
    const { pin, close } = capturePin();
    await expect(
      (async () => {
        for await (const _ of pin.readable()) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    await expectNextCaptureWorks(pin);
    close();
  });

  it('a pin the caller started stays running after its stream ends', async () => {
    const { pin, close } = capturePin();
    pin.start();
    for await (const _ of pin.frames()) break;
    expect(pin.state()).toBe('run');
    pin.stop();
    await expectNextCaptureWorks(pin);
    close();
  });
});

describe('streaming the wrong way round, or in part frames, says what to do', () => {
  it('frames() and readable() on a render pin, write() and writable() on a capture pin', async () => {
    const { pin, close } = capturePin();
    await expect(pin.write(Buffer.alloc(4))).rejects.toThrow('pin 0 is a capture pin (data flows out of it): read it with frames() or readable()');
    expect(() => pin.writable()).toThrow(TypeError);
    close();
    const render = openRender();
    const out = render.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    expect(out.dataFlow).toBe('in');
    expect(() => out.frames()).toThrow('pin 0 is a render pin (data flows into it): send data with write() or writable()');
    expect(() => out.readable()).toThrow(TypeError);
    render.close();
  });

  it('write() of a buffer that is not whole sample frames is a RangeError', async () => {
    const render = openRender();
    const out = render.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    out.start();
    await expect(out.write(Buffer.alloc(1922))).rejects.toThrow('data must be whole sample frames of 4 bytes (channels × bytes per sample), got 1922 bytes');
    expect(emulatorRenderStats(out).frames).toBe(0);
    render.close();
  });

  it('writable() starts a stopped pin as frames() does, and stops it after end()', async () => {
    const render = openRender();
    const out = render.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(out, 'unthrottled');
    expect(out.state()).toBe('stop');
    const packets = Array.from({ length: 5 }, (_, i) => Buffer.alloc(1920, i + 1));
    await pipeline(Readable.from(packets), out.writable());
    const stats = emulatorRenderStats(out);
    expect(stats.frames).toBe(6); // and the end-of-stream packet
    expect(stats.checksum).toBe(renderChecksum(packets));
    expect(out.state()).toBe('stop');
    render.close();
  });
});
