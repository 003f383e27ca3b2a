// Render through pin.write() and pin.writable() over the emulator: every byte
// written arrives, in order, proven by the render pin's running checksum
// against the test's own oracle; end of stream; backpressure through the
// Writable; close and stop while writes are pending; the zero-copy form.
import { describe, expect, it } from 'vitest';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { emulatorRenderStats, openHandleCount, setEmulatorPacing, type KsPin } from '../lib/index';
import { openRender, RENDER_PIN } from './emulated-devices';
import { expectKsRejection, stereo48k } from './helpers';
import { throughBridge } from './test-backend';
import { expectedChecksum, packetsOf, patterned as packet } from './render-oracle';

function renderPin(): { pin: KsPin; close: () => void } {
  const filter = openRender();
  const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
  return { pin, close: () => filter.close() };
}

describe('render with pin.write()', () => {
  it('consumes every byte written, in order, as the checksum proves', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    // Sizes vary, in whole sample frames (4 bytes): write() refuses part frames.
    const packets = Array.from({ length: 500 }, (_, i) => packet(i, 1920 + (i % 7) * 4));
    for (let i = 0; i < packets.length; i += 8) await Promise.all(packets.slice(i, i + 8).map((p) => pin.write(p)));
    // Resolves once the device has consumed everything before it.
    await pin.write(Buffer.alloc(0), { endOfStream: true });
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(packets.length + 1);
    expect(stats.bytes).toBe(packets.reduce((n, p) => n + p.length, 0));
    expect(stats.checksum).toBe(expectedChecksum(packets));
    expect(stats.endOfStream).toBe(true);
    close();
  });

  it('copies: the caller may change its buffer as soon as write() resolves', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const sent: Buffer[] = [];
    const scratch = Buffer.alloc(3840);
    for (let i = 0; i < 100; i++) {
      packet(i, scratch.length).copy(scratch);
      sent.push(Buffer.from(scratch));
      await pin.write(scratch);
      scratch.fill(0xee); // what the device gets must not see this
    }
    await pin.write(Buffer.alloc(0), { endOfStream: true });
    expect(emulatorRenderStats(pin).checksum).toBe(expectedChecksum(sent));
    close();
  });

  it('sees a reordering: the checksum depends on the order of the bytes', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const a = packet(1, 64);
    const b = packet(2, 64);
    await pin.write(a);
    await pin.write(b, { endOfStream: true });
    expect(emulatorRenderStats(pin).checksum).toBe(expectedChecksum([a, b]));
    expect(emulatorRenderStats(pin).checksum).not.toBe(expectedChecksum([b, a]));
    close();
  });

  it("renders at the format's real rate by default", async () => {
    const { pin, close } = renderPin();
    pin.start();
    const started = process.hrtime.bigint();
    // 10 packets of 10 ms at 48 kHz stereo 16-bit, then the end of the stream.
    await Promise.all(Array.from({ length: 10 }, (_, i) => pin.write(packet(i, 1920))));
    await pin.write(Buffer.alloc(0), { endOfStream: true });
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(90);
    close();
  });

  it('takes a Node Readable through pin.writable(), split at the frame size, with every byte arriving', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const chunks = Array.from({ length: 200 }, (_, i) => packet(i, 4096));
    await pipeline(Readable.from(chunks), pin.writable({ packets: 4, frameSize: 1920 }));
    const packets = packetsOf(chunks, 1920); // 1920 + 1920 + 256 per chunk
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(packets.length + 1); // and the end-of-stream packet
    expect(stats.checksum).toBe(expectedChecksum(packets));
    expect(stats.endOfStream).toBe(true);
    close();
  });

  it('rejects writes waiting for room with ERR_CANCELED when the pin closes', async () => {
    const { pin, close } = renderPin();
    pin.setState('pause'); // writes queue but are not consumed
    // The pool holds 8 packets of 64 KiB: the ninth write waits for room.
    const queued = Array.from({ length: 8 }, (_, i) => pin.write(packet(i, 65536)));
    const waiting = pin.write(packet(8, 1920));
    await Promise.all(queued);
    pin.close();
    await expectKsRejection(waiting, 'ERR_CANCELED');
    close();
    expect(openHandleCount()).toBe(0);
  });

  it('stop discards what is queued; later writes go to a fresh stream', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.setState('pause');
    await pin.write(packet(0, 1920));
    pin.stop();
    expect(emulatorRenderStats(pin).frames).toBe(0);
    pin.start();
    const b = packet(1, 1920);
    await pin.write(b, { endOfStream: true });
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(1);
    expect(stats.checksum).toBe(expectedChecksum([b]));
    close();
  });

  it('refuses writes to a stopped pin, and bad arguments in TypeScript', async () => {
    const { pin, close } = renderPin();
    if (throughBridge()) {
      // ks.sys refuses a stream IRP on a stopped pin at once, as the emulator does, and write() rejects at once. The
      // bridge's driver pends every request while its server answers, so the refusal comes with the completion: the
      // copying write() has resolved by then (the bytes were queued), and the stream reports the refusal at its
      // next call -- here the end of stream, which waits for the device.
      await pin.write(packet(0, 64));
      await expectKsRejection(pin.write(packet(1, 64), { endOfStream: true }), 'STATUS_INVALID_DEVICE_STATE');
    } else {
      await expectKsRejection(pin.write(packet(0, 64)), 'STATUS_INVALID_DEVICE_STATE');
    }
    await expectKsRejection(pin.write(packet(0, 64), { zeroCopy: true }), 'STATUS_INVALID_DEVICE_STATE');
    await expect(pin.write('bytes' as never)).rejects.toThrow(TypeError);
    await expect(pin.write(Buffer.alloc(4), { presentationTime: -1 })).rejects.toThrow(RangeError);
    await expect(pin.write(Buffer.alloc(6))).rejects.toThrow('data must be whole sample frames of 4 bytes');
    expect(emulatorRenderStats(pin).frames).toBe(0);
    close();
  });
});

describe('render with pin.write({ zeroCopy: true })', () => {
  it('sends the caller\'s buffer itself, one packet per call, every byte in order', async () => {
    const { pin, close } = renderPin();
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const packets = Array.from({ length: 100 }, (_, i) => packet(i, 1920 + (i % 5) * 4));
    for (let i = 0; i < packets.length; i += 8) await Promise.all(packets.slice(i, i + 8).map((p) => pin.write(p, { zeroCopy: true })));
    const stats = emulatorRenderStats(pin);
    expect(stats.frames).toBe(packets.length);
    expect(stats.checksum).toBe(expectedChecksum(packets));
    close();
  });

  it('rejects pending writes with ERR_CANCELED when the pin closes', async () => {
    const { pin, close } = renderPin();
    pin.setState('pause');
    const pending = [pin.write(packet(0, 1920), { zeroCopy: true }), pin.write(packet(1, 1920), { zeroCopy: true })];
    pin.close();
    // Both handled at once: the cancellations may complete in either order (through the bridge they often do not
    // come in submission order), and a rejection nobody awaits yet would be an unhandled one.
    await Promise.all(pending.map((p) => expectKsRejection(p, 'ERR_CANCELED')));
    close();
    // The writes reject when the pin closes; the handles go once the driver has given the cancelled requests back,
    // which through the bridge's kernel driver can come later.
    const deadline = Date.now() + 5000;
    while (openHandleCount() !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(openHandleCount()).toBe(0);
  });
});
