// Handle lifetime: close is idempotent, closed handles refuse use with
// ERR_CLOSED, parents close their children, the finalizer is the last resort,
// and the addon loads and unloads in worker threads.
import { describe, expect, it } from 'vitest';
import { Worker } from 'worker_threads';
import * as path from 'path';
import { KsPin, openHandleCount } from '../lib/index';
import { expectKsError, expectKsRejection, openCapture, stereo48k } from './helpers';

describe('close', () => {
  it('is idempotent', () => {
    const filter = openCapture();
    filter.close();
    expect(() => filter.close()).not.toThrow();
    expect(filter.closed).toBe(true);
    expect(openHandleCount()).toBe(0);
  });

  it('makes every later call on the handle throw ERR_CLOSED', async () => {
    const filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const allocator = pin.createAllocator({ frames: 2, frameSize: 64 });
    allocator.close();
    expectKsError(() => allocator.status(), 'ERR_CLOSED');
    await expectKsRejection(allocator.allocFrame(), 'ERR_CLOSED');
    pin.close();
    expectKsError(() => pin.allocatorFraming(), 'ERR_CLOSED');
    expectKsError(() => pin.createAllocator({ frames: 1, frameSize: 1 }), 'ERR_CLOSED');
    filter.close();
    expectKsError(() => filter.pinCount(), 'ERR_CLOSED');
    expectKsError(() => filter.createPin({ pinId: 0, dataFormat: stereo48k() }), 'ERR_CLOSED');
  });

  it('of a filter closes its pins and their allocators first', () => {
    const filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const allocator = pin.createAllocator({ frames: 2, frameSize: 64 });
    expect(openHandleCount()).toBe(3);
    filter.close();
    expect(pin.closed).toBe(true);
    expect(allocator.closed).toBe(true);
    expect(openHandleCount()).toBe(0);
    expectKsError(() => allocator.status(), 'ERR_CLOSED');
  });

  it('of a pin frees its instance for a new pin', () => {
    using filter = openCapture();
    const first = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    expectKsError(() => filter.createPin({ pinId: 0, dataFormat: stereo48k() }), 'STATUS_DEVICE_BUSY');
    first.close();
    expect(filter.createPin({ pinId: 0, dataFormat: stereo48k() })).toBeInstanceOf(KsPin);
  });

  it('runs at the end of a `using` block', () => {
    {
      using filter = openCapture();
      filter.createPin({ pinId: 0, dataFormat: stereo48k() });
      expect(openHandleCount()).toBe(2);
    }
    expect(openHandleCount()).toBe(0);
  });
});

describe('the finalizer', () => {
  it('closes handles the program dropped without closing', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'tests run with --expose-gc').toBeTypeOf('function');
    (() => {
      const filter = openCapture();
      filter.createPin({ pinId: 0, dataFormat: stereo48k() }).createAllocator({ frames: 1, frameSize: 16 });
    })();
    expect(openHandleCount()).toBe(3);
    for (let i = 0; i < 20 && openHandleCount() > 0; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(openHandleCount()).toBe(0);
  });
});

describe('worker threads', () => {
  it('loads the addon in a worker, and the worker\'s handles close when it exits', async () => {
    const script = `
      const { parentPort } = require('worker_threads');
      const ks = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
      const [device] = ks.listDevices({ category: 'CAPTURE', backend: 'emulator' });
      const filter = ks.openFilter(device.path);
      const pin = filter.createPin({ pinId: 1, dataFormat: ks.pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
      const allocator = pin.createAllocator({ frames: 1, frameSize: 64 });
      allocator.allocFrame().then(() => {
        allocator.allocFrame(); // left pending: the environment cleanup must cancel it
        parentPort.postMessage(ks.openHandleCount());
      });
    `;
    const worker = new Worker(script, { eval: true });
    const count = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(count).toBe(3);
    await worker.terminate();
    // The main thread's environment is separate and untouched.
    expect(openHandleCount()).toBe(0);
    using filter = openCapture();
    expect(filter.pinCount()).toBe(2);
  });

  it('frees every asynchronous request still pending when the worker is terminated', async () => {
    // Three allocFrame()s (IOCTL_KS_METHOD through ioctlAsync) and two
    // zero-copy writes (streamWrite) on a paused render pin, all pending
    // when the worker dies. Each used to leak its promise and its buffer
    // references (88 bytes for an allocFrame(), native/napi/addon.h
    // AsyncIoctl); the sanitizer lane's leak check after this file
    // (npm run test:sanitize) is what sees that.
    const script = `
      const { parentPort } = require('worker_threads');
      const ks = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
      const format = ks.pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
      const [capture] = ks.listDevices({ category: 'CAPTURE', backend: 'emulator' });
      const allocator = ks.openFilter(capture.path).createPin({ pinId: 1, dataFormat: format }).createAllocator({ frames: 1, frameSize: 64 });
      const render = ks.listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator Audio Render');
      const pin = ks.openFilter(render.path).createPin({ pinId: 0, dataFormat: format });
      pin.setState('pause');
      allocator.allocFrame().then(() => {
        const pending = [allocator.allocFrame(), allocator.allocFrame(), allocator.allocFrame(),
          pin.write(Buffer.alloc(1920), { zeroCopy: true }), pin.write(Buffer.alloc(1920), { zeroCopy: true })];
        let settled = 0;
        for (const p of pending) p.then(() => settled++, () => settled++);
        setTimeout(() => parentPort.postMessage(settled), 50);
      });
    `;
    const worker = new Worker(script, { eval: true });
    const settledBeforeTermination = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(settledBeforeTermination, 'the five requests are still pending when the worker is terminated').toBe(0);
    await worker.terminate();
    expect(openHandleCount()).toBe(0);
    using filter = openCapture();
    expect(filter.pinCount()).toBe(2);
  });
});
