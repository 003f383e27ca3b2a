// The handle layer's messages and edges (lib/objects/handle.ts) that Stryker showed unchecked: the exact text of a
// refused raw streaming IOCTL, of calls on a closed handle and of a cancelled method, the operation named in a failure
// from native code, a subscription disabled through a handle it does not belong to, a method reply shorter than its
// buffer, supportsSet() on a device that has gone, and supports()/getProperty() steps a driver scripted here reaches.
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineVirtualDevice,
  encodeAudioRange,
  IOCTL_KS,
  KSMETHOD_TYPE,
  KSMETHODSETID,
  KSPROPSETID,
  MAX_PROPERTY_REPLY,
  openFilter,
  openHandleCount,
  type VirtualPropertyReply,
  type VirtualPropertyRequest,
} from '../lib/index';
import { expectKsError, expectKsRejection, openCapture, stereo48k } from './helpers';

const SET = '{5A5A5A5A-1111-2222-3333-777777777777}';
const EVENTS = '{0F0F0F0F-1111-2222-3333-777777777777}';
const OVERFLOW = 0x80000005; // STATUS_BUFFER_OVERFLOW

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

/** A device with a scripted property (SET id 1: GET and BASICSUPPORT through `answer`) and an event (EVENTS id 3). */
function scripted(answer: (r: VirtualPropertyRequest) => VirtualPropertyReply) {
  const sizes: number[] = [];
  const handler = (r: VirtualPropertyRequest) => (sizes.push(r.outputLength), answer(r));
  const device = defineVirtualDevice({
    name: 'Scripted handle layer',
    categories: ['AUDIO'],
    pins: [{ dataFlow: 'out', dataRanges: [encodeAudioRange()] }],
    properties: [{ set: SET, id: 1, onGet: handler, onBasicSupport: handler }],
    events: [{ set: EVENTS, id: 3 }],
  });
  return { device, sizes, open: () => openFilter(device.path) };
}

describe('raw streaming IOCTLs', () => {
  it('are refused with a message naming the IOCTL and the calls that stream', () => {
    using filter = openCapture();
    const message = (name: string) =>
      `ioctl: ${name} carries KSSTREAM_HEADER.Data pointers that the raw layer cannot check; capture with pin.frames() or pin.readable(), ` +
      'render with pin.write() or pin.writable(), or pass { allowStreamPointers: true } if every header points at memory you own until the request settles';
    expect(() => filter.ioctl(IOCTL_KS.READ_STREAM, null, null)).toThrow(new TypeError(message('IOCTL_KS_READ_STREAM')));
    expect(() => filter.ioctl(IOCTL_KS.WRITE_STREAM, null, null)).toThrow(new TypeError(message('IOCTL_KS_WRITE_STREAM')));
    expect(() => filter.ioctl(IOCTL_KS.WRITE_STREAM, null, null, { allowStreamPointers: false })).toThrow(TypeError);
  });
});

describe('a closed handle', () => {
  it('names the call and the kind of handle in ERR_CLOSED', async () => {
    const filter = openCapture();
    filter.close();
    expect(expectKsError(() => filter.ioctl(IOCTL_KS.PROPERTY, null, null), 'ERR_CLOSED').message).toBe('ioctl: the filter is closed');
    expect((await expectKsRejection(filter.ioctlAsync(IOCTL_KS.PROPERTY, null, null), 'ERR_CLOSED')).message).toBe('ioctl: the filter is closed');
    expect(expectKsError(() => filter.enableEvent(EVENTS, 3, () => {}), 'ERR_CLOSED').message).toBe('enable event: the filter is closed');
    filter.close(); // twice: nothing
  });

  it('names the event in a failure the native call reports', () => {
    using filter = openCapture();
    const failure = expectKsError(() => filter.enableEvent(EVENTS, 3, () => {}), 'STATUS_PROPSET_NOT_FOUND');
    expect(failure.operation).toBe(`enable event ${EVENTS} id 3`);
  });
});

describe('methods', () => {
  it('a pending ALLOC cancelled by close says which handle closed and which method it was', async () => {
    using filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const allocator = pin.createAllocator({ frames: 1, frameSize: 256 });
    await allocator.allocFrame();
    const waiting = allocator.invokeMethod(KSMETHODSETID.StreamAllocator, 0, Buffer.alloc(8), KSMETHOD_TYPE.READ);
    allocator.close();
    const e = await expectKsRejection(waiting, 'ERR_CANCELED');
    expect(e.message).toBe('invoke method KSMETHODSETID_StreamAllocator id 0: the allocator was closed or stopped while the request was pending');
  });

  it('returns the bytes the driver wrote, not the whole buffer, and names the method in a failure', async () => {
    using filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const allocator = pin.createAllocator({ frames: 2, frameSize: 256 });
    // ALLOC writes the frame's 8-byte address; a 24-byte buffer comes back as those 8 bytes.
    const reply = await allocator.invokeMethod(KSMETHODSETID.StreamAllocator, 0, Buffer.alloc(24), KSMETHOD_TYPE.READ);
    expect(reply.length).toBe(8);
    const failure = await expectKsRejection(allocator.invokeMethod(KSMETHODSETID.StreamAllocator, 7, Buffer.alloc(8)), 'STATUS_NOT_SUPPORTED');
    expect(failure.operation).toBe('invoke method KSMETHODSETID_StreamAllocator id 7');
  });
});

describe('event subscriptions across handles', () => {
  it('disableEvent() refuses an active subscription of another handle and leaves it enabled; an ended one is a no-op', () => {
    const { device, open } = scripted(() => undefined);
    try {
      using a = open();
      using b = open();
      const sub = a.enableEvent(EVENTS, 3, () => {});
      expect(() => b.disableEvent(sub)).toThrow(new TypeError('the subscription belongs to another handle'));
      expect(sub.active).toBe(true);
      a.disableEvent(sub);
      expect(sub.active).toBe(false);
      b.disableEvent(sub); // no longer active: nothing to refuse
    } finally {
      device.remove();
    }
  });
});

describe('supportsSet() and supports() failures', () => {
  it('supportsSet() throws what is not "absent", naming the set', () => {
    const { device, open } = scripted(() => undefined);
    const filter = open();
    try {
      device.remove();
      const failure = expectKsError(() => filter.supportsSet(KSPROPSETID.Pin), 'STATUS_DEVICE_REMOVED');
      expect(failure.operation).toBe('query support of property set KSPROPSETID_Pin');
    } finally {
      filter.close();
    }
  });

  it('supports() throws a failed size query that is no size answer, before any data query', () => {
    const { device, sizes, open } = scripted((r) => (r.outputLength === 0 ? { status: 'STATUS_INVALID_DEVICE_REQUEST' } : { data: Buffer.from([3, 0, 0, 0]) }));
    try {
      using filter = open();
      expectKsError(() => filter.supports(SET, 1), 'STATUS_INVALID_DEVICE_REQUEST');
      expect(sizes).toEqual([0]);
    } finally {
      device.remove();
    }
  });

  it('supports() takes a size of exactly MAX_PROPERTY_REPLY', () => {
    const { device, sizes, open } = scripted((r) => (r.outputLength === 0 ? { status: OVERFLOW, information: MAX_PROPERTY_REPLY } : { data: Buffer.from([1, 0, 0, 0]) }));
    try {
      using filter = open();
      expect(filter.supports(SET, 1)).toMatchObject({ get: true, set: false, accessFlags: 1 });
      expect(sizes).toEqual([0, MAX_PROPERTY_REPLY]);
    } finally {
      device.remove();
    }
  });

  it('getProperty() holds a driver to a size it named while growing: the same "more data" again is a disagreement', () => {
    // Size query: 8 bytes; with 8: 20; with 20: "more data, 20" again (PortAudio #1176's driver, one step later).
    const { device, sizes, open } = scripted((r) => (r.outputLength === 0 ? { status: OVERFLOW, information: 8 } : r.outputLength < 40 ? { status: OVERFLOW, information: 20 } : { data: Buffer.alloc(4) }));
    try {
      using filter = open();
      expect(expectKsError(() => filter.getProperty(SET, 1), 'ERR_MALFORMED_REPLY').message).toBe(
        `get ${SET} id 1: the driver's size and data queries disagree: it asked for 20 bytes, then answered a 20-byte buffer with STATUS_BUFFER_OVERFLOW and 20 bytes`,
      );
      expect(sizes).toEqual([0, 8, 20]);
    } finally {
      device.remove();
    }
  });
});
