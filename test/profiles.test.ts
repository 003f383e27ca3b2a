// Device profiles: record every emulated device, replay it, and compare what a client sees; the recorder's safety
// (no SET, no streaming), misbehaving answers kept as answered, anonymizing, refusing bad documents, the CLI and
// KS_EMULATOR_PROFILES.
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  defineVirtualDevice,
  emulatorWaveRtStats,
  encodeAudioRange,
  KSPROPSETID,
  KsError,
  listDevices,
  loadProfile,
  openFilter,
  parseProfile,
  recordProfile,
  type ProfileDocument,
} from '../lib/index';
import { cli } from './cli-process';
import { expectIndexSignal } from './helpers';
import { expectSameSurface } from './profile-surface';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-profiles-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const builtIn = () => listDevices({ backend: 'emulator' }).filter((d) => d.path.includes('#0'));

describe('recordProfile → loadProfile', () => {
  it('replays every emulated device so that inspect --json sees the same pins, ranges, framing, topology and sets', async () => {
    const devices = builtIn();
    expect(devices.map((d) => d.friendlyName)).toEqual(expect.arrayContaining(['KS Emulator Audio Capture', 'KS Emulator Audio Render', 'KS Emulator Video Capture']));
    for (const device of devices) {
      const document = recordProfile(device);
      using loaded = loadProfile(JSON.stringify(document));
      await expectSameSurface(device, document, loaded);
    }
  });

  it('streams from a replayed capture pin: the same bytes as the original in the negotiated format', async () => {
    const device = builtIn().find((d) => d.friendlyName === 'KS Emulator Audio Capture')!;
    using loaded = loadProfile(recordProfile(device));
    const first = async (p: string) => {
      using filter = openFilter(p, { backend: 'emulator' });
      using pin = filter.createPin({ pinId: 0 });
      const chunks: Buffer[] = [];
      for await (const frame of pin.frames({ frameSize: 1920 })) {
        chunks.push(Buffer.from(frame.data));
        if (chunks.length === 4) break;
      }
      return { format: pin.dataFormat, bytes: Buffer.concat(chunks) };
    };
    const a = await first(device.path);
    const b = await first(loaded.devices[0].path);
    expect(b.format).toEqual(a.format);
    expect(b.bytes.length).toBe(4 * 1920);
    expect(b.bytes.equals(a.bytes)).toBe(true);
  });

  it.each(['event', 'polled', 'packet'] as const)('streams from a replayed WaveRT microphone in %s mode: every sample frame its index, no glitch', async (mode) => {
    const device = builtIn().find((d) => d.friendlyName === 'KS Emulator WaveRT Microphone')!;
    using loaded = loadProfile(recordProfile(device));
    using filter = openFilter(loaded.devices[0].path, { backend: 'emulator' });
    using pin = filter.createPin({ pinId: 0 });
    expect(pin.waveRt).toBe(true);
    // The pin's own choice (DATAINTERSECTION): WAVEFORMATEXTENSIBLE, 24 valid bits in 32, as the original offers it.
    expect(pin.dataFormat.extensible).toMatchObject({ channels: 2, sampleRate: 48000, bitsPerSample: 32, validBitsPerSample: 24 });
    let frames = 0;
    for await (const frame of pin.frames({ mode, latencyMs: 100, frameSize: 1920 })) {
      frames = expectIndexSignal(frame.data, frames, 8, `${mode} replay`);
      if (frames >= 48000 * 0.2) break;
    }
    expect(pin.streamingKind).toBe(`wavert-${mode}`);
    expect(emulatorWaveRtStats(pin).glitches).toBe(0);
  });

  it('sends only GET, BASICSUPPORT, SETSUPPORT and DEFAULTVALUES requests, and keeps a misbehaving answer as it came', () => {
    const seen: string[] = [];
    let sizeQueries = 0;
    const device = defineVirtualDevice({
      name: 'Profile Probe Device',
      categories: ['AUDIO', 'CAPTURE'],
      pins: [{ dataFlow: 'out', dataRanges: [encodeAudioRange({ maximumChannels: 2 })] }],
      properties: [
        {
          set: KSPROPSETID.General,
          id: 0,
          // The size query says 96 bytes, the data query then answers BUFFER_OVERFLOW again with nothing (PortAudio #1176's driver).
          onGet: (r) => {
            seen.push(`get:${r.flags}`);
            if (r.outputLength === 0) sizeQueries++;
            return { status: 'STATUS_BUFFER_OVERFLOW', information: 96 };
          },
          onSet: () => {
            seen.push('SET');
          },
          onBasicSupport: () => {
            seen.push('basic');
            return Buffer.from([3, 2, 0, 0]);
          },
        },
      ],
    });
    try {
      const document = recordProfile(device.path, { backend: 'emulator' });
      expect(seen).not.toContain('SET');
      expect(sizeQueries).toBe(1);
      const entry = document.filters[0].requests.find((q) => q.set === KSPROPSETID.General && q.kind === 'get')!;
      expect(entry.sizeQuery).toEqual({ status: { scheme: 'ntstatus', value: 0x80000005, name: 'STATUS_BUFFER_OVERFLOW' }, information: 96 });
      expect(entry.reply.status.name).toBe('STATUS_BUFFER_OVERFLOW');
      expect(entry.reply.data).toBe('');
      for (const f of document.filters) for (const q of f.requests) expect([0x1, 0x100, 0x200, 0x10000]).toContain(q.flags & 0xffff0fff);
      // Replayed, the same misbehaviour: a size query gives 96, the data query overflows again with no bytes.
      using loaded = loadProfile(document);
      using filter = openFilter(loaded.devices[0].path, { backend: 'emulator' });
      const request = Buffer.alloc(24);
      Buffer.from('A5ED6414-8F6A-D111-9AA7-00A0C9223196'.replace(/-/g, ''), 'hex').copy(request, 0); // KSPROPSETID_General, byte order as in memory
      request.writeUInt32LE(0, 16);
      request.writeUInt32LE(1, 20);
      expect(filter.ioctl(0x2f0003, request, null).slice(1)).toEqual([0x80000005, 96]);
      expect(filter.ioctl(0x2f0003, request, Buffer.alloc(96)).slice(1)).toEqual([0x80000005, 96]);
      expect(() => filter.getProperty(KSPROPSETID.General, 0)).toThrow(KsError);
    } finally {
      device.remove();
    }
  });

  it('anonymize leaves no device path or instance id anywhere in the document, and says so', () => {
    const device = builtIn().find((d) => d.friendlyName === 'KS Emulator Audio Render')!;
    const document = recordProfile(device, { anonymize: true });
    const text = JSON.stringify(document);
    expect(document.anonymized).toBe(true);
    expect(document.contains.join('\n')).toContain('no device paths or instance ids');
    for (const d of listDevices({ backend: 'emulator' })) {
      expect(text.toLowerCase()).not.toContain(d.path.toLowerCase().replace(/\\/g, '\\\\'));
      expect(text).not.toContain(Buffer.from(d.path.slice(4), 'utf16le').toString('base64').slice(0, 40));
      if (d.instanceId) expect(text).not.toContain(d.instanceId.replace(/\\/g, '\\\\'));
    }
    // Still replays, with the physical connection rebuilt from the document's own keys.
    using loaded = loadProfile(document);
    using filter = openFilter(loaded.devices[0].path, { backend: 'emulator' });
    expect(filter.pinInfo(1).physicalConnection?.path).toBe(loaded.devices[1].path);
  });
});

describe('parseProfile refuses what it cannot trust', () => {
  const good = () => JSON.parse(JSON.stringify(recordProfile(builtIn().find((d) => d.friendlyName === 'KS Emulator Audio Capture')!))) as ProfileDocument;
  const refused = (input: unknown, message: RegExp) => {
    let caught: unknown;
    try {
      loadProfile(input as object);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KsError);
    expect((caught as KsError).message).toMatch(message);
  };

  it('a truncated or corrupt file, another format, a newer version', () => {
    const text = JSON.stringify(good());
    refused(text.slice(0, text.length / 2), /not JSON \(truncated or corrupt\?\)/);
    refused('[]', /must be a JSON object/);
    refused({ ...good(), format: 'something-else' }, /profile\.format: must be 'kernel-streaming-profile'/);
    refused({ ...good(), version: 2 }, /profile\.version: is 2; this package reads version 1 and older/);
    refused({ ...good(), filters: [] }, /profile\.filters: must be a non-empty array/);
  });

  it('impossible sizes and broken fields, each named', () => {
    const bigInformation = good();
    bigInformation.filters[0].requests[0].reply.information = 0x7fffffff;
    refused(bigInformation, /requests\[0\]\.reply\.information: claims 2147483647 bytes/);
    const lying = good();
    const withData = lying.filters[0].requests.findIndex((q) => q.reply.data.length > 8);
    lying.filters[0].requests[withData].reply.information = 1;
    refused(lying, new RegExp(`requests\\[${withData}\\]\\.reply\\.data: holds \\d+ bytes but Information says 1`));
    const notBase64 = good();
    notBase64.filters[0].requests[0].instance = '***';
    refused(notBase64, /requests\[0\]\.instance: is not base64/);
    const badKind = good();
    (badKind.filters[0].requests[0] as { kind: string }).kind = 'set';
    refused(badKind, /requests\[0\]\.kind: must be one of get, basicSupport, setSupport, defaultValues, got "set"/);
    const manyPins = good();
    const ctypes = manyPins.filters[0].requests.find((q) => q.set === KSPROPSETID.Pin && q.id === 1 && q.kind === 'get')!;
    ctypes.reply.data = Buffer.from([0xa0, 0x86, 0x01, 0x00]).toString('base64'); // 100,000 pin factories
    refused(manyPins, /CTYPES says 100000 pin factories, more than 256/);
    const dangling = good();
    dangling.filters[0].physicalConnections = [{ pinId: 0, filter: 'filter9', pinIdThere: 0 }];
    refused(dangling, /names filter "filter9", which the profile does not hold/);
    expect(() => parseProfile(good())).not.toThrow();
  });

  it('a refused document defines no device', () => {
    const before = listDevices({ backend: 'emulator' }).length;
    const broken = good();
    broken.filters.push({ ...broken.filters[0], key: 'filter1', categories: ['not-a-guid'] });
    refused(broken, /filters\[1\]\.categories\[0\]/);
    expect(listDevices({ backend: 'emulator' })).toHaveLength(before);
  });
});

describe('kernel-streaming profile, and KS_EMULATOR_PROFILES', { timeout: 180_000 }, () => {
  it('records to a file, which a later process replays from the folder named by KS_EMULATOR_PROFILES', async () => {
    const folder = path.join(tmp, 'profiles');
    fs.mkdirSync(folder);
    const out = path.join(folder, 'camera.json');
    const recorded = await cli(['profile', 'Video Capture', '--out', out, '--anonymize']);
    expect(recorded.code, recorded.err).toBe(0);
    expect(recorded.err).toMatch(/recorded 1 filter\(s\) \("KS Emulator Video Capture"\), \d+ requests, anonymized/);
    expect(parseProfile(fs.readFileSync(out)).anonymized).toBe(true);
    const listed = await cli(['list', '--json'], { env: { KS_EMULATOR_PROFILES: folder } });
    expect(listed.code, listed.err).toBe(0);
    const names = (JSON.parse(listed.out) as { friendlyName: string }[]).map((d) => d.friendlyName);
    expect(names.filter((n) => n === 'KS Emulator Video Capture')).toHaveLength(2);
    const broken = path.join(tmp, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'bad.json'), '{"format":"kernel-streaming-profile","version":9}');
    const refused = await cli(['list'], { env: { KS_EMULATOR_PROFILES: broken } });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/load profile bad\.json: .*profile\.version: is 9/);
  });

  it('prints the profile with --out -, and refuses a missing device', async () => {
    const printed = await cli(['profile', 'System Clock', '--out', '-']);
    expect(printed.code, printed.err).toBe(0);
    expect(parseProfile(printed.out).filters[0].friendlyName).toBe('KS Emulator System Clock');
    const missing = await cli(['profile', 'No Such Device', '--out', '-']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no device named "No Such Device"');
  });
});
