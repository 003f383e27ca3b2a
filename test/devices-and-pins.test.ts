// Enumeration, backend choice, pin factories and pin creation on the emulator.
import { describe, expect, it } from 'vitest';
import {
  KSCATEGORY,
  KSDATAFORMAT,
  KsError,
  capabilities,
  listDevices,
  openFilter,
  openHandleCount,
  pcmFormat,
} from '../lib/index';
import { emulatedCapturePath, expectKsError, openCapture, sameFailure, stereo48k } from './helpers';
import { testBackend, throughBridge } from './test-backend';

describe('listDevices', () => {
  it('lists the emulated capture device under AUDIO and CAPTURE, not RENDER', () => {
    const audio = listDevices({ category: 'AUDIO', backend: 'emulator' });
    expect(audio.map((d) => d.friendlyName)).toEqual([
      'KS Emulator Audio Capture',
      'KS Emulator Audio Render',
      'KS Emulator Mode-Aware Microphone',
      'KS Emulator USB PnP Sound Device',
      'KS Emulator WaveRT Speakers',
      'KS Emulator WaveRT Speakers Topology',
      'KS Emulator WaveRT Microphone',
      'KS Emulator WaveRT Microphone Topology',
    ]);
    // In the full list's order (each filter where it first appears, categories in KSCATEGORY's order: AUDIO before VIDEO).
    expect(listDevices({ category: KSCATEGORY.CAPTURE, backend: 'emulator' }).map((d) => d.friendlyName)).toEqual([
      'KS Emulator Audio Capture',
      'KS Emulator Mode-Aware Microphone',
      'KS Emulator USB PnP Sound Device',
      'KS Emulator WaveRT Microphone',
      'KS Emulator Video Capture',
    ]);
    expect(listDevices({ category: 'RENDER', backend: 'emulator' }).map((d) => d.friendlyName)).toEqual([
      'KS Emulator Audio Render',
      'KS Emulator WaveRT Speakers',
    ]);
    const [device] = audio;
    expect(device.categories).toEqual(['AUDIO', 'CAPTURE']);
    expect(device.emulated).toBe(true);
    expect(device.backend).toBe('emulator');
    expect(device.instanceId).toBe('ROOT\\KSEMULATOR\\0000');
  });

  it('merges categories when no category is given', () => {
    const all = listDevices({ backend: 'emulator' });
    expect(all).toHaveLength(10);
    expect(all[0].categories).toEqual(['AUDIO', 'CAPTURE']);
    const named = (name: string) => all.find((d) => d.friendlyName === name);
    expect(named('KS Emulator Video Capture')?.categories).toEqual(['VIDEO', 'CAPTURE', 'VIDEO_CAMERA']);
    expect(named('KS Emulator Mode-Aware Microphone')?.categories).toEqual(['AUDIO', 'CAPTURE']);
    expect(named('KS Emulator System Clock')).toMatchObject({ categories: ['CLOCK'] });
    expect(named('KS Emulator WaveRT Microphone')?.categories).toEqual(['AUDIO', 'CAPTURE', 'REALTIME']);
    expect(named('KS Emulator USB PnP Sound Device')?.categories).toEqual(['AUDIO', 'CAPTURE']);
  });

  it('takes a GUID in any case and braces', () => {
    expect(listDevices({ category: '65e8773d-8f56-11d0-a3b9-00a0c9223196', backend: 'emulator' })).toHaveLength(5);
  });

  it('refuses an unknown category name with a RangeError listing the names', () => {
    expect(() => listDevices({ category: 'SPEAKERS' as never })).toThrow(/category must be one of AUDIO, VIDEO, RENDER, CAPTURE/);
  });

  it('refuses an unknown backend with a RangeError', () => {
    expect(() => listDevices({ backend: 'directsound' as never })).toThrow(/backend must be "windows" or "emulator"/);
  });

  it.skipIf(process.platform === 'win32')('says the Windows backend is unavailable off Windows', () => {
    expectKsError(() => listDevices({ backend: 'windows' }), 'ERR_BACKEND_UNAVAILABLE');
  });
});

describe('capabilities', () => {
  it('reports the emulator with no ksuser entry points', () => {
    const caps = capabilities({ backend: 'emulator' });
    expect(caps.backend).toBe('emulator');
    expect(caps.entryPoints).toEqual({});
    expect(caps.fallbackInUse).toBe(false);
    expect(caps.available.emulator).toBe(true);
    expect(caps.platform).toBe(process.env.KS_EXPECT_PLATFORM ?? process.platform);
  });

  it.skipIf(process.platform === 'win32')('defaults to the emulator where Windows KS is absent', () => {
    expect(capabilities().backend).toBe('emulator');
    expect(capabilities().available.windows).toBe(false);
  });
});

describe('openFilter', () => {
  it('fails a path with no device behind it with STATUS_OBJECT_NAME_NOT_FOUND and says which path', () => {
    const e = expectKsError(() => openFilter('\\\\?\\ROOT#KSEMULATOR#9999#{00000000-0000-0000-0000-000000000000}\\none'), 'STATUS_OBJECT_NAME_NOT_FOUND');
    expect(e.message).toContain('no device interface at');
    expect(e.win32).toBe(2);
    expect(openHandleCount()).toBe(0);
  });

  it('refuses an empty path with a TypeError', () => {
    expect(() => openFilter('')).toThrow(TypeError);
  });

  it('opens paths case-insensitively, as Windows does', () => {
    const path = emulatedCapturePath();
    const otherCase = path === path.toLowerCase() ? path.toUpperCase() : path.toLowerCase();
    using filter = openFilter(otherCase, { backend: testBackend() });
    expect(filter.pinCount()).toBe(2);
  });
});

describe('pin factories', () => {
  it('reports each pin\'s KSPROPSETID_Pin properties', () => {
    using filter = openCapture();
    const [capture, onboard] = filter.pins();
    expect(capture).toMatchObject({ pinId: 0, name: 'Capture', dataFlow: 'out', communication: 'sink', instances: { possible: 1, current: 0 } });
    expect(capture.category).toBe('{FB6C4281-0353-11D1-905F-0000C0CC16BA}');
    expect(capture.dataRanges).toHaveLength(1);
    expect(capture.dataRanges[0]).toMatchObject({
      formatSize: 88,
      majorFormat: KSDATAFORMAT.TYPE_AUDIO,
      subFormat: KSDATAFORMAT.SUBTYPE_PCM,
      specifier: KSDATAFORMAT.SPECIFIER_WAVEFORMATEX,
      audio: { maximumChannels: 2, minimumBitsPerSample: 16, maximumBitsPerSample: 24, minimumSampleFrequency: 8000, maximumSampleFrequency: 48000 },
    });
    expect(onboard.name).toBe('Capture (device memory)');
  });

  it('refuses a pin id past CTYPES with STATUS_INVALID_PARAMETER', () => {
    using filter = openCapture();
    expectKsError(() => filter.pinInfo(2), 'STATUS_INVALID_PARAMETER');
  });
});

describe('createPin', () => {
  it('creates a pin with KSPIN_CONNECT + KSDATAFORMAT_WAVEFORMATEX, counted in CINSTANCES', () => {
    using filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    // Through the bridge, the Windows backend's first choice: the *2 entry point of the ksuser.dll it loaded.
    expect(pin.createdWith).toBe(throughBridge() ? 'KsCreatePin2' : 'emulator');
    expect(filter.pinInfo(0).instances.current).toBe(1);
    const current = pin.currentDataFormat();
    expect(current.wave).toMatchObject({ formatTag: 1, channels: 2, sampleRate: 48000, bitsPerSample: 16, blockAlign: 4, avgBytesPerSec: 192000 });
    pin.close();
    expect(filter.pinInfo(0).instances.current).toBe(0);
  });

  it('tells a refused format (STATUS_NO_MATCH) from a pin with no instance left', () => {
    using filter = openCapture();
    const refused = expectKsError(() => filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 6, sampleRate: 48000, bitsPerSample: 16 }) }), 'STATUS_NO_MATCH');
    expect(refused.details.reason).toBe('format-refused');
    expect(refused.win32).toBe(0x491);
    filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    const busy = expectKsError(() => filter.createPin({ pinId: 0, dataFormat: stereo48k() }), 'STATUS_DEVICE_BUSY');
    expect(busy.details.reason).toBe('no-instance');
    expect(busy.message).toContain('CINSTANCES 1/1');
  });

  it('refuses a format whose WAVEFORMATEX contradicts itself with STATUS_NO_MATCH', () => {
    using filter = openCapture();
    const format = stereo48k();
    format.specifierData!.writeUInt32LE(1, 8); // nAvgBytesPerSec wrong
    expectKsError(() => filter.createPin({ pinId: 0, dataFormat: format }), 'STATUS_NO_MATCH');
  });

  it('refuses a non-streaming interface with STATUS_NO_MATCH', () => {
    using filter = openCapture();
    expectKsError(
      () => filter.createPin({ pinId: 0, dataFormat: stereo48k(), interface: { set: '{1A8766A0-62CE-11CF-A5D6-28DB04C10000}', id: 1 } }),
      'STATUS_NO_MATCH',
    );
  });

  it('refuses a bad pin id or format shape in TypeScript', () => {
    using filter = openCapture();
    expect(() => filter.createPin({ pinId: -1, dataFormat: stereo48k() })).toThrow(/pinId must be an integer/);
    expect(() => filter.createPin({ pinId: 0, dataFormat: null as never })).toThrow(TypeError);
    expect(() => filter.createPin({ pinId: 0, dataFormat: { ...stereo48k(), majorFormat: 'audio' } })).toThrow(/dataFormat\.majorFormat must be a GUID/);
    expect(() => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 12 })).toThrow(/bitsPerSample must be 8, 16, 24 or 32/);
  });

  it('walks the pin state machine one state at a time, up and down', () => {
    using filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    expect(pin.state()).toBe('stop');
    pin.setState('run');
    expect(pin.state()).toBe('run');
    pin.setState('acquire');
    expect(pin.state()).toBe('acquire');
    expect(() => pin.setState('running' as never)).toThrow(RangeError);
  });

  it('puts the kernel status in every KsError it throws', () => {
    using filter = openCapture();
    try {
      filter.createPin({ pinId: 9, dataFormat: stereo48k() });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KsError);
      expect(sameFailure(e as KsError, 'STATUS_INVALID_PARAMETER'), (e as KsError).message).toBe(true);
    }
  });
});
