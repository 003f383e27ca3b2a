// What a new user reaches for first: a device by name, a pin without a format, record()/play(), the WAV writer's
// EXTENSIBLE and float forms, and error messages that name properties and ranges instead of GUIDs.
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findDevice, openFilter, pcmFormat, play, readWav, record, videoFormat, WavWriter, KSDATAFORMAT } from '../lib/index';
import { measureNativeLoop } from '../lib/streaming/native-loop';
import { setEmulatorPacing } from '../lib/index';
import { expectIndexSignal, expectKsError } from './helpers';
import { testBackend, throughBridge } from './test-backend';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-api-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * A status as the message names it: the NTSTATUS from the emulator; through the bridge what Windows reports, the
 * Win32 code DeviceIoControl gives (RtlNtStatusToDosError), or the HRESULT of the *2 entry points.
 */
const reported = (ntStatus: string, windows: string): string => (throughBridge() ? windows : ntStatus);

describe('devices by name', () => {
  it('openFilter takes a unique part of a friendly name, case-insensitively', () => {
    using filter = openFilter('audio capture', { backend: testBackend() });
    expect(filter.path).toBe(findDevice('KS Emulator Audio Capture', { backend: testBackend() }).path);
  });

  it('a name matching several devices lists them (ERR_DEVICE_AMBIGUOUS); one matching none lists what exists', () => {
    const ambiguous = expectKsError(() => openFilter('Audio', { backend: testBackend() }), 'ERR_DEVICE_AMBIGUOUS');
    expect(ambiguous.message).toContain('"Audio" matches 2 devices: "KS Emulator Audio Capture"');
    expect((ambiguous.details.matches as unknown[]).length).toBe(2);
    const none = expectKsError(() => openFilter('Theremin', { backend: testBackend() }), 'ERR_DEVICE_NOT_FOUND');
    expect(none.message).toContain(`no device named "Theremin" (the ${testBackend()} backend has: "KS Emulator Audio Capture"`);
    // An exact name wins over names it is part of; a category narrows the search.
    expect(findDevice('KS Emulator Audio Render', { backend: testBackend() }).friendlyName).toBe('KS Emulator Audio Render');
    expect(findDevice('Audio', { backend: testBackend(), category: 'RENDER' }).friendlyName).toBe('KS Emulator Audio Render');
  });
});

describe('createPin without a format', () => {
  it('takes the pin\'s DATAINTERSECTION choice and says which it was', () => {
    using filter = openFilter('Audio Capture', { backend: testBackend() });
    using pin = filter.createPin({ pinId: 0 });
    expect(pin.negotiation).toEqual({ by: 'DATAINTERSECTION', description: '48000 Hz 2-channel 24-bit PCM' });
    expect(pin.currentDataFormat().wave).toMatchObject({ channels: 2, sampleRate: 48000, bitsPerSample: 24 });
    using given = filter.createPin({ pinId: 1, dataFormat: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    expect(given.negotiation).toBe(null);
  });
});

describe('formats as Windows drivers expect them', () => {
  it('pcmFormat builds WAVEFORMATEXTENSIBLE past 2 channels or 16 bits, and for float', () => {
    expect(pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }).wave!.formatTag).toBe(1);
    for (const init of [
      { channels: 2, sampleRate: 48000, bitsPerSample: 24 },
      { channels: 6, sampleRate: 48000, bitsPerSample: 16 },
      { channels: 2, sampleRate: 48000, bitsPerSample: 32, float: true },
    ]) {
      const f = pcmFormat(init);
      expect(f.wave!.formatTag, JSON.stringify(init)).toBe(0xfffe);
      expect(f.specifierData.length).toBe(40);
      expect(f.extensible!.subFormat).toBe(init.float ? KSDATAFORMAT.SUBTYPE_IEEE_FLOAT : KSDATAFORMAT.SUBTYPE_PCM);
      expect(f.subFormat).toBe(f.extensible!.subFormat);
    }
    expect(() => pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16, float: true })).toThrow('pcm.bitsPerSample must be 32 or 64 for float samples, got 16');
    expect(videoFormat({ width: 640, height: 480, subtype: 'NV12', fps: 30 }).subFormat).toBe(KSDATAFORMAT.SUBTYPE_NV12);
    expect(() => videoFormat({ width: 640, height: 480, subtype: 'NV21' as never, fps: 30 })).toThrow('video.subtype must be one of YUY2, NV12, RGB24, RGB32 or a KSDATAFORMAT.SUBTYPE_* GUID, got "NV21"');
  });

  it('a refused audio format names the field outside the pin\'s ranges, and the ranges; the status once', () => {
    using filter = openFilter('Audio Render', { backend: testBackend() });
    const e = expectKsError(() => filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 96000, bitsPerSample: 16 }) }), 'STATUS_NO_MATCH');
    expect(e.message).toBe(
      `create pin: ${reported('STATUS_NO_MATCH (0xC0000272)', 'ERROR_NO_MATCH (0x80070491)')}: pin 0 does not accept this format (96000 Hz 2-channel 16-bit PCM): its data ranges offer audio PCM ≤2 ch, 16-24 bit, 44100-48000 Hz; sampleRate 96000 is outside every range (44100-48000 Hz)`,
    );
    expect(e.details.reason).toBe('format-refused');
    const channels = expectKsError(() => filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 6, sampleRate: 48000, bitsPerSample: 32 }) }), 'STATUS_NO_MATCH');
    expect(channels.message).toContain("channels 6 is above every range's maximum (≤2); bitsPerSample 32 is outside every range (16-24 bits)");
  });

  it('property and node failures name the property, the pin or node, and the valid range', () => {
    using filter = openFilter('Audio Render', { backend: testBackend() });
    const pin = expectKsError(() => filter.pinInfo(5), 'STATUS_INVALID_PARAMETER');
    expect(pin.message).toBe(
      `get KSPROPERTY_PIN_DATAFLOW of pin 5: ${reported('STATUS_INVALID_PARAMETER (0xC000000D)', 'ERROR_INVALID_PARAMETER (0x00000057)')}: pin 5 is past the filter's 2 pin factories (pin ids 0..1)`,
    );
    const node = expectKsError(() => filter.nodeVolume(1, 0), 'STATUS_NOT_FOUND');
    expect(node.message).toBe(`get KSPROPERTY_AUDIO_VOLUMELEVEL on node 1 channel 0 (KSNODETYPE_MUTE): ${reported('STATUS_NOT_FOUND (0xC0000225)', 'ERROR_NOT_FOUND (0x00000490)')}`);
    const past = expectKsError(() => filter.nodeMute(7, 0), 'STATUS_NOT_FOUND');
    expect(past.message).toContain("node 7 is past the filter's 3 nodes (node ids 0..2)");
    for (const err of [pin, node, past]) expect(err.message.split(err.code).length).toBe(2); // the status once
  });
});

describe('record() and play()', () => {
  it('record() writes seconds of the device\'s audio to a WAV file, every sample in place', async () => {
    const file = path.join(tmp, 'record.wav');
    const result = await record('Audio Capture', { seconds: 0.25, out: file, format: { channels: 2, sampleRate: 48000, bitsPerSample: 16 }, backend: testBackend() });
    expect(result).toEqual({ format: '48000 Hz 2-channel 16-bit PCM', frames: 12000, bytes: 48000, seconds: 0.25 });
    const { wave, data } = readWav(file);
    expect(wave).toEqual({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    expect(data.length).toBe(48000);
    expectIndexSignal(data, 0, 4, 'the recorded WAV data');
  });

  it('record() stops at an abort signal with the file finalized', async () => {
    const file = path.join(tmp, 'aborted.wav');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const result = await record('Audio Capture', { seconds: 600, out: file, signal: abort.signal, backend: testBackend(), format: { channels: 2, sampleRate: 48000, bitsPerSample: 16 } });
    expect(result.seconds).toBeLessThan(600);
    expect(readWav(file).data.length).toBe(result.bytes);
  });

  it('play() renders a 24-bit WAVE_FORMAT_EXTENSIBLE file (what sox writes) to the render device', async () => {
    const file = path.join(tmp, 'deep.wav');
    const wav = new WavWriter(file, { channels: 2, sampleRate: 48000, bitsPerSample: 24 });
    wav.write(Buffer.alloc(6 * 4800, 7));
    wav.close();
    expect(fs.readFileSync(file).readUInt16LE(20)).toBe(0xfffe);
    expect(await play('Audio Render', file, { backend: testBackend() })).toEqual({ format: '48000 Hz 2-channel 24-bit PCM', frames: 4800, bytes: 28800, seconds: 0.1 });
    await expect(play('Audio Render', path.join(tmp, 'missing.wav'))).rejects.toThrow('no file');
  });
});

describe('WAV files', () => {
  it('reads back what it writes: EXTENSIBLE 6-channel and float, the header sizes patched', () => {
    const file = path.join(tmp, 'six.wav');
    const wav = new WavWriter(file, { channels: 6, sampleRate: 48000, bitsPerSample: 16, channelMask: 0x3f });
    const samples = Buffer.from(Array.from({ length: 12 * 10 }, (_, i) => i & 0xff));
    wav.write(samples);
    wav.close();
    const bytes = fs.readFileSync(file);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(readWav(file)).toEqual({ wave: { channels: 6, sampleRate: 48000, bitsPerSample: 16, validBitsPerSample: 16, channelMask: 0x3f }, data: samples });
    const float = path.join(tmp, 'float.wav');
    const f = new WavWriter(float, { channels: 2, sampleRate: 44100, bitsPerSample: 32, float: true });
    f.write(Buffer.alloc(8));
    f.close();
    expect(readWav(float).wave).toEqual({ channels: 2, sampleRate: 44100, bitsPerSample: 32, validBitsPerSample: 32, channelMask: 3, float: true });
  });

  it('reads a plain WAVE_FORMAT_IEEE_FLOAT file and refuses compressed ones, saying what it reads', () => {
    const plain = Buffer.alloc(44 + 8);
    plain.write('RIFF', 0, 'ascii');
    plain.writeUInt32LE(plain.length - 8, 4);
    plain.write('WAVEfmt ', 8, 'ascii');
    plain.writeUInt32LE(16, 16);
    plain.writeUInt16LE(3, 20); // WAVE_FORMAT_IEEE_FLOAT
    plain.writeUInt16LE(1, 22);
    plain.writeUInt32LE(8000, 24);
    plain.writeUInt32LE(32000, 28);
    plain.writeUInt16LE(4, 32);
    plain.writeUInt16LE(32, 34);
    plain.write('data', 36, 'ascii');
    plain.writeUInt32LE(8, 40);
    plain.writeFloatLE(0.5, 44);
    expect(readWav(plain).wave).toEqual({ channels: 1, sampleRate: 8000, bitsPerSample: 32, float: true });
    plain.writeUInt16LE(2, 20); // MS ADPCM
    expect(() => readWav(plain, 'adpcm.wav')).toThrow('adpcm.wav: format tag 2 (0x2) is a compressed or unknown encoding; this reads PCM (8/16/24/32-bit) and float (32/64-bit) WAV files');
  });
});

describe('the benchmark hook, off the package root', () => {
  it('measureNativeLoop(pin) moves whole packets with no JavaScript in the loop', () => {
    using filter = openFilter('Audio Capture', { backend: testBackend() });
    using pin = filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    setEmulatorPacing(pin, 'unthrottled');
    pin.start();
    const r = measureNativeLoop(pin, { packets: 4, frameSize: 1920, milliseconds: 20 });
    pin.stop();
    expect(r.frames).toBeGreaterThan(0);
    expect(r.bytes).toBe(r.frames * 1920);
    expect(() => measureNativeLoop(pin, { packets: 0, frameSize: 1920, milliseconds: 20 })).toThrow(RangeError);
    expect('measureNativeLoop' in pin).toBe(false);
  });
});
