// What recordProfile sends and keeps, request by request, read from a virtual device whose answers this file scripts
// (issue 16: the profile tests compared a replay with its original, which a recorder that asked too little or kept
// the wrong reply passes as long as both sides agree). Each answer form a driver gives is checked as recorded: a
// size query answered with a size, with BUFFER_OVERFLOW but no size (asked again with 4 KiB), with more than the
// profile may hold (not asked again), or a refusal; the walks over channels, camera controls and pin factories stop
// where the driver's answers say; the options and the document's own fields.
import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import {
  defineVirtualDevice,
  encodeAudioRange,
  KsError,
  KSNODETYPE,
  KSPROPERTY_AUDIO,
  KSPROPSETID,
  listDevices,
  PROFILE_LIMITS,
  recordProfile,
  type ProfileRequest,
  type VirtualDevice,
  type VirtualDeviceDefinition,
  type VirtualPropertyRequest,
} from '../lib/index';
import { writeGuid } from '../lib/structs/guid';

const VIDEOPROCAMP = '{C6E13360-30AC-11D0-A18C-00A0C9118956}';
const JACK = '{4509F757-2D46-4637-8E62-CE7DB944F57B}';
const DEFAULTVALUES = 0x10000;
const TOPOLOGY = 0x10000000;
const NT = (value: number, name: string) => ({ scheme: 'ntstatus', value, name });
const SUCCESS = NT(0, 'STATUS_SUCCESS');
const OVERFLOW = NT(0x80000005, 'STATUS_BUFFER_OVERFLOW');
const NOT_FOUND = NT(0xc0000225, 'STATUS_NOT_FOUND');

const devices: VirtualDevice[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.remove();
});

function define(definition: VirtualDeviceDefinition) {
  const device = defineVirtualDevice(definition);
  devices.push(device);
  return listDevices({ backend: 'emulator' }).find((d) => d.path === device.path)!;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/** KSNODEPROPERTY_AUDIO_CHANNEL after its KSPROPERTY: NodeId, Reserved, Channel, Reserved. */
const channelInstance = (nodeId: number, channel: number) => Buffer.from([...u32(nodeId), 0, 0, 0, 0, ...u32(channel), 0, 0, 0, 0]).toString('base64');
const pinInstance = (pinId: number) => Buffer.from([...u32(pinId), 0, 0, 0, 0]).toString('base64');
const of = (requests: ProfileRequest[], set: string, id?: number) => requests.filter((q) => q.set === set.toUpperCase() && (id === undefined || q.id === id));

describe('recordProfile keeps each answer as the driver gave it', () => {
  it('a size, no size (asked again with 4 KiB), more than a profile holds (not asked again), a refusal, an empty success', () => {
    const seen: { id: number; outputLength: number }[] = [];
    const answers: Record<number, (r: VirtualPropertyRequest) => unknown> = {
      // KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS: the size, then 8 bytes.
      0: (r) => (r.outputLength === 0 ? { status: 'STATUS_BUFFER_OVERFLOW', information: 8 } : Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])),
      // CONTRAST: BUFFER_OVERFLOW without a size: the recorder asks again with 4096 bytes, and keeps the 3 it got.
      1: (r) => (r.outputLength === 0 ? { status: 'STATUS_BUFFER_OVERFLOW', information: 0 } : { data: Buffer.from([9, 9, 9]), information: 3 }),
      // HUE: a size past PROFILE_LIMITS.replyBytes.
      2: () => ({ status: 'STATUS_BUFFER_OVERFLOW', information: PROFILE_LIMITS.replyBytes + 1 }),
      // SATURATION: refused.
      3: () => ({ status: 'STATUS_NOT_FOUND' }),
      // SHARPNESS: success with no data to the size query.
      4: () => ({ status: 0, information: 0 }),
    };
    const info = define({
      name: 'Recorder Replies',
      categories: ['VIDEO', 'CAPTURE'],
      pins: [],
      properties: Object.entries(answers).map(([id, answer]) => ({
        set: VIDEOPROCAMP,
        id: Number(id),
        onBasicSupport: () => ({ status: 0, information: 0 }),
        onGet: (r: VirtualPropertyRequest) => {
          seen.push({ id: r.id, outputLength: r.outputLength });
          return answer(r) as never;
        },
      })),
    });
    const { requests } = recordProfile(info).filters[0];
    const gets = of(requests, VIDEOPROCAMP).filter((q) => q.kind === 'get');
    const value16 = Buffer.alloc(16).toString('base64');
    const base = { target: 'filter', set: VIDEOPROCAMP, kind: 'get', flags: 1, instance: value16 };
    expect(gets).toStrictEqual([
      { ...base, id: 0, name: expect.any(String), sizeQuery: { status: OVERFLOW, information: 8 }, reply: { status: SUCCESS, information: 8, data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]).toString('base64') } },
      { ...base, id: 1, name: expect.any(String), sizeQuery: { status: OVERFLOW, information: 0 }, reply: { status: SUCCESS, information: 3, data: Buffer.from([9, 9, 9]).toString('base64') } },
      { ...base, id: 2, name: expect.any(String), sizeQuery: { status: OVERFLOW, information: PROFILE_LIMITS.replyBytes + 1 }, reply: { status: OVERFLOW, information: PROFILE_LIMITS.replyBytes + 1, data: '' } },
      { ...base, id: 3, name: expect.any(String), sizeQuery: { status: NOT_FOUND, information: 0 }, reply: { status: NOT_FOUND, information: 0, data: '' } },
      { ...base, id: 4, name: expect.any(String), sizeQuery: { status: SUCCESS, information: 0 }, reply: { status: SUCCESS, information: 0, data: '' } },
    ]);
    expect(seen).toStrictEqual([
      { id: 0, outputLength: 0 },
      { id: 0, outputLength: 8 },
      { id: 1, outputLength: 0 },
      { id: 1, outputLength: 4096 },
      { id: 2, outputLength: 0 },
      { id: 3, outputLength: 0 },
      { id: 4, outputLength: 0 },
    ]);
  });

  it('camera controls: DEFAULTVALUES and GET only for the ids whose BASICSUPPORT succeeded', () => {
    const info = define({
      name: 'Recorder Camera',
      categories: ['VIDEO', 'CAPTURE'],
      pins: [],
      properties: [
        { set: VIDEOPROCAMP, id: 5, onBasicSupport: () => Buffer.alloc(4), onGet: () => Buffer.alloc(4) },
        { set: VIDEOPROCAMP, id: 13, onBasicSupport: () => Buffer.alloc(4), onGet: () => Buffer.alloc(4) },
        { set: VIDEOPROCAMP, id: 7, onBasicSupport: () => ({ status: 'STATUS_NOT_SUPPORTED' }), onGet: () => Buffer.alloc(4) },
      ],
    });
    const { requests } = recordProfile(info).filters[0];
    const asked = of(requests, VIDEOPROCAMP).map((q) => [q.id, q.kind, q.flags]);
    // SETSUPPORT once, BASICSUPPORT for every id 0..13 (the last included), the rest only where it was answered.
    expect(asked).toStrictEqual([
      [0, 'setSupport', 0x100],
      ...[0, 1, 2, 3, 4].map((id) => [id, 'basicSupport', 0x200]),
      [5, 'basicSupport', 0x200],
      [5, 'defaultValues', DEFAULTVALUES],
      [5, 'get', 1],
      ...[6, 7, 8, 9, 10, 11, 12].map((id) => [id, 'basicSupport', 0x200]),
      [13, 'basicSupport', 0x200],
      [13, 'defaultValues', DEFAULTVALUES],
      [13, 'get', 1],
    ]);
    // A set the filter does not answer is not walked.
    expect(of(requests, '{C6E13370-30AC-11D0-A18C-00A0C9118956}').map((q) => q.kind)).toStrictEqual(['setSupport']);
  });

  it('audio nodes: BASICSUPPORT on channel 0, then each channel until one is refused; other node types are not asked', () => {
    const asked: string[] = [];
    const info = define({
      name: 'Recorder Topology',
      categories: ['AUDIO', 'TOPOLOGY'],
      pins: [],
      topology: { nodes: [{ type: KSNODETYPE.SUM, name: 'Sum' }, { type: KSNODETYPE.VOLUME, name: 'Volume' }, { type: KSNODETYPE.MUTE, name: 'Mute' }] },
      properties: [
        {
          set: KSPROPSETID.Audio,
          id: KSPROPERTY_AUDIO.VOLUMELEVEL,
          target: 'node',
          onBasicSupport: () => ({ status: 0, information: 0 }),
          onGet: (r) => {
            const channel = r.instance.readInt32LE(8);
            asked.push(`volume node ${r.instanceId} channel ${channel} size ${r.outputLength}`);
            return channel < 2 ? u32(channel) : { status: 'STATUS_INVALID_PARAMETER' };
          },
        },
        {
          set: KSPROPSETID.Audio,
          id: KSPROPERTY_AUDIO.MUTE,
          target: 'node',
          onBasicSupport: () => ({ status: 'STATUS_NOT_FOUND' }),
          onGet: (r) => {
            asked.push(`mute node ${r.instanceId} size ${r.outputLength}`);
            return u32(0);
          },
        },
      ],
    });
    const { requests } = recordProfile(info).filters[0];
    // Each answered channel is a size query and a read; the refused one only the query.
    expect(asked).toStrictEqual([
      'volume node 1 channel 0 size 0',
      'volume node 1 channel 0 size 4',
      'volume node 1 channel 1 size 0',
      'volume node 1 channel 1 size 4',
      'volume node 1 channel 2 size 0',
    ]);
    const audio = of(requests, KSPROPSETID.Audio).filter((q) => q.kind !== 'setSupport');
    expect(audio.map((q) => [q.id, q.kind, q.flags, q.instance])).toStrictEqual([
      [KSPROPERTY_AUDIO.VOLUMELEVEL, 'basicSupport', 0x200 | TOPOLOGY, channelInstance(1, 0)],
      [KSPROPERTY_AUDIO.VOLUMELEVEL, 'get', 1 | TOPOLOGY, channelInstance(1, 0)],
      [KSPROPERTY_AUDIO.VOLUMELEVEL, 'get', 1 | TOPOLOGY, channelInstance(1, 1)],
      [KSPROPERTY_AUDIO.VOLUMELEVEL, 'get', 1 | TOPOLOGY, channelInstance(1, 2)],
      [KSPROPERTY_AUDIO.MUTE, 'basicSupport', 0x200 | TOPOLOGY, channelInstance(2, 0)],
    ]);
    // Every node's name (ks.h: KSPROPERTY_TOPOLOGY_NAME 3), by node id.
    expect(of(requests, KSPROPSETID.Topology, 3).map((q) => q.instance)).toStrictEqual([0, 1, 2].map(pinInstance));
  });

  it('pin factories: each KSPROPSETID_Pin property per pin, BASICSUPPORT once per id; the jack set per pin where answered', () => {
    const info = define({
      name: 'Recorder Pins',
      categories: ['AUDIO', 'TOPOLOGY'],
      pins: [
        { name: 'A', dataFlow: 'in', communication: 'bridge', dataRanges: [encodeAudioRange()] },
        { name: 'B', dataFlow: 'out', communication: 'bridge', dataRanges: [encodeAudioRange()] },
      ],
      properties: [{ set: JACK, id: 1, onGet: (r) => u32(r.instanceId!) }],
    });
    const { requests, pinCreates } = recordProfile(info).filters[0];
    const pin = of(requests, KSPROPSETID.Pin);
    // ks.h's KSPROPERTY_PIN: CINSTANCES 0, DATAFLOW 2, DATARANGES 3, INTERFACES 5, MEDIUMS 6, COMMUNICATION 7,
    // GLOBALCINSTANCES 8, NECESSARYINSTANCES 9, PHYSICALCONNECTION 10, CATEGORY 11, NAME 12, CONSTRAINEDDATARANGES 13
    // (not CTYPES 1, a filter property, nor DATAINTERSECTION 4 or PROPOSEDATAFORMAT 14, which take data of the caller's).
    const ids = [0, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13];
    expect(pin.filter((q) => q.kind === 'basicSupport').map((q) => [q.id, q.instance])).toStrictEqual(
      ids.map((id) => [id, '']),
    );
    for (const pinId of [0, 1]) {
      expect(pin.filter((q) => q.kind === 'get' && q.instance === pinInstance(pinId)).map((q) => q.id), `pin ${pinId}`).toStrictEqual(ids);
    }
    expect(pin.filter((q) => q.kind === 'get' && q.instance === pinInstance(2))).toStrictEqual([]);
    // KSPROPERTY_JACK_DESCRIPTION per pin, the reply kept.
    expect(of(requests, JACK, 1).map((q) => [q.instance, q.reply.data])).toStrictEqual([0, 1].map((p) => [pinInstance(p), u32(p).toString('base64')]));
    // Bridge pins take no create from a client: none tried.
    expect(pinCreates).toStrictEqual([]);
  });
});

describe('pin instances, options and the document', () => {
  const pins: VirtualDeviceDefinition['pins'] = [
    { name: 'Source', dataFlow: 'out', communication: 'source', dataRanges: [encodeAudioRange()] },
    { name: 'Sink', dataFlow: 'out', communication: 'sink', dataRanges: [encodeAudioRange({ maximumChannels: 1, minimumSampleFrequency: 8000, maximumSampleFrequency: 8000 })] },
    { name: 'Both, no ranges', dataFlow: 'in', communication: 'both', dataRanges: [] },
    { name: 'Sink, no instances', dataFlow: 'out', communication: 'sink', instances: 0, dataRanges: [encodeAudioRange()] },
  ];

  it('opens sink and both pins in STOP, keeps the format or the refusal, and reads the instance properties', () => {
    const info = define({ name: 'Recorder Instances', categories: ['AUDIO', 'CAPTURE'], pins });
    const { requests, pinCreates } = recordProfile(info).filters[0];
    expect(pinCreates.map((p) => [p.pinId, p.ok])).toStrictEqual([[1, true], [2, false], [3, false]]);
    // The format the pin was created in: 8 kHz mono, its only range's, as KSDATAFORMAT bytes.
    const format = Buffer.from(pinCreates[0].dataFormat!, 'base64');
    expect(format.readUInt32LE(0)).toBe(format.length);
    expect([format.readUInt16LE(64 + 2), format.readUInt32LE(64 + 4)]).toStrictEqual([1, 8000]); // after the 64-byte KSDATAFORMAT: WAVEFORMATEX nChannels, nSamplesPerSec
    expect(pinCreates[0].error).toBeUndefined();
    // What createPin threw, kept: a TypeError as ERR_UNKNOWN with its text, a KsError by its code and message.
    expect(pinCreates[1]).toStrictEqual({
      pinId: 2,
      ok: false,
      error: { code: 'ERR_UNKNOWN', message: 'TypeError: pin 2 gave no format through DATAINTERSECTION and has no data range this package can build a format for: pass dataFormat (pcmFormat(), videoFormat())' },
    });
    expect(pinCreates[2].error).toStrictEqual({ code: 'STATUS_DEVICE_BUSY', message: 'create pin: STATUS_DEVICE_BUSY (0x80000011): pin 3 has no instance left (KSPROPERTY_PIN_CINSTANCES 0/0 in use)' });
    const instance = requests.filter((q) => q.target === 'pin-instance');
    expect(instance.length).toBeGreaterThan(0);
    expect(new Set(instance.map((q) => q.pinId))).toStrictEqual(new Set([1]));
    expect(requests.filter((q) => q.target === 'filter').every((q) => !('pinId' in q))).toBe(true);
    const connection = instance.filter((q) => q.set === KSPROPSETID.Connection && q.kind === 'get').map((q) => q.id);
    expect(connection).toStrictEqual([3, 6]); // ks.h: ALLOCATORFRAMING 3, ALLOCATORFRAMING_EX 6
    // The instance's sets asked with SETSUPPORT first, and the filter's requests come before the instances'.
    const firstInstance = requests.findIndex((q) => q.target === 'pin-instance');
    expect(requests.slice(firstInstance).every((q) => q.target === 'pin-instance')).toBe(true);
    expect(instance[0].kind).toBe('setSupport');
  });

  it('openPins: false opens none; anonymize drops paths and the decoded view; the document says what it holds', () => {
    const info = define({ name: 'Recorder Options', categories: ['AUDIO', 'CAPTURE'], pins });
    const closed = recordProfile(info, { openPins: false });
    expect(closed.filters[0].pinCreates).toStrictEqual([]);
    expect(closed.filters[0].requests.filter((q) => q.target === 'pin-instance')).toStrictEqual([]);
    const version = (createRequire(__filename)('../package.json') as { version: string }).version;
    expect(closed.recordedWith).toStrictEqual({ package: `kernel-streaming@${version}`, backend: 'emulator', platform: process.platform });
    expect(closed.anonymized).toBe(false);
    expect(closed.filters[0].path).toBe(info.path);
    expect(closed.filters[0].decoded).toMatchObject({ pins: expect.any(Array), topology: expect.any(Object), propertySets: expect.any(Array) });
    expect(JSON.stringify(closed.filters[0].decoded)).not.toContain('"raw"');
    const common = [
      'friendly names and KS categories',
      'pin factories: every KSPROPSETID_Pin property, raw',
      'topology: categories, nodes, connections, node names, audio node volume/mute',
      'property sets answered (SETSUPPORT) and BASICSUPPORT replies',
      'camera-control ranges, defaults and current values (where answered)',
      'pin instances opened in STOP: allocator framing (legacy and _EX), stream header size, RtAudio capabilities',
    ];
    expect(closed.contains).toStrictEqual([...common, 'device interface paths (they may hold serial numbers: record with anonymize to leave them out)']);
    expect(Date.parse(closed.recordedAt)).toBeGreaterThan(Date.parse('2026-01-01'));
    const anonymous = recordProfile(info, { anonymize: true });
    expect(anonymous.anonymized).toBe(true);
    expect(anonymous.filters[0].path).toBeNull();
    expect(anonymous.filters[0].decoded).toBeUndefined();
    expect(anonymous.contains).toStrictEqual([...common, 'no device paths or instance ids (anonymized)']);
  });

  it('the device as a DeviceInfo, a path or a name; anything else refused', () => {
    const info = define({ name: 'Recorder Lookup', categories: ['AUDIO', 'CAPTURE'], pins: [] });
    expect(recordProfile(info.path, { backend: 'emulator' }).filters[0].friendlyName).toBe('Recorder Lookup');
    expect(recordProfile('Recorder Lookup', { backend: 'emulator' }).filters[0].friendlyName).toBe('Recorder Lookup');
    for (const bad of [5, null, {}, { path: 5 }]) {
      expect(() => recordProfile(bad as never), JSON.stringify(bad)).toThrow(new TypeError('device must be a device path, a friendly name, or a DeviceInfo from listDevices()'));
    }
    let caught: unknown;
    try {
      recordProfile('no such device anywhere', { backend: 'emulator' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KsError);
    expect((caught as KsError).code).toBe('ERR_DEVICE_NOT_FOUND');
  });

  it('the sets asked: every set this package names but the emulator diagnostics, each once, by SETSUPPORT with no size query', () => {
    const info = define({ name: 'Recorder Sets', categories: ['AUDIO', 'CAPTURE'], pins: [] });
    const { requests } = recordProfile(info).filters[0];
    const setSupport = requests.filter((q) => q.kind === 'setSupport');
    const sets = setSupport.map((q) => q.set);
    expect(new Set(sets).size).toBe(sets.length);
    expect(sets).not.toContain(KSPROPSETID.EmulatorDiagnostics.toUpperCase());
    for (const set of [KSPROPSETID.Pin, KSPROPSETID.Topology, KSPROPSETID.Audio, KSPROPSETID.RtAudio, JACK, VIDEOPROCAMP, KSPROPSETID.StreamInterface]) expect(sets).toContain(set.toUpperCase());
    for (const q of setSupport) {
      expect(q).not.toHaveProperty('sizeQuery');
      expect(q.flags).toBe(0x100);
      expect(q.reply.data).toBe('');
    }
  });
});

describe('what is asked only where the device answers it, and the walks’ bounds', () => {
  const recorded = (name: string) => recordProfile(listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === name && d.path.includes('#0'))!);
  const instanceGets = (filter: { requests: ProfileRequest[] }, set: string) =>
    filter.requests.filter((q) => q.target === 'pin-instance' && q.kind === 'get' && q.set === set.toUpperCase()).map((q) => [q.pinId, q.id]);

  it('the stream header size on AVStream pins, the RtAudio properties on WaveRT pins, nothing of either elsewhere', () => {
    const camera = recorded('KS Emulator Video Capture').filters[0];
    expect(instanceGets(camera, KSPROPSETID.StreamInterface)).toStrictEqual([[0, 0]]);
    expect(instanceGets(camera, KSPROPSETID.RtAudio)).toStrictEqual([]);
    const microphone = recorded('KS Emulator Audio Capture').filters[0];
    expect(instanceGets(microphone, KSPROPSETID.StreamInterface)).toStrictEqual([]);
    expect(instanceGets(microphone, KSPROPSETID.RtAudio)).toStrictEqual([]);
    const waveRt = recorded('KS Emulator WaveRT Speakers').filters[0];
    // QUERY_NOTIFICATION_SUPPORT (8), then HWLATENCY (2), on the one pin opened.
    expect(instanceGets(waveRt, KSPROPSETID.RtAudio)).toStrictEqual([[0, 8], [0, 2]]);
  });

  it('anonymize drops the bytes of every PHYSICALCONNECTION (they hold the other filter’s path) and keeps every other reply', () => {
    const device = listDevices({ backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator Audio Render')!;
    const plain = recordProfile(device).filters[0].requests;
    const anonymous = recordProfile(device, { anonymize: true }).filters[0].requests;
    const links = (requests: ProfileRequest[]) => requests.filter((q) => q.set === KSPROPSETID.Pin.toUpperCase() && q.id === 10 && q.kind === 'get' && q.reply.status.value === 0);
    expect(links(plain).some((q) => q.reply.data !== '')).toBe(true);
    expect(links(anonymous).length).toBe(links(plain).length);
    expect(links(anonymous).every((q) => q.reply.data === '')).toBe(true);
    const others = (requests: ProfileRequest[]) => requests.filter((q) => !(q.set === KSPROPSETID.Pin.toUpperCase() && q.id === 10)).map((q) => q.reply.data);
    expect(others(anonymous)).toStrictEqual(others(plain));
  });

  it('no jack or audio-node requests to a filter that does not answer those sets, whatever its nodes', () => {
    const info = define({ name: 'Recorder Bare Nodes', categories: ['AUDIO', 'TOPOLOGY'], pins: [{ dataFlow: 'in', communication: 'bridge', dataRanges: [encodeAudioRange()] }], topology: { nodes: [{ type: KSNODETYPE.VOLUME }, { type: KSNODETYPE.MUTE }] } });
    const { requests } = recordProfile(info).filters[0];
    expect(of(requests, JACK).map((q) => q.kind)).toStrictEqual(['setSupport']);
    expect(of(requests, KSPROPSETID.Audio).map((q) => q.kind)).toStrictEqual(['setSupport']);
  });

  it('a volume node answering every channel is read for 8 channels; a NODES Count past its bytes walks only the nodes there', () => {
    let volumeGets = 0;
    const twoNodes = Buffer.alloc(8 + 2 * 16);
    twoNodes.writeUInt32LE(twoNodes.length, 0);
    twoNodes.writeUInt32LE(5, 4); // Count 5, bytes for 2
    writeGuid(twoNodes, 8, KSNODETYPE.VOLUME);
    const info = define({
      name: 'Recorder Channels',
      categories: ['AUDIO', 'TOPOLOGY'],
      pins: [],
      topology: { nodes: [{ type: KSNODETYPE.VOLUME }] },
      properties: [
        { set: KSPROPSETID.Audio, id: KSPROPERTY_AUDIO.VOLUMELEVEL, target: 'node', onBasicSupport: () => ({ status: 0 }), onGet: (r) => (r.outputLength > 0 && volumeGets++, u32(0)) },
        { set: KSPROPSETID.Topology, id: 1, onGet: () => twoNodes },
      ],
    });
    const { requests } = recordProfile(info).filters[0];
    expect(volumeGets).toBe(8);
    expect(of(requests, KSPROPSETID.Topology, 3).map((q) => q.instance)).toStrictEqual([0, 1].map(pinInstance));
  });

  it('a CTYPES reply shorter than a ULONG is no pin factories; a reply of exactly the limit is read', () => {
    let asked = 0;
    const info = define({
      name: 'Recorder Short Count',
      categories: ['AUDIO'],
      pins: [{ dataFlow: 'out', dataRanges: [encodeAudioRange()] }],
      properties: [
        { set: KSPROPSETID.Pin, id: 1, onGet: () => Buffer.alloc(2) },
        { set: VIDEOPROCAMP, id: 0, onBasicSupport: () => ({ status: 0 }), onGet: (r) => (asked++, r.outputLength === 0 ? { status: 'STATUS_BUFFER_OVERFLOW', information: PROFILE_LIMITS.replyBytes } : Buffer.alloc(PROFILE_LIMITS.replyBytes, 1)) },
      ],
    });
    const { requests, pinCreates } = recordProfile(info).filters[0];
    expect(requests.filter((q) => q.set === KSPROPSETID.Pin.toUpperCase() && q.instance !== '')).toStrictEqual([]);
    expect(pinCreates).toStrictEqual([]);
    const limit = of(requests, VIDEOPROCAMP, 0).find((q) => q.kind === 'get')!;
    expect([asked, limit.reply.information, Buffer.from(limit.reply.data, 'base64').length]).toStrictEqual([2, PROFILE_LIMITS.replyBytes, PROFILE_LIMITS.replyBytes]);
    // The keys: the device recorded first is filter0.
    expect(recordProfile(info).filters.map((f) => f.key)).toStrictEqual(['filter0']);
  });
});
