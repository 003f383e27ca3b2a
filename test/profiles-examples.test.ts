// The example profiles in profiles/ (an HD Audio WaveRT endpoint and a UVC camera, built by
// scripts/example-profiles.js from documented driver behaviour) load, and a client sees them as those drivers
// present themselves. Expected values are written here from the documents, not read back from the builder.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { decodeAllocatorFramingEx, emulatorWaveRtStats, extensibleFormat, KsError, KSPROPSETID, loadProfile, openFilter, type LoadedProfile } from '../lib/index';
import { expectKsError } from './helpers';
import { waveRtPlayedChecksum } from './render-oracle';

const root = path.join(__dirname, '..');
const load = (file: string): LoadedProfile => loadProfile(fs.readFileSync(path.join(root, 'profiles', file)));
const VIDEOPROCAMP = '{C6E13360-30AC-11D0-A18C-00A0C9118956}';
const CAMERACONTROL = '{C6E13370-30AC-11D0-A18C-00A0C9118956}';
const STREAM_INTERFACE = '{1FDD8EE1-9CD3-11D0-82AA-0000F822FE8A}';
const RT_AUDIO = '{A855A48C-2F78-4729-9051-1968746B9EEF}';
const JACK = '{4509F757-2D46-4637-8E62-CE7DB944F57B}';

describe('the example profiles', () => {
  it('are what scripts/example-profiles.js builds (no hand edits drift from the builder)', () => {
    expect(() => execFileSync(process.execPath, [path.join(root, 'scripts', 'example-profiles.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('UVC camera: YUY2 ranges, no legacy framing, ALLOCATORFRAMING_EX, 128-byte headers, camera-control ranges', () => {
    using camera = load('uvc-camera.json');
    using filter = openFilter(camera.devices[0].path, { backend: 'emulator' });
    const [pin] = filter.pins();
    expect(pin).toMatchObject({ name: 'Capture', dataFlow: 'out', communication: 'sink', category: '{FB6C4281-0353-11D1-905F-0000C0CC16BA}' });
    const YUY2 = '{32595559-0000-0010-8000-00AA00389B71}';
    expect(pin.dataRanges.map((r) => [r.video?.configCaps.inputSize.cx, r.video?.configCaps.inputSize.cy, r.subFormat, r.video?.configCaps.minFrameInterval])).toEqual([
      [640, 480, YUY2, 333333n], // 30 frames/s in 100 ns units
      [1280, 720, YUY2, 1000000n], // 10 frames/s
    ]);
    using instance = filter.createPin({ pinId: 0 });
    // AVStream answers only the _EX framing (KS-NOTES): the legacy id is refused as an id the set has no item for.
    expectKsError(() => instance.getProperty(KSPROPSETID.Connection, 3), 'STATUS_NOT_FOUND');
    const ex = decodeAllocatorFramingEx(instance.getProperty(KSPROPSETID.Connection, 6));
    expect(ex.items).toHaveLength(1);
    expect(ex.items[0]).toMatchObject({ frames: 2, fileAlignment: 0x7f });
    expect(instance.getProperty(STREAM_INTERFACE, 0).readUInt32LE(0)).toBe(56 + 72);
    // Brightness: BASICSUPPORT's stepped range −64..64 step 1; DEFAULTVALUES 0; hue is not offered.
    const brightness = filter.supports(VIDEOPROCAMP, 0, { instance: Buffer.alloc(16) })!;
    expect(brightness).toMatchObject({ get: true, set: true });
    const members = brightness.raw.subarray(40);
    expect([members.readUInt32LE(0), members.readUInt32LE(8)]).toEqual([2, 1]); // STEPPEDRANGES, one range
    expect([members.readUInt32LE(16), members.readInt32LE(24), members.readInt32LE(28)]).toEqual([1, -64, 64]);
    expect(filter.supports(VIDEOPROCAMP, 2, { instance: Buffer.alloc(16) })).toBeNull();
    // Through the typed API, by the ksmedia.h ids: saturation is id 3, white balance 7 (auto and manual), no hue (2).
    expect(filter.cameraControl('saturation')).toMatchObject({ minimum: 0, maximum: 100, default: 64, value: 64 });
    expect(filter.cameraControl('whiteBalance')).toMatchObject({ minimum: 2800, maximum: 6500, default: 4600, canAuto: true, canManual: true });
    expect(filter.cameraControl('sharpness')).toMatchObject({ minimum: 1, maximum: 7, default: 2 });
    expect(filter.cameraControls().map((c) => c.name)).not.toContain('hue');
    const focus = filter.getProperty(CAMERACONTROL, 6, { instance: Buffer.alloc(16) });
    expect([focus.length, focus.readInt32LE(24), focus.readUInt32LE(28), focus.readUInt32LE(32)]).toEqual([40, 0, 1, 3]); // auto, auto|manual
  });

  it('HD Audio endpoint: a WaveRT wave filter (LOOPED_STREAMING, mode attribute list, REALTIME) joined to its topology filter', () => {
    using endpoint = load('hd-audio-speakers.json');
    expect(endpoint.devices.map((d) => d.name)).toEqual(['Speakers (HD Audio example)', 'Speakers topology (HD Audio example)']);
    using wave = openFilter(endpoint.devices[0].path, { backend: 'emulator' });
    const [host, bridge] = wave.pins();
    expect(host).toMatchObject({ dataFlow: 'in', communication: 'sink' });
    expect(host.interfaces).toEqual([{ set: '{1A8766A0-62CE-11CF-A5D6-28DB04C10000}', id: 1, flags: 0 }]); // KSINTERFACE_STANDARD_LOOPED_STREAMING
    expect(host.dataRanges).toHaveLength(1);
    expect(host.dataRanges[0].audio).toEqual({ maximumChannels: 2, minimumBitsPerSample: 16, maximumBitsPerSample: 32, minimumSampleFrequency: 44100, maximumSampleFrequency: 192000 });
    expect(host.dataRanges[0].attributes?.length).toBe(8 + 24);
    expect(bridge.physicalConnection?.path).toBe(endpoint.devices[1].path);
    expect(wave.topology().categories).toContain('{EB115FFC-10C8-4964-831D-6DCB02E6F23F}'); // KSCATEGORY_REALTIME

    using topology = openFilter(endpoint.devices[1].path, { backend: 'emulator' });
    expect(topology.topology().nodes.map((n) => n.name)).toEqual(['Speakers Volume', 'Speakers Mute']);
    expect(topology.nodeVolume(0, 1)).toBe(-20);
    expect(topology.nodeMute(1, 0)).toBe(false);
    expectKsError(() => topology.nodeVolume(0, 2), 'STATUS_INVALID_PARAMETER');
    // KSJACK_DESCRIPTION on the bridge pin: stereo, green, 3.5 mm, connected.
    const jack = topology.getProperty(JACK, 1, { instance: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]) });
    expect([jack.readUInt32LE(4), jack.readUInt32LE(8), jack.readUInt32LE(12), jack.readUInt32LE(16), jack.readUInt32LE(32)]).toEqual([1, 3, 0xb3c98c, 1, 1]);
    expect(() => wave.getProperty(RT_AUDIO, 8)).toThrow(KsError); // RtAudio lives on pin instances, not the filter
  });

  it.each(['event', 'polled', 'packet'] as const)('HD Audio endpoint: plays audio through its replayed WaveRT pin in %s mode, every byte', async (mode) => {
    using endpoint = load('hd-audio-speakers.json');
    using wave = openFilter(endpoint.devices[0].path, { backend: 'emulator' });
    using pin = wave.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    expect(pin.waveRt).toBe(true);
    const data = Buffer.alloc(48000 * 4 * 0.3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 29 + (i >> 11)) & 0xff;
    await pin.write(data, { endOfStream: true, waveRt: { mode, latencyMs: 100 } });
    expect(pin.streamingKind).toBe(`wavert-${mode}`);
    const stats = emulatorWaveRtStats(pin);
    expect(stats.glitches, `glitches in the emulated DMA's late steps: ${stats.glitchesInLateSteps} of ${stats.lateSteps} late steps, the longest ${stats.longestStepMs} ms`).toBe(0);
    expect(stats.bytes).toBeGreaterThanOrEqual(data.length);
    expect(stats.checksum).toBe(waveRtPlayedChecksum(Buffer.concat([data, Buffer.alloc(stats.bytes - data.length)])));
  });
});
