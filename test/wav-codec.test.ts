// RIFF/WAVE as lib/media/wav.ts writes and reads it, checked against files laid out byte by byte here from the RIFF
// and WAVEFORMAT(EXTENSIBLE) layouts (mmreg.h: wFormatTag@0, nChannels@2, nSamplesPerSec@4, nAvgBytesPerSec@8,
// nBlockAlign@12, wBitsPerSample@14, cbSize@16, wValidBitsPerSample@18, dwChannelMask@20, SubFormat@24), each size
// worked out in a comment; then each refusal of the writer's format check and of the reader, with its exact message.
// The output files go to a temporary folder removed afterwards.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { needsExtensible, readWav, WavWriter, type WavFormat } from '../lib/media/wav';
import { FileSink } from '../lib/media/file-sink';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wav-codec-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const tmp = (name = 'out.wav') => path.join(dir, `${serial++}-${name}`);
// The errno codes the messages are chosen by (ENOENT, EISDIR, ENOTDIR) and /dev/null are POSIX's; under Windows' node
// (the Wine lane) libuv maps Windows' errors differently, so those cases run on POSIX only.
const posix = process.platform !== 'win32';

/** Little-endian fields, laid one after another. */
function le(...fields: [bits: 16 | 32, value: number][]): Buffer {
  const b = Buffer.alloc(fields.reduce((n, [bits]) => n + bits / 8, 0));
  let o = 0;
  for (const [bits, v] of fields) o = bits === 16 ? b.writeUInt16LE(v, o) : b.writeUInt32LE(v, o);
  return b;
}
const ascii = (s: string) => Buffer.from(s, 'ascii');
/** KSDATAFORMAT_SUBTYPE_PCM {00000001-0000-0010-8000-00AA00389B71} as GUID bytes: Data1..3 little-endian, Data4 as is. */
const SUBTYPE_PCM_BYTES = Buffer.from('0100000000001000800000aa00389b71', 'hex');
/** KSDATAFORMAT_SUBTYPE_IEEE_FLOAT {00000003-...}. */
const SUBTYPE_FLOAT_BYTES = Buffer.from('0300000000001000800000aa00389b71', 'hex');

function chunk(id: string, body: Buffer, declared = body.length): Buffer {
  return Buffer.concat([ascii(id), le([32, declared]), body, Buffer.alloc(body.length & 1)]);
}
function riff(...chunks: Buffer[]): Buffer {
  const inner = Buffer.concat([ascii('WAVE'), ...chunks]);
  return Buffer.concat([ascii('RIFF'), le([32, inner.length]), inner]);
}
/** A 16-byte WAVEFORMAT body. */
const fmt16 = (tag: number, channels: number, rate: number, bits: number, blockAlign = (channels * bits) / 8) =>
  le([16, tag], [16, channels], [32, rate], [32, rate * blockAlign], [16, blockAlign], [16, bits]);
/** A 40-byte WAVEFORMATEXTENSIBLE body. */
const fmt40 = (channels: number, rate: number, bits: number, valid: number, mask: number, sub: Buffer, cbSize = 22) =>
  Buffer.concat([fmt16(0xfffe, channels, rate, bits), le([16, cbSize], [16, valid], [32, mask]), sub]);

function written(wave: WavFormat, ...data: Buffer[]): Buffer {
  const file = tmp();
  const w = new WavWriter(file, wave);
  for (const d of data) w.write(d);
  w.close();
  return fs.readFileSync(file);
}

describe('the writer, against files laid out here', () => {
  it('16-bit stereo 48 kHz: a 44-byte header, RIFF size 36 + data', () => {
    const data = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]); // two sample frames of 4 bytes
    // RIFF size = 4 ("WAVE") + 8 + 16 (fmt) + 8 + 8 (data) = 44; avg bytes/s = 48000 × 4 = 192000.
    const expected = Buffer.concat([
      ascii('RIFF'), le([32, 44]), ascii('WAVE'),
      ascii('fmt '), le([32, 16], [16, 1], [16, 2], [32, 48000], [32, 192000], [16, 4], [16, 16]),
      ascii('data'), le([32, 8]), data,
    ]);
    expect(written({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }, data)).toEqual(expected);
  });

  it('odd data gets a pad byte that the sizes leave out of the data chunk but count in RIFF', () => {
    const data = Buffer.from([0x80, 0x81, 0x7f]); // 8-bit mono, 3 frames
    // RIFF size = 4 + 24 + 8 + 3 + 1 (pad) = 40; the file is 8 + 40 = 48 bytes.
    const expected = Buffer.concat([
      ascii('RIFF'), le([32, 40]), ascii('WAVE'),
      ascii('fmt '), le([32, 16], [16, 1], [16, 1], [32, 8000], [32, 8000], [16, 1], [16, 8]),
      ascii('data'), le([32, 3]), data, Buffer.alloc(1),
    ]);
    expect(written({ channels: 1, sampleRate: 8000, bitsPerSample: 8 }, data.subarray(0, 2), data.subarray(2))).toEqual(expected);
  });

  it('24-bit stereo is WAVE_FORMAT_EXTENSIBLE: a 40-byte fmt, cbSize 22, mask 0x3, SubFormat PCM', () => {
    const data = Buffer.alloc(6, 0x11); // one frame: 2 × 3 bytes
    // RIFF size = 4 + 8 + 40 + 8 + 6 = 66; avg = 44100 × 6 = 264600.
    const expected = Buffer.concat([
      ascii('RIFF'), le([32, 66]), ascii('WAVE'),
      ascii('fmt '), le([32, 40], [16, 0xfffe], [16, 2], [32, 44100], [32, 264600], [16, 6], [16, 24], [16, 22], [16, 24], [32, 3]), SUBTYPE_PCM_BYTES,
      ascii('data'), le([32, 6]), data,
    ]);
    expect(written({ channels: 2, sampleRate: 44100, bitsPerSample: 24 }, data)).toEqual(expected);
  });

  it('float is extensible with SubFormat IEEE_FLOAT; valid bits and mask are written as given', () => {
    const file = written({ channels: 1, sampleRate: 16000, bitsPerSample: 32, float: true, validBitsPerSample: 32, channelMask: 4 });
    expect(file.subarray(20, 44)).toEqual(le([16, 0xfffe], [16, 1], [32, 16000], [32, 64000], [16, 4], [16, 32], [16, 22], [16, 32], [32, 4]));
    expect(file.subarray(44, 60)).toEqual(SUBTYPE_FLOAT_BYTES);
    // 20 valid bits in a 24-bit container, 2 channels: extensible though 2 channels of 24 would be anyway; 16 in 16 not.
    const valid20 = written({ channels: 2, sampleRate: 8000, bitsPerSample: 24, validBitsPerSample: 20 });
    expect(valid20.readUInt16LE(38)).toBe(20);
  });

  it('the default channel mask is the first N speaker bits; 32 channels and more are all of them', () => {
    expect(written({ channels: 6, sampleRate: 8000, bitsPerSample: 16 }).readUInt32LE(40)).toBe(0x3f);
    expect(written({ channels: 31, sampleRate: 8000, bitsPerSample: 8 }).readUInt32LE(40)).toBe(0x7fffffff);
    expect(written({ channels: 32, sampleRate: 8000, bitsPerSample: 8 }).readUInt32LE(40)).toBe(0xffffffff);
    expect(written({ channels: 40, sampleRate: 8000, bitsPerSample: 8 }).readUInt32LE(40)).toBe(0xffffffff);
    // A mask of 0 given on purpose is kept (no speaker positions).
    expect(written({ channels: 3, sampleRate: 8000, bitsPerSample: 8, channelMask: 0 }).readUInt32LE(40)).toBe(0);
  });

  it('needsExtensible: more than 2 channels, more than 16 bits, or valid bits short of the container', () => {
    expect(needsExtensible({ channels: 2, sampleRate: 1, bitsPerSample: 16 })).toBe(false);
    expect(needsExtensible({ channels: 2, sampleRate: 1, bitsPerSample: 16, validBitsPerSample: 16 })).toBe(false);
    expect(needsExtensible({ channels: 3, sampleRate: 1, bitsPerSample: 8 })).toBe(true);
    expect(needsExtensible({ channels: 1, sampleRate: 1, bitsPerSample: 24 })).toBe(true);
    expect(needsExtensible({ channels: 1, sampleRate: 1, bitsPerSample: 16, validBitsPerSample: 12 })).toBe(true);
  });

  it('counts bytes and whole sample frames; writes after close are refused; close twice is nothing', () => {
    const file = tmp();
    const w = new WavWriter(file, { channels: 2, sampleRate: 8000, bitsPerSample: 16 });
    w.write(Buffer.alloc(10));
    expect([w.bytes, w.sampleFrames]).toEqual([10, 2]); // 10 / 4 = 2.5 frames: 2 whole
    expect(() => w.write('abc' as never)).toThrow(new TypeError('data must be a Buffer or Uint8Array'));
    w.write(new Uint8Array(2));
    w.close();
    w.close();
    expect(() => w.write(Buffer.alloc(4))).toThrow(new Error('the WAV file is closed'));
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(44 + 12);
    expect(bytes.readUInt32LE(40)).toBe(12);
  });

  it('refuses a format it cannot write, naming the field and the values allowed, before creating the file', () => {
    const cases: [unknown, Error][] = [
      [null, new TypeError('wave must be { channels, sampleRate, bitsPerSample }')],
      [7, new TypeError('wave must be { channels, sampleRate, bitsPerSample }')],
      [{ channels: 0, sampleRate: 8000, bitsPerSample: 16 }, new RangeError('wave.channels must be an integer in 1..65535, got 0')],
      [{ channels: 65536, sampleRate: 8000, bitsPerSample: 16 }, new RangeError('wave.channels must be an integer in 1..65535, got 65536')],
      [{ channels: 1.5, sampleRate: 8000, bitsPerSample: 16 }, new RangeError('wave.channels must be an integer in 1..65535, got 1.5')],
      [{ channels: '2', sampleRate: 8000, bitsPerSample: 16 }, new RangeError('wave.channels must be an integer in 1..65535, got 2')],
      [{ channels: 1, sampleRate: 0, bitsPerSample: 16 }, new RangeError('wave.sampleRate must be an integer in 1..4294967295, got 0')],
      [{ channels: 1, sampleRate: 2 ** 32, bitsPerSample: 16 }, new RangeError('wave.sampleRate must be an integer in 1..4294967295, got 4294967296')],
      [{ channels: 1, sampleRate: 8000, bitsPerSample: 12 }, new RangeError('wave.bitsPerSample must be one of 8, 16, 24, 32 for integer PCM samples, got 12')],
      [{ channels: 1, sampleRate: 8000, bitsPerSample: 16, float: true }, new RangeError('wave.bitsPerSample must be one of 32, 64 for float samples, got 16')],
      [{ channels: 1, sampleRate: 8000, bitsPerSample: 24, validBitsPerSample: 25 }, new RangeError('wave.validBitsPerSample must be an integer in 1..24, got 25')],
      [{ channels: 1, sampleRate: 8000, bitsPerSample: 24, validBitsPerSample: 0 }, new RangeError('wave.validBitsPerSample must be an integer in 1..24, got 0')],
      [{ channels: 1, sampleRate: 8000, bitsPerSample: 16, channelMask: -1 }, new RangeError('wave.channelMask must be an integer in 0..4294967295, got -1')],
      [{ channels: 1, sampleRate: 8000, bitsPerSample: 16, channelMask: 2 ** 32 }, new RangeError('wave.channelMask must be an integer in 0..4294967295, got 4294967296')],
    ];
    for (const [wave, error] of cases) {
      const file = tmp();
      expect(() => new WavWriter(file, wave as WavFormat)).toThrow(error);
      expect(fs.existsSync(file)).toBe(false);
    }
    // The edges themselves are allowed: 65535 channels, 2^32−1 Hz, 64-bit float, mask 2^32−1, valid 1 bit.
    for (const wave of [
      { channels: 65535, sampleRate: 1, bitsPerSample: 8 },
      { channels: 1, sampleRate: 0xffffffff, bitsPerSample: 8 },
      { channels: 1, sampleRate: 8000, bitsPerSample: 64, float: true },
      { channels: 1, sampleRate: 8000, bitsPerSample: 32, channelMask: 0xffffffff, validBitsPerSample: 1 },
    ]) {
      expect(() => new WavWriter(tmp(), wave).close()).not.toThrow();
    }
  });
});

describe('the writer on a pipe', () => {
  it.runIf(posix)('cannot patch the sizes, so writes 0xFFFFFFFF for both, and no pad byte', () => {
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // The read end first (non-blocking, so the open returns), then the writer's end.
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const writerFd = fs.openSync(fifo, 'w');
      const w = new WavWriter({ fd: writerFd }, { channels: 1, sampleRate: 8000, bitsPerSample: 8 });
      w.write(Buffer.from([1, 2, 3]));
      w.close();
      fs.closeSync(writerFd);
      const got = Buffer.alloc(100);
      const n = fs.readSync(reader, got, 0, 100, null);
      expect(got.subarray(0, n)).toEqual(Buffer.concat([
        ascii('RIFF'), le([32, 0xffffffff]), ascii('WAVE'),
        ascii('fmt '), le([32, 16], [16, 1], [16, 1], [32, 8000], [32, 8000], [16, 1], [16, 8]),
        ascii('data'), le([32, 0xffffffff]), Buffer.from([1, 2, 3]),
      ]));
    } finally {
      fs.closeSync(reader);
    }
  });
});

describe('the reader, on files laid out here', () => {
  const pcm = fmt16(1, 2, 48000, 16);
  const frames = Buffer.from([1, 0, 2, 0, 3, 0, 4, 0]);

  it('reads plain PCM, skipping other chunks (an odd-sized one with its pad byte)', () => {
    const file = riff(chunk('fmt ', pcm), chunk('LIST', Buffer.from('abc')), chunk('data', frames));
    expect(readWav(file)).toEqual({ wave: { channels: 2, sampleRate: 48000, bitsPerSample: 16 }, data: frames });
  });

  it('reads plain IEEE float as float, and extensible PCM / float with their valid bits and mask', () => {
    expect(readWav(riff(chunk('fmt ', fmt16(3, 1, 8000, 32)), chunk('data', Buffer.alloc(8)))).wave).toEqual({ channels: 1, sampleRate: 8000, bitsPerSample: 32, float: true });
    expect(readWav(riff(chunk('fmt ', fmt40(2, 44100, 24, 20, 3, SUBTYPE_PCM_BYTES)), chunk('data', Buffer.alloc(6)))).wave).toEqual({
      channels: 2, sampleRate: 44100, bitsPerSample: 24, validBitsPerSample: 20, channelMask: 3,
    });
    expect(readWav(riff(chunk('fmt ', fmt40(1, 8000, 64, 64, 4, SUBTYPE_FLOAT_BYTES)), chunk('data', Buffer.alloc(8)))).wave).toEqual({
      channels: 1, sampleRate: 8000, bitsPerSample: 64, validBitsPerSample: 64, channelMask: 4, float: true,
    });
  });

  it('reads back what the writer wrote', () => {
    const wave = { channels: 3, sampleRate: 22050, bitsPerSample: 16 };
    const data = Buffer.from(Array.from({ length: 18 }, (_, i) => i * 7));
    expect(readWav(written(wave, data))).toEqual({ wave: { ...wave, validBitsPerSample: 16, channelMask: 7 }, data });
  });

  it('a data chunk of size 0xFFFFFFFF (a stream to a pipe) runs to the end, in whole frames', () => {
    const file = Buffer.concat([riff(chunk('fmt ', pcm)), ascii('data'), le([32, 0xffffffff]), frames, Buffer.from([9, 9])]);
    expect(readWav(file).data).toEqual(frames);
  });

  it('reads an empty data chunk that ends the file; a header alone has no data chunk', () => {
    expect(readWav(riff(chunk('fmt ', pcm), chunk('data', Buffer.alloc(0)))).data).toEqual(Buffer.alloc(0));
    expect(() => readWav(riff(), 'h.wav')).toThrow(new Error('h.wav has no data chunk'));
    // Only a data chunk may say 0xFFFFFFFF ("to the end"); another chunk saying so runs past the end.
    const junk = Buffer.concat([riff(chunk('fmt ', pcm)), ascii('junk'), le([32, 0xffffffff]), Buffer.alloc(8)]);
    expect(() => readWav(junk, 'j.wav')).toThrow(new Error('j.wav: chunk "junk" runs past the end of the file'));
  });

  it('a data chunk cut inside a sample frame keeps the whole frames', () => {
    const file = riff(chunk('fmt ', pcm), chunk('data', Buffer.concat([frames, Buffer.from([5, 0, 6])])));
    expect(readWav(file).data).toEqual(frames);
  });

  it('refuses what is not a PCM or float WAV file, saying why', () => {
    const name = 'x.wav';
    const refused: [Buffer, string][] = [
      [Buffer.from('RIFF\0\0\0\0WAV'), 'x.wav is not a RIFF/WAVE file'],
      [Buffer.concat([ascii('RIFX'), le([32, 4]), ascii('WAVE')]), 'x.wav is not a RIFF/WAVE file'],
      [Buffer.concat([ascii('RIFF'), le([32, 4]), ascii('AVI ')]), 'x.wav is not a RIFF/WAVE file'],
      [riff(chunk('fmt ', pcm)), 'x.wav has no data chunk'],
      [riff(chunk('data', frames), chunk('fmt ', pcm)), 'x.wav: the data chunk comes before any fmt chunk'],
      [riff(chunk('fmt ', pcm), chunk('data', frames, 9)), 'x.wav: chunk "data" runs past the end of the file'],
      [riff(chunk('fmt ', pcm.subarray(0, 14))), 'x.wav: the fmt chunk is 14 bytes, expected at least 16'],
      [riff(chunk('fmt ', fmt16(0xfffe, 2, 48000, 16)), chunk('data', frames)), 'x.wav: WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk with cbSize 22, got 16 bytes'],
      [riff(chunk('fmt ', fmt40(2, 48000, 16, 16, 3, SUBTYPE_PCM_BYTES).subarray(0, 39)), chunk('data', frames)), 'x.wav: WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk with cbSize 22, got 39 bytes'],
      [riff(chunk('fmt ', fmt40(2, 48000, 16, 16, 3, SUBTYPE_PCM_BYTES, 21)), chunk('data', frames)), 'x.wav: WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk with cbSize 22, got 40 bytes'],
      [
        riff(chunk('fmt ', fmt40(2, 48000, 16, 16, 3, Buffer.from('0200000000001000800000aa00389b71', 'hex'))), chunk('data', frames)),
        'x.wav: WAVE_FORMAT_EXTENSIBLE with SubFormat {00000002-0000-0010-8000-00AA00389B71}, which is neither integer PCM nor IEEE float; this reads PCM (8/16/24/32-bit) and float (32/64-bit) WAV files',
      ],
      [riff(chunk('fmt ', fmt16(2, 2, 48000, 4, 2)), chunk('data', frames)), 'x.wav: format tag 2 (0x2) is a compressed or unknown encoding; this reads PCM (8/16/24/32-bit) and float (32/64-bit) WAV files'],
      [riff(chunk('fmt ', fmt16(0x55, 2, 48000, 16)), chunk('data', frames)), 'x.wav: format tag 85 (0x55) is a compressed or unknown encoding; this reads PCM (8/16/24/32-bit) and float (32/64-bit) WAV files'],
      [riff(chunk('fmt ', fmt16(1, 0, 48000, 16, 4)), chunk('data', frames)), 'x.wav: channels must be an integer in 1..65535, got 0'],
      [riff(chunk('fmt ', fmt16(3, 1, 48000, 16)), chunk('data', frames)), 'x.wav: bitsPerSample must be one of 32, 64 for float samples, got 16'],
      [riff(chunk('fmt ', fmt16(1, 2, 48000, 16, 2)), chunk('data', frames)), 'x.wav: nBlockAlign 2 is not channels × bytes per sample (4)'],
    ];
    for (const [file, message] of refused) expect(() => readWav(file, name)).toThrow(new Error(message));
    expect(() => readWav(Buffer.alloc(3))).toThrow(new Error('the WAV data is not a RIFF/WAVE file'));
  });

  it.runIf(posix)('names a missing file and a folder; reads a file by its path', () => {
    const missing = path.join(dir, 'none.wav');
    expect(() => readWav(missing)).toThrow(new Error(`no file ${missing}`));
    expect(() => readWav(dir)).toThrow(new Error(`${dir} is a folder, not a WAV file`));
    const file = tmp();
    fs.writeFileSync(file, Buffer.concat([ascii('RIFF'), le([32, 4]), ascii('WAVX')]));
    expect(() => readWav(file)).toThrow(new Error(`${file} is not a RIFF/WAVE file`));
  });
});

/** Descriptors open in this process (Linux: /proc/self/fd). */
const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;
const linux = process.platform === 'linux';

describe('descriptors', () => {
  it.runIf(linux)('a writer closes the file it created, once; a sink closes its own file but not one it was given', () => {
    const before = openDescriptors();
    const w = new WavWriter(tmp(), { channels: 1, sampleRate: 8000, bitsPerSample: 8 });
    expect(openDescriptors()).toBe(before + 1);
    w.close();
    expect(openDescriptors()).toBe(before);
    const sink = new FileSink(tmp('sink'));
    sink.close();
    expect(() => fs.fstatSync(sink.fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    // Descriptor 0 is a descriptor like any other: taken, named by number, left open.
    const stdin = new FileSink({ fd: 0 });
    expect(stdin.name).toBe('fd 0');
    stdin.close();
    expect(() => fs.fstatSync(0)).not.toThrow();
  });
});

describe('FileSink', () => {
  it.runIf(posix)('explains a path it cannot create', () => {
    const noFolder = path.join(dir, 'missing', 'a.wav');
    expect(() => new FileSink(noFolder)).toThrow(new Error(`cannot create ${noFolder}: the folder ${path.join(dir, 'missing')} does not exist`));
    expect(() => new FileSink(dir)).toThrow(new Error(`cannot write to ${dir}: it is a folder; give a file name inside it`));
    const aFile = tmp('plain');
    fs.writeFileSync(aFile, '');
    const under = path.join(aFile, 'a.wav');
    expect(() => new FileSink(under)).toThrow(new Error(`cannot create ${under}: a part of ${aFile} is a file, not a folder`));
    expect(() => new FileSink('')).toThrow(new TypeError('the output path must be a non-empty string'));
    // Any other failure keeps the system's words: a name longer than NAME_MAX (255 on Linux) is ENAMETOOLONG.
    const long = path.join(dir, 'n'.repeat(300));
    expect(() => new FileSink(long)).toThrow(new Error(`cannot create ${long}: ENAMETOOLONG: name too long, open '${long}'`));
    expect(() => readWav(long)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
    for (const bad of [null, 3, { fd: -1 }, { fd: 1.5 }, {}]) {
      expect(() => new FileSink(bad as never)).toThrow(new TypeError('the output must be a file path or { fd } (an open file descriptor)'));
    }
  });

  it('writes and patches a file; a descriptor it was given stays open and is named by number', () => {
    const file = tmp('sink');
    const sink = new FileSink(file);
    expect([sink.name, sink.seekable]).toEqual([file, true]);
    sink.write(Buffer.from('hello world'));
    sink.writeAt(Buffer.from('J'), 0);
    sink.close();
    sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('Jello world');
    const fd = fs.openSync(tmp('fd'), 'w');
    const given = new FileSink({ fd });
    expect(given.name).toBe(`fd ${fd}`);
    given.close();
    expect(() => fs.fstatSync(fd)).not.toThrow();
    fs.closeSync(fd);
  });

  it.runIf(posix)('a character device, as a pipe, cannot be written at an offset', () => {
    // /dev/null is a character device: not a regular file, so not seekable, as a pipe.
    const fd = fs.openSync('/dev/null', 'w');
    try {
      const sink = new FileSink({ fd });
      expect(sink.seekable).toBe(false);
      expect(() => sink.writeAt(Buffer.alloc(1), 0)).toThrow(new Error(`fd ${fd} cannot be written at an offset`));
      expect(new FileSink({ fd: 1 }).name).toBe('standard output');
    } finally {
      fs.closeSync(fd);
    }
  });
});
