// parseProfile over documents written by hand in this file (not by recordProfile, so the reader is checked against
// the documented shape rather than against the writer): what a good document reads back as, field by field, and every
// refusal by its whole message, each naming the field and what is allowed (issue 16: the refusals were only matched
// by fragments, and the defaults of the optional fields by nothing).
import { describe, expect, it } from 'vitest';
import { KsError, parseProfile, PROFILE_LIMITS, type ProfileDocument } from '../lib/index';
import { base64Bytes, profileStatus } from '../lib/profiles/profile-document';
import { StatusKind } from '../lib/base/errors';

const PIN_SET = '{8C134960-51AD-11CF-878A-94F801C10000}';
const CAPTURE_CATEGORY = '{65E8773D-8F56-11D0-A3B9-00A0C9223196}';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A two-filter document with every field set, optional ones included. */
function document(): Json {
  return {
    format: 'kernel-streaming-profile',
    version: 1,
    recordedAt: '2026-12-02T11:00:00.000Z',
    recordedWith: { package: 'kernel-streaming@9.9.9', backend: 'windows', platform: 'win32 x64' },
    anonymized: false,
    contains: ['friendly names', 'pin factories'],
    filters: [
      {
        key: 'filter0',
        friendlyName: 'Microphone (USB Audio)',
        path: '\\\\?\\usb#vid_1234&pid_5678#0#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global',
        categories: [' {65e8773d-8f56-11d0-a3b9-00a0c9223196} '],
        requests: [
          {
            target: 'filter',
            set: PIN_SET.toLowerCase(),
            id: 1,
            kind: 'get',
            flags: 1,
            instance: '',
            name: 'KSPROPERTY_PIN_CTYPES',
            sizeQuery: { status: { scheme: 'ntstatus', value: 0x80000005, name: 'STATUS_BUFFER_OVERFLOW' }, information: 4 },
            reply: { status: { scheme: 'ntstatus', value: 0, name: 'STATUS_SUCCESS' }, information: 4, data: 'AgAAAA==' },
          },
          {
            target: 'pin-instance',
            pinId: 1,
            set: PIN_SET,
            id: 0,
            kind: 'basicSupport',
            flags: 0x200,
            instance: 'AQAAAAAAAAA=',
            reply: { status: { scheme: 'win32', value: 1168 }, information: 0, data: '' },
          },
        ],
        pinCreates: [
          { pinId: 0, ok: true, dataFormat: 'AAEC' },
          { pinId: 1, ok: false, error: { code: 'STATUS_DEVICE_BUSY', message: 'create pin 1: busy' } },
        ],
        physicalConnections: [{ pinId: 1, filter: 'filter1', pinIdThere: 3 }],
        decoded: { pins: 2 },
      },
      { key: 'filter1', friendlyName: 'Wave', path: null, categories: [], requests: [] },
    ],
  };
}

function refusal(input: unknown): string {
  try {
    parseProfile(input);
  } catch (e) {
    expect(e).toBeInstanceOf(KsError);
    expect((e as KsError).code).toBe('ERR_MALFORMED_REPLY');
    expect((e as KsError).operation).toBe('load profile');
    return (e as KsError).message;
  }
  throw new Error('parseProfile accepted the document');
}

/** The message parseProfile gives for a good document changed by `change`. */
function refusedAfter(change: (d: Json) => void): string {
  const d = document();
  change(d);
  return refusal(d);
}

describe('parseProfile reads a good document back field by field', () => {
  it('every field, GUIDs normalized, optional fields kept or defaulted', () => {
    const parsed = parseProfile(document());
    const expected: ProfileDocument = {
      format: 'kernel-streaming-profile',
      version: 1,
      recordedAt: '2026-12-02T11:00:00.000Z',
      recordedWith: { package: 'kernel-streaming@9.9.9', backend: 'windows', platform: 'win32 x64' },
      anonymized: false,
      contains: ['friendly names', 'pin factories'],
      filters: [
        {
          key: 'filter0',
          friendlyName: 'Microphone (USB Audio)',
          path: '\\\\?\\usb#vid_1234&pid_5678#0#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global',
          categories: [CAPTURE_CATEGORY as never],
          requests: [
            {
              target: 'filter',
              set: PIN_SET as never,
              id: 1,
              kind: 'get',
              flags: 1,
              instance: '',
              name: 'KSPROPERTY_PIN_CTYPES',
              sizeQuery: { status: { scheme: 'ntstatus', value: 0x80000005, name: 'STATUS_BUFFER_OVERFLOW' }, information: 4 },
              reply: { status: { scheme: 'ntstatus', value: 0, name: 'STATUS_SUCCESS' }, information: 4, data: 'AgAAAA==' },
            },
            {
              target: 'pin-instance',
              pinId: 1,
              set: PIN_SET as never,
              id: 0,
              kind: 'basicSupport',
              flags: 0x200,
              instance: 'AQAAAAAAAAA=',
              // A status without a name reads as an empty name.
              reply: { status: { scheme: 'win32', value: 1168, name: '' }, information: 0, data: '' },
            },
          ],
          pinCreates: [
            { pinId: 0, ok: true, dataFormat: 'AAEC' },
            { pinId: 1, ok: false, error: { code: 'STATUS_DEVICE_BUSY', message: 'create pin 1: busy' } },
          ],
          physicalConnections: [{ pinId: 1, filter: 'filter1', pinIdThere: 3 }],
          decoded: { pins: 2 },
        },
        // No pinCreates, physicalConnections or decoded: empty lists, and no decoded key at all.
        { key: 'filter1', friendlyName: 'Wave', path: null, categories: [], requests: [], pinCreates: [], physicalConnections: [] },
      ],
    };
    expect(parsed).toStrictEqual(expected);
    expect('decoded' in parsed.filters[1]).toBe(false);
    expect('sizeQuery' in parsed.filters[0].requests[1]).toBe(false);
    expect('name' in parsed.filters[0].requests[1]).toBe(false);
    expect('pinId' in parsed.filters[0].requests[0]).toBe(false);
  });

  it('the same from its JSON text and from a Buffer of it', () => {
    const text = JSON.stringify(document());
    expect(parseProfile(text)).toStrictEqual(parseProfile(document()));
    expect(parseProfile(Buffer.from(text))).toStrictEqual(parseProfile(document()));
  });

  it('the informational fields default when absent or of another type', () => {
    const d = document();
    delete d.recordedAt;
    delete d.recordedWith;
    delete d.anonymized;
    delete d.contains;
    const parsed = parseProfile(d);
    expect(parsed.recordedAt).toBe('');
    expect(parsed.recordedWith).toStrictEqual({ package: '', backend: '', platform: '' });
    expect(parsed.anonymized).toBe(false);
    expect(parsed.contains).toStrictEqual([]);
    const odd = document();
    odd.recordedAt = 7;
    odd.recordedWith = { package: 1, backend: 0, platform: false };
    odd.anonymized = 'yes';
    odd.contains = [1, 'two'];
    const read = parseProfile(odd);
    expect(read.recordedAt).toBe('');
    // A number or false is kept as its text; only null or absent falls back to ''.
    expect(read.recordedWith).toStrictEqual({ package: '1', backend: '0', platform: 'false' });
    odd.recordedWith = { package: null, backend: null, platform: null };
    expect(parseProfile(odd).recordedWith).toStrictEqual({ package: '', backend: '', platform: '' });
    expect(read.anonymized).toBe(false);
    expect(read.contains).toStrictEqual(['1', 'two']);
    const anonymized = document();
    anonymized.anonymized = true;
    expect(parseProfile(anonymized).anonymized).toBe(true);
  });

  it('pin creates: ok only when exactly true, a non-string format or a non-object error left out', () => {
    const d = document();
    d.filters[0].pinCreates = [{ pinId: 255, ok: 'true', dataFormat: 5, error: 'busy' }];
    expect(parseProfile(d).filters[0].pinCreates).toStrictEqual([{ pinId: 255, ok: false }]);
    d.filters[0].pinCreates = 'none';
    expect(parseProfile(d).filters[0].pinCreates).toStrictEqual([]);
    d.filters[0].physicalConnections = { pinId: 0 };
    expect(parseProfile(d).filters[0].physicalConnections).toStrictEqual([]);
  });

  it('the limits themselves are allowed', () => {
    const d = document();
    d.filters[0].requests[1].pinId = PROFILE_LIMITS.pins - 1;
    d.filters[0].physicalConnections[0].pinId = PROFILE_LIMITS.pins - 1;
    d.filters[0].requests[0].id = 0xffffffff;
    d.filters[0].requests[0].reply.information = PROFILE_LIMITS.replyBytes;
    // A failed reply may claim a size (BUFFER_OVERFLOW's Information) while carrying no bytes.
    d.filters[0].requests[0].reply.data = '';
    // Information 0 says nothing of the size: bytes beside it are kept as they were recorded.
    d.filters[0].requests[1].reply.data = 'AAEC';
    expect(parseProfile(d).filters[0].requests[1].reply).toStrictEqual({ status: { scheme: 'win32', value: 1168, name: '' }, information: 0, data: 'AAEC' });
    const filters = document();
    filters.filters = Array.from({ length: PROFILE_LIMITS.filters }, (_, i) => ({ key: `f${i}`, friendlyName: 'x', path: null, categories: [], requests: [] }));
    expect(parseProfile(filters).filters).toHaveLength(PROFILE_LIMITS.filters);
  });
});

describe('parseProfile refuses, naming the field and what is allowed', () => {
  const F0 = 'load profile: profile.filters[0]';
  const R0 = `${F0}.requests[0]`;
  const R1 = `${F0}.requests[1]`;
  const cases: [string, (d: Json) => void, string][] = [
    ['another format', (d) => (d.format = 'x'), `load profile: profile.format: must be 'kernel-streaming-profile', got "x"`],
    ['no version', (d) => delete d.version, 'load profile: profile.version: must be an integer in 0..4294967295, got undefined'],
    ['version 0', (d) => (d.version = 0), 'load profile: profile.version: must be 1 or more'],
    ['a newer version', (d) => (d.version = 2), 'load profile: profile.version: is 2; this package reads version 1 and older: update kernel-streaming'],
    ['a fractional version', (d) => (d.version = 1.5), 'load profile: profile.version: must be an integer in 0..4294967295, got 1.5'],
    ['filters not a list', (d) => (d.filters = {}), 'load profile: profile.filters: must be a non-empty array'],
    ['too many filters', (d) => (d.filters = Array.from({ length: PROFILE_LIMITS.filters + 1 }, () => d.filters[1])), `load profile: profile.filters: has 17 filters, more than 16`],
    ['a shared key', (d) => (d.filters[1].key = 'filter0'), 'load profile: profile.filters: two filters share a key'],
    ['a filter that is a list', (d) => (d.filters[1] = []), 'load profile: profile.filters[1]: must be an object'],
    ['a filter that is null', (d) => (d.filters[1] = null), 'load profile: profile.filters[1]: must be an object'],
    ['requests not a list', (d) => (d.filters[0].requests = {}), `${F0}.requests: must be an array`],
    ['too many requests', (d) => (d.filters[1].requests = new Array(PROFILE_LIMITS.requestsPerFilter + 1).fill(d.filters[0].requests[0])), 'load profile: profile.filters[1].requests: has 20001 entries, more than 20000'],
    ['categories not a list', (d) => (d.filters[0].categories = 'x'), `${F0}.categories: must be an array of GUIDs`],
    ['a category that is no GUID', (d) => (d.filters[0].categories = [CAPTURE_CATEGORY, 'mic']), `${F0}.categories[1]: ${F0.slice(14)}.categories[1] must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "mic"`],
    ['a category that is a number', (d) => (d.filters[0].categories = [5]), `${F0}.categories[0]: load profile: ${F0.slice(14)}.categories[0]: must be a string, got 5`],
    ['no key', (d) => delete d.filters[0].key, `${F0}.key: must be a string, got undefined`],
    ['a numeric name', (d) => (d.filters[0].friendlyName = 3), `${F0}.friendlyName: must be a string, got 3`],
    ['a path of another type', (d) => (d.filters[0].path = 1), `${F0}.path: must be a string, got 1`],
    ['a request that is a string', (d) => (d.filters[0].requests[0] = 'x'), `${R0}: must be an object`],
    ['another target', (d) => (d.filters[0].requests[0].target = 'node'), `${R0}.target: must be 'filter' or 'pin-instance', got "node"`],
    ['another kind', (d) => (d.filters[0].requests[0].kind = 'set'), `${R0}.kind: must be one of get, basicSupport, setSupport, defaultValues, got "set"`],
    ['a set that is no GUID', (d) => (d.filters[0].requests[0].set = 'Pin'), `${R0}.set: ${R0.slice(14)}.set must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "Pin"`],
    ['a set that is missing', (d) => delete d.filters[0].requests[0].set, `${R0}.set: load profile: ${R0.slice(14)}.set: must be a string, got undefined`],
    ['a negative id', (d) => (d.filters[0].requests[0].id = -1), `${R0}.id: must be an integer in 0..4294967295, got -1`],
    ['an id past 32 bits', (d) => (d.filters[0].requests[0].id = 2 ** 32), `${R0}.id: must be an integer in 0..4294967295, got 4294967296`],
    ['flags as text', (d) => (d.filters[0].requests[0].flags = '1'), `${R0}.flags: must be an integer in 0..4294967295, got "1"`],
    ['no instance', (d) => delete d.filters[0].requests[0].instance, `${R0}.instance: must be a string, got undefined`],
    ['an instance that is not base64', (d) => (d.filters[0].requests[0].instance = 'AQ='), `${R0}.instance: is not base64`],
    ['an instance with a stray character', (d) => (d.filters[0].requests[0].instance = 'AQ*='), `${R0}.instance: is not base64`],
    ['base64 padding in the middle', (d) => (d.filters[0].requests[0].instance = 'AQ==AQ=='), `${R0}.instance: is not base64`],
    ['an instance too large', (d) => (d.filters[0].requests[0].instance = 'A'.repeat(348)), `${R0}.instance: holds more than 256 bytes`],
    ['a pin instance without its pin', (d) => delete d.filters[0].requests[1].pinId, `${R1}.pinId: must be an integer in 0..255, got undefined`],
    ['a pin instance past the pin limit', (d) => (d.filters[0].requests[1].pinId = PROFILE_LIMITS.pins), `${R1}.pinId: must be an integer in 0..255, got 256`],
    ['a size query that is a list', (d) => (d.filters[0].requests[0].sizeQuery = []), `${R0}.sizeQuery: must be an object`],
    ['a size query without a status', (d) => delete d.filters[0].requests[0].sizeQuery.status, `${R0}.sizeQuery.status: must be an object { scheme, value, name }`],
    ['a size query of another scheme', (d) => (d.filters[0].requests[0].sizeQuery.status.scheme = 'errno'), `${R0}.sizeQuery.status.scheme: must be 'ntstatus', 'win32' or 'hresult', got "errno"`],
    ['a size query with a negative status', (d) => (d.filters[0].requests[0].sizeQuery.status.value = -5), `${R0}.sizeQuery.status.value: must be an integer in 0..4294967295, got -5`],
    ['a size query without Information', (d) => delete d.filters[0].requests[0].sizeQuery.information, `${R0}.sizeQuery.information: must be an integer in 0..4294967295, got undefined`],
    ['no reply', (d) => delete d.filters[0].requests[0].reply, `${R0}.reply: must be an object`],
    ['reply data that is not base64', (d) => (d.filters[0].requests[0].reply.data = '!!!!'), `${R0}.reply.data: is not base64`],
    ['reply Information as text', (d) => (d.filters[0].requests[0].reply.information = '4'), `${R0}.reply.information: must be an integer in 0..4294967295, got "4"`],
    ['a reply status of another scheme', (d) => (d.filters[0].requests[0].reply.status.scheme = 'NTSTATUS'), `${R0}.reply.status.scheme: must be 'ntstatus', 'win32' or 'hresult', got "NTSTATUS"`],
    ['a reply status that is null', (d) => (d.filters[0].requests[0].reply.status = null), `${R0}.reply.status: must be an object { scheme, value, name }`],
    ['a reply claiming more than the limit', (d) => (d.filters[0].requests[0].reply.information = PROFILE_LIMITS.replyBytes + 1), `${R0}.reply.information: claims 1048577 bytes, more than 1048576`],
    ['a reply holding more than it claims', (d) => (d.filters[0].requests[0].reply.information = 3), `${R0}.reply.data: holds 4 bytes but Information says 3`],
    ['a reply claiming one byte', (d) => (d.filters[0].requests[0].reply.information = 1), `${R0}.reply.data: holds 4 bytes but Information says 1`],
    ['a pin create that is a number', (d) => (d.filters[0].pinCreates[1] = 1), `${F0}.pinCreates[1]: must be an object`],
    ['a pin create past the pin limit', (d) => (d.filters[0].pinCreates[0].pinId = 256), `${F0}.pinCreates[0].pinId: must be an integer in 0..255, got 256`],
    ['a pin create format that is not base64', (d) => (d.filters[0].pinCreates[0].dataFormat = 'AAE'), `${F0}.pinCreates[0].dataFormat: is not base64`],
    ['a pin create error without a code', (d) => delete d.filters[0].pinCreates[1].error.code, `${F0}.pinCreates[1].error.code: must be a string, got undefined`],
    ['a pin create error without a message', (d) => (d.filters[0].pinCreates[1].error.message = null), `${F0}.pinCreates[1].error.message: must be a string, got null`],
    ['a connection that is a list', (d) => (d.filters[0].physicalConnections[0] = []), `${F0}.physicalConnections[0]: must be an object`],
    ['a connection past the pin limit', (d) => (d.filters[0].physicalConnections[0].pinId = 256), `${F0}.physicalConnections[0].pinId: must be an integer in 0..255, got 256`],
    ['a connection to a filter given by number', (d) => (d.filters[0].physicalConnections[0].filter = 1), `${F0}.physicalConnections[0].filter: must be a string, got 1`],
    ['a connection without the pin there', (d) => delete d.filters[0].physicalConnections[0].pinIdThere, `${F0}.physicalConnections[0].pinIdThere: must be an integer in 0..4294967295, got undefined`],
    ['a connection to a filter not held', (d) => (d.filters[0].physicalConnections[0].filter = 'filter7'), 'load profile: profile.filters[filter0].physicalConnections: names filter "filter7", which the profile does not hold'],
  ];
  it.each(cases)('%s', (_, change, message) => {
    expect(refusedAfter(change)).toBe(message);
  });

  it('what is not a document at all', () => {
    expect(refusal('{"format":')).toMatch(/^load profile: profile: is not JSON \(truncated or corrupt\?\): \S/);
    expect(refusal('[1]')).toBe('load profile: profile: must be a JSON object');
    expect(refusal(null)).toBe('load profile: profile: must be a JSON object');
    expect(refusal(42)).toBe('load profile: profile: must be a JSON object');
  });

  it('a connection to no filter (null) is allowed and read as null', () => {
    const d = document();
    d.filters[0].physicalConnections[0].filter = null;
    expect(parseProfile(d).filters[0].physicalConnections).toStrictEqual([{ pinId: 1, filter: null, pinIdThere: 3 }]);
  });
});

describe('base64Bytes and profileStatus', () => {
  it('decodes canonical base64 up to its limit', () => {
    expect([...base64Bytes('AAEC', 'x', 3)]).toEqual([0, 1, 2]);
    expect([...base64Bytes('AAE=', 'x', 2)]).toEqual([0, 1]);
    expect(base64Bytes('', 'x', 0)).toHaveLength(0);
    // Four characters may hold three bytes: a limit of 1 allows '....' (the size check is in whole groups, +2).
    expect(() => base64Bytes('AAEC', 'x', 1)).not.toThrow();
    expect(() => base64Bytes('AAECAAEC', 'x', 3)).toThrow('load profile: x: holds more than 3 bytes');
  });

  it('names a status in its scheme', () => {
    expect(profileStatus(StatusKind.NtStatus, 0xc0000225)).toStrictEqual({ scheme: 'ntstatus', value: 0xc0000225, name: 'STATUS_NOT_FOUND' });
    expect(profileStatus(StatusKind.Win32, 1168)).toStrictEqual({ scheme: 'win32', value: 1168, name: 'ERROR_NOT_FOUND' });
    expect(profileStatus(StatusKind.HResult, 0x80004001)).toStrictEqual({ scheme: 'hresult', value: 0x80004001, name: 'E_NOTIMPL' });
    // A negative int32 reads as its unsigned value.
    expect(profileStatus(StatusKind.NtStatus, -1073741275).value).toBe(0xc0000225);
  });
});
