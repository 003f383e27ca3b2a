// KS events delivered to JS (IOCTL_KS_ENABLE_EVENT / DISABLE_EVENT with an
// event the backend waits on), generic BASICSUPPORT / SETSUPPORT, and device
// arrival and removal (watchDevices) on the emulator.
import { afterEach, describe, expect, it } from 'vitest';
import {
  KSEVENTSETID,
  KSEVENT_CLOCK,
  KSPROPERTY_CONNECTION,
  KSPROPERTY_PIN,
  KSPROPSETID,
  KsError,
  defineVirtualDevice,
  emulatorEnabledEvents,
  encodeAudioRange,
  listDevices,
  openFilter,
  openHandleCount,
  setEmulatedDevicePresent,
  setEmulatorPacing,
  watchDevices,
  type DeviceChange,
  type KsFilter,
  type KsEventInfo,
} from '../lib/index';
import { emulatedCapturePath, expectKsError, openCapture, sameFailure, stereo48k } from './helpers';
import { openRender, RENDER_PIN, setDevicePresent } from './emulated-devices';
import { throughBridge } from './test-backend';

const filters: KsFilter[] = [];
afterEach(() => {
  for (const filter of filters.splice(0)) filter.close();
  expect(openHandleCount()).toBe(0);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `predicate` holds, polling the event loop; rejects after `ms`. */
async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(2);
  }
}

function runningClock() {
  const filter = openCapture();
  filters.push(filter);
  const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
  const clock = pin.createClock();
  return { pin, clock };
}

describe('clock events', () => {
  it('signals interval marks at the interval\'s spacing in clock time, none in STOP or PAUSE, and disable removes the driver\'s entry', async () => {
    const { pin, clock } = runningClock();
    const interval = 300_000n; // 30 ms of clock time
    const timeAtSignal: bigint[] = [];
    const marks = clock.onIntervalMark(interval, () => timeAtSignal.push(clock.time()));
    expect(emulatorEnabledEvents(clock)).toBe(1);
    await sleep(40);
    expect(timeAtSignal).toHaveLength(0); // time holds at 0 in STOP: no mark is passed
    pin.setState('run');
    await until(() => clock.time() >= 1_600_000n); // 160 ms: five marks passed
    pin.setState('pause'); // the clock holds its time in PAUSE, so the marks passed can be counted
    const held = clock.time();
    await sleep(60); // the emulator's timer looks every 10 ms outside RUN; whatever was due has been signalled by now
    expect(clock.time()).toBe(held);
    // Mark k (from 1) is due at k · interval: each signal came after its own mark (the signals are later than the
    // marks, never earlier), ...
    timeAtSignal.forEach((time, k) => expect(time, `clock time when mark ${k + 1} was signalled`).toBeGreaterThanOrEqual(BigInt(k + 1) * interval));
    // ... and there is one per mark passed. A timer more than 30 ms late signals two marks once (as a late DPC timer
    // does), so one fewer is tolerated; a wrong spacing (15 or 60 ms) gives 10 or 2.
    const passed = Number(held / interval);
    expect(passed).toBeGreaterThanOrEqual(5);
    expect(timeAtSignal.length).toBeLessThanOrEqual(passed);
    expect(timeAtSignal.length).toBeGreaterThanOrEqual(passed - 1);
    // Disabling removes the entry from the clock's own event list (below the library's and the backend's gating) ...
    marks.disable();
    expect(marks.active).toBe(false);
    expect(emulatorEnabledEvents(clock)).toBe(0);
    // ... so nothing more is signalled when the clock runs on.
    const after = timeAtSignal.length;
    pin.setState('run');
    await until(() => clock.time() >= held + 2n * interval);
    await sleep(10);
    expect(timeAtSignal.length).toBe(after);
  });

  it('signals a position mark once, not before the clock reaches it', async () => {
    const { pin, clock } = runningClock();
    const mark = 400_000n; // 40 ms
    const timeAtSignal: bigint[] = [];
    clock.onPositionMark(mark, () => timeAtSignal.push(clock.time()));
    pin.setState('run');
    await until(() => clock.time() >= mark / 2n);
    pin.setState('pause');
    const held = clock.time();
    await sleep(40);
    if (held < mark) expect(timeAtSignal).toHaveLength(0); // the clock stood before the mark (a loaded machine may have run past it)
    pin.setState('run');
    await until(() => timeAtSignal.length > 0);
    expect(timeAtSignal[0]).toBeGreaterThanOrEqual(mark);
    await until(() => clock.time() >= 2n * mark);
    await sleep(10);
    expect(timeAtSignal).toHaveLength(1);
  });

  it('refuses an interval that is not positive, before anything reaches native code', () => {
    const { clock } = runningClock();
    expect(() => clock.onIntervalMark(0n, () => {})).toThrow(RangeError);
    expect(() => clock.onIntervalMark(-5n, () => {})).toThrow(/interval must be a bigint in 1\.\./);
  });

  it('an event the object does not have is STATUS_NOT_FOUND (unknown id) or STATUS_PROPSET_NOT_FOUND (unknown set), as ks.sys answers, and short event data STATUS_BUFFER_TOO_SMALL', () => {
    const { clock } = runningClock();
    expectKsError(() => clock.enableEvent(KSEVENTSETID.Clock, 9, () => {}), 'STATUS_NOT_FOUND');
    expectKsError(() => clock.enableEvent(KSEVENTSETID.Connection, 0, () => {}), 'STATUS_PROPSET_NOT_FOUND');
    // INTERVAL_MARK needs KSEVENT_TIME_INTERVAL: TimeBase and Interval after the KSEVENTDATA.
    expectKsError(() => clock.enableEvent(KSEVENTSETID.Clock, KSEVENT_CLOCK.INTERVAL_MARK, () => {}), 'STATUS_BUFFER_TOO_SMALL');
  });

  it('ends every subscription when the handle closes, and disable() after that is a no-op', async () => {
    const { pin, clock } = runningClock();
    let count = 0;
    const marks = clock.onIntervalMark(10_000n, () => count++);
    pin.setState('run');
    await until(() => count > 0);
    clock.close();
    expect(marks.active).toBe(false);
    const frozen = count;
    await sleep(20);
    expect(count).toBe(frozen);
    expect(() => marks.disable()).not.toThrow();
    expectKsError(() => clock.enableEvent(KSEVENTSETID.Clock, 0, () => {}), 'ERR_CLOSED');
  });
});

describe('pin events', () => {
  it('KSEVENT_CONNECTION_ENDOFSTREAM fires when the render pin consumes the end of the stream', async () => {
    const filter = openRender();
    filters.push(filter);
    const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    let ends = 0;
    pin.onEndOfStream(() => ends++);
    pin.start();
    await pin.write(Buffer.alloc(1920));
    await sleep(10);
    expect(ends).toBe(0);
    await pin.write(Buffer.alloc(0), { endOfStream: true });
    await until(() => ends === 1);
  });

  it('a one-shot event is signalled once', async () => {
    const filter = openRender();
    filters.push(filter);
    const pin = filter.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    let ends = 0;
    pin.enableEvent(KSEVENTSETID.Connection, 4, () => ends++, { oneShot: true });
    expect(emulatorEnabledEvents(pin)).toBe(1);
    pin.start();
    await pin.write(Buffer.alloc(4), { endOfStream: true });
    await until(() => ends === 1);
    // KSEVENT_TYPE_ONESHOT: the driver removes the entry when it signals it.
    expect(emulatorEnabledEvents(pin)).toBe(0);
    await pin.write(Buffer.alloc(4), { endOfStream: true });
    await sleep(10);
    expect(ends).toBe(1);
  });
});

describe('events defined on a virtual device', () => {
  const custom = '{0F0F0F0F-1111-2222-3333-444444444444}';

  it('reach every handle that enabled them, and no other', async () => {
    const device = defineVirtualDevice({
      name: 'Eventful',
      categories: ['AUDIO'],
      pins: [{ dataFlow: 'out', dataRanges: [encodeAudioRange()] }],
      events: [{ set: custom, id: 3 }],
    });
    try {
      const a = openFilter(device.path);
      const b = openFilter(device.path);
      filters.push(a, b);
      const got: string[] = [];
      const sa = a.enableEvent(custom, 3, () => got.push('a'));
      b.enableEvent(custom, 3, () => got.push('b'));
      device.fireEvent(custom, 3);
      await until(() => got.length === 2);
      expect(got.sort()).toEqual(['a', 'b']);
      expect([emulatorEnabledEvents(a), emulatorEnabledEvents(b)]).toEqual([1, 1]);
      a.disableEvent(sa);
      // The driver's list of a lost the entry; b's kept its own.
      expect([emulatorEnabledEvents(a), emulatorEnabledEvents(b)]).toEqual([0, 1]);
      device.fireEvent(custom, 3);
      await until(() => got.length === 3);
      await sleep(10);
      expect(got.slice(2)).toEqual(['b']);
      expectKsError(() => a.enableEvent(custom, 4, () => {}), 'STATUS_NOT_FOUND');
    } finally {
      for (const f of filters.splice(0)) f.close();
      device.remove();
    }
  });

  it('counts each delivery itself: the listener sees 1, 2, 3 for three signals, and nothing after disable', async () => {
    const device = defineVirtualDevice({
      name: 'Counted',
      categories: ['AUDIO'],
      pins: [{ dataFlow: 'out', dataRanges: [encodeAudioRange()] }],
      events: [{ set: custom, id: 3 }],
    });
    try {
      const filter = openFilter(device.path);
      filters.push(filter);
      const seen: { set: string; id: number; count: number }[] = [];
      const sub = filter.enableEvent(custom, 3, (signal) => seen.push({ ...signal }));
      for (let n = 1; n <= 3; n++) {
        device.fireEvent(custom, 3);
        await until(() => seen.length === n); // one signal at a time, so none can merge with the next
      }
      expect(seen).toEqual([1, 2, 3].map((count) => ({ set: custom, id: 3, count })));
      expect(sub.count).toBe(3);
      sub.disable();
      expect(sub.active).toBe(false);
      expect(emulatorEnabledEvents(filter)).toBe(0);
      sub.disable(); // idempotent: no second DISABLE_EVENT, no throw
      device.fireEvent(custom, 3);
      await sleep(20);
      expect(seen.length).toBe(3);
      expect(sub.count).toBe(3);
    } finally {
      for (const f of filters.splice(0)) f.close();
      device.remove();
    }
  });

  it('checks enableEvent arguments', () => {
    const filter = openCapture();
    filters.push(filter);
    expect(() => filter.enableEvent(custom, -1, () => {})).toThrow(/id must be an integer in 0\.\.4294967295/);
    expect(() => filter.enableEvent(custom, 0, 'no' as never)).toThrow(/listener must be a function/);
    expect(() => filter.enableEvent(custom, 0, () => {}, { data: 'x' as never })).toThrow(/options\.data must be a Buffer/);
    expect(() => filter.enableEvent(custom, 0, () => {}, { typeFlags: -1 })).toThrow(new RangeError('options.typeFlags must be an integer in 0..4294967295, got -1'));
  });
});

describe('supports() and supportsSet()', () => {
  it('reads BASICSUPPORT access flags and the KSPROPERTY_DESCRIPTION', () => {
    const filter = openCapture();
    filters.push(filter);
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const state = pin.supports(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.STATE);
    expect(state).toMatchObject({ get: true, set: true });
    expect(state?.description).toMatchObject({ size: 40, typeSet: '{97E99BA0-BDEA-11CF-A5D6-28DB04C10000}', membersListCount: 0 });
    const format = pin.supports(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.DATAFORMAT);
    expect(format).toMatchObject({ get: true, set: false });
    expect(pin.supports(KSPROPSETID.Connection, 999)).toBeNull();
    expect(pin.supports('{00000000-1111-2222-3333-444444444444}', 0)).toBeNull();
    const ranges = filter.supports(KSPROPSETID.Pin, KSPROPERTY_PIN.DATARANGES, { instance: Buffer.alloc(8) });
    expect(ranges).toMatchObject({ get: true, set: false });
  });

  it('answers SETSUPPORT per object', () => {
    const filter = openCapture();
    filters.push(filter);
    expect(filter.supportsSet(KSPROPSETID.Pin)).toBe(true);
    expect(filter.supportsSet(KSPROPSETID.Clock)).toBe(false);
    const clock = filter.createPin({ pinId: 0, dataFormat: stereo48k() }).createClock();
    expect(clock.supportsSet(KSPROPSETID.Clock)).toBe(true);
    expect(clock.supportsSet(KSPROPSETID.Pin)).toBe(false);
  });

  it('takes the short form (access flags only) from a driver that gives only that', () => {
    const custom = '{0F0F0F0F-1111-2222-3333-555555555555}';
    const device = defineVirtualDevice({
      name: 'Terse',
      categories: ['AUDIO'],
      pins: [],
      properties: [
        // Whatever the buffer, the access flags alone: GET | SET | BASICSUPPORT.
        { set: custom, id: 1, onGet: () => Buffer.alloc(4), onBasicSupport: ({ outputLength }) => ({ data: Buffer.from([0x03, 0x02, 0, 0]), information: outputLength >= 4 ? 4 : 0 }) },
        // A description that claims more bytes than the buffer holds.
        { set: custom, id: 2, onGet: () => Buffer.alloc(4), onBasicSupport: () => ({ data: Buffer.alloc(40), information: 4096 }) },
        // Fewer bytes than the access flags.
        { set: custom, id: 3, onGet: () => Buffer.alloc(4), onBasicSupport: () => ({ data: Buffer.alloc(2), information: 2 }) },
      ],
    });
    try {
      using filter = openFilter(device.path);
      const support = filter.supports(custom, 1);
      expect(support).toMatchObject({ get: true, set: true, accessFlags: 0x203 });
      expect(support?.description).toBeUndefined();
      expect(support?.raw.length).toBe(4);
      expect(expectKsError(() => filter.supports(custom, 2), 'ERR_MALFORMED_REPLY').message).toMatch(/claims 4096 bytes/);
      expect(expectKsError(() => filter.supports(custom, 3), 'ERR_MALFORMED_REPLY').message).toMatch(/fewer than its 4-byte access flags/);
    } finally {
      device.remove();
    }
  });
});

// Pulling a device out, as a surprise removal: through the bridge, the server's control (test/emulated-devices.ts), and
// the Windows backend meets a driver failing its handles' requests.
describe('a device pulled out', () => {
  it('kills the handles open on it for good: STATUS_DEVICE_REMOVED, also after the device comes back', () => {
    const path = emulatedCapturePath();
    const filter = openCapture();
    filters.push(filter);
    setDevicePresent(path, false);
    try {
      expectKsError(() => filter.pinCount(), 'STATUS_DEVICE_REMOVED');
    } finally {
      setDevicePresent(path, true);
    }
    expectKsError(() => filter.pinCount(), 'STATUS_DEVICE_REMOVED');
    using again = openCapture();
    expect(again.pinCount()).toBe(2);
  });

  it('cancels streaming in flight when the device is pulled out', async () => {
    const path = emulatedCapturePath();
    const filter = openCapture();
    filters.push(filter);
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.frames({ packets: 4, frameSize: 1920 });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    setDevicePresent(path, false);
    try {
      let error: unknown;
      try {
        for (;;) if ((await iterator.next()).done) break;
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KsError);
      const e = error as KsError;
      expect(e.code === 'ERR_CANCELED' || sameFailure(e, 'STATUS_DEVICE_REMOVED'), e.message).toBe(true);
    } finally {
      setDevicePresent(path, true);
    }
  });

});

// Device notifications come from the in-process emulator; through the bridge, Windows would send them
// (CM_Register_Notification), and the bridge does not raise them.
describe.skipIf(throughBridge())('watchDevices', () => {
  it('reports unplug and plug of a built-in device, once per watched category', async () => {
    const path = emulatedCapturePath();
    const changes: DeviceChange[] = [];
    const watcher = watchDevices((c) => changes.push(c), { categories: ['CAPTURE', 'AUDIO', 'VIDEO'], backend: 'emulator' });
    try {
      const filter = openCapture();
      setEmulatedDevicePresent(path, false);
      expect(listDevices({ category: 'CAPTURE', backend: 'emulator' }).some((d) => d.path === path)).toBe(false);
      // The open filter is dead for good, even after the device comes back.
      expectKsError(() => filter.pinCount(), 'STATUS_DEVICE_REMOVED');
      setEmulatedDevicePresent(path, true);
      expectKsError(() => filter.pinCount(), 'STATUS_DEVICE_REMOVED');
      filter.close();
      await until(() => changes.length === 4);
      expect(changes.map((c) => [c.type, c.category])).toEqual([
        ['removal', 'AUDIO'],
        ['removal', 'CAPTURE'],
        ['arrival', 'AUDIO'],
        ['arrival', 'CAPTURE'],
      ]);
      expect(changes.every((c) => c.path === path && c.backend === 'emulator')).toBe(true);
      using again = openCapture();
      expect(again.pinCount()).toBe(2);
    } finally {
      watcher.close();
      setEmulatedDevicePresent(path, true);
    }
  });

  it('reports virtual devices arriving and leaving, and nothing after close()', async () => {
    const changes: DeviceChange[] = [];
    const watcher = watchDevices((c) => changes.push(c), { categories: ['RENDER'], backend: 'emulator' });
    const device = defineVirtualDevice({ name: 'Speaker', categories: ['RENDER'], pins: [{ dataFlow: 'in', dataRanges: [encodeAudioRange()] }] });
    device.unplug();
    device.plug();
    device.remove();
    await until(() => changes.length === 4);
    expect(changes.map((c) => c.type)).toEqual(['arrival', 'removal', 'arrival', 'removal']);
    expect(watcher.closed).toBe(false);
    watcher.close();
    expect(watcher.closed).toBe(true);
    watcher.close();
    expect(watcher.closed).toBe(true);
    const extra = defineVirtualDevice({ name: 'Late', categories: ['RENDER'], pins: [] });
    extra.remove();
    await sleep(20);
    expect(changes).toHaveLength(4);
  });

  it('checks its arguments', () => {
    expect(() => watchDevices('x' as never)).toThrow(/listener must be a function/);
    expect(() => watchDevices(() => {}, { categories: [] })).toThrow(/non-empty array/);
    expect(() => watchDevices(() => {}, { categories: 'AUDIO' as never })).toThrow(
      new TypeError('options.categories must be a non-empty array of KSCATEGORY names or GUIDs'),
    );
    expect(() => watchDevices(() => {}, { categories: ['NOPE' as never] })).toThrow(/category must be one of/);
  });
});

describe('the emulated clock device (KSCATEGORY_CLOCK)', () => {
  it('lists under CLOCK, makes always-running clocks on its filter, and other filters refuse clocks', async () => {
    const [device] = listDevices({ category: 'CLOCK', backend: 'emulator' });
    expect(device.friendlyName).toBe('KS Emulator System Clock');
    const filter = openFilter(device.path);
    filters.push(filter);
    expect(filter.pinCount()).toBe(0);
    const clock = filter.createClock();
    expect(clock.createdWith).toBe('emulator');
    expect(clock.state()).toBe('run');
    const t0 = clock.time();
    await sleep(5);
    expect(clock.time()).toBeGreaterThan(t0);
    let marks = 0;
    clock.onIntervalMark(10_000n, () => marks++);
    await until(() => marks >= 2);
    const capture = openCapture();
    filters.push(capture);
    expectKsError(() => capture.createClock(), 'STATUS_INVALID_DEVICE_REQUEST');
  });
});
