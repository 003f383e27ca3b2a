// The emulated WaveRT endpoints as portcls presents them, one case per
// rule, each status asserted through the public generic property API
// (getProperty / setProperty): the endpoint's two filters, the create
// rules, and every KSPROPSETID_RtAudio property. The DMA engine's data
// (tone, checksum, notifications) is checked in native/test/wavert_selftest.cpp
// and, through the library, in test/wavert-stream.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import {
  KSINTERFACESETID_Standard,
  KSINTERFACE_STANDARD_LOOPED_STREAMING,
  KSPROPERTY_AUDIO,
  KSPROPERTY_JACK,
  KSPROPERTY_RTAUDIO,
  KSPROPSETID,
  emulatorWaveRtStats,
  extensibleFormat,
  listDevices,
  openFilter,
  openHandleCount,
  pcmFormat,
  setEmulatorAudioEngineHold,
  type KsFilter,
  type KsPin,
} from '../lib/index';
import { emulatedDevicePath } from './emulated-devices';
import { expectKsError } from './helpers';
import { until } from './cli-process';
import { testBackend } from './test-backend';

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

const LOOPED = { set: KSINTERFACESETID_Standard, id: KSINTERFACE_STANDARD_LOOPED_STREAMING };
const RT = KSPROPSETID.RtAudio;
const ws16 = () => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
const ws24in32 = () => extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 32, validBitsPerSample: 24 });

const endpointPath = emulatedDevicePath;
const openSpeakers = () => openFilter(endpointPath('KS Emulator WaveRT Speakers'), { backend: testBackend() });
const openMicrophone = () => openFilter(endpointPath('KS Emulator WaveRT Microphone'), { backend: testBackend() });
const looped = (filter: KsFilter, dataFormat = ws16()) => filter.createPin({ pinId: 0, dataFormat, interface: LOOPED });

/** KSRTAUDIO_BUFFER_PROPERTY(_WITH_NOTIFICATION) past its KSPROPERTY: BaseAddress, RequestedBufferSize, NotificationCount. */
function bufferRequest(requested: number, notificationCount = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(requested, 8);
  b.writeUInt32LE(notificationCount, 12);
  return b;
}
function allocate(pin: KsPin, requested: number, notificationCount = 0): { address: bigint; size: number; barrier: number } {
  const id = notificationCount ? KSPROPERTY_RTAUDIO.BUFFER_WITH_NOTIFICATION : KSPROPERTY_RTAUDIO.BUFFER;
  const reply = pin.getProperty(RT, id, { instance: bufferRequest(requested, notificationCount), size: 16 });
  return { address: reply.readBigUInt64LE(0), size: reply.readUInt32LE(8), barrier: reply.readInt32LE(12) };
}
const handleInstance = (handle: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(handle);
  return b;
};
function writePacket(pin: KsPin, packet: number, flags = 0, eosLength = 0): void {
  const value = Buffer.alloc(12);
  value.writeUInt32LE(packet, 0);
  value.writeUInt32LE(flags, 4);
  value.writeUInt32LE(eosLength, 8);
  pin.setProperty(RT, KSPROPERTY_RTAUDIO.SETWRITEPACKET, value);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WaveRT endpoints: a wave filter and a topology filter each', () => {
  it('lists the wave filters under REALTIME with their direction, the topology filters under TOPOLOGY', () => {
    const realtime = listDevices({ category: 'REALTIME', backend: testBackend() }).map((d) => [d.friendlyName, d.categories]);
    expect(realtime).toEqual([
      ['KS Emulator WaveRT Speakers', ['AUDIO', 'RENDER', 'REALTIME']],
      ['KS Emulator WaveRT Microphone', ['AUDIO', 'CAPTURE', 'REALTIME']],
    ]);
    const topology = listDevices({ category: 'TOPOLOGY', backend: testBackend() }).map((d) => d.friendlyName);
    expect(topology).toEqual(['KS Emulator WaveRT Speakers Topology', 'KS Emulator WaveRT Microphone Topology']);
  });

  it('offers only KSINTERFACE_STANDARD_LOOPED_STREAMING on the host pin, and joins the filters by PHYSICALCONNECTION', () => {
    using wave = openSpeakers();
    expect(wave.pinInfo(0).interfaces).toEqual([{ ...LOOPED, flags: 0 }]);
    const link = wave.pinInfo(1).physicalConnection!;
    expect(link.pinId).toBe(1);
    expect(link.path).toBe(endpointPath('KS Emulator WaveRT Speakers Topology'));
    using topology = openFilter(link.path, { backend: testBackend() });
    expect(topology.pinInfo(1).physicalConnection).toMatchObject({ pinId: 1, path: wave.path });
    expect(topology.topology().nodes.map((n) => n.name)).toEqual(['Speakers Volume', 'Speakers Mute']);
  });

  it('describes the jack on the topology filter (KSPROPSETID_Jack), and no jack on the other pin (STATUS_NOT_FOUND)', () => {
    using topology = openFilter(endpointPath('KS Emulator WaveRT Microphone Topology'), { backend: testBackend() });
    const pin = (id: number) => Buffer.from([id, 0, 0, 0, 0, 0, 0, 0]);
    const reply = topology.getProperty(KSPROPSETID.Jack, KSPROPERTY_JACK.DESCRIPTION, { instance: pin(0) });
    expect(reply.length).toBe(8 + 28);
    expect([reply.readUInt32LE(0), reply.readUInt32LE(4)]).toEqual([36, 1]);
    // ChannelMapping (mono), Color (pink), 3.5 mm, front, primary box, jack, connected.
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => reply.readUInt32LE(8 + 4 * i))).toEqual([4, 0x00ff80ff, 1, 2, 0, 0, 1]);
    expectKsError(() => topology.getProperty(KSPROPSETID.Jack, KSPROPERTY_JACK.DESCRIPTION, { instance: pin(1) }), 'STATUS_NOT_FOUND');
  });
});

describe('WaveRT pin create', () => {
  it('refuses KSINTERFACE_STANDARD_STREAMING with STATUS_NO_MATCH (KsValidateConnectRequest)', () => {
    using filter = openSpeakers();
    expectKsError(() => filter.createPin({ pinId: 0, dataFormat: ws16(), interface: { set: KSINTERFACESETID_Standard, id: 0 } }), 'STATUS_NO_MATCH');
  });

  it('takes WAVEFORMATEXTENSIBLE 16-bit and 24-in-32-bit, refuses a plain WAVEFORMATEX and 24-in-24', () => {
    using filter = openMicrophone();
    looped(filter).close();
    looped(filter, ws24in32()).close();
    expectKsError(() => looped(filter, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 })), 'STATUS_NO_MATCH');
    expectKsError(() => looped(filter, extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 24 })), 'STATUS_NO_MATCH');
  });

  it('proposes through DATAINTERSECTION a format its pin takes: WAVEFORMATEXTENSIBLE, 24 valid bits in 32', () => {
    for (const open of [openSpeakers, openMicrophone]) {
      using filter = open();
      // The range says 16..32 bits; the miniport's "highest quality intersection" it can stream (a plain 32-bit
      // WAVEFORMATEX, what a WaveCyclic pin would get, is refused by a WaveRT pin).
      const format = filter.intersect(0);
      expect(format.extensible).toMatchObject({ formatTag: 0xfffe, channels: 2, sampleRate: 48000, bitsPerSample: 32, validBitsPerSample: 24, channelMask: 3 });
      using pin = filter.createPin({ pinId: 0 });
      expect(pin.dataFormat.extensible?.validBitsPerSample).toBe(24);
    }
  });

  it('fails with STATUS_INVALID_DEVICE_STATE while the audio engine holds the endpoint, and GLOBALCINSTANCES counts it', () => {
    using filter = openSpeakers();
    setEmulatorAudioEngineHold(filter, true);
    try {
      expectKsError(() => looped(filter), 'STATUS_INVALID_DEVICE_STATE');
      expect(filter.pinInfo(0).globalInstances).toEqual({ possible: 1, current: 1 });
    } finally {
      setEmulatorAudioEngineHold(filter, false);
    }
    using pin = looped(filter);
    expect(filter.pinInfo(0).globalInstances).toEqual({ possible: 1, current: 1 });
  });

  // "framing size query only valid for WaveCyclic" (PortAudio); the WaveRT
  // pin's Connection set has no ALLOCATORFRAMING item, and ks.sys answers an id
  // a set has no item for with STATUS_NOT_FOUND (ReactOS KspPropertyHandler).
  it('answers no ALLOCATORFRAMING (STATUS_NOT_FOUND: "framing size query only valid for WaveCyclic", PortAudio)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    expectKsError(() => pin.allocatorFraming(), 'STATUS_NOT_FOUND');
  });
});

describe('KSPROPSETID_RtAudio: buffer and registers', () => {
  it('refuses RequestedBufferSize 0 (STATUS_INVALID_PARAMETER)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    expectKsError(() => allocate(pin, 0), 'STATUS_INVALID_PARAMETER');
    expectKsError(() => allocate(pin, 0, 2), 'STATUS_INVALID_PARAMETER');
  });

  it('rounds ActualBufferSize up to 128 bytes and whole frames, and caps it at 2 s of audio', () => {
    using filter = openMicrophone();
    using pin = looped(filter, ws24in32());
    const buffer = allocate(pin, 1000);
    expect(buffer.size).toBe(1024);
    expect(buffer.address).not.toBe(0n);
    expect(buffer.barrier).toBe(0);
    expect(allocate(pin, 100_000_000).size).toBe(2 * 48000 * 8);
  });

  it('takes NotificationCount 1 or 2 only (STATUS_INVALID_PARAMETER)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    expectKsError(() => allocate(pin, 3840, 3), 'STATUS_INVALID_PARAMETER');
    expect(allocate(pin, 3840, 1).size).toBe(3840);
    expect(allocate(pin, 3840, 2).size).toBe(3840);
  });

  it('gives the buffer and the registers only in STOP (STATUS_INVALID_DEVICE_STATE)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    allocate(pin, 3840);
    pin.setState('acquire');
    expectKsError(() => allocate(pin, 3840), 'STATUS_INVALID_DEVICE_STATE');
    expectKsError(() => pin.getProperty(RT, KSPROPERTY_RTAUDIO.POSITIONREGISTER, { instance: Buffer.alloc(8), size: 40 }), 'STATUS_INVALID_DEVICE_STATE');
    pin.setState('stop');
    expect(allocate(pin, 3840).size).toBe(3840);
  });

  it('maps each register once per pin lifetime (then STATUS_INVALID_DEVICE_REQUEST), GET or SET alike', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    const position = pin.getProperty(RT, KSPROPERTY_RTAUDIO.POSITIONREGISTER, { instance: Buffer.alloc(8), size: 40 });
    // Register, Width 32, Numerator/Denominator the byte rate, Accuracy 1 ms of bytes.
    expect(position.readBigUInt64LE(0)).not.toBe(0n);
    expect([position.readUInt32LE(8), Number(position.readBigUInt64LE(16)), Number(position.readBigUInt64LE(24)), position.readUInt32LE(32)]).toEqual([32, 192000, 1, 192]);
    expectKsError(() => pin.getProperty(RT, KSPROPERTY_RTAUDIO.POSITIONREGISTER, { instance: Buffer.alloc(8), size: 40 }), 'STATUS_INVALID_DEVICE_REQUEST');
    // PortAudio sends POSITIONREGISTER as a SET; CLOCKREGISTER here too: a 24 MHz wall clock.
    const clock = Buffer.alloc(40);
    pin.setProperty(RT, KSPROPERTY_RTAUDIO.CLOCKREGISTER, clock, { instance: Buffer.alloc(8) });
    expect(Number(clock.readBigUInt64LE(16))).toBe(24_000_000);
    expectKsError(() => pin.setProperty(RT, KSPROPERTY_RTAUDIO.CLOCKREGISTER, Buffer.alloc(40), { instance: Buffer.alloc(8) }), 'STATUS_INVALID_DEVICE_REQUEST');
  });

  it('reports HWLATENCY (FifoSize 256 bytes, CodecDelay 1 ms) in any state', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    const latency = pin.getProperty(RT, KSPROPERTY_RTAUDIO.HWLATENCY, { size: 12 });
    expect([latency.readUInt32LE(0), latency.readUInt32LE(4), latency.readUInt32LE(8)]).toEqual([256, 0, 10000]);
  });
});

describe('KSPROPSETID_RtAudio: notification events', () => {
  it('says notifications are supported (QUERY_NOTIFICATION_SUPPORT)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    expect(pin.getProperty(RT, KSPROPERTY_RTAUDIO.QUERY_NOTIFICATION_SUPPORT, { size: 4 }).readInt32LE(0)).toBe(1);
  });

  it('registers events only after BUFFER_WITH_NOTIFICATION (STATUS_NOT_SUPPORTED before)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    allocate(pin, 3840);
    expectKsError(() => pin.setProperty(RT, KSPROPERTY_RTAUDIO.REGISTER_NOTIFICATION_EVENT, Buffer.alloc(0), { instance: handleInstance(0x1234n) }), 'STATUS_NOT_SUPPORTED');
  });

  it('refuses a handle that names no event (STATUS_INVALID_HANDLE)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    allocate(pin, 3840, 2);
    expectKsError(() => pin.setProperty(RT, KSPROPERTY_RTAUDIO.REGISTER_NOTIFICATION_EVENT, Buffer.alloc(0), { instance: handleInstance(0x1234n) }), 'STATUS_INVALID_HANDLE');
  });

  it('unregisters only in STOP (STATUS_INVALID_DEVICE_STATE), and an event never registered is STATUS_NOT_FOUND', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    allocate(pin, 3840, 2);
    pin.setState('pause');
    expectKsError(() => pin.setProperty(RT, KSPROPERTY_RTAUDIO.UNREGISTER_NOTIFICATION_EVENT, Buffer.alloc(0), { instance: handleInstance(0x1234n) }), 'STATUS_INVALID_DEVICE_STATE');
    pin.setState('stop');
    expectKsError(() => pin.setProperty(RT, KSPROPERTY_RTAUDIO.UNREGISTER_NOTIFICATION_EVENT, Buffer.alloc(0), { instance: handleInstance(0x1234n) }), 'STATUS_NOT_FOUND');
  });
});

describe('KSPROPSETID_RtAudio: packets and positions', () => {
  it('answers PACKETCOUNT only with a notification buffer (STATUS_INVALID_DEVICE_STATE), 0 in STOP', () => {
    using filter = openMicrophone();
    using pin = looped(filter);
    allocate(pin, 1920);
    expectKsError(() => pin.getProperty(RT, KSPROPERTY_RTAUDIO.PACKETCOUNT, { size: 4 }), 'STATUS_INVALID_DEVICE_STATE');
    allocate(pin, 1920, 2);
    expect(pin.getProperty(RT, KSPROPERTY_RTAUDIO.PACKETCOUNT, { size: 4 }).readUInt32LE(0)).toBe(0);
  });

  it('GETREADPACKET: STATUS_DEVICE_NOT_READY with no new packet, then packets in order with MoreData', async () => {
    using filter = openMicrophone();
    using pin = looped(filter);
    allocate(pin, 96000, 2); // 2 × 250 ms
    expectKsError(() => pin.getProperty(RT, KSPROPERTY_RTAUDIO.GETREADPACKET, { size: 24 }), 'STATUS_DEVICE_NOT_READY');
    pin.setState('run');
    await sleep(300);
    const info = pin.getProperty(RT, KSPROPERTY_RTAUDIO.GETREADPACKET, { size: 24 });
    expect(info.readUInt32LE(0)).toBe(0);
    expect(info.readBigUInt64LE(8)).not.toBe(0n);
    expect(info.readInt32LE(16)).toBe(0); // MoreData: packet 1 is not complete yet
    expectKsError(() => pin.getProperty(RT, KSPROPERTY_RTAUDIO.GETREADPACKET, { size: 24 }), 'STATUS_DEVICE_NOT_READY');
    expect(emulatorWaveRtStats(pin).glitches).toBe(0);
  });

  it('GETREADPACKET is a capture stream\'s and SETWRITEPACKET a render stream\'s (STATUS_NOT_SUPPORTED)', () => {
    using speakers = openSpeakers();
    using render = looped(speakers);
    allocate(render, 1920, 2);
    expectKsError(() => render.getProperty(RT, KSPROPERTY_RTAUDIO.GETREADPACKET, { size: 24 }), 'STATUS_NOT_SUPPORTED');
    using microphone = openMicrophone();
    using capture = looped(microphone);
    allocate(capture, 1920, 2);
    expectKsError(() => writePacket(capture, 0), 'STATUS_NOT_SUPPORTED');
  });

  it('SETWRITEPACKET: STATUS_DATA_OVERRUN past the buffer, STATUS_INVALID_PARAMETER for other flags, STATUS_DATA_LATE_ERROR once played, STATUS_INVALID_DEVICE_STATE after end of stream', async () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    allocate(pin, 96000, 2); // 2 × 250 ms
    expectKsError(() => writePacket(pin, 2), 'STATUS_DATA_OVERRUN');
    expectKsError(() => writePacket(pin, 0, 1), 'STATUS_INVALID_PARAMETER');
    writePacket(pin, 0);
    writePacket(pin, 1);
    pin.setState('run');
    await sleep(300);
    expect(pin.getProperty(RT, KSPROPERTY_RTAUDIO.PACKETCOUNT, { size: 4 }).readUInt32LE(0)).toBe(1);
    expectKsError(() => writePacket(pin, 1), 'STATUS_DATA_LATE_ERROR');
    writePacket(pin, 2, 0x200 /* KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM */, 0);
    expectKsError(() => writePacket(pin, 3), 'STATUS_INVALID_DEVICE_STATE');
    // The end-of-stream packet is queued, not yet played.
    expect(emulatorWaveRtStats(pin)).toMatchObject({ packetMode: true, endOfStream: false, glitches: 0 });
    await until(() => emulatorWaveRtStats(pin).endOfStream, 'the end-of-stream packet played');
    expect(emulatorWaveRtStats(pin)).toMatchObject({ packetMode: true, endOfStream: true, glitches: 0 });
    // STOP ends packet mode; that the end-of-stream packet was played stays counted, as the lifetime counters do.
    pin.setState('stop');
    expect(emulatorWaveRtStats(pin)).toMatchObject({ packetMode: false, endOfStream: true });
  });

  it('PRESENTATION_POSITION and KSPROPERTY_AUDIO_POSITION follow the DMA (render: WriteOffset FifoSize ahead)', async () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    const { size } = allocate(pin, 192000);
    pin.setState('run');
    await sleep(30);
    pin.setState('pause');
    const presentation = pin.getProperty(RT, KSPROPERTY_RTAUDIO.PRESENTATION_POSITION, { size: 16 });
    const frames = Number(presentation.readBigUInt64LE(0));
    expect(frames).toBeGreaterThanOrEqual(48 * 25);
    expect(presentation.readBigUInt64LE(8)).not.toBe(0n);
    const position = pin.getProperty(KSPROPSETID.Audio, KSPROPERTY_AUDIO.POSITION, { size: 16 });
    expect(Number(position.readBigUInt64LE(0))).toBe((frames * 4) % size);
    expect(Number(position.readBigUInt64LE(8))).toBe((frames * 4 + 256) % size);
    // Nothing was written: the DMA met unwritten words, a glitch by the emulator's rule.
    expect(emulatorWaveRtStats(pin).glitches).toBeGreaterThan(0);
  });

  it('has no packet registers (PACKETVREGISTER: STATUS_NOT_SUPPORTED)', () => {
    using filter = openSpeakers();
    using pin = looped(filter);
    expectKsError(() => pin.getProperty(RT, KSPROPERTY_RTAUDIO.PACKETVREGISTER, { instance: Buffer.alloc(8), size: 24 }), 'STATUS_NOT_SUPPORTED');
  });
});
