// GUID text and bytes (lib/structs/guid.ts) and the SDK names lib/structs/names.ts gives GUIDs and property ids.
// Expected values are written out here: the GUIDs as ks.h/ksmedia.h spell them, their bytes worked by hand
// (Data1 DWORD, Data2 and Data3 WORDs little-endian, Data4 as stored).
import { describe, expect, it } from 'vitest';
import { guidName, guidToBuffer, normalizeGuid, propertyName, readGuid } from '../lib/index';
import { isGuid } from '../lib/structs/guid';

const AUDIO = '{6994AD04-93EF-11D0-A3CC-00A0C9223196}'; // KSCATEGORY_AUDIO (ks.h)
const AUDIO_BYTES = '04ad9469' + 'ef93' + 'd011' + 'a3cc00a0c9223196';

describe('GUID text', () => {
  it('normalizes any spelling to braces and upper case, ignoring surrounding blanks', () => {
    expect(normalizeGuid('6994ad04-93ef-11d0-a3cc-00a0c9223196')).toBe(AUDIO);
    expect(normalizeGuid(' {6994aD04-93EF-11d0-A3CC-00a0C9223196}\n')).toBe(AUDIO);
  });

  it('refuses text before or after the GUID, naming the field and the value', () => {
    expect(() => normalizeGuid(`x${AUDIO}`)).toThrow(new TypeError(`guid must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "x${AUDIO}"`));
    expect(() => normalizeGuid(`${AUDIO}0`, 'dataFormat.subFormat')).toThrow(
      new TypeError(`dataFormat.subFormat must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "${AUDIO}0"`),
    );
  });

  it('refuses a value that is not a string with a TypeError naming its type', () => {
    expect(() => normalizeGuid(7 as unknown as string)).toThrow(new TypeError('guid must be a GUID string, got number'));
  });

  it('isGuid: any spelling of a GUID, blanks around it allowed; nothing else', () => {
    expect(isGuid(AUDIO)).toBe(true);
    expect(isGuid(` ${AUDIO.toLowerCase()} `)).toBe(true);
    expect(isGuid(`${AUDIO}x`)).toBe(false);
    expect(isGuid(0x6994ad04)).toBe(false);
  });
});

describe('GUID bytes', () => {
  it('writes and reads the in-memory layout: Data1..Data3 little-endian, Data4 as is', () => {
    expect(guidToBuffer(AUDIO).toString('hex')).toBe(AUDIO_BYTES);
    const b = Buffer.concat([Buffer.from('ffff', 'hex'), Buffer.from(AUDIO_BYTES, 'hex')]);
    expect(readGuid(b, 2)).toBe(AUDIO);
    expect(readGuid(Buffer.from('0100000002000300' + '0405060708090a0b', 'hex'))).toBe('{00000001-0002-0003-0405-060708090A0B}');
  });

  it('refuses an offset outside the buffer with a RangeError saying where', () => {
    const b = Buffer.alloc(20);
    expect(() => readGuid(b, 5)).toThrow(new RangeError('a GUID at offset 5 lies outside the 20-byte buffer'));
    expect(() => readGuid(b, -1)).toThrow(new RangeError('a GUID at offset -1 lies outside the 20-byte buffer'));
    expect(readGuid(b, 4)).toBe('{00000000-0000-0000-0000-000000000000}');
  });
});

describe('SDK names', () => {
  it('names a GUID of each table with the SDK prefix, whatever its case', () => {
    expect(guidName(AUDIO.toLowerCase())).toBe('KSCATEGORY_AUDIO');
    expect(guidName('{507AE360-C554-11D0-8A2B-00A0C9255AC1}')).toBe('KSNODETYPE_DAC');
    expect(guidName('{73647561-0000-0010-8000-00AA00389B71}')).toBe('KSDATAFORMAT_TYPE_AUDIO');
    expect(guidName('{8C134960-51AD-11CF-878A-94F801C10000}')).toBe('KSPROPSETID_Pin');
    expect(guidName('{CF6E4341-EC87-11CF-A130-0020AFD156E4}')).toBe('KSMETHODSETID_StreamAllocator');
    expect(guidName('{364D8E20-62C7-11CF-A5D6-28DB04C10000}')).toBe('KSEVENTSETID_Clock');
    expect(guidName('{FB6C4281-0353-11D1-905F-0000C0CC16BA}')).toBe('PINNAME_CAPTURE');
    expect(guidName('{1A8766A0-62CE-11CF-A5D6-28DB04C10000}')).toBe('KSINTERFACESETID_Standard');
    expect(guidName('{4747B320-62CE-11CF-A5D6-28DB04C10000}')).toBe('KSMEDIUMSETID_Standard');
    // The camera control sets, which ksmedia.h spells PROPSETID_VIDCAP_* (STATIC_PROPSETID_VIDCAP_VIDEOPROCAMP,
    // STATIC_PROPSETID_VIDCAP_CAMERACONTROL).
    expect(guidName('{c6e13360-30ac-11d0-a18c-00a0c9118956}')).toBe('PROPSETID_VIDCAP_VIDEOPROCAMP');
    expect(guidName('{C6E13370-30AC-11D0-A18C-00A0C9118956}')).toBe('PROPSETID_VIDCAP_CAMERACONTROL');
  });

  it('has no name for an unknown GUID or a value that is not a string', () => {
    expect(guidName('{11111111-2222-3333-4444-555555555555}')).toBeNull();
    expect(guidName(42 as unknown as string)).toBeNull();
  });

  it('names a property of each known set as KSPROPERTY_<SET>_<ID>', () => {
    const cases: [string, number, string][] = [
      ['{8C134960-51AD-11CF-878A-94F801C10000}', 0, 'KSPROPERTY_PIN_CINSTANCES'],
      ['{1D58C920-AC9B-11CF-A5D6-28DB04C10000}', 0, 'KSPROPERTY_CONNECTION_STATE'],
      ['{65AABA60-98AE-11CF-A10D-0020AFD156E4}', 3, 'KSPROPERTY_STREAM_MASTERCLOCK'],
      ['{CF6E4342-EC87-11CF-A130-0020AFD156E4}', 1, 'KSPROPERTY_STREAMALLOCATOR_STATUS'],
      ['{720D4AC0-7533-11D0-A5D6-28DB04C10000}', 3, 'KSPROPERTY_TOPOLOGY_NAME'],
      ['{1464EDA5-6A8F-11D1-9AA7-00A0C9223196}', 0, 'KSPROPERTY_GENERAL_COMPONENTID'],
      ['{DF12A4C0-AC17-11CF-A5D6-28DB04C10000}', 1, 'KSPROPERTY_CLOCK_PHYSICALTIME'],
      ['{A855A48C-2F78-4729-9051-1968746B9EEF}', 3, 'KSPROPERTY_RTAUDIO_POSITIONREGISTER'],
      ['{4509F757-2D46-4637-8E62-CE7DB944F57B}', 1, 'KSPROPERTY_JACK_DESCRIPTION'],
    ];
    for (const [set, id, name] of cases) expect(propertyName(set.toLowerCase(), id)).toBe(name);
  });

  it('falls back to the set\'s name and the number, or the GUID and the number', () => {
    expect(propertyName('{8C134960-51AD-11CF-878A-94F801C10000}', 99)).toBe('KSPROPSETID_Pin id 99');
    expect(propertyName('{11111111-2222-3333-4444-555555555555}', 2)).toBe('{11111111-2222-3333-4444-555555555555} id 2');
    expect(propertyName(5 as unknown as string, 1)).toBe('5 id 1');
  });
});
