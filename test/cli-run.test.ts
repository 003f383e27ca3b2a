// The kernel-streaming CLI's run() (what bin/kernel-streaming.js calls with the command line) in this test's own
// process, for what only the CLI's process can be given: virtual devices (lib/emulator: a device in a category of its
// own, pins of every dataflow and communication, property answers refused), an endpoint held by the Windows audio
// engine or an instance already open, and a terminal for the progress line. Everything else runs the CLI as a child
// process (cli.test.ts and the other cli-*.test.ts files).
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { AUDIO_SIGNALPROCESSINGMODE, encodeAudioRange, findDevice, guidToBuffer, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE, KSNODETYPE, KSPROPERTY_PIN, KSPROPERTY_RTAUDIO, KSPROPSETID, openFilter, setEmulatorAudioEngineHold, WavWriter, type VirtualPinDefinition } from '../lib/index';
import { extensibleFormat } from '../lib/formats/audio-format';
import { root, runHere, temporaryFolder } from './cli-process';
import { run } from '../lib/cli/main';
import { virtualDevices } from './helpers';

const tmp = temporaryFolder();

const virtual = virtualDevices();

const BACKEND = `backend: emulator — these devices are emulated (${process.platform === 'win32' ? 'chosen with KS_BACKEND=emulator or --backend' : `Windows KS is not available on ${process.platform}`})`;
const stereo = () => encodeAudioRange({ maximumChannels: 2, minimumBitsPerSample: 16, minimumSampleFrequency: 48000 });

describe('kernel-streaming list / inspect of devices the built-in ones do not cover', () => {
  it('lists a device in a category of its own only under that category, unnumbered, and inspects it by its path', async () => {
    const category = '{0B5C4A5E-1F0E-4D3A-9A57-5E2F2C6B7A10}';
    const odd = virtual('KS Test Own Category', [category], []);
    expect((await runHere(['list'])).out.some((line) => line.includes(odd.path))).toBe(false);
    const listed = await runHere(['list', '--category', category]);
    expect(listed.code).toBe(0);
    // The table's columns are as wide as their widest cell, two spaces apart; the number is "-": the full list has none.
    const categories = JSON.parse((await runHere(['list', '--category', category, '--json'])).out.join('\n'));
    expect(categories).toEqual([{ path: odd.path, friendlyName: 'KS Test Own Category', instanceId: expect.any(String), categories: [expect.stringMatching(/^\{0b5c4a5e-1f0e-4d3a-9a57-5e2f2c6b7a10\}$/i)], backend: 'emulator', emulated: true }]);
    const guid = categories[0].categories[0] as string;
    const w = [1, 'KS Test Own Category'.length, guid.length];
    expect(listed.out).toEqual([BACKEND, ['#'.padEnd(w[0]), 'name'.padEnd(w[1]), 'categories'.padEnd(w[2]), 'path'].join('  '), ['-', 'KS Test Own Category', guid, odd.path].join('  ')]);

    // Not in `list`, so not found by name: a \\-path opens as it is, named by its path, in no listed category.
    const text = await runHere(['inspect', odd.path]);
    expect(text).toMatchObject({ code: 0, err: [] });
    expect(text.out).toEqual([odd.path, `  path: ${odd.path}`, `  ${BACKEND}`, '  categories: (not listed)', '  property sets: Pin, Topology', '  pin factories: 0', '', '  topology: 0 nodes, 0 connections; categories none']);
    const json = JSON.parse((await runHere(['inspect', odd.path, '--json'])).out.join('\n'));
    expect(json.device).toEqual({ path: odd.path, friendlyName: odd.path, instanceId: '', categories: [], backend: 'emulator', emulated: true });
    // --json names the GUIDs of a list of GUIDs (categoriesNames), not of a list that mixes them with names.
    const mixed = virtual('KS Test Mixed Categories', ['AUDIO', category], []);
    const mixedJson = JSON.parse((await runHere(['inspect', mixed.path, '--json'])).out.join('\n'));
    expect(mixedJson.device.categories).toEqual(['AUDIO', guid]);
    expect(mixedJson.device).not.toHaveProperty('categoriesNames');
  });

  it('says when no device is in a category', async () => {
    const category = '{0B5C4A5E-1F0E-4D3A-9A57-5E2F2C6B7A11}';
    expect(await runHere(['list', '--category', category])).toEqual({ code: 0, out: [BACKEND, `no KS device interfaces in category ${category}`], err: [], progress: [] });
    expect(await runHere(['list', '--category', category, '--json'])).toMatchObject({ code: 0, out: ['[]'] });
  });

  it('says why a pin has no framing: not instantiable, no format it can build, or the instance refused', async () => {
    // A range of a major format this package builds no format for (KSDATARANGE: FormatSize, Flags, SampleSize, Reserved, three GUIDs).
    const opaque = Buffer.alloc(64);
    opaque.writeUInt32LE(64, 0);
    Buffer.from('00112233445566778899aabbccddeeff', 'hex').copy(opaque, 16);
    const device = virtual('KS Test Framing', ['AUDIO', 'CAPTURE'], [
      { name: 'Bridge', dataFlow: 'in', communication: 'bridge', dataRanges: [stereo()] },
      { name: 'None', dataFlow: 'out', communication: 'none', dataRanges: [stereo()] },
      { name: 'Opaque', dataFlow: 'out', communication: 'sink', dataRanges: [opaque] },
      // 12-bit samples: the format built from the range (16-bit words) is one the range refuses.
      { name: 'Refusing', dataFlow: 'out', communication: 'sink', dataRanges: [encodeAudioRange({ minimumBitsPerSample: 12 })] },
    ]);
    const { code, out } = await runHere(['inspect', device.path]);
    expect(code).toBe(0);
    const framing = out.filter((line) => line.startsWith('    allocator framing: '));
    expect(framing).toEqual([
      '    allocator framing: unavailable (not instantiable (bridge or no communication))',
      '    allocator framing: unavailable (not instantiable (bridge or no communication))',
      '    allocator framing: unavailable (no data range this tool can build a format for)',
      expect.stringMatching(/^ {4}allocator framing: unavailable \(\w+_NO_MATCH: create pin: .*: pin 3 does not accept this format \(48000 Hz 2-channel 16-bit PCM\): .*\)$/),
    ]);
    // And capture says so rather than guessing a format.
    const opaqueCapture = await runHere(['capture', 'KS Test Framing', '--pin', '2', '--out', path.join(tmp, 'opaque.raw')]);
    expect(opaqueCapture).toMatchObject({ code: 1, err: ['kernel-streaming: pin 2 has no audio or video data range this tool can build a format for; give --format RATE:CHANNELS:BITS[:float] for audio (e.g. 48000:2:16) or WIDTHxHEIGHT[@FPS][:SUBTYPE] for video (e.g. 640x480@30:yuy2; SUBTYPE one of yuy2, nv12, rgb24, rgb32)'] });
  });
});

describe('kernel-streaming inspect: a device described line by line in the test', () => {
  it('prints every line of a device whose pins and topology the test defines', async () => {
    const device = virtual(
      'KS Test Plain',
      ['AUDIO', 'CAPTURE'],
      [
        // No name, no category; framing with no frame count or size (0: no requirement), PagedPool (POOL_TYPE 1), an
        // alignment mask FILE_*_ALIGNMENT does not name (5: 6 bytes), no requirement flags.
        { dataFlow: 'out', communication: 'sink', instances: 2, necessaryInstances: 1, dataRanges: [stereo()], framing: { flags: 0, poolType: 1, frames: 0, frameSize: 0, fileAlignment: 0x5 } },
        // A WaveRT pin whose HWLATENCY says a 128-byte FIFO, 2 µs and 0.5 µs (20 and 5 in 100 ns units).
        { dataFlow: 'in', communication: 'sink', dataRanges: [stereo()], streaming: 'waveRt', waveRtLatency: { fifoSize: 128, chipsetDelay: 20, codecDelay: 5 } },
      ],
      // Pin 1 does not answer NECESSARYINSTANCES or GLOBALCINSTANCES (both optional in KS): the line leaves them out.
      [KSPROPERTY_PIN.NECESSARYINSTANCES, KSPROPERTY_PIN.GLOBALCINSTANCES].map((id) => ({
        set: KSPROPSETID.Pin,
        id,
        onGet: (r: { instanceId?: number }) => {
          if (r.instanceId === 1) return { status: 'STATUS_NOT_FOUND' };
          const value = Buffer.alloc(id === KSPROPERTY_PIN.NECESSARYINSTANCES ? 4 : 8);
          value.writeUInt32LE(id === KSPROPERTY_PIN.NECESSARYINSTANCES ? 1 : 2, 0);
          return value;
        },
      })),
      { nodes: [{ type: KSNODETYPE.ADC }], connections: [{ fromNode: 'filter', fromNodePin: 0, toNode: 0, toNodePin: 1 }] },
    );
    const { code, out, err } = await runHere(['inspect', device.path]);
    expect([code, err]).toEqual([0, []]);
    const range = '    range 0: audio PCM ≤2 ch, 16-16 bit, 48000-48000 Hz';
    expect(out).toEqual([
      'KS Test Plain',
      `  path: ${device.path}`,
      `  ${BACKEND}`,
      '  categories: AUDIO, CAPTURE',
      '  property sets: Pin, Topology',
      '  pin factories: 2',
      '',
      '  pin 0: (unnamed)',
      '    dataflow out, communication sink, category none',
      '    instances 0/2, global 0/2, necessary 1',
      '    interfaces: standard #0 (STREAMING); mediums: standard #0',
      range,
      '    allocator framing: 0 frames × 0 bytes, PagedPool, alignment 0x5 (6 B), requirements none',
      // KSSTREAM_HEADER is 56 bytes on 64-bit Windows (ks.h).
      '    streaming: any number of frames × unstated bytes, alignment 6 B (from ALLOCATORFRAMING); 56-byte stream headers',
      '',
      '  pin 1: (unnamed)',
      '    dataflow in, communication sink, category none',
      '    instances 0/1',
      '    interfaces: standard #1 (LOOPED_STREAMING); mediums: standard #0',
      range,
      '    allocator framing: unavailable (WaveRT pin (KSINTERFACE_STANDARD_LOOPED_STREAMING only): no allocator framing, it streams through a mapped cyclic buffer)',
      '    WaveRT: modes event, packet, polled; FIFO 128 bytes, chipset delay 2 µs, codec delay 0.5 µs',
      '',
      '  topology: 1 nodes, 1 connections; categories none',
      '    node 0: KSNODETYPE_ADC',
      '    pin 0 → node 0.1',
    ]);
  });
});

describe('kernel-streaming inspect: data ranges with attribute lists', () => {
  it('names the signal-processing modes and each other attribute (required or not), and says when a list is empty', async () => {
    // KSDATARANGE_AUDIO with KSDATARANGE_ATTRIBUTES (Flags 2), each followed by its KSMULTIPLE_ITEM of KSATTRIBUTEs
    // (Size, Flags — KSATTRIBUTE_REQUIRED is 1 —, the attribute GUID; the mode attribute adds its mode GUID). Count
    // counts the lists too (ks.h): 3 ranges and 3 lists.
    const range = () => {
      const r = stereo();
      r.writeUInt32LE(2, 4);
      return r;
    };
    const attribute = (guid: string, flags: number, mode?: string) => {
      const a = Buffer.alloc(mode ? 40 : 24);
      a.writeUInt32LE(a.length, 0);
      a.writeUInt32LE(flags, 4);
      guidToBuffer(guid).copy(a, 8);
      if (mode) guidToBuffer(mode).copy(a, 24);
      return a;
    };
    const list = (...items: Buffer[]) => {
      const head = Buffer.alloc(8);
      head.writeUInt32LE(8 + items.reduce((n, i) => n + i.length, 0), 0);
      head.writeUInt32LE(items.length, 4);
      return Buffer.concat([head, ...items]);
    };
    const unknown = '{33221100-5544-7766-8899-AABBCCDDEEFF}';
    const body = Buffer.concat([
      range(),
      list(attribute(unknown, 1)),
      range(),
      list(),
      range(),
      list(attribute(KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE, 0, AUDIO_SIGNALPROCESSINGMODE.DEFAULT), attribute(unknown, 0)),
    ]);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(8 + body.length, 0);
    head.writeUInt32LE(6, 4);
    const reply = Buffer.concat([head, body]);
    const device = virtual('KS Test Attributes', ['AUDIO', 'CAPTURE'], [{ dataFlow: 'out', communication: 'sink', dataRanges: [stereo()] }], [{ set: KSPROPSETID.Pin, id: KSPROPERTY_PIN.DATARANGES, onGet: () => reply }]);
    const { code, out } = await runHere(['inspect', device.path]);
    expect(code).toBe(0);
    const plain = 'audio PCM ≤2 ch, 16-16 bit, 48000-48000 Hz';
    expect(out.filter((l) => l.startsWith('    range '))).toEqual([
      `    range 0: ${plain} (attribute ${unknown} (required))`,
      `    range 1: ${plain} (empty attribute list)`,
      `    range 2: ${plain} (signal-processing modes DEFAULT; attribute ${unknown})`,
    ]);
  });
});

describe('kernel-streaming capture / render: the pin they stream from', () => {
  it('takes the first pin of the right dataflow a client can connect to (sink or both), or says there is none', async () => {
    const pins: VirtualPinDefinition[] = [
      { name: 'In', dataFlow: 'in', communication: 'sink', dataRanges: [stereo()] },
      { name: 'Source', dataFlow: 'out', communication: 'source', dataRanges: [stereo()] },
      { name: 'Both', dataFlow: 'out', communication: 'both', dataRanges: [stereo()] },
    ];
    virtual('KS Test Pins', ['AUDIO', 'CAPTURE', 'RENDER'], pins);
    const wav = path.join(tmp, 'one-packet.wav');
    const writer = new WavWriter(wav, { channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    writer.write(Buffer.alloc(1920));
    writer.close();
    const file = path.join(tmp, 'both.raw');
    const captured = await runHere(['capture', 'KS Test Pins', '--packets', '1', '--unthrottled', '--out', file]);
    expect(captured.code, captured.err.join('\n')).toBe(0);
    expect(captured.err[0]).toBe(`capturing from "KS Test Pins" pin 2 (48000 Hz 2-channel 16-bit PCM audio) for 1 packets → ${file}`);
    // --pin names the pin; one of the other dataflow is refused, naming both dataflows.
    expect((await runHere(['capture', 'KS Test Pins', '--pin', '2', '--packets', '1', '--unthrottled', '--out', file])).code).toBe(0);
    expect(await runHere(['capture', 'KS Test Pins', '--pin', '0', '--packets', '1', '--out', file])).toMatchObject({ code: 1, err: ['kernel-streaming: pin 0 is a render pin (dataflow "in"); capture needs one with dataflow "out"'] });
    expect(await runHere(['render', 'KS Test Pins', wav, '--pin', '1'])).toMatchObject({ code: 1, err: [expect.stringMatching(/^kernel-streaming: pin 1 is a capture pin \(dataflow "out"\); render needs one with dataflow "in"$/)] });

    virtual('KS Test Bridge Only', ['AUDIO', 'CAPTURE', 'RENDER'], [{ dataFlow: 'out', communication: 'source', dataRanges: [stereo()] }, { dataFlow: 'in', communication: 'bridge', dataRanges: [stereo()] }]);
    expect(await runHere(['capture', 'KS Test Bridge Only', '--out', path.join(tmp, 'none.wav')])).toMatchObject({ code: 1, err: ['kernel-streaming: the device has no capture pin'] });
    expect(await runHere(['render', 'KS Test Bridge Only', wav])).toMatchObject({ code: 1, err: ['kernel-streaming: the device has no render pin'] });
    expect(fs.existsSync(path.join(tmp, 'none.wav'))).toBe(false);
  });
});

describe('kernel-streaming capture / render progress on a terminal', () => {
  it('rewrites one progress line every 10 packets, and clears it before the summary', async () => {
    const audio = await runHere(['capture', 'Audio Capture', '--packets', '25', '--unthrottled', '--out', path.join(tmp, 'progress.wav')]);
    expect(audio.code).toBe(0);
    // 1920-byte packets (10 ms of 48 kHz 16-bit stereo): 0.1 s every 10.
    expect(audio.progress).toEqual(['capturing: 0.1 s, 10 packets, 19200 bytes', 'capturing: 0.2 s, 20 packets, 38400 bytes', '']);
    const video = await runHere(['capture', 'Video Capture', '--frames', '10', '--unthrottled', '--out', path.join(tmp, 'progress.y4m')]);
    expect(video.code).toBe(0);
    expect(video.progress).toEqual([`capturing: 10 frames, ${10 * 640 * 480 * 2} bytes`, '']);
    const wav = path.join(tmp, 'progress-render.wav');
    const writer = new WavWriter(wav, { channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    writer.write(Buffer.alloc(25 * 1920 + 4));
    writer.close();
    const render = await runHere(['render', 'Audio Render', wav, '--unthrottled']);
    expect(render.code, render.err.join('\n')).toBe(0);
    expect(render.progress).toEqual(['rendering: 10 packets, 19200 of 48004 bytes', 'rendering: 20 packets, 38400 of 48004 bytes', '']);
    expect(render.err).toEqual([expect.stringMatching(/^rendered 12001 sample frames \(0\.250 s of 48000 Hz 2-channel 16-bit PCM audio\), 48004 bytes in 26 packets, in [\d.]+ s$/)]);
  });
});

describe('kernel-streaming inspect / capture on WaveRT endpoints it cannot probe or open', () => {
  it('says an endpoint the audio engine holds is in use, and a capture from it leaves no file', async () => {
    const speakers = findDevice('KS Emulator WaveRT Speakers', { backend: 'emulator' });
    const microphone = findDevice('KS Emulator WaveRT Microphone', { backend: 'emulator' });
    using held = openFilter(speakers.path, { backend: 'emulator' });
    using heldMic = openFilter(microphone.path, { backend: 'emulator' });
    setEmulatorAudioEngineHold(held, true);
    setEmulatorAudioEngineHold(heldMic, true);
    try {
      const { code, out } = await runHere(['inspect', speakers.path]);
      expect(code).toBe(0);
      expect(out.filter((l) => l.startsWith('    WaveRT: '))).toEqual([expect.stringMatching(/^ {4}WaveRT: not probed: in use \(.*pin 0 is in use by the Windows audio engine \(audiodg\.exe\) or another application.*\)$/)]);
      const json = JSON.parse((await runHere(['inspect', speakers.path, '--json'])).out.join('\n'));
      expect(json.pins[0].waveRt).toEqual({ hwLatency: null, modes: [], error: expect.stringMatching(/^in use \(/) });
      const file = path.join(tmp, 'held.wav');
      const captured = await runHere(['capture', microphone.path, '--packets', '1', '--out', file]);
      expect(captured.code).toBe(1);
      expect(captured.err).toEqual([expect.stringMatching(/^kernel-streaming: .*pin 0 is in use by the Windows audio engine/)]);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      setEmulatorAudioEngineHold(held, false);
      setEmulatorAudioEngineHold(heldMic, false);
    }
  });

  it('says why an endpoint could not be probed when it is not the audio engine (its one stream open elsewhere)', async () => {
    const microphone = findDevice('KS Emulator WaveRT Microphone', { backend: 'emulator' });
    using filter = openFilter(microphone.path, { backend: 'emulator' });
    using _stream = filter.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    const { code, out } = await runHere(['inspect', microphone.path]);
    expect(code).toBe(0);
    expect(out.filter((l) => l.startsWith('    WaveRT: '))).toEqual([expect.stringMatching(/^ {4}WaveRT: not probed: \w+_DEVICE_BUSY: create pin: /)]);
  });

  it('probes the modes the way the engine finds them, with the buffer it would ask for, and says what the pin refused', async () => {
    const requested: number[][] = [];
    const rtPin = (): VirtualPinDefinition => ({ dataFlow: 'out', communication: 'sink', dataRanges: [stereo()], streaming: 'waveRt' });
    const refuse = (id: number, status: string, seen?: (instance: Buffer) => void) => ({
      set: KSPROPSETID.RtAudio,
      id,
      target: 'pin' as const,
      onGet: (r: { instance: Buffer }) => {
        seen?.(r.instance);
        return { status };
      },
    });
    const probe = async (name: string, properties: Parameters<typeof virtual>[3]) => {
      const device = virtual(name, ['AUDIO', 'CAPTURE', 'REALTIME'], [rtPin()], properties);
      const { code, out } = await runHere(['inspect', device.path]);
      expect(code).toBe(0);
      return out.filter((l) => l.startsWith('    WaveRT: '));
    };
    // No HWLATENCY (a driver before Windows 8 may not answer it): the modes still.
    expect(await probe('KS Test No Latency', [refuse(KSPROPERTY_RTAUDIO.HWLATENCY, 'STATUS_NOT_FOUND')])).toEqual(['    WaveRT: modes event, packet, polled; hardware latency not reported']);
    // A buffer with notifications refused (KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION after its KSPROPERTY: BaseAddress,
    // RequestedBufferSize, NotificationCount): polled only. It asks for 10 ms (48000 / 100 frames × 4 bytes) and two notifications.
    const polledOnly = await probe('KS Test Polled Only', [refuse(KSPROPERTY_RTAUDIO.BUFFER_WITH_NOTIFICATION, 'STATUS_NOT_SUPPORTED', (b) => requested.push([b.length, b.readUInt32LE(8), b.readUInt32LE(12)]))]);
    expect(polledOnly).toEqual(['    WaveRT: modes polled; FIFO 256 bytes, chipset delay 0 µs, codec delay 1000 µs']);
    expect(requested).toEqual([[16, 1920, 2]]);
    // No PACKETCOUNT (before Windows 10): event and polled.
    expect(await probe('KS Test No Packets', [refuse(KSPROPERTY_RTAUDIO.PACKETCOUNT, 'STATUS_NOT_FOUND')])).toEqual(['    WaveRT: modes event, polled; FIFO 256 bytes, chipset delay 0 µs, codec delay 1000 µs']);
    // HWLATENCY failing otherwise than "not there" is no answer to skip: the probe stops and says why.
    expect(await probe('KS Test Latency Fails', [refuse(KSPROPERTY_RTAUDIO.HWLATENCY, 'STATUS_UNSUCCESSFUL')])).toEqual([expect.stringMatching(/^ {4}WaveRT: not probed: STATUS_UNSUCCESSFUL: /)]);
  });
});

describe('kernel-streaming run() with no output given: the process\'s own standard output and error', () => {
  /** Captures what run() writes to process.stdout and process.stderr while `work` runs. */
  async function written(work: () => Promise<void>, onWrite?: (lines: number) => void): Promise<{ out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      onWrite?.(out.length);
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
    try {
      await work();
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    return { out, err };
  }
  const epipe = () => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const listeners = process.stdout.listeners('error');
  afterEach(() => {
    // run() leaves its listener on process.stdout (the CLI's process runs it once); the test's runs take theirs off.
    for (const l of process.stdout.listeners('error')) if (!listeners.includes(l)) process.stdout.off('error', l as never);
  });

  it('writes each line with its line break, messages to standard error', async () => {
    expect(await written(async () => expect(await run(['--version'])).toBe(0))).toEqual({ out: [`${version}\n`], err: [] });
    const refused = await written(async () => expect(await run(['inspect', '0', '--backend', 'emulator'])).toBe(1));
    expect(refused.out).toEqual([]);
    expect(refused.err).toEqual([expect.stringMatching(/^kernel-streaming: find device: no device number 0: .*\n$/)]);
  });

  it('stops writing standard output once its reader has gone (EPIPE) and still exits 0; any other stream error is thrown', async () => {
    // All of `list`'s lines, then the same with the pipe failing at the first of them (as the stream reports it).
    const listed = await written(async () => expect(await run(['list', '--backend', 'emulator'])).toBe(0));
    expect(listed.out[0]).toBe(`${BACKEND}\n`);
    expect(listed.out.length).toBeGreaterThan(3);
    const cut = await written(
      async () => expect(await run(['list', '--backend', 'emulator'])).toBe(0),
      (lines) => lines === 1 && process.stdout.emit('error', epipe()),
    );
    expect(cut).toEqual({ out: [`${BACKEND}\n`], err: [] });
    const other = Object.assign(new Error('write EIO'), { code: 'EIO' });
    await written(async () => {
      const running = run(['--version']);
      expect(() => process.stdout.emit('error', other)).toThrow(other);
      await running;
    });
  });

  it('draws the progress line on a terminal: carriage return, erase to the end of the line, the text', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    try {
      const { err } = await written(async () => expect(await run(['capture', 'Audio Capture', '--packets', '10', '--unthrottled', '--out', path.join(tmp, 'tty.raw'), '--backend', 'emulator'])).toBe(0));
      expect(err.slice(1, 3)).toEqual(['\r\x1b[Kcapturing: 0.1 s, 10 packets, 19200 bytes', '\r\x1b[K']);
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
  });
});

