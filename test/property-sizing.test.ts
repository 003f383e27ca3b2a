// The handle layer's generic property calls (lib/objects/handle.ts) against a driver scripted in the test: a virtual
// device whose property handler answers each request with the status, bytes and Information written here and records
// the buffer size it was given, so each step of getProperty's sizing (the zero-length size query, the data query,
// growing, doubling, giving up) and of supports()'s BASICSUPPORT reading is checked against the requests a driver
// sees. Both status forms: the driver's NTSTATUS, and the Win32 codes DeviceIoControl reports
// (setEmulatorStatusReporting('win32'): ERROR_MORE_DATA 234 for STATUS_BUFFER_OVERFLOW, ERROR_INSUFFICIENT_BUFFER 122
// for STATUS_BUFFER_TOO_SMALL, as RtlNtStatusToDosError maps them).
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineVirtualDevice,
  guidToBuffer,
  KSPROPERTY_TYPE,
  MAX_PROPERTY_REPLY,
  openFilter,
  openHandleCount,
  setEmulatorStatusReporting,
  StatusKind,
  type VirtualPropertyReply,
  type VirtualPropertyRequest,
} from '../lib/index';
import { isSizeAnswer } from '../lib/objects/handle';
import { expectKsError } from './helpers';

const SET = '{5A5A5A5A-1111-2222-3333-666666666666}';
const OVERFLOW = 0x80000005; // STATUS_BUFFER_OVERFLOW
const TOO_SMALL = 0xc0000023; // STATUS_BUFFER_TOO_SMALL

afterEach(() => {
  setEmulatorStatusReporting('ntstatus');
  expect(openHandleCount()).toBe(0);
});

/** A filter whose property `SET` id 1 answers GET (and BASICSUPPORT, SET) through `answer`; `seen` lists each request. */
function scripted(answer: (r: VirtualPropertyRequest) => VirtualPropertyReply, basicSupport?: (r: VirtualPropertyRequest) => VirtualPropertyReply) {
  const seen: VirtualPropertyRequest[] = [];
  const device = defineVirtualDevice({
    name: 'Scripted',
    categories: ['AUDIO'],
    pins: [],
    properties: [
      {
        set: SET,
        id: 1,
        onGet: (r) => (seen.push(r), answer(r)),
        onSet: (r) => (seen.push(r), answer(r)),
        ...(basicSupport ? { onBasicSupport: (r: VirtualPropertyRequest) => (seen.push(r), basicSupport(r)) } : {}),
      },
    ],
  });
  const filter = openFilter(device.path);
  return {
    filter,
    seen,
    sizes: () => seen.map((r) => r.outputLength),
    [Symbol.dispose]() {
      filter.close();
      device.remove();
    },
  };
}

const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff));

describe('getProperty() sizing, as the driver sees it', () => {
  for (const mode of ['ntstatus', 'win32'] as const) {
    describe(`statuses as ${mode === 'win32' ? 'DeviceIoControl reports them' : 'the driver returns them'}`, () => {
      it('asks for the size with a zero-length buffer, then reads that many bytes', () => {
        setEmulatorStatusReporting(mode);
        using d = scripted((r) => (r.outputLength === 0 ? { status: OVERFLOW, information: 12 } : { data: bytes(12), information: 12 }));
        expect(d.filter.getProperty(SET, 1)).toEqual(bytes(12));
        expect(d.sizes()).toEqual([0, 12]);
        expect(d.seen.map((r) => r.kind)).toEqual(['get', 'get']);
      });

      it('doubles from 256 bytes while a driver says "too small" without a size, and stops after 8 doublings', () => {
        setEmulatorStatusReporting(mode);
        using d = scripted((r) => (r.outputLength >= 1000 ? { data: bytes(5) } : { status: TOO_SMALL, information: 0 }));
        expect(d.filter.getProperty(SET, 1)).toEqual(bytes(5));
        expect(d.sizes()).toEqual([0, 256, 512, 1024]);
        using never = scripted(() => ({ status: TOO_SMALL, information: 0 }));
        expect(expectKsError(() => never.filter.getProperty(SET, 1), 'ERR_MALFORMED_REPLY').message).toBe(
          `get ${SET} id 1: no reply fitted in up to 65536 bytes and the driver never said how many it needs`,
        );
        expect(never.sizes()).toEqual([0, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);
      });

      it('takes a larger size the data query names, up to 8 times in a row', () => {
        setEmulatorStatusReporting(mode);
        // Each answer asks for 8 bytes more than the buffer it got: the reply grows between the calls.
        using d = scripted((r) => ({ status: OVERFLOW, information: r.outputLength + 8 }));
        expect(expectKsError(() => d.filter.getProperty(SET, 1), 'ERR_MALFORMED_REPLY').message).toBe(`get ${SET} id 1: the driver asked for a larger buffer 9 times in a row`);
        expect(d.sizes()).toEqual([0, 8, 16, 24, 32, 40, 48, 56, 64, 72]);
        using once = scripted((r) => (r.outputLength === 0 ? { status: OVERFLOW, information: 8 } : r.outputLength < 20 ? { status: OVERFLOW, information: 20 } : { data: bytes(20) }));
        expect(once.filter.getProperty(SET, 1)).toEqual(bytes(20));
        expect(once.sizes()).toEqual([0, 8, 20]);
      });

      it('refuses a driver whose size and data queries disagree (PortAudio #1176)', () => {
        setEmulatorStatusReporting(mode);
        using d = scripted(() => ({ status: OVERFLOW, information: 16 }));
        const name = mode === 'win32' ? 'ERROR_MORE_DATA' : 'STATUS_BUFFER_OVERFLOW';
        expect(expectKsError(() => d.filter.getProperty(SET, 1), 'ERR_MALFORMED_REPLY').message).toBe(
          `get ${SET} id 1: the driver's size and data queries disagree: it asked for 16 bytes, then answered a 16-byte buffer with ${name} and 16 bytes`,
        );
        expect(d.sizes()).toEqual([0, 16]);
      });
    });
  }

  it('returns nothing for a size query answered with success and no bytes, and reads a size given with success', () => {
    using empty = scripted(() => undefined);
    expect(empty.filter.getProperty(SET, 1)).toEqual(Buffer.alloc(0));
    expect(empty.sizes()).toEqual([0]);
    using told = scripted((r) => (r.outputLength === 0 ? { information: 6 } : { data: bytes(6) }));
    expect(told.filter.getProperty(SET, 1)).toEqual(bytes(6));
    expect(told.sizes()).toEqual([0, 6]);
  });

  it('with a size given asks once, and a "too small" answer is the driver\'s error', () => {
    using d = scripted(() => ({ status: TOO_SMALL, information: 64 }));
    expectKsError(() => d.filter.getProperty(SET, 1, { size: 16 }), 'STATUS_BUFFER_TOO_SMALL');
    expect(d.sizes()).toEqual([16]);
    using exact = scripted(() => ({ data: bytes(3) }));
    expect(exact.filter.getProperty(SET, 1, { size: 16 })).toEqual(bytes(3));
    expect(exact.sizes()).toEqual([16]);
  });

  it('refuses an Information larger than the buffer and a size past MAX_PROPERTY_REPLY before allocating it', () => {
    using claims = scripted(() => ({ data: bytes(16), information: 40 }));
    expect(expectKsError(() => claims.filter.getProperty(SET, 1, { size: 16 }), 'ERR_MALFORMED_REPLY').message).toBe(`get ${SET} id 1: the driver claims 40 bytes in a 16-byte buffer`);
    using huge = scripted(() => ({ status: OVERFLOW, information: MAX_PROPERTY_REPLY + 1 }));
    expect(expectKsError(() => huge.filter.getProperty(SET, 1), 'ERR_MALFORMED_REPLY').message).toBe(`get ${SET} id 1: the reply would exceed 16777216 bytes`);
    expect(huge.sizes()).toEqual([0]);
    using largest = scripted((r) => (r.outputLength === 0 ? { status: OVERFLOW, information: MAX_PROPERTY_REPLY } : { data: bytes(3) }));
    expect(largest.filter.getProperty(SET, 1)).toEqual(bytes(3));
    expect(largest.sizes()).toEqual([0, MAX_PROPERTY_REPLY]);
  });

  it('throws the probe\'s own failure, and sends typeFlags and the instance bytes with GET and SET', () => {
    using d = scripted((r) => (r.kind === 'set' ? { status: 'STATUS_INVALID_PARAMETER' } : { status: 'STATUS_INVALID_DEVICE_REQUEST' }));
    expectKsError(() => d.filter.getProperty(SET, 1, { typeFlags: KSPROPERTY_TYPE.TOPOLOGY, instance: Buffer.from([9, 0, 0, 0]) }), 'STATUS_INVALID_DEVICE_REQUEST');
    expect(d.seen[0]).toMatchObject({ flags: KSPROPERTY_TYPE.GET | KSPROPERTY_TYPE.TOPOLOGY, instanceId: 9 });
    const failure = expectKsError(() => d.filter.setProperty(SET, 1, Buffer.from([1, 2]), { typeFlags: KSPROPERTY_TYPE.TOPOLOGY }), 'STATUS_INVALID_PARAMETER');
    expect(failure.operation).toBe(`set ${SET} id 1`);
    expect(d.seen[1]).toMatchObject({ kind: 'set', flags: KSPROPERTY_TYPE.SET | KSPROPERTY_TYPE.TOPOLOGY, value: Buffer.from([1, 2]) });
    using ok = scripted(() => undefined);
    ok.filter.setProperty(SET, 1, Buffer.from([7]));
    expect(ok.seen[0]).toMatchObject({ kind: 'set', flags: KSPROPERTY_TYPE.SET, value: Buffer.from([7]) });
  });
});

describe('supports(): KSPROPERTY_TYPE_BASICSUPPORT', () => {
  /** KSPROPERTY_DESCRIPTION: AccessFlags, DescriptionSize, PropTypeSet (Set GUID, Id, Flags), MembersListCount, Reserved. */
  function description(total: number, access: number): Buffer {
    const b = Buffer.alloc(total);
    b.writeUInt32LE(access, 0);
    b.writeUInt32LE(total, 4); // DescriptionSize
    guidToBuffer('{97E99BA0-BDEA-11CF-A5D6-28DB04C10000}').copy(b, 8); // KSPROPTYPESETID_General
    b.writeUInt32LE(19, 24); // VT_UI4
    b.writeUInt32LE(0x77, 28); // PropTypeSet.Flags: not read
    b.writeUInt32LE(1, 32); // MembersListCount
    return b.subarray(0, total);
  }

  it('asks for the size, reads a description with its member list, and decodes it field by field', () => {
    using d = scripted(() => undefined, (r) => (r.outputLength === 0 ? { status: OVERFLOW, information: 64 } : { data: description(64, 0x201) }));
    const support = d.filter.supports(SET, 1)!;
    expect(support).toEqual({
      get: true,
      set: false,
      accessFlags: 0x201,
      description: { size: 64, typeSet: '{97E99BA0-BDEA-11CF-A5D6-28DB04C10000}', type: 19, membersListCount: 1 },
      raw: description(64, 0x201),
    });
    expect(d.sizes()).toEqual([0, 64]);
  });

  it('gives a description-sized buffer at least, reads one of exactly 40 bytes, and none from 39', () => {
    using small = scripted(() => undefined, (r) => (r.outputLength === 0 ? { status: OVERFLOW, information: 8 } : { data: description(40, 0x202) }));
    expect(small.filter.supports(SET, 1)).toMatchObject({ get: false, set: true, description: { size: 40 } });
    expect(small.sizes()).toEqual([0, 40]);
    using quiet = scripted(() => undefined, (r) => (r.outputLength === 0 ? undefined : { data: description(39, 0x203) }));
    const support = quiet.filter.supports(SET, 1)!;
    expect(support.description).toBeUndefined();
    expect([support.get, support.set, support.raw.length]).toEqual([true, true, 39]);
    expect(quiet.sizes()).toEqual([0, 40]);
  });

  it('is null for "not found" answers to either query, and throws any other failure', () => {
    using absent = scripted(() => undefined, () => ({ status: 'STATUS_NOT_FOUND' }));
    expect(absent.filter.supports(SET, 1)).toBeNull();
    using absentLater = scripted(() => undefined, (r) => (r.outputLength === 0 ? { status: OVERFLOW, information: 40 } : { status: 'STATUS_PROPSET_NOT_FOUND' }));
    expect(absentLater.filter.supports(SET, 1)).toBeNull();
    expect(absentLater.sizes()).toEqual([0, 40]);
    using broken = scripted(() => undefined, () => ({ status: 'STATUS_INVALID_DEVICE_REQUEST' }));
    expect(expectKsError(() => broken.filter.supports(SET, 1), 'STATUS_INVALID_DEVICE_REQUEST').operation).toBe(`query support of ${SET} id 1`);
    using brokenLater = scripted(() => undefined, (r) => (r.outputLength === 0 ? undefined : { status: 'STATUS_INVALID_DEVICE_REQUEST' }));
    expectKsError(() => brokenLater.filter.supports(SET, 1), 'STATUS_INVALID_DEVICE_REQUEST');
    using huge = scripted(() => undefined, () => ({ status: OVERFLOW, information: MAX_PROPERTY_REPLY + 1 }));
    expect(expectKsError(() => huge.filter.supports(SET, 1), 'ERR_MALFORMED_REPLY').message).toBe(`query support of ${SET} id 1: the reply would exceed 16777216 bytes`);
    expect(huge.sizes()).toEqual([0]);
    expect(() => huge.filter.supports(SET, -1)).toThrow(new RangeError('id must be an integer in 0..4294967295, got -1'));
  });
});

describe('isSizeAnswer()', () => {
  it('knows the size answers of each status form and nothing else', () => {
    const answers = (kind: StatusKind, values: number[]) => values.map((value) => isSizeAnswer([kind, value, 0]));
    expect(answers(StatusKind.NtStatus, [0x80000005, 0xc0000023, 0x80000005 | 0, 0xc0000023 | 0, 0, 0x8000001a, 0xc0000225])).toEqual([true, true, true, true, false, false, false]);
    expect(answers(StatusKind.Win32, [234, 122, 0, 1168, 0x80000005])).toEqual([true, true, false, false, false]);
    // HRESULT_FROM_WIN32(ERROR_MORE_DATA) = 0x800700EA, of ERROR_INSUFFICIENT_BUFFER 0x8007007A.
    expect(answers(StatusKind.HResult, [0x800700ea, 0x8007007a, 0x800700ea | 0, 234, 0x80070490])).toEqual([true, true, true, false, false]);
  });
});
