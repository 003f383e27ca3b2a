// Render streaming over the emulator: every byte written arrives, in order,
// proven by the render pin's running checksum; end of stream; backpressure
// through the Writable; close while writes are pending.
import { describe, expect, it } from 'vitest';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { emulatorRenderStats, openHandleCount, renderChecksum, setEmulatorPacing, type KsPin } from '../lib/index';
import { openRender, RENDER_PIN } from './emulated-devices';
import { expectKsRejection, stereo48k } from './helpers';

function packet(index: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (index * 131 + i * 7 + (i >> 8)) & 0xff;
  return b;
}

function renderPin(): { pin: KsPin; close: () => void } {
  const filter = openRender();
  const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
  return { pin, close: () => filter.close() };
}

describe('render', () => {
  it('consumes every byte written, in order, as the checksum proves', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    // Sizes vary, in whole sample frames (4 bytes): write() refuses part frames.
    const packets = Array.from({ length: 500 }, (_, i) => packet(i, 1920 + (i % 7) * 4));
    // Up to eight writes in flight at a time.
    for (let i = 0; i < packets.length; i += 8) await Promise.all(packets.slice(i, i + 8).map((p) => pin.write(p)));
    await pin.write(Buffer.alloc(0), { endOfStream: true });
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(packets.length + 1);
    expect(stats.bytes).toBe(packets.reduce((n, p) => n + p.length, 0));
    expect(stats.checksum).toBe(renderChecksum(packets));
    expect(stats.endOfStream).toBe(true);
    close();
  });

  it('sees a reordering: the checksum depends on the order of the bytes', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const a = packet(1, 64);
    const b = packet(2, 64);
    await pin.write(a);
    await pin.write(b);
    expect(emulatorRenderStats(pin).checksum).toBe(renderChecksum([a, b]));
    expect(emulatorRenderStats(pin).checksum).not.toBe(renderChecksum([b, a]));
    close();
  });

  it('renders at the format\'s real rate by default', async () => {
    const { pin, close } = renderPin();
    pin.start();
    const started = process.hrtime.bigint();
    // 10 packets of 10 ms at 48 kHz stereo 16-bit.
    await Promise.all(Array.from({ length: 10 }, (_, i) => pin.write(packet(i, 1920))));
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(90);
    close();
  });

  it('takes a Node Readable through pin.writable() with every byte arriving', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const packets = Array.from({ length: 200 }, (_, i) => packet(i, 4096));
    await pipeline(Readable.from(packets), pin.writable({ packets: 4 }));
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(201); // and the end-of-stream packet
    expect(stats.checksum).toBe(renderChecksum(packets));
    expect(stats.endOfStream).toBe(true);
    close();
  });

  it('rejects pending writes with ERR_CANCELED when the pin closes', async () => {
    const { pin, close } = renderPin();
    pin.setState('pause'); // writes queue but are not consumed
    const pending = [pin.write(packet(0, 1920)), pin.write(packet(1, 1920))];
    pin.close();
    for (const p of pending) await expectKsRejection(p, 'ERR_CANCELED');
    close();
    expect(openHandleCount()).toBe(0);
  });

  it('refuses writes to a stopped pin, and bad arguments in TypeScript', async () => {
    const { pin, close } = renderPin();
    await expectKsRejection(pin.write(packet(0, 64)), 'STATUS_INVALID_DEVICE_STATE');
    await expect(pin.write('bytes' as never)).rejects.toThrow(TypeError);
    await expect(pin.write(Buffer.alloc(4), { presentationTime: -1 })).rejects.toThrow(RangeError);
    close();
  });
});
