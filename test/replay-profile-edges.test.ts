// loadProfile at its edges, over documents written by hand (test/hand-profiles.ts): the pin-factory count's limit and
// the refusals that name the filter, a set refused on a pin instance, a physical link beside the pin's own properties,
// a SET leaving BASICSUPPORT as recorded, each WaveRT pin's own latency, the interface lists that do and do not make a
// pin WaveRT (issue 16: survivors of the lib/profiles rerun in replay-profile.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAudioRange, extensibleFormat, KsError, loadProfile, openFilter, type LoadedProfile, type ProfileDocument } from '../lib/index';
import { ask, BASICSUPPORT, doc, GET, guidBytes, ksp, multiple, nt, PIN, req, SET, STANDARD_INTERFACES, u32s, load, loaded } from './hand-profiles';

const RT_AUDIO = '{A855A48C-2F78-4729-9051-1968746B9EEF}';
const CONNECTION = '{1D58C920-AC9B-11CF-A5D6-28DB04C10000}';
const format = () => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

afterEach(() => {
  for (const l of loaded.splice(0)) l.remove();
});

function refusal(document: ProfileDocument): [string, string, string] {
  try {
    loaded.push(loadProfile(document));
  } catch (e) {
    return [(e as KsError).code, (e as KsError).operation, (e as KsError).message];
  }
  throw new Error('loaded');
}

/** A createable out/sink pin factory: its ranges, dataflow and communication recorded. */
const sinkPin = (pinId: number, extra: unknown[] = []) => [
  req(PIN, 3, 'get', ksp(pinId), { data: multiple([encodeAudioRange()]) }),
  req(PIN, 2, 'get', ksp(pinId), { data: u32s(2) }),
  req(PIN, 7, 'get', ksp(pinId), { data: u32s(1) }),
  ...extra,
];

describe('the pin factories a profile may define', () => {
  it('256 at most; more is refused naming the filter', () => {
    const many = (count: number, name: string) => doc([{ name, requests: [req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(count) })] }]);
    const l = load(many(256, 'Replay 256'));
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    expect(filter.pinCount()).toBe(256);
    expect(refusal(many(257, 'Replay 257'))).toStrictEqual(['ERR_MALFORMED_REPLY', 'load profile', 'load profile: filter 0 ("Replay 257"): CTYPES says 257 pin factories, more than 256']);
  });

  it('recorded data ranges that do not parse are refused naming the filter and the pin', () => {
    const broken = doc([{ name: 'Replay Bad Ranges', requests: [req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(1) }), req(PIN, 3, 'get', ksp(0), { data: u32s(8, 1) })] }]);
    const [code, , message] = refusal(broken);
    expect(code).toBe('ERR_MALFORMED_REPLY');
    expect(message.startsWith('load profile: filter 0 ("Replay Bad Ranges") pin 0 data ranges: ')).toBe(true);
  });
});

describe('what a replayed pin answers', () => {
  it('a set refused on a pin instance stays refused there, and only there', () => {
    const l = load(
      doc([
        {
          requests: [
            req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(2) }),
            ...sinkPin(0),
            ...sinkPin(1),
            req(SET, 0, 'setSupport', Buffer.alloc(0), { status: nt(0xc0000225) }, { target: 'pin-instance', pinId: 0 }),
            req(SET, 1, 'get', Buffer.alloc(0), { data: u32s(5) }, { target: 'pin-instance', pinId: 0 }),
            req(SET, 0, 'setSupport', Buffer.alloc(0), {}, { target: 'pin-instance', pinId: 1 }),
            req(SET, 1, 'get', Buffer.alloc(0), { data: u32s(6) }, { target: 'pin-instance', pinId: 1 }),
          ],
        },
      ]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    using refused = filter.createPin({ pinId: 0, dataFormat: format() });
    using answered = filter.createPin({ pinId: 1, dataFormat: format() });
    expect([refused.supportsSet(SET), answered.supportsSet(SET)]).toStrictEqual([false, true]);
    expect([...answered.getProperty(SET, 1, { size: 4 })]).toStrictEqual([...u32s(6)]);
  });

  it('a pin with a physical link still answers its own pin properties; BASICSUPPORT stays as recorded after a SET', () => {
    const l = load(
      doc([
        {
          key: 'wave',
          requests: [
            req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(1) }),
            ...sinkPin(0, [req(PIN, 0, 'get', ksp(0), { data: u32s(1, 0) }), req(PIN, 10, 'get', ksp(0), { information: 0 })]),
            req(SET, 0, 'setSupport', Buffer.alloc(0)),
            req(SET, 1, 'get', u32s(7), { data: u32s(70) }),
            req(SET, 1, 'basicSupport', u32s(7), { data: u32s(3) }),
          ],
          physicalConnections: [{ pinId: 0, filter: 'topo', pinIdThere: 2 }],
        },
        { key: 'topo', requests: [] },
      ]),
    );
    using wave = openFilter(l.devices[0].path, { backend: 'emulator' });
    const info = wave.pinInfo(0);
    expect([info.dataFlow, info.communication, info.instances.possible, info.physicalConnection?.pinId]).toStrictEqual(['out', 'sink', 1, 2]);
    wave.setProperty(SET, 1, u32s(71), { instance: u32s(7) });
    expect([...ask(wave, SET, 1, GET, u32s(7), 4).data]).toStrictEqual([...u32s(71)]);
    expect([...ask(wave, SET, 1, BASICSUPPORT, u32s(7), 4).data]).toStrictEqual([...u32s(3)]);
  });

  it('each WaveRT pin streams with its own recorded latency; a latency shorter than 12 bytes is the default', () => {
    const looped = multiple([Buffer.concat([guidBytes(STANDARD_INTERFACES), u32s(1, 0)])]);
    const latency = (pinId: number, values: number[]) => req(RT_AUDIO, 2, 'get', Buffer.alloc(0), { data: u32s(...values) }, { target: 'pin-instance', pinId });
    const l = load(
      doc([
        {
          requests: [
            req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(3) }),
            ...[0, 1, 2].flatMap((pinId) => sinkPin(pinId, [req(PIN, 5, 'get', ksp(pinId), { data: looped })])),
            // The pin instance's connection properties come first in a recording, as recordProfile asks them.
            req(CONNECTION, 3, 'get', Buffer.alloc(0), { status: nt(0xc0000225) }, { target: 'pin-instance', pinId: 0 }),
            latency(0, [512, 10, 20000]),
            latency(1, [128, 0, 5000]),
            req(RT_AUDIO, 2, 'get', Buffer.alloc(0), { data: Buffer.alloc(11) }, { target: 'pin-instance', pinId: 2 }),
          ],
        },
      ]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    const read = (pinId: number) => {
      using pin = filter.createPin({ pinId, dataFormat: format() });
      return pin.hwLatency();
    };
    expect(read(0)).toStrictEqual({ fifoSize: 512, chipsetDelay: 10, codecDelay: 20000 });
    expect(read(1)).toStrictEqual({ fifoSize: 128, chipsetDelay: 0, codecDelay: 5000 });
  });

  it('WaveRT only with LOOPED_STREAMING of the standard set: not for another set’s interfaces, nor for the standard set’s other ids', () => {
    const iface = (set: string, id: number) => Buffer.concat([guidBytes(set), u32s(id, 0)]);
    const lists = [
      multiple([iface('{11111111-2222-3333-4444-555555555555}', 7)]), // another set only
      multiple([iface(STANDARD_INTERFACES, 2)]), // KSINTERFACE_STANDARD_CONTROL only
      multiple([iface(STANDARD_INTERFACES, 2), iface(STANDARD_INTERFACES, 1)]), // CONTROL and LOOPED
    ];
    const l = load(
      doc([{ requests: [req(PIN, 1, 'get', Buffer.alloc(0), { data: u32s(lists.length) }), ...lists.flatMap((data, pinId) => sinkPin(pinId, [req(PIN, 5, 'get', ksp(pinId), { data })]))] }]),
    );
    using filter = openFilter(l.devices[0].path, { backend: 'emulator' });
    const kind = (pinId: number, iface: { set: string; id: number }) => {
      try {
        using pin = filter.createPin({ pinId, dataFormat: format(), interface: iface });
        return pin.streamingKind;
      } catch (e) {
        return (e as KsError).code;
      }
    };
    // A standard pin takes STANDARD_STREAMING (id 0), a WaveRT pin only LOOPED_STREAMING (id 1).
    expect([0, 1].map((pinId) => kind(pinId, { set: STANDARD_INTERFACES, id: 0 }))).toStrictEqual(['standard', 'standard']);
    expect(kind(2, { set: STANDARD_INTERFACES, id: 1 })).toBe('wavert');
  });
});
