// A filter's pin-factory properties (KSPROPSETID_Pin), KSPROPERTY_GENERAL_COMPONENTID and a pin instance's own
// properties (KSPROPSETID_Connection, KSPROPSETID_StreamInterface) from a driver scripted in
// the test: a virtual device whose filter handler answers one property of pin 0 with the bytes or status written here,
// while the emulator answers the rest. pinInfo() reads the required ones (DATAFLOW, COMMUNICATION, CINSTANCES,
// DATARANGES) strictly and the optional ones (GLOBALCINSTANCES, NECESSARYINSTANCES, INTERFACES, MEDIUMS,
// PHYSICALCONNECTION, CONSTRAINEDDATARANGES, NAME, CATEGORY) as null where the driver says they are absent
// (STATUS_NOT_FOUND, STATUS_NOT_SUPPORTED, as ks.sys answers a property a pin does not have) — and every other
// failure, and every malformed value, is an error naming the property and what was wrong.
import { afterEach, describe, expect, it } from 'vitest';
import {
  KSPROPERTY_CONNECTION,
  KSPROPERTY_PIN,
  KSPROPERTY_STREAMINTERFACE,
  KSPROPSETID,
  pcmFormat,
  encodeDataFormat,
  defineVirtualDevice,
  encodeAudioRange,
  openFilter,
  openHandleCount,
  type KsFilter,
  type VirtualDevice,
  type VirtualPropertyReply,
} from '../lib/index';
import { expectKsError, expectMalformedReply } from './helpers';

const devices: VirtualDevice[] = [];
const filters: KsFilter[] = [];
afterEach(() => {
  for (const f of filters.splice(0)) f.close();
  for (const d of devices.splice(0)) d.remove();
  expect(openHandleCount()).toBe(0);
});

/** A one-pin capture device whose filter answers `id` of KSPROPSETID_Pin (any pin) with `reply`. */
function scripted(set: string, id: number, reply: () => VirtualPropertyReply): KsFilter {
  const device = defineVirtualDevice({
    name: 'Scripted Pins',
    categories: ['AUDIO', 'CAPTURE'],
    pins: [{ name: 'Capture', dataFlow: 'out', communication: 'sink', dataRanges: [encodeAudioRange()] }],
    properties: [{ set, id, onGet: reply }],
  });
  devices.push(device);
  const filter = openFilter(device.path, { backend: 'emulator' });
  filters.push(filter);
  return filter;
}
const pinProperty = (id: number, reply: () => VirtualPropertyReply) => scripted(KSPROPSETID.Pin, id, reply);


const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32LE(v, 4 * i));
  return b;
};

describe('pinInfo() from a scripted driver', () => {
  it('reads the values a driver gives, as it gives them', () => {
    expect(pinProperty(KSPROPERTY_PIN.CINSTANCES, () => u32(3, 1)).pinInfo(0).instances).toEqual({ possible: 3, current: 1 });
    expect(pinProperty(KSPROPERTY_PIN.GLOBALCINSTANCES, () => u32(4, 2)).pinInfo(0).globalInstances).toEqual({ possible: 4, current: 2 });
    expect(pinProperty(KSPROPERTY_PIN.NECESSARYINSTANCES, () => u32(1)).pinInfo(0).necessaryInstances).toBe(1);
    // KSPIN_DATAFLOW_IN 1 / OUT 2; KSPIN_COMMUNICATION_NONE 0, SINK 1, SOURCE 2, BOTH 3, BRIDGE 4.
    expect(pinProperty(KSPROPERTY_PIN.DATAFLOW, () => u32(1)).pinInfo(0).dataFlow).toBe('in');
    for (const [value, name] of [[0, 'none'], [2, 'source'], [3, 'both'], [4, 'bridge']] as const) {
      expect(pinProperty(KSPROPERTY_PIN.COMMUNICATION, () => u32(value)).pinInfo(0).communication).toBe(name);
    }
    const category = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(pinProperty(KSPROPERTY_PIN.CATEGORY, () => category).pinInfo(0).category).toBe('{33221100-5544-7766-8899-AABBCCDDEEFF}');
  });

  it('optional properties the driver says are absent are null; required ones are errors', () => {
    for (const status of ['STATUS_NOT_FOUND', 'STATUS_NOT_SUPPORTED']) {
      for (const id of [KSPROPERTY_PIN.GLOBALCINSTANCES, KSPROPERTY_PIN.NECESSARYINSTANCES, KSPROPERTY_PIN.INTERFACES, KSPROPERTY_PIN.MEDIUMS, KSPROPERTY_PIN.PHYSICALCONNECTION, KSPROPERTY_PIN.CONSTRAINEDDATARANGES]) {
        const info = pinProperty(id, () => ({ status })).pinInfo(0);
        const field = { [KSPROPERTY_PIN.GLOBALCINSTANCES]: 'globalInstances', [KSPROPERTY_PIN.NECESSARYINSTANCES]: 'necessaryInstances', [KSPROPERTY_PIN.INTERFACES]: 'interfaces', [KSPROPERTY_PIN.MEDIUMS]: 'mediums', [KSPROPERTY_PIN.PHYSICALCONNECTION]: 'physicalConnection', [KSPROPERTY_PIN.CONSTRAINEDDATARANGES]: 'constrainedDataRanges' }[id]!;
        expect((info as unknown as Record<string, unknown>)[field], `${field} for ${status}`).toBeNull();
      }
    }
    for (const id of [KSPROPERTY_PIN.NAME, KSPROPERTY_PIN.CATEGORY]) {
      const info = pinProperty(id, () => ({ status: 'STATUS_NOT_FOUND' })).pinInfo(0);
      expect(id === KSPROPERTY_PIN.NAME ? info.name : info.category).toBeNull();
    }
    // Any other failure of an optional property is the driver's error, not "absent".
    expect(() => pinProperty(KSPROPERTY_PIN.GLOBALCINSTANCES, () => ({ status: 'STATUS_ACCESS_DENIED' })).pinInfo(0)).toThrow(/STATUS_ACCESS_DENIED/);
    expect(() => pinProperty(KSPROPERTY_PIN.CINSTANCES, () => ({ status: 'STATUS_NOT_FOUND' })).pinInfo(0)).toThrow(/STATUS_NOT_FOUND/);
  });

  it('refuses a short or out-of-range value, naming the property', () => {
    expectMalformedReply(() => pinProperty(KSPROPERTY_PIN.CINSTANCES, () => ({ data: u32(3), information: 4 })).pinInfo(0), 'get pin instances', 'KSPIN_CINSTANCES needs 8 bytes, got 4');
    expectMalformedReply(
      () => pinProperty(KSPROPERTY_PIN.GLOBALCINSTANCES, () => ({ data: u32(3), information: 4 })).pinInfo(0),
      'get pin global instances',
      'KSPIN_CINSTANCES needs 8 bytes, got 4',
    );
    expectMalformedReply(() => pinProperty(KSPROPERTY_PIN.DATAFLOW, () => u32(0)).pinInfo(0), 'get pin dataflow', 'KSPIN_DATAFLOW 0 is not a dataflow');
    expectMalformedReply(() => pinProperty(KSPROPERTY_PIN.DATAFLOW, () => u32(3)).pinInfo(0), 'get pin dataflow', 'KSPIN_DATAFLOW 3 is not a dataflow');
    expectMalformedReply(() => pinProperty(KSPROPERTY_PIN.COMMUNICATION, () => u32(5)).pinInfo(0), 'get pin communication', 'KSPIN_COMMUNICATION 5 is not a communication');
    expectMalformedReply(() => pinProperty(KSPROPERTY_PIN.CATEGORY, () => Buffer.alloc(15)).pinInfo(0), 'get pin category', 'a GUID needs 16 bytes, got 15');
  });
});

describe('intersect() from a scripted driver', () => {
  it('decodes the KSDATAFORMAT the driver picks, and refuses one shorter than a KSDATAFORMAT as a malformed data intersection', () => {
    const format = pcmFormat({ channels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(pinProperty(KSPROPERTY_PIN.DATAINTERSECTION, () => encodeDataFormat(format)).intersect(0).wave).toMatchObject({ channels: 1, sampleRate: 8000 });
    const error = expectKsError(() => pinProperty(KSPROPERTY_PIN.DATAINTERSECTION, () => encodeDataFormat(format).subarray(0, 40)).intersect(0), 'ERR_MALFORMED_REPLY');
    expect(error.operation).toBe('data intersection');
  });
});

describe('componentId() from a scripted driver', () => {
  it('reads KSCOMPONENTID field by field, and refuses one shorter than its 72 bytes', () => {
    const id = Buffer.alloc(72);
    for (let i = 0; i < 64; i++) id[i] = i;
    id.writeUInt32LE(7, 64);
    id.writeUInt32LE(0x10203, 68);
    expect(scripted(KSPROPSETID.General, 0, () => id).componentId()).toEqual({
      manufacturer: '{03020100-0504-0706-0809-0A0B0C0D0E0F}',
      product: '{13121110-1514-1716-1819-1A1B1C1D1E1F}',
      component: '{23222120-2524-2726-2829-2A2B2C2D2E2F}',
      name: '{33323130-3534-3736-3839-3A3B3C3D3E3F}',
      version: 7,
      revision: 0x10203,
    });
    expectMalformedReply(() => scripted(KSPROPSETID.General, 0, () => ({ data: Buffer.alloc(64), information: 64 })).componentId(), 'get component id', 'KSCOMPONENTID needs 72 bytes, got 64');
  });
});

/** A capture pin instance whose handler answers `id` of `set` with `reply`. */
function scriptedPin(set: string, id: number, reply: () => VirtualPropertyReply) {
  const device = defineVirtualDevice({
    name: 'Scripted Pin',
    categories: ['AUDIO', 'CAPTURE'],
    pins: [{ name: 'Capture', dataFlow: 'out', communication: 'sink', dataRanges: [encodeAudioRange()] }],
    properties: [{ set, id, target: 'pin', onGet: reply }],
  });
  devices.push(device);
  const filter = openFilter(device.path, { backend: 'emulator' });
  filters.push(filter);
  return filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
}

describe('a pin instance\'s replies from a scripted driver', () => {
  it('refuses a KSALLOCATOR_FRAMING shorter than 24 bytes and a KSSTATE that is not one', () => {
    expectMalformedReply(
      () => scriptedPin(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.ALLOCATORFRAMING, () => ({ data: Buffer.alloc(20), information: 20 })).allocatorFraming(),
      'get allocator framing',
      'KSALLOCATOR_FRAMING needs 24 bytes, got 20',
    );
    expectMalformedReply(() => scriptedPin(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.STATE, () => u32(4)).state(), 'get pin state', 'KSSTATE 4 is not a state');
    // KSSTATE_STOP 0 … RUN 3, as given.
    expect(scriptedPin(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.STATE, () => u32(2)).state()).toBe('pause');
  });

  it('takes KSPIN.StreamHeaderSize from HEADERSIZE (0: the default header; absent: the documented size), refusing a short reply', () => {
    expect(scriptedPin(KSPROPSETID.StreamInterface, KSPROPERTY_STREAMINTERFACE.HEADERSIZE, () => u32(0)).streamHeaderSize()).toBe(56);
    expect(scriptedPin(KSPROPSETID.StreamInterface, KSPROPERTY_STREAMINTERFACE.HEADERSIZE, () => u32(64)).streamHeaderSize()).toBe(64);
    expect(scriptedPin(KSPROPSETID.StreamInterface, KSPROPERTY_STREAMINTERFACE.HEADERSIZE, () => ({ status: 'STATUS_NOT_FOUND' })).streamHeaderSize()).toBe(56);
    expectMalformedReply(
      () => scriptedPin(KSPROPSETID.StreamInterface, KSPROPERTY_STREAMINTERFACE.HEADERSIZE, () => ({ data: Buffer.alloc(2), information: 2 })).streamHeaderSize(),
      'get stream header size',
      'HEADERSIZE is a ULONG (4 bytes), got 2',
    );
  });
});
