#!/usr/bin/env node
/**
 * Builds the example device profiles in profiles/ from documented driver behaviour (not from a recording): an HD
 * Audio render endpoint (a portcls WaveRT wave filter and its topology filter) and a UVC camera (usbvideo.sys, an
 * AVStream minidriver). Every answer is written as the driver family gives it, with the source beside it:
 *   - ../shared/KS-NOTES.md ("portcls WaveRT", "AVStream", "Data ranges with attribute lists");
 *   - Microsoft's sysvad sample (audio/sysvad/EndpointsCommon/speakerwavtable.h, speakertoptable.h): pin
 *     descriptors, the mode attribute list on the host pin's range, the jack description on the topology bridge pin;
 *   - ks.sys's property handler (ReactOS ks/property.c): a zero-length GET answers STATUS_BUFFER_OVERFLOW with the
 *     size, an id a known set has no item for STATUS_NOT_FOUND, an unknown set STATUS_PROPSET_NOT_FOUND.
 * Values no document fixes (FIFO size, volume range, control ranges) are typical ones and say so.
 *
 *   node scripts/example-profiles.js          writes profiles/*.json
 *   node scripts/example-profiles.js --check  exits 1 if a committed file differs from what this builds
 * test/profiles-examples.test.ts runs the check and replays both profiles.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const STATUS = {
  SUCCESS: [0, 'STATUS_SUCCESS'],
  BUFFER_OVERFLOW: [0x80000005, 'STATUS_BUFFER_OVERFLOW'],
  NOT_FOUND: [0xc0000225, 'STATUS_NOT_FOUND'],
  PROPSET_NOT_FOUND: [0xc0000230, 'STATUS_PROPSET_NOT_FOUND'],
  INVALID_PARAMETER: [0xc000000d, 'STATUS_INVALID_PARAMETER'],
};
const status = ([value, name]) => ({ scheme: 'ntstatus', value, name });

const SET = {
  Pin: '{8C134960-51AD-11CF-878A-94F801C10000}',
  Connection: '{1D58C920-AC9B-11CF-A5D6-28DB04C10000}',
  Topology: '{720D4AC0-7533-11D0-A5D6-28DB04C10000}',
  General: '{1464EDA5-6A8F-11D1-9AA7-00A0C9223196}',
  Audio: '{45FFAAA0-6E1B-11D0-BCF2-444553540000}',
  Stream: '{65AABA60-98AE-11CF-A10D-0020AFD156E4}',
  StreamAllocator: '{CF6E4342-EC87-11CF-A130-0020AFD156E4}',
  Clock: '{DF12A4C0-AC17-11CF-A5D6-28DB04C10000}',
  StreamInterface: '{1FDD8EE1-9CD3-11D0-82AA-0000F822FE8A}',
  RtAudio: '{A855A48C-2F78-4729-9051-1968746B9EEF}',
  Jack: '{4509F757-2D46-4637-8E62-CE7DB944F57B}',
  VideoProcAmp: '{C6E13360-30AC-11D0-A18C-00A0C9118956}',
  CameraControl: '{C6E13370-30AC-11D0-A18C-00A0C9118956}',
};
const GUID = {
  KSCATEGORY_AUDIO: '{6994AD04-93EF-11D0-A3CC-00A0C9223196}',
  KSCATEGORY_RENDER: '{65E8773E-8F56-11D0-A3B9-00A0C9223196}',
  KSCATEGORY_CAPTURE: '{65E8773D-8F56-11D0-A3B9-00A0C9223196}',
  KSCATEGORY_REALTIME: '{EB115FFC-10C8-4964-831D-6DCB02E6F23F}',
  KSCATEGORY_TOPOLOGY: '{DDA54A40-1E4C-11D1-A050-405705C10000}',
  KSCATEGORY_VIDEO: '{6994AD05-93EF-11D0-A3CC-00A0C9223196}',
  KSCATEGORY_VIDEO_CAMERA: '{E5323777-F976-4F5B-9B55-B94699C46E44}',
  KSNODETYPE_SPEAKER: '{DFF21CE1-F70F-11D0-B917-00A0C9223196}', // DEFINE_USB_TERMINAL_GUID(0x0301), ksmedia.h
  KSNODETYPE_VOLUME: '{3A5ACC00-C557-11D0-8A2B-00A0C9255AC1}',
  KSNODETYPE_MUTE: '{02B223C0-C557-11D0-8A2B-00A0C9255AC1}',
  PINNAME_VIDEO_CAPTURE: '{FB6C4281-0353-11D1-905F-0000C0CC16BA}',
  KSINTERFACESETID_Standard: '{1A8766A0-62CE-11CF-A5D6-28DB04C10000}',
  KSMEDIUMSETID_Standard: '{4747B320-62CE-11CF-A5D6-28DB04C10000}',
  TYPE_AUDIO: '{73647561-0000-0010-8000-00AA00389B71}',
  SUBTYPE_PCM: '{00000001-0000-0010-8000-00AA00389B71}',
  SUBTYPE_ANALOG: '{6DBA3190-67BD-11CF-A0F7-0020AFD156E4}',
  SPECIFIER_WAVEFORMATEX: '{05589F81-C356-11CE-BF01-00AA0055595A}',
  SPECIFIER_NONE: '{0F6417D6-C318-11D0-A43F-00A0C9223196}',
  TYPE_VIDEO: '{73646976-0000-0010-8000-00AA00389B71}',
  SUBTYPE_YUY2: '{32595559-0000-0010-8000-00AA00389B71}',
  SPECIFIER_VIDEOINFO: '{05589F80-C356-11CE-BF01-00AA0055595A}',
  KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE: '{E1F89EB5-5F46-419B-967B-FF6770B98401}',
  KSMEMORY_TYPE_KERNEL_PAGED: '{D833F8F8-7894-11D1-B069-00A0C9062802}',
  KSPROPTYPESETID_General: '{97E99BA0-BDEA-11CF-A5D6-28DB04C10000}',
};

// ---- byte helpers ----------------------------------------------------------------------------------------------
function guid(text) {
  const h = text.replace(/[{}-]/g, '');
  const b = Buffer.alloc(16);
  b.writeUInt32LE(parseInt(h.slice(0, 8), 16), 0);
  b.writeUInt16LE(parseInt(h.slice(8, 12), 16), 4);
  b.writeUInt16LE(parseInt(h.slice(12, 16), 16), 6);
  Buffer.from(h.slice(16), 'hex').copy(b, 8);
  return b;
}
const u32 = (...values) => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => (v < 0 ? b.writeInt32LE(v, i * 4) : b.writeUInt32LE(v >>> 0, i * 4)));
  return b;
};
const pad8 = (b) => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
/** KSMULTIPLE_ITEM { Size, Count } + items (each on an 8-byte step when `step8`). */
function multipleItem(items, step8 = false) {
  const body = Buffer.concat(items.map((i) => (step8 ? pad8(i) : i)));
  return Buffer.concat([u32(8 + body.length, items.length), body]);
}
const wide = (s) => Buffer.from(`${s}\0`, 'utf16le');
/** KSDATARANGE (64): FormatSize, Flags, SampleSize, Reserved, MajorFormat, SubFormat, Specifier. */
const dataRange = (size, flags, major, sub, spec) => Buffer.concat([u32(size, flags, 0, 0), guid(major), guid(sub), guid(spec)]);
const KSDATARANGE_ATTRIBUTES = 0x2;
/** KSDATARANGE_AUDIO (88): the head + MaximumChannels, Min/MaxBitsPerSample, Min/MaxSampleFrequency (+4 pad to 8). */
const audioRange = (flags, channels, minBits, maxBits, minRate, maxRate) =>
  Buffer.concat([dataRange(88, flags, GUID.TYPE_AUDIO, GUID.SUBTYPE_PCM, GUID.SPECIFIER_WAVEFORMATEX), u32(channels, minBits, maxBits, minRate, maxRate), Buffer.alloc(4)]);
const identifier = (set, id, flags = 0) => Buffer.concat([guid(set), u32(id, flags)]);
const pinInstance = (pinId) => u32(pinId, 0);
/** KSPROPERTY_DESCRIPTION (40) + optional members. */
const description = (access, vt, members = []) => {
  const body = Buffer.concat(members);
  return Buffer.concat([u32(access, 40 + body.length), identifier(GUID.KSPROPTYPESETID_General, vt, 0), u32(members.length ? 1 : 0, 0), body]);
};
/** KSPROPERTY_MEMBERSHEADER (16) + one KSPROPERTY_STEPPING_LONG (16): a stepped range. */
const steppedRange = (step, min, max, flags = 0) => Buffer.concat([u32(2 /* STEPPEDRANGES */, 16, 1, flags), u32(step, 0, min, max)]);
/** KSPROPERTY_MEMBERSHEADER with one LONG value: a DEFAULTVALUES answer's member. */
const defaultValue = (value) => Buffer.concat([u32(3 /* KSPROPERTY_MEMBER_VALUES */, 4, 1, 0), u32(value)]);
const GET_SET_BASIC = 0x1 | 0x2 | 0x200;

// ---- request entries ----------------------------------------------------------------------------------------
/** A GET the driver answers with `data`: size query BUFFER_OVERFLOW + size, data query SUCCESS (ks.sys). */
function answered(target, set, id, instance, data, extra = {}) {
  const e = {
    target,
    ...(extra.pinId !== undefined ? { pinId: extra.pinId } : {}),
    set,
    id,
    kind: extra.kind ?? 'get',
    flags: (extra.kind === 'basicSupport' ? 0x200 : extra.kind === 'defaultValues' ? 0x10000 : 0x1) | (extra.flags ?? 0),
    instance: instance.toString('base64'),
    sizeQuery: { status: status(STATUS.BUFFER_OVERFLOW), information: data.length },
    reply: { status: status(STATUS.SUCCESS), information: data.length, data: data.toString('base64') },
  };
  if (extra.note) e.note = extra.note;
  return e;
}
/** A request the driver refuses with `why` at the size query already. */
function refused(target, set, id, instance, why, extra = {}) {
  return {
    target,
    ...(extra.pinId !== undefined ? { pinId: extra.pinId } : {}),
    set,
    id,
    kind: extra.kind ?? 'get',
    flags: (extra.kind === 'basicSupport' ? 0x200 : 0x1) | (extra.flags ?? 0),
    instance: instance.toString('base64'),
    sizeQuery: { status: status(why), information: 0 },
    reply: { status: status(why), information: 0, data: '' },
    ...(extra.note ? { note: extra.note } : {}),
  };
}
function setSupport(target, set, supported, pinId) {
  const s = status(supported ? STATUS.SUCCESS : STATUS.PROPSET_NOT_FOUND);
  return { target, ...(pinId !== undefined ? { pinId } : {}), set, id: 0, kind: 'setSupport', flags: 0x100, instance: '', reply: { status: s, information: 0, data: '' } };
}
const ALL_SETS = Object.values(SET);
const setSupports = (target, supported, pinId) => ALL_SETS.map((s) => setSupport(target, s, supported.includes(s), pinId));

/** The KSPROPSETID_Pin answers of one pin factory. */
function pinFactory(pinId, p) {
  const at = pinInstance(pinId);
  const f = (id, data) => (data === null ? refused('filter', SET.Pin, id, at, STATUS.NOT_FOUND) : answered('filter', SET.Pin, id, at, data));
  return [
    f(0, u32(p.possible, 0)), // CINSTANCES { PossibleCount, CurrentCount }
    f(2, u32(p.dataFlow)), // DATAFLOW: 1 IN, 2 OUT
    f(3, p.ranges),
    f(5, multipleItem([identifier(GUID.KSINTERFACESETID_Standard, p.interface ?? 0, 0)])),
    f(6, multipleItem([identifier(GUID.KSMEDIUMSETID_Standard, 0, 0)])),
    f(7, u32(p.communication)), // 0 NONE, 1 SINK, 2 SOURCE, 3 BOTH, 4 BRIDGE
    f(8, u32(p.possible, 0)), // GLOBALCINSTANCES
    f(9, u32(0)), // NECESSARYINSTANCES
    f(10, p.physicalConnection ?? null), // PHYSICALCONNECTION: STATUS_NOT_FOUND where there is none
    f(11, guid(p.category)),
    f(12, p.name === undefined ? null : wide(p.name)),
    f(13, p.ranges), // CONSTRAINEDDATARANGES: ks.sys answers the ranges when no constrained list is given
  ];
}
function topology(target, categories, nodes, connections) {
  const e = [
    answered(target, SET.Topology, 0, Buffer.alloc(0), multipleItem(categories.map(guid))),
    answered(target, SET.Topology, 1, Buffer.alloc(0), multipleItem(nodes.map((n) => guid(n.type)))),
    answered(target, SET.Topology, 2, Buffer.alloc(0), multipleItem(connections.map((c) => u32(...c)))),
  ];
  nodes.forEach((n, i) => e.push(answered(target, SET.Topology, 3, pinInstance(i), wide(n.name))));
  return e;
}
const FILTER_NODE = 0xffffffff;

function document(filters, note) {
  return {
    format: 'kernel-streaming-profile',
    version: 1,
    recordedAt: '2026-12-01T00:00:00.000Z',
    recordedWith: { package: 'kernel-streaming (scripts/example-profiles.js: built from documented behaviour, not recorded)', backend: 'none', platform: 'none' },
    anonymized: true,
    contains: [note, 'no device paths or instance ids'],
    filters,
  };
}

// ---- an HD Audio render endpoint: WaveRT wave filter + topology filter ------------------------------------------
function hdAudioEndpoint() {
  const hostRanges = multipleItem(
    [
      audioRange(KSDATARANGE_ATTRIBUTES, 2, 16, 32, 44100, 192000), // 16-bit and 24-in-32 (KS-NOTES: WaveRT formats)
      // The attribute list after a range flagged KSDATARANGE_ATTRIBUTES, counted as an item of its own (KS-NOTES;
      // sysvad's SpeakerPinDataRangePointersStream): one KSATTRIBUTE { Size 24, Flags 0, AUDIOSIGNALPROCESSING_MODE }.
      multipleItem([Buffer.concat([u32(24, 0), guid(GUID.KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE)])]),
    ],
    true,
  );
  const bridgeRanges = multipleItem([dataRange(64, 0, GUID.TYPE_AUDIO, GUID.SUBTYPE_ANALOG, GUID.SPECIFIER_NONE)]);
  const wave = [
    ...setSupports('filter', [SET.Pin, SET.Topology]),
    answered('filter', SET.Pin, 1, Buffer.alloc(0), u32(2)), // CTYPES
    // Host pin: data flows in from the client; the only interface is LOOPED_STREAMING (1): no READ/WRITE_STREAM.
    ...pinFactory(0, { possible: 1, dataFlow: 1, communication: 1, ranges: hostRanges, interface: 1, category: GUID.KSCATEGORY_AUDIO }),
    // Bridge pin to the codec: analog, not instantiable; its physical connection names the topology filter's pin 0.
    ...pinFactory(1, { possible: 0, dataFlow: 2, communication: 0, ranges: bridgeRanges, category: GUID.KSCATEGORY_AUDIO, physicalConnection: null }),
    ...topology('filter', [GUID.KSCATEGORY_AUDIO, GUID.KSCATEGORY_RENDER, GUID.KSCATEGORY_REALTIME], [], [[FILTER_NODE, 0, FILTER_NODE, 1]]),
    refused('filter', SET.General, 0, Buffer.alloc(0), STATUS.PROPSET_NOT_FOUND),
    // The host pin opened in STOP (LOOPED_STREAMING, 48 kHz 16-bit stereo WAVEFORMATEXTENSIBLE):
    ...setSupports('pin-instance', [SET.Connection, SET.RtAudio, SET.Audio, SET.Stream], 0),
    // "framing size query only valid for WaveCyclic" (PortAudio): a WaveRT pin has no framing item.
    refused('pin-instance', SET.Connection, 3, Buffer.alloc(0), STATUS.NOT_FOUND, { pinId: 0 }),
    refused('pin-instance', SET.Connection, 6, Buffer.alloc(0), STATUS.NOT_FOUND, { pinId: 0 }),
    answered('pin-instance', SET.RtAudio, 8, Buffer.alloc(0), u32(1), { pinId: 0, note: 'QUERY_NOTIFICATION_SUPPORT: TRUE (event mode)' }),
    answered('pin-instance', SET.RtAudio, 2, Buffer.alloc(0), u32(384, 0, 0), { pinId: 0, note: 'HWLATENCY { FifoSize, ChipsetDelay, CodecDelay }: typical values' }),
  ];
  // The bridge pin's PHYSICALCONNECTION names the topology filter: an anonymized document keeps no path, so the
  // answer has no bytes here and the replay builds it from physicalConnections.
  const bridgeLink = wave.findIndex((e) => e.set === SET.Pin && e.id === 10 && e.instance === pinInstance(1).toString('base64'));
  wave[bridgeLink] = answered('filter', SET.Pin, 10, pinInstance(1), Buffer.alloc(0));

  const volumeDescription = description(GET_SET_BASIC, 3 /* VT_I4 */, [steppedRange(0x8000 /* 0.5 dB */, -96 * 65536, 0, 1 /* MULTICHANNEL */)]);
  const muteDescription = description(GET_SET_BASIC, 11 /* VT_BOOL */);
  const channel = (node, ch) => Buffer.concat([u32(node, 0), u32(ch, 0)]); // KSNODEPROPERTY_AUDIO_CHANNEL after its KSPROPERTY
  const TOPO = 0x10000000;
  const jack = Buffer.concat([u32(3 /* KSAUDIO_SPEAKER_STEREO */, 0xb3c98c /* green */, 1 /* eConnType3Point5mm */, 2 /* eGeoLocRear */, 0 /* eGenLocPrimaryBox */, 0 /* ePortConnJack */, 1 /* IsConnected */)]);
  const analog = multipleItem([dataRange(64, 0, GUID.TYPE_AUDIO, GUID.SUBTYPE_ANALOG, GUID.SPECIFIER_NONE)]);
  const topologyFilter = [
    ...setSupports('filter', [SET.Pin, SET.Topology, SET.Audio, SET.Jack]),
    answered('filter', SET.Pin, 1, Buffer.alloc(0), u32(2)),
    ...pinFactory(0, { possible: 0, dataFlow: 1, communication: 0, ranges: analog, category: GUID.KSCATEGORY_AUDIO }),
    ...pinFactory(1, { possible: 0, dataFlow: 2, communication: 0, ranges: analog, category: GUID.KSNODETYPE_SPEAKER }),
    ...topology(
      'filter',
      [GUID.KSCATEGORY_AUDIO, GUID.KSCATEGORY_TOPOLOGY],
      [
        { type: GUID.KSNODETYPE_VOLUME, name: 'Speakers Volume' },
        { type: GUID.KSNODETYPE_MUTE, name: 'Speakers Mute' },
      ],
      // pin 0 → volume (in 1, out 0) → mute → pin 1 (KSNODEPIN_STANDARD_IN 1, _OUT 0)
      [[FILTER_NODE, 0, 0, 1], [0, 0, 1, 1], [1, 0, FILTER_NODE, 1]],
    ),
    refused('filter', SET.General, 0, Buffer.alloc(0), STATUS.PROPSET_NOT_FOUND),
    answered('filter', SET.Audio, 4, channel(0, 0), volumeDescription, { kind: 'basicSupport', flags: TOPO }),
    answered('filter', SET.Audio, 4, channel(0, 0), u32(-20 * 65536), { flags: TOPO }),
    answered('filter', SET.Audio, 4, channel(0, 1), u32(-20 * 65536), { flags: TOPO }),
    refused('filter', SET.Audio, 4, channel(0, 2), STATUS.INVALID_PARAMETER, { flags: TOPO, note: 'a stereo node: channel 2 is out of range' }),
    answered('filter', SET.Audio, 13, channel(1, 0), muteDescription, { kind: 'basicSupport', flags: TOPO }),
    answered('filter', SET.Audio, 13, channel(1, 0), u32(0), { flags: TOPO }),
    answered('filter', SET.Audio, 13, channel(1, 1), u32(0), { flags: TOPO }),
    refused('filter', SET.Audio, 13, channel(1, 2), STATUS.INVALID_PARAMETER, { flags: TOPO }),
    // sysvad answers a jack description only for the physical bridge pin.
    refused('filter', SET.Jack, 1, pinInstance(0), STATUS.NOT_FOUND),
    answered('filter', SET.Jack, 1, pinInstance(1), multipleItem([jack])),
  ];
  return document(
    [
      {
        key: 'filter0',
        friendlyName: 'Speakers (HD Audio example)',
        path: null,
        categories: [GUID.KSCATEGORY_AUDIO, GUID.KSCATEGORY_RENDER, GUID.KSCATEGORY_REALTIME],
        requests: wave,
        pinCreates: [{ pinId: 0, ok: true }],
        physicalConnections: [{ pinId: 1, filter: 'filter1', pinIdThere: 0 }],
      },
      {
        key: 'filter1',
        friendlyName: 'Speakers topology (HD Audio example)',
        path: null,
        categories: [GUID.KSCATEGORY_AUDIO, GUID.KSCATEGORY_TOPOLOGY],
        requests: topologyFilter,
        pinCreates: [],
        physicalConnections: [],
      },
    ],
    'an HD Audio render endpoint as portcls WaveRT presents it (wave filter + topology filter), built from KS-NOTES and Microsoft\'s sysvad sample',
  );
}

// ---- a UVC camera: usbvideo.sys (AVStream) -------------------------------------------------------------------
/** KS_DATARANGE_VIDEO (296): KSDATARANGE + 4 ULONGs + KS_VIDEO_STREAM_CONFIG_CAPS (128) + KS_VIDEOINFOHEADER (88). */
function yuy2Range(width, height, fps) {
  const interval = Math.round(10_000_000 / fps);
  const bytes = width * height * 2;
  const caps = Buffer.alloc(128);
  guid(GUID.SPECIFIER_VIDEOINFO).copy(caps, 0);
  caps.writeInt32LE(width, 20); caps.writeInt32LE(height, 24); // InputSize
  caps.writeInt32LE(width, 28); caps.writeInt32LE(height, 32); // MinCroppingSize
  caps.writeInt32LE(width, 36); caps.writeInt32LE(height, 40); // MaxCroppingSize
  caps.writeInt32LE(1, 44); caps.writeInt32LE(1, 48); caps.writeInt32LE(1, 52); caps.writeInt32LE(1, 56);
  caps.writeInt32LE(width, 60); caps.writeInt32LE(height, 64); // MinOutputSize
  caps.writeInt32LE(width, 68); caps.writeInt32LE(height, 72); // MaxOutputSize
  caps.writeBigInt64LE(BigInt(interval), 104); // MinFrameInterval
  caps.writeBigInt64LE(BigInt(interval), 112); // MaxFrameInterval
  caps.writeInt32LE(bytes * 8 * fps, 120); caps.writeInt32LE(bytes * 8 * fps, 124);
  const vih = Buffer.alloc(88);
  vih.writeUInt32LE(bytes * 8 * fps, 32); // dwBitRate
  vih.writeBigInt64LE(BigInt(interval), 40); // AvgTimePerFrame
  vih.writeUInt32LE(40, 48); vih.writeInt32LE(width, 52); vih.writeInt32LE(height, 56); // BITMAPINFOHEADER
  vih.writeUInt16LE(1, 60); vih.writeUInt16LE(16, 62); vih.writeUInt32LE(0x32595559, 64); vih.writeUInt32LE(bytes, 68);
  return Buffer.concat([dataRange(296, 0, GUID.TYPE_VIDEO, GUID.SUBTYPE_YUY2, GUID.SPECIFIER_VIDEOINFO), u32(1, 0, 0, 0), caps, vih]);
}

function uvcCamera() {
  const ranges = multipleItem([yuy2Range(640, 480, 30), yuy2Range(1280, 720, 10)], true);
  // KSALLOCATOR_FRAMING_EX with one item: what AVStream answers instead of the legacy framing (KS-NOTES).
  const framingEx = Buffer.alloc(112);
  framingEx.writeUInt32LE(1, 0); // CountItems
  framingEx.writeUInt32LE(1, 8); framingEx.writeUInt32LE(1, 12); // OutputCompression 1/1
  guid(GUID.KSMEMORY_TYPE_KERNEL_PAGED).copy(framingEx, 24);
  framingEx.writeUInt32LE(2, 24 + 44); // Frames: 2 buffers, as usbvideo keeps few in flight
  framingEx.writeUInt32LE(0x7f, 24 + 48); // FileAlignment FILE_128_BYTE_ALIGNMENT
  framingEx.writeUInt32LE(640 * 480 * 2, 24 + 56); framingEx.writeUInt32LE(1280 * 720 * 2, 24 + 60); // PhysicalRange
  framingEx.writeUInt32LE(640 * 480 * 2, 24 + 68); framingEx.writeUInt32LE(1280 * 720 * 2, 24 + 72); // FramingRange.Range
  const control = (set, id, min, max, step, dflt, current, caps) => [
    answered('filter', set, id, Buffer.alloc(16), description(GET_SET_BASIC, 3, [steppedRange(step, min, max)]), { kind: 'basicSupport' }),
    answered('filter', set, id, Buffer.alloc(16), description(GET_SET_BASIC, 3, [defaultValue(dflt)]), { kind: 'defaultValues' }),
    // KSPROPERTY_VIDEOPROCAMP_S / _CAMERACONTROL_S: KSPROPERTY + Value + Flags + Capabilities, padded to 40 bytes
    // by KSPROPERTY's 8-byte alignment (KS-NOTES: the 36-byte form is refused by the Frame Server).
    answered('filter', set, id, Buffer.alloc(16), Buffer.concat([identifier(set, id, 1), u32(current, caps & 1 ? 1 : 2, caps), Buffer.alloc(4)])),
  ];
  const unsupported = (set, ids) => ids.map((id) => refused('filter', set, id, Buffer.alloc(16), STATUS.NOT_FOUND, { kind: 'basicSupport' }));
  // Typical UVC ranges (usbvideo.sys passes the device's GET_MIN/MAX/RES/DEF through); flags AUTO 1, MANUAL 2.
  const requests = [
    ...setSupports('filter', [SET.Pin, SET.Topology, SET.VideoProcAmp, SET.CameraControl]),
    answered('filter', SET.Pin, 1, Buffer.alloc(0), u32(1)),
    ...pinFactory(0, { possible: 1, dataFlow: 2, communication: 1, ranges, category: GUID.PINNAME_VIDEO_CAPTURE, name: 'Capture' }),
    ...topology('filter', [GUID.KSCATEGORY_VIDEO, GUID.KSCATEGORY_CAPTURE, GUID.KSCATEGORY_VIDEO_CAMERA], [], []),
    refused('filter', SET.General, 0, Buffer.alloc(0), STATUS.PROPSET_NOT_FOUND),
    // KSPROPERTY_VIDEOPROCAMP ids (ksmedia.h): BRIGHTNESS 0, CONTRAST 1, HUE 2, SATURATION 3, SHARPNESS 4, GAMMA 5,
    // COLORENABLE 6, WHITEBALANCE 7, BACKLIGHT_COMPENSATION 8, GAIN 9, DIGITAL_MULTIPLIER 10, _LIMIT 11,
    // WHITEBALANCE_COMPONENT 12, POWERLINE_FREQUENCY 13.
    ...control(SET.VideoProcAmp, 0, -64, 64, 1, 0, 0, 2), // brightness
    ...control(SET.VideoProcAmp, 1, 0, 95, 1, 32, 32, 2), // contrast
    ...unsupported(SET.VideoProcAmp, [2]), // hue
    ...control(SET.VideoProcAmp, 3, 0, 100, 1, 64, 64, 2), // saturation
    ...control(SET.VideoProcAmp, 4, 1, 7, 1, 2, 2, 2), // sharpness
    ...control(SET.VideoProcAmp, 5, 100, 300, 1, 100, 100, 2), // gamma
    ...unsupported(SET.VideoProcAmp, [6]), // color enable
    ...control(SET.VideoProcAmp, 7, 2800, 6500, 1, 4600, 4600, 3), // white balance, auto and manual
    ...control(SET.VideoProcAmp, 8, 0, 1, 1, 0, 0, 2), // backlight compensation
    ...control(SET.VideoProcAmp, 9, 0, 100, 1, 0, 0, 2), // gain
    ...unsupported(SET.VideoProcAmp, [10, 11, 12]),
    ...control(SET.VideoProcAmp, 13, 0, 2, 1, 1, 1, 2), // powerline frequency: 0 off, 1 50 Hz, 2 60 Hz
    ...unsupported(SET.CameraControl, [0, 1, 2]), // pan, tilt, roll
    ...control(SET.CameraControl, 3, 0, 0, 1, 0, 0, 2), // zoom: fixed lens
    ...control(SET.CameraControl, 4, -11, -3, 1, -6, -6, 3), // exposure (log2 seconds), auto and manual
    ...unsupported(SET.CameraControl, [5]),
    ...control(SET.CameraControl, 6, 0, 250, 5, 0, 0, 3), // focus, auto and manual
    ...unsupported(SET.CameraControl, [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
    // The capture pin opened in STOP (640x480 YUY2):
    ...setSupports('pin-instance', [SET.Connection, SET.Stream, SET.StreamInterface], 0),
    refused('pin-instance', SET.Connection, 3, Buffer.alloc(0), STATUS.NOT_FOUND, { pinId: 0, note: 'AVStream: no legacy ALLOCATORFRAMING' }),
    answered('pin-instance', SET.Connection, 6, Buffer.alloc(0), framingEx, { pinId: 0 }),
    // KSSTREAM_HEADER (56) + KS_FRAME_INFO (72) on x64 (KS-NOTES "AVStream").
    answered('pin-instance', SET.StreamInterface, 0, Buffer.alloc(0), u32(128), { pinId: 0, note: 'HEADERSIZE' }),
  ];
  return document(
    [
      {
        key: 'filter0',
        friendlyName: 'USB Camera (UVC example)',
        path: null,
        categories: [GUID.KSCATEGORY_VIDEO, GUID.KSCATEGORY_CAPTURE, GUID.KSCATEGORY_VIDEO_CAMERA],
        requests,
        pinCreates: [{ pinId: 0, ok: true }],
        physicalConnections: [],
      },
    ],
    'a UVC camera as usbvideo.sys (AVStream) presents it, built from KS-NOTES: 128-byte stream headers, ALLOCATORFRAMING_EX only, camera controls',
  );
}

const EXAMPLES = { 'hd-audio-speakers.json': hdAudioEndpoint, 'uvc-camera.json': uvcCamera };
module.exports = { EXAMPLES };

if (require.main === module) {
  const folder = path.join(__dirname, '..', 'profiles');
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, build] of Object.entries(EXAMPLES)) {
    const text = JSON.stringify(build(), null, 1) + '\n';
    const target = path.join(folder, file);
    if (check) {
      if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) {
        console.error(`profiles/${file} is not what scripts/example-profiles.js builds: run node scripts/example-profiles.js`);
        stale++;
      }
    } else {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(target, text);
      console.log(`wrote profiles/${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
