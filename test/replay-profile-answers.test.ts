// loadProfile over documents written by hand in this file: each recorded answer replayed as recorded (status, size
// query, short buffer), statuses recorded through DeviceIoControl (Win32 codes, HRESULTs) turned back into the
// NTSTATUS the emulator answers, what was never asked refused as ks.sys refuses it, SET only where BASICSUPPORT
// granted it, the pin factories and topology built from the raw answers with their defaults, and loadProfiles over a
// folder (issue 16: the replay was only checked against recordings of the emulator's own devices, whose statuses are
// all NTSTATUS and whose answers all succeed).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeAudioRange, extensibleFormat, KsError, listDevices, loadProfile, loadProfiles, openFilter, type LoadedProfile, type ProfileDocument } from '../lib/index';
import { ask, BASICSUPPORT, DEFAULTVALUES, doc, GET, guidBytes, hresult, ksp, multiple, nt, PIN, req, SET, STANDARD_INTERFACES, statusOf, TOPOLOGY, u32s, wide, win32, load, loaded } from './hand-profiles';

afterEach(() => {
  for (const l of loaded.splice(0)) l.remove();
});

describe('a recorded answer replays as recorded', () => {
  it('a size query, a read, a short buffer, a recorded refusal; statuses recorded as Win32 codes or HRESULTs as NTSTATUS', () => {
    const eight = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const l = load(
      doc([
        {
          requests: [
            req(SET, 0, 'setSupport', Buffer.alloc(0)),
            req(SET, 1, 'get', Buffer.alloc(0), { data: eight }),
            // Recorded through DeviceIoControl: ERROR_MORE_DATA's size answer, then the data.
            req(SET, 2, 'get', Buffer.alloc(0), { data: eight, sizeQuery: { status: win32(234), information: 8 } }),
            req(SET, 3, 'get', Buffer.alloc(0), { status: win32(1168) }), // ERROR_NOT_FOUND
            req(SET, 4, 'get', Buffer.alloc(0), { status: hresult(0x80070490) }), // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
            req(SET, 5, 'get', Buffer.alloc(0), { status: hresult(0x80004005) }), // E_FAIL: no NTSTATUS of its own
            req(SET, 6, 'get', Buffer.alloc(0), { status: win32(0xdead) }), // a Win32 code with no NTSTATUS
            req(SET, 7, 'get', Buffer.alloc(0), { status: hresult(0), data: eight.subarray(0, 4), sizeQuery: { status: hresult(0), information: 4 } }), // S_OK
            req(SET, 8, 'get', Buffer.alloc(0), { status: hresult(1), data: eight.subarray(0, 4), sizeQuery: { status: hresult(1), information: 4 } }), // S_FALSE: a success
            req(SET, 9, 'get', Buffer.alloc(0), { status: nt(0xc0000010) }), // STATUS_INVALID_DEVICE_REQUEST
          ],
        },
      ]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    const size = ask(filter, SET, 1, GET, Buffer.alloc(0), 0);
    expect([statusOf(size), size.triple[2]]).toStrictEqual([0x80000005, 8]);
    const read = ask(filter, SET, 1, GET, Buffer.alloc(0), 8);
    expect([statusOf(read), [...read.data]]).toStrictEqual([0, [...eight]]);
    const short = ask(filter, SET, 1, GET, Buffer.alloc(0), 7);
    // STATUS_BUFFER_TOO_SMALL, with no byte count: Windows writes no status block for a request that fails before
    // pending, and the emulator models that (docs/emulator.md).
    expect([statusOf(short), short.triple[2]]).toStrictEqual([0xc0000023, 0]);
    const win32Size = ask(filter, SET, 2, GET, Buffer.alloc(0), 0);
    expect([statusOf(win32Size), win32Size.triple[2]]).toStrictEqual([0x80000005, 8]); // ERROR_MORE_DATA is STATUS_BUFFER_OVERFLOW's
    expect([...ask(filter, SET, 2, GET, Buffer.alloc(0), 8).data]).toStrictEqual([...eight]);
    expect(statusOf(ask(filter, SET, 3, GET, Buffer.alloc(0), 8))).toBe(0xc0000225); // STATUS_NOT_FOUND
    expect(statusOf(ask(filter, SET, 4, GET, Buffer.alloc(0), 8))).toBe(0xc0000225);
    expect(statusOf(ask(filter, SET, 5, GET, Buffer.alloc(0), 8))).toBe(0xc0000001); // STATUS_UNSUCCESSFUL
    expect(statusOf(ask(filter, SET, 6, GET, Buffer.alloc(0), 8))).toBe(0xc0000001);
    expect([statusOf(ask(filter, SET, 7, GET, Buffer.alloc(0), 4)), [...ask(filter, SET, 7, GET, Buffer.alloc(0), 4).data]]).toStrictEqual([0, [1, 2, 3, 4]]);
    expect(statusOf(ask(filter, SET, 8, GET, Buffer.alloc(0), 4))).toBe(0);
    expect(statusOf(ask(filter, SET, 9, GET, Buffer.alloc(0), 8))).toBe(0xc0000010);
    // Through the typed API: the refusal by its name.
    expect(() => filter.getProperty(SET, 3, { size: 8 })).toThrow(expect.objectContaining({ code: 'STATUS_NOT_FOUND' }));
  });

  it('what was never asked: another instance is STATUS_NOT_FOUND, a KSP_PIN past the pin count STATUS_INVALID_PARAMETER; BASICSUPPORT and DEFAULTVALUES of any instance', () => {
    const l = load(
      doc([
        {
          requests: [
            req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(1) }), // CTYPES: one pin factory
            req(PIN, 11, 'get', ksp(0), { data: guidBytes('{FB6C4281-0353-11D1-905F-0000C0CC16BA}') }), // CATEGORY of pin 0
            req(SET, 0, 'setSupport', Buffer.alloc(0)),
            req(SET, 1, 'get', u32s(7), { data: u32s(70) }),
            req(SET, 1, 'basicSupport', u32s(7), { data: u32s(1) }), // GET access only
            req(SET, 1, 'defaultValues', u32s(7), { data: u32s(5) }),
          ],
        },
      ]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    expect([...ask(filter, SET, 1, GET, u32s(7), 4).data]).toStrictEqual([...u32s(70)]);
    expect(statusOf(ask(filter, SET, 1, GET, u32s(8), 4))).toBe(0xc0000225);
    expect(statusOf(ask(filter, PIN, 11, GET, ksp(0), 16))).toBe(0);
    expect(statusOf(ask(filter, PIN, 11, GET, ksp(1), 16))).toBe(0xc000000d); // past CTYPES
    // BASICSUPPORT and DEFAULTVALUES are answered for any instance with what was recorded for one.
    expect([...ask(filter, SET, 1, BASICSUPPORT, u32s(9), 4).data]).toStrictEqual([...u32s(1)]);
    expect([...ask(filter, SET, 1, DEFAULTVALUES, u32s(9), 4).data]).toStrictEqual([...u32s(5)]);
    // No SET: the recorded BASICSUPPORT grants only GET.
    expect(() => filter.setProperty(SET, 1, u32s(1), { instance: u32s(7) })).toThrow(KsError);
    expect([...ask(filter, SET, 1, GET, u32s(7), 4).data]).toStrictEqual([...u32s(70)]);
  });

  it('SET where BASICSUPPORT granted it, and a later GET of that instance answers the value set; a set the device refused is not answered', () => {
    const l = load(
      doc([
        {
          requests: [
            req(SET, 0, 'setSupport', Buffer.alloc(0)),
            req(SET, 1, 'get', u32s(7), { data: u32s(70) }),
            req(SET, 1, 'basicSupport', u32s(7), { data: u32s(3) }), // GET | SET
            req('{5A5A5A5A-9999-2222-3333-444455556666}', 0, 'setSupport', Buffer.alloc(0), { status: nt(0xc0000225) }),
            req('{5A5A5A5A-9999-2222-3333-444455556666}', 1, 'get', Buffer.alloc(0), { data: u32s(1) }),
          ],
        },
      ]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    filter.setProperty(SET, 1, u32s(71), { instance: u32s(7) });
    expect([...ask(filter, SET, 1, GET, u32s(7), 4).data]).toStrictEqual([...u32s(71)]);
    expect(filter.supportsSet(SET)).toBe(true);
    expect(filter.supportsSet('{5A5A5A5A-9999-2222-3333-444455556666}')).toBe(false);
    expect(statusOf(ask(filter, '{5A5A5A5A-9999-2222-3333-444455556666}', 1, GET, Buffer.alloc(0), 4))).not.toBe(0);
  });
});

describe('pin factories and topology from the raw answers', () => {
  it('a pin factory with nothing recorded but the count: out, sink, unnamed, no category, one instance', () => {
    const l = load(doc([{ requests: [req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(2) })] }]));
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    expect(filter.pins().map((p) => [p.pinId, p.dataFlow, p.communication, p.name, p.category ?? null, p.instances.possible, p.necessaryInstances])).toStrictEqual([
      [0, 'out', 'sink', null, null, 1, 0],
      [1, 'out', 'sink', null, null, 1, 0],
    ]);
  });

  it('the recorded instance count and communication are what the replayed pin enforces at create', () => {
    const l = load(
      doc([
        {
          requests: [
            req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(3) }),
            ...[0, 1, 2].flatMap((pinId) => [
              req(PIN, 3, 'get', ksp(pinId), { data: multiple([encodeAudioRange()]) }),
              req(PIN, 2, 'get', ksp(pinId), { data: u32s(2) }), // out
            ]),
            req(PIN, 0, 'get', ksp(0), { data: u32s(2, 0) }), // CINSTANCES: 2 possible
            req(PIN, 7, 'get', ksp(0), { data: u32s(1) }), // sink
            req(PIN, 7, 'get', ksp(1), { data: u32s(1) }),
            req(PIN, 7, 'get', ksp(2), { data: u32s(9) }), // outside the enumeration: replayed as a sink
          ],
        },
      ]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    const format = extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    const outcome = (pinId: number) => {
      try {
        return filter.createPin({ pinId, dataFormat: format });
      } catch (e) {
        return (e as KsError).code;
      }
    };
    const first = [outcome(0), outcome(0), outcome(0)];
    expect(first.map((o) => (typeof o === 'string' ? o : 'created'))).toStrictEqual(['created', 'created', 'STATUS_DEVICE_BUSY']);
    const second = [outcome(1), outcome(1)];
    // CINSTANCES not recorded for pin 1: one instance.
    expect(second.map((o) => (typeof o === 'string' ? o : 'created'))).toStrictEqual(['created', 'STATUS_DEVICE_BUSY']);
    const third = outcome(2);
    expect(typeof third === 'string' ? third : 'created').toBe('created');
    for (const o of [...first, ...second, third]) if (typeof o !== 'string') o.close();
  });

  it('streams as WaveRT only when it offers LOOPED_STREAMING and not STANDARD_STREAMING; nodes, names and connections as recorded', () => {
    const iface = (set: string, id: number) => Buffer.concat([guidBytes(set), u32s(id, 0)]);
    const interfaces = [
      multiple([iface(STANDARD_INTERFACES, 1)]), // LOOPED only: WaveRT
      multiple([iface(STANDARD_INTERFACES, 1), iface(STANDARD_INTERFACES, 0)]), // both: standard
      multiple([iface(STANDARD_INTERFACES, 0)]), // STANDARD only
      multiple([iface(STANDARD_INTERFACES, 1), iface('{11111111-2222-3333-4444-555555555555}', 0)]), // LOOPED, and id 0 of another set: WaveRT
    ];
    const l = load(
      doc([
        {
          requests: [
            req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(interfaces.length) }),
            ...interfaces.flatMap((data, pinId) => [
              req(PIN, 5, 'get', ksp(pinId), { data }),
              req(PIN, 3, 'get', ksp(pinId), { data: multiple([encodeAudioRange()]) }),
              req(PIN, 7, 'get', ksp(pinId), { data: u32s(1) }),
            ]),
            req(TOPOLOGY, 1, 'get', Buffer.alloc(0), { data: multiple([guidBytes('{3A5ACC00-C557-11D0-8A2B-00A0C9255AC1}'), guidBytes('{02B223C0-C557-11D0-8A2B-00A0C9255AC1}')]) }),
            req(TOPOLOGY, 3, 'get', ksp(1), { data: wide('Mute') }),
            req(TOPOLOGY, 2, 'get', Buffer.alloc(0), { data: multiple([u32s(0xffffffff, 0, 0, 1), u32s(0, 0, 1, 1), u32s(1, 0, 0xffffffff, 1)]) }),
          ],
        },
      ]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    const kinds = interfaces.map((_, pinId) => {
      try {
        using pin = filter.createPin({ pinId, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
        return pin.streamingKind;
      } catch (e) {
        return (e as KsError).code;
      }
    });
    expect(kinds).toStrictEqual(['wavert', 'standard', 'standard', 'wavert']);
    const topology = filter.topology();
    expect(topology.nodes.map((n) => [n.type, n.name ?? ''])).toStrictEqual([
      ['{3A5ACC00-C557-11D0-8A2B-00A0C9255AC1}', ''],
      ['{02B223C0-C557-11D0-8A2B-00A0C9255AC1}', 'Mute'],
    ]);
    // KSFILTER_NODE (ks.h: (ULONG)-1) for the filter's own pins.
    expect(topology.connections.map((c) => [c.fromNode, c.fromNodePin, c.toNode, c.toNodePin])).toStrictEqual([
      [0xffffffff, 0, 0, 1],
      [0, 0, 1, 1],
      [1, 0, 0xffffffff, 1],
    ]);
  });
});

describe('loadProfiles over a folder', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-replay-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every *.json (any case), sorted by name; other files left alone; remove() and dispose unplug them all', () => {
    const folder = fs.mkdtempSync(path.join(tmp, 'ok-'));
    fs.writeFileSync(path.join(folder, 'b.JSON'), JSON.stringify(doc([{ name: 'Folder B', requests: [] }])));
    fs.writeFileSync(path.join(folder, 'a.json'), JSON.stringify(doc([{ name: 'Folder A', requests: [] }, { name: 'Folder A2', requests: [] }])));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a profile');
    fs.writeFileSync(path.join(folder, 'c.json.bak'), 'not a profile either');
    const profiles = loadProfiles(folder);
    expect(profiles.map((p) => p.devices.map((d) => d.name))).toStrictEqual([['Folder A', 'Folder A2'], ['Folder B']]);
    const names = () => listDevices({ backend: 'emulator' }).map((d) => d.friendlyName);
    expect(names()).toEqual(expect.arrayContaining(['Folder A', 'Folder A2', 'Folder B']));
    profiles[0].remove();
    profiles[0].remove();
    expect(names()).not.toContain('Folder A2');
    {
      using _b = profiles[1];
    }
    expect(names()).not.toContain('Folder B');
  });

  it('a file that fails is named, and what the folder loaded before it is removed', () => {
    const folder = fs.mkdtempSync(path.join(tmp, 'bad-'));
    fs.writeFileSync(path.join(folder, '1-good.json'), JSON.stringify(doc([{ name: 'Folder Good', requests: [] }])));
    fs.writeFileSync(path.join(folder, '2-bad.json'), '{"format":');
    let caught: unknown;
    try {
      loadProfiles(folder);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KsError);
    expect((caught as KsError).operation).toBe('load profile 2-bad.json');
    expect((caught as KsError).message).toMatch(/^load profile 2-bad\.json: load profile: profile: is not JSON/);
    expect(listDevices({ backend: 'emulator' }).map((d) => d.friendlyName)).not.toContain('Folder Good');
  });

  it('a physical connection names the other replayed filter by its path', () => {
    const l = load(
      doc([
        {
          key: 'wave',
          name: 'Replay Wave',
          // Anonymized: the link's bytes were dropped (they held the path), its status kept; pin 0 was never asked.
          requests: [req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(2) }), req(PIN, 10, 'get', ksp(1), { information: 0 })],
          physicalConnections: [{ pinId: 1, filter: 'topo', pinIdThere: 5 }] },
        { key: 'topo', name: 'Replay Topo', requests: [] },
      ]),
    );
    // The wave filter is defined first, so its link resolves only once the topology filter exists: the replay answers
    // PHYSICALCONNECTION when asked, by which time both do.
    using wave = openFilter(l.devices[0].path, { backend: 'emulator' });
    const link = wave.pinInfo(1).physicalConnection!;
    expect([link.path, link.pinId]).toStrictEqual([l.devices[1].path, 5]);
    // As KS names it: the \\??\\ form of the \\\\?\\ interface path.
    expect(link.symbolicLink).toBe(`\\??\\${l.devices[1].path.slice(4)}`);
    expect(wave.pinInfo(0).physicalConnection ?? null).toBeNull();
  });
});
