// Camera controls against a driver scripted in the test: a virtual device whose PROPSETID_VIDCAP_VIDEOPROCAMP handler
// answers BASICSUPPORT, DEFAULTVALUES and GET with KSPROPERTY_DESCRIPTION replies laid out here byte by byte (ks.h:
// the 40-byte description { AccessFlags, DescriptionSize, PropTypeSet (24), MembersListCount, Reserved }, then per
// list a 16-byte KSPROPERTY_MEMBERSHEADER { MembersFlags, MembersSize, MembersCount, Flags } and its members:
// KSPROPERTY_STEPPING_LONG { SteppingDelta, Reserved, SignedMinimum, SignedMaximum } for STEPPEDRANGES (2),
// KSPROPERTY_BOUNDS_LONG { SignedMinimum, SignedMaximum } for RANGES (1), LONGs for VALUES (3), flagged
// KSPROPERTY_MEMBER_FLAG_DEFAULT (1) where they are the default). Each way a driver can answer, and each way it can
// answer wrong, against what readCameraControl makes of it.
import { afterEach, describe, expect, it } from 'vitest';
import {
  KsError,
  PROPSETID_VIDCAP,
  defineVirtualDevice,
  openFilter,
  openHandleCount,
  type KsFilter,
  type VirtualDevice,
  type VirtualPropertyReply,
  type VirtualPropertyRequest,
} from '../lib/index';
import { expectMalformedReply } from './helpers';

const DEFAULTVALUES = 0x10000; // KSPROPERTY_TYPE_DEFAULTVALUES
const MEMBER = { RANGES: 1, STEPPEDRANGES: 2, VALUES: 3 } as const;
const FLAG_DEFAULT = 1;

type List = { flags: number; size: number; members: number[][]; listFlags?: number };
const stepped = (step: number, min: number, max: number): List => ({ flags: MEMBER.STEPPEDRANGES, size: 16, members: [[step, 0, min, max]] });
const bounds = (min: number, max: number): List => ({ flags: MEMBER.RANGES, size: 8, members: [[min, max]] });
const values = (v: number, listFlags = FLAG_DEFAULT): List => ({ flags: MEMBER.VALUES, size: 4, members: [[v]], listFlags });

/** A KSPROPERTY_DESCRIPTION with `lists`; DescriptionSize as laid out unless `claimedSize` says otherwise. */
function description(lists: List[], claimedSize?: number): Buffer {
  const size = 40 + lists.reduce((n, l) => n + 16 + l.size * l.members.length, 0);
  const b = Buffer.alloc(size);
  b.writeUInt32LE(0x3, 0); // KSPROPERTY_TYPE_GET | SET
  b.writeUInt32LE(claimedSize ?? size, 4);
  b.writeUInt32LE(lists.length, 32);
  let at = 40;
  for (const l of lists) {
    b.writeUInt32LE(l.flags, at);
    b.writeUInt32LE(l.size, at + 4);
    b.writeUInt32LE(l.members.length, at + 8);
    b.writeUInt32LE(l.listFlags ?? 0, at + 12);
    at += 16;
    for (const m of l.members) for (let k = 0; k < l.size / 4; k++) (k === 0 && l.flags === MEMBER.STEPPEDRANGES ? b.writeUInt32LE(m[k], at + 4 * k) : b.writeInt32LE(m[k], at + 4 * k));
    at += l.size * l.members.length;
  }
  return b;
}

/** KSPROPERTY_VIDEOPROCAMP_S: the KSPROPERTY (24 bytes), Value at 24, Flags at 28, Capabilities at 32. */
function valueStruct(value: number, flags: number, capabilities: number): Buffer {
  const b = Buffer.alloc(40);
  b.writeInt32LE(value, 24);
  b.writeUInt32LE(flags, 28);
  b.writeUInt32LE(capabilities, 32);
  return b;
}

interface Script {
  basicSupport: (r: VirtualPropertyRequest) => VirtualPropertyReply;
  defaultValues?: (r: VirtualPropertyRequest) => VirtualPropertyReply;
  get?: (r: VirtualPropertyRequest) => VirtualPropertyReply;
}

const devices: VirtualDevice[] = [];
const filters: KsFilter[] = [];
afterEach(() => {
  for (const f of filters.splice(0)) f.close();
  for (const d of devices.splice(0)) d.remove();
  expect(openHandleCount()).toBe(0);
});

/** A camera whose brightness (VIDEOPROCAMP id 0) answers as `script` says; `seen` lists each request's kind and buffer size. */
function camera(script: Script): { filter: KsFilter; seen: string[] } {
  const seen: string[] = [];
  const device = defineVirtualDevice({
    name: 'Scripted Camera',
    categories: ['VIDEO', 'CAPTURE'],
    pins: [],
    properties: [
      {
        set: PROPSETID_VIDCAP.VIDEOPROCAMP,
        id: 0,
        onGet: (r) => (seen.push(`get ${r.outputLength}`), script.get ? script.get(r) : valueStruct(5, 2, 3)),
        onBasicSupport: (r) => {
          const defaults = ((r.flags ?? 0) & DEFAULTVALUES) !== 0;
          seen.push(`${defaults ? 'defaults' : 'basic'} ${r.outputLength}`);
          if (!defaults) return script.basicSupport(r);
          return script.defaultValues ? script.defaultValues(r) : { status: 'STATUS_NOT_SUPPORTED' };
        },
      },
    ],
  });
  devices.push(device);
  const filter = openFilter(device.path, { backend: 'emulator' });
  filters.push(filter);
  return { filter, seen };
}


const RANGE_OF = 'query the range of brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS)';

describe('a camera control read from a scripted driver', () => {
  it('STEPPEDRANGES with a default VALUES list: range, step and default from BASICSUPPORT alone (no DEFAULTVALUES asked)', () => {
    const desc = description([stepped(2, -10, 10), values(4)]);
    const { filter, seen } = camera({ basicSupport: () => desc });
    expect(filter.cameraControl('brightness')).toMatchObject({ minimum: -10, maximum: 10, step: 2, default: 4, value: 5, mode: 'manual', canAuto: true, canManual: true, flags: 2, capabilities: 3 });
    // The size query, the whole description, the value.
    expect(seen).toEqual(['basic 0', `basic ${desc.length}`, 'get 40']);
  });

  it('a RANGES list is a range in steps of 1, unless a STEPPEDRANGES list came first; a later STEPPEDRANGES list wins', () => {
    expect(camera({ basicSupport: () => description([bounds(-100, 100)]) }).filter.cameraControl('brightness')).toMatchObject({ minimum: -100, maximum: 100, step: 1 });
    expect(camera({ basicSupport: () => description([stepped(5, 0, 50), bounds(-100, 100)]) }).filter.cameraControl('brightness')).toMatchObject({ minimum: 0, maximum: 50, step: 5 });
    expect(camera({ basicSupport: () => description([bounds(-100, 100), stepped(5, 0, 50)]) }).filter.cameraControl('brightness')).toMatchObject({ minimum: 0, maximum: 50, step: 5 });
  });

  it('a VALUES list not flagged default is not the default: it comes from DEFAULTVALUES, where any VALUES list is the default', () => {
    const { filter, seen } = camera({ basicSupport: () => description([stepped(1, 0, 9), values(7, 0)]), defaultValues: () => description([values(3, 0)]) });
    expect(filter.cameraControl('brightness').default).toBe(3);
    expect(seen.filter((s) => s.startsWith('defaults'))).toHaveLength(2);
  });

  it('a driver without default values (DEFAULTVALUES refused) has default null; a malformed DEFAULTVALUES reply is an error', () => {
    expect(camera({ basicSupport: () => description([stepped(1, 0, 9)]) }).filter.cameraControl('brightness').default).toBeNull();
    const { filter } = camera({ basicSupport: () => description([stepped(1, 0, 9)]), defaultValues: () => description([values(1)], 400) });
    expectMalformedReply(() => filter.cameraControl('brightness'), 'query the default of brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS)', 'KSPROPERTY_DESCRIPTION.DescriptionSize 400 differs from the 60 bytes the driver gave');
  });

  it('reads a description of exactly 64 KiB, and a last list header with no members that ends the description', () => {
    // 40 + (16 + 16) + (16 + 4 × 16362) = 65536: a long VALUES list not flagged default.
    const big = description([stepped(1, 0, 9), { flags: MEMBER.VALUES, size: 4, members: Array.from({ length: 16362 }, (_, i) => [i]), listFlags: 0 }]);
    expect(big.length).toBe(65536);
    expect(camera({ basicSupport: () => big }).filter.cameraControl('brightness')).toMatchObject({ minimum: 0, maximum: 9, default: null });
    const trailing = description([stepped(2, 0, 8), { flags: MEMBER.VALUES, size: 4, members: [] }]);
    expect(trailing.length).toBe(40 + 32 + 16);
    expect(camera({ basicSupport: () => trailing }).filter.cameraControl('brightness')).toMatchObject({ minimum: 0, maximum: 8, step: 2 });
  });

  it('a driver that answers the size query with no size is asked for the 40-byte description, whose DescriptionSize gives the whole', () => {
    const desc = description([stepped(3, 0, 30), values(9)]);
    const { filter, seen } = camera({
      basicSupport: (r) => (r.outputLength === 0 ? { status: 'STATUS_SUCCESS', information: 0 } : { data: desc.subarray(0, Math.min(r.outputLength, desc.length)), information: Math.min(r.outputLength, desc.length) }),
    });
    expect(filter.cameraControl('brightness')).toMatchObject({ minimum: 0, maximum: 30, step: 3, default: 9 });
    expect(seen).toEqual(['basic 0', 'basic 40', `basic ${desc.length}`, 'get 40']);
  });

  it('refuses each malformed description, naming what is wrong', () => {
    // The head alone when asked for it is short.
    let c = camera({ basicSupport: (r) => (r.outputLength === 0 ? { status: 0, information: 0 } : { data: Buffer.alloc(36), information: 36 }) });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, 'expected a 40-byte KSPROPERTY_DESCRIPTION, got 36 bytes');
    // A size below the description's own, or past 64 KiB.
    for (const size of [39, 64 * 1024 + 1]) {
      c = camera({ basicSupport: (r) => (r.outputLength === 0 ? { status: 'STATUS_BUFFER_OVERFLOW', information: size } : { status: 'STATUS_UNSUCCESSFUL' }) });
      expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, `the description's size ${size} is outside 40..65536`);
    }
    // The whole reply shorter than the size it asked for; DescriptionSize not the size it gave.
    const desc = description([stepped(1, 0, 9)]);
    c = camera({ basicSupport: (r) => (r.outputLength === 0 ? desc : { data: desc, information: desc.length - 8 }) });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, `the driver gave ${desc.length - 8} bytes of a ${desc.length}-byte description`);
    c = camera({ basicSupport: () => description([stepped(1, 0, 9)], 80) });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, 'KSPROPERTY_DESCRIPTION.DescriptionSize 80 differs from the 72 bytes the driver gave');
  });

  it('refuses member lists that run past the description, a description with no range, and an inverted range', () => {
    // MembersListCount 2 with one list laid out: the second header would start at 72, past 72.
    const oneList = description([stepped(1, 0, 9)]);
    oneList.writeUInt32LE(2, 32);
    let c = camera({ basicSupport: () => oneList });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, 'member list 1 at 72 runs past DescriptionSize 72 (MembersListCount 2)');
    // A list claiming 3 members of 16 bytes where one is laid out.
    const counted = description([stepped(1, 0, 9)]);
    counted.writeUInt32LE(3, 48);
    c = camera({ basicSupport: () => counted });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, 'member list 0 (3 × 16 bytes) runs past DescriptionSize 72');
    c = camera({ basicSupport: () => description([values(3)]) });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, 'BASICSUPPORT gave no KSPROPERTY_MEMBER_STEPPEDRANGES or RANGES list');
    c = camera({ basicSupport: () => description([stepped(1, 10, -10)]) });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), RANGE_OF, "the range's minimum 10 is above its maximum -10");
  });

  it('refuses a value struct shorter than KSPROPERTY_VIDEOPROCAMP_S', () => {
    const c = camera({ basicSupport: () => description([stepped(1, 0, 9)]), get: () => ({ data: Buffer.alloc(36), information: 36 }) });
    expectMalformedReply(() => c.filter.cameraControl('brightness'), 'get brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS)', 'expected a 40-byte value struct, got 36 bytes');
  });
});

describe('listing a scripted camera\'s controls', () => {
  it('skips controls the driver refuses as absent or as an invalid device request; any other failure is thrown', () => {
    // Only brightness has a handler: the emulator answers the set's other ids STATUS_NOT_FOUND, as ks.sys does.
    let c = camera({ basicSupport: () => description([stepped(1, 0, 9)]) });
    expect(c.filter.cameraControls().map((x) => x.name)).toEqual(['brightness']);
    c = camera({ basicSupport: () => ({ status: 'STATUS_INVALID_DEVICE_REQUEST' }) });
    expect(c.filter.cameraControls()).toEqual([]);
    c = camera({ basicSupport: () => ({ status: 'STATUS_ACCESS_DENIED' }) });
    expect(() => c.filter.cameraControls()).toThrow(KsError);
  });
});

describe('setting a control the scripted driver describes', () => {
  it('refuses a value that is no integer, and a value by hand on a control that is automatic only; nothing is sent', () => {
    // Capabilities and flags KSPROPERTY_VIDEOPROCAMP_FLAGS_AUTO (1) alone: the driver has no manual mode.
    const { filter, seen } = camera({ basicSupport: () => description([stepped(1, 0, 9)]), get: () => valueStruct(5, 1, 1) });
    for (const [bad, shown] of [[1.5, '1.5'], ['3', '"3"'], [Number.NaN, 'NaN'], [null, 'null']] as const) {
      expect(() => filter.setCameraControl('brightness', bad as never)).toThrow(new TypeError(`brightness must be an integer or 'auto', got ${shown}`));
    }
    expect(seen).toEqual([]);
    expect(() => filter.setCameraControl('brightness', 4)).toThrow(new RangeError("brightness (KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS) cannot be set by hand; only 'auto'"));
    expect(filter.cameraControl('brightness')).toMatchObject({ mode: 'auto', canAuto: true, canManual: false });
  });
});
