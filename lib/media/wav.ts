/**
 * RIFF/WAVE files: a writer that streams the data and patches the sizes at
 * the end, and a reader that checks every chunk against the file.
 *
 * Formats: integer PCM and IEEE float, as WAVE_FORMAT_PCM (1),
 * WAVE_FORMAT_IEEE_FLOAT (3) or WAVE_FORMAT_EXTENSIBLE (0xFFFE) with a PCM or
 * IEEE_FLOAT SubFormat. Microsoft's WAVEFORMATEXTENSIBLE reference (mmreg.h)
 * gives the rule the writer follows: the extensible form is for "more than two
 * channels or higher sample resolutions than allowed by WAVEFORMATEX", so
 * more than 2 channels or more than 16 bits per sample are written as
 * EXTENSIBLE (what sox and ffmpeg write for 24-bit), the rest as plain PCM.
 */
import * as fs from 'fs';
import { KSDATAFORMAT } from '../structs/constants';
import { readGuid, writeGuid } from '../structs/guid';
import { WAVE_FORMAT_EXTENSIBLE, WAVE_FORMAT_PCM, WAVEFORMATEXTENSIBLE_EXTRA, type WaveFormat } from '../formats/wave-format';
import { FileSink, type MediaTarget } from './file-sink';

/** WAVE_FORMAT_IEEE_FLOAT */
export const WAVE_FORMAT_IEEE_FLOAT = 3;

/** The sample format of a WAV file. */
export interface WavFormat extends Pick<WaveFormat, 'channels' | 'sampleRate' | 'bitsPerSample'> {
  /** Samples are IEEE float (32 or 64 bits) rather than integer PCM. Default false. */
  float?: boolean;
  /** Bits of precision in each bitsPerSample container (WAVEFORMATEXTENSIBLE wValidBitsPerSample); default bitsPerSample. Only extensible files carry it. */
  validBitsPerSample?: number;
  /** Which speaker each channel feeds (SPEAKER_* bits, dwChannelMask); default the first `channels` bits. Only extensible files carry it. */
  channelMask?: number;
}

/** The RIFF size fields of a WAV streamed to a pipe, whose length is unknown: the largest value, as streaming writers use. */
const UNKNOWN_SIZE = 0xffffffff;

function checkWavFormat(wave: WavFormat): void {
  if (wave === null || typeof wave !== 'object') throw new TypeError('wave must be { channels, sampleRate, bitsPerSample }');
  const int = (v: unknown, name: string, lo: number, hi: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`wave.${name} must be an integer in ${lo}..${hi}, got ${String(v)}`);
  };
  int(wave.channels, 'channels', 1, 0xffff);
  int(wave.sampleRate, 'sampleRate', 1, 0xffffffff);
  const allowed = wave.float ? [32, 64] : [8, 16, 24, 32];
  if (!allowed.includes(wave.bitsPerSample)) {
    throw new RangeError(`wave.bitsPerSample must be one of ${allowed.join(', ')} for ${wave.float ? 'float' : 'integer PCM'} samples, got ${String(wave.bitsPerSample)}`);
  }
  if (wave.validBitsPerSample !== undefined) int(wave.validBitsPerSample, 'validBitsPerSample', 1, wave.bitsPerSample);
  if (wave.channelMask !== undefined) int(wave.channelMask, 'channelMask', 0, 0xffffffff);
}

/** Whether `wave` needs WAVE_FORMAT_EXTENSIBLE: more than 2 channels, more than 16 bits, or valid bits short of the container. */
export function needsExtensible(wave: WavFormat): boolean {
  return wave.channels > 2 || wave.bitsPerSample > 16 || (wave.validBitsPerSample !== undefined && wave.validBitsPerSample !== wave.bitsPerSample);
}

/** The fmt chunk's body: a 16-byte WAVEFORMAT (PCM, float up to 2 channels and 16 bits never happens) or a 40-byte WAVEFORMATEXTENSIBLE. */
function fmtBody(wave: WavFormat): Buffer {
  const blockAlign = wave.channels * (wave.bitsPerSample / 8);
  const extensible = needsExtensible(wave);
  const b = Buffer.alloc(extensible ? 40 : 16);
  b.writeUInt16LE(extensible ? WAVE_FORMAT_EXTENSIBLE : wave.float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, 0);
  b.writeUInt16LE(wave.channels, 2);
  b.writeUInt32LE(wave.sampleRate, 4);
  b.writeUInt32LE((wave.sampleRate * blockAlign) >>> 0, 8);
  b.writeUInt16LE(blockAlign, 12);
  b.writeUInt16LE(wave.bitsPerSample, 14);
  if (extensible) {
    b.writeUInt16LE(WAVEFORMATEXTENSIBLE_EXTRA, 16);
    b.writeUInt16LE(wave.validBitsPerSample ?? wave.bitsPerSample, 18);
    const mask = wave.channelMask ?? (wave.channels >= 32 ? 0xffffffff : 2 ** wave.channels - 1);
    b.writeUInt32LE(mask >>> 0, 20);
    writeGuid(b, 24, wave.float ? KSDATAFORMAT.SUBTYPE_IEEE_FLOAT : KSDATAFORMAT.SUBTYPE_PCM);
  }
  return b;
}

/** RIFF header, fmt chunk and data chunk header, with the sizes for `dataBytes`. */
function header(fmt: Buffer, dataBytes: number): Buffer {
  const b = Buffer.alloc(12 + 8 + fmt.length + 8);
  const riffSize = dataBytes === UNKNOWN_SIZE ? UNKNOWN_SIZE : 4 + 8 + fmt.length + 8 + dataBytes + (dataBytes & 1);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(Math.min(riffSize, UNKNOWN_SIZE), 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(fmt.length, 16);
  fmt.copy(b, 20);
  b.write('data', 20 + fmt.length, 'ascii');
  b.writeUInt32LE(dataBytes, 24 + fmt.length);
  return b;
}

/**
 * Writes a WAV file as data arrives. The header's sizes are patched by
 * `close()`; a target that cannot be seeked (a pipe, standard output) gets
 * 0xFFFFFFFF sizes, which readers take as "until the end of the stream".
 */
export class WavWriter {
  readonly #sink: FileSink;
  readonly #fmt: Buffer;
  readonly #blockAlign: number;
  #bytes = 0;
  #closed = false;

  /**
   * @param target a file path to create, or `{ fd }` for an open descriptor (`{ fd: 1 }`: standard output).
   * @param wave the sample format; more than 2 channels or 16 bits are written as WAVE_FORMAT_EXTENSIBLE.
   */
  constructor(target: MediaTarget, wave: WavFormat) {
    checkWavFormat(wave);
    this.#fmt = fmtBody(wave);
    this.#blockAlign = wave.channels * (wave.bitsPerSample / 8);
    this.#sink = new FileSink(target);
    this.#sink.write(header(this.#fmt, this.#sink.seekable ? 0 : UNKNOWN_SIZE));
  }

  /** Appends sample bytes (whole sample frames: channels × bitsPerSample / 8 bytes each). */
  write(data: Uint8Array): void {
    if (this.#closed) throw new Error('the WAV file is closed');
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Buffer or Uint8Array');
    this.#sink.write(data);
    this.#bytes += data.length;
  }

  /** Bytes of sample data written so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Sample frames written so far (bytes / block align). */
  get sampleFrames(): number {
    return Math.floor(this.#bytes / this.#blockAlign);
  }

  /** Writes the final sizes (a pad byte after odd data, as RIFF asks) and closes the file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#sink.seekable) {
        if (this.#bytes & 1) this.#sink.write(Buffer.alloc(1));
        this.#sink.writeAt(header(this.#fmt, Math.min(this.#bytes, UNKNOWN_SIZE - 1)), 0);
      }
    } finally {
      this.#sink.close();
    }
  }
}

export interface WavFile {
  /** The file's sample format (float, validBitsPerSample and channelMask only where the file says so). */
  wave: WavFormat;
  /** The sample bytes of the data chunk. */
  data: Buffer;
}

/** The format of a fmt chunk, or an Error that names what the file holds and what this reads. */
function parseFmt(file: Buffer, body: number, size: number, where: string): WavFormat {
  if (size < 16) throw new Error(`${where}: the fmt chunk is ${size} bytes, expected at least 16`);
  let tag = file.readUInt16LE(body);
  const wave: WavFormat = { channels: file.readUInt16LE(body + 2), sampleRate: file.readUInt32LE(body + 4), bitsPerSample: file.readUInt16LE(body + 14) };
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40 || file.readUInt16LE(body + 16) < WAVEFORMATEXTENSIBLE_EXTRA) {
      throw new Error(`${where}: WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk with cbSize 22, got ${size} bytes`);
    }
    wave.validBitsPerSample = file.readUInt16LE(body + 18);
    wave.channelMask = file.readUInt32LE(body + 20);
    const sub = readGuid(file, body + 24);
    if (sub === KSDATAFORMAT.SUBTYPE_PCM) tag = WAVE_FORMAT_PCM;
    else if (sub === KSDATAFORMAT.SUBTYPE_IEEE_FLOAT) tag = WAVE_FORMAT_IEEE_FLOAT;
    else throw new Error(`${where}: WAVE_FORMAT_EXTENSIBLE with SubFormat ${sub}, which is neither integer PCM nor IEEE float; this reads PCM (8/16/24/32-bit) and float (32/64-bit) WAV files`);
  }
  if (tag === WAVE_FORMAT_IEEE_FLOAT) wave.float = true;
  else if (tag !== WAVE_FORMAT_PCM) {
    throw new Error(`${where}: format tag ${tag} (0x${tag.toString(16)}) is a compressed or unknown encoding; this reads PCM (8/16/24/32-bit) and float (32/64-bit) WAV files`);
  }
  try {
    checkWavFormat(wave);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message.replace(/^wave\./, '')}`);
  }
  const blockAlign = file.readUInt16LE(body + 12);
  if (blockAlign !== wave.channels * (wave.bitsPerSample / 8)) {
    throw new Error(`${where}: nBlockAlign ${blockAlign} is not channels × bytes per sample (${wave.channels * (wave.bitsPerSample / 8)})`);
  }
  return wave;
}

/**
 * Reads a PCM or IEEE-float WAV file (plain, or WAVE_FORMAT_EXTENSIBLE);
 * anything else is an Error that says what is wrong. A data chunk whose size
 * is 0xFFFFFFFF (written to a pipe) runs to the end of the file.
 */
export function readWav(file: string | Buffer, name = typeof file === 'string' ? file : 'the WAV data'): WavFile {
  const bytes = typeof file === 'string' ? readFile(file) : file;
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${name} is not a RIFF/WAVE file`);
  }
  let wave: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    let size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data' && size === UNKNOWN_SIZE) size = bytes.length - body;
    if (body + size > bytes.length) throw new Error(`${name}: chunk "${id}" runs past the end of the file`);
    if (id === 'fmt ') {
      wave = parseFmt(bytes, body, size, name);
    } else if (id === 'data') {
      if (!wave) throw new Error(`${name}: the data chunk comes before any fmt chunk`);
      const blockAlign = wave.channels * (wave.bitsPerSample / 8);
      // A stream cut short may end inside a sample frame: keep whole frames.
      return { wave, data: bytes.subarray(body, body + size - (size % blockAlign)) };
    }
    offset = body + size + (size & 1);
  }
  throw new Error(`${name} has no data chunk`);
}

function readFile(path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`no file ${path}`);
    if (code === 'EISDIR') throw new Error(`${path} is a folder, not a WAV file`);
    throw e;
  }
}
