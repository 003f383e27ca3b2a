/**
 * RIFF/WAVE files of integer PCM: a writer that streams the data and patches
 * the sizes at the end, and a reader that checks every chunk against the file.
 */
import * as fs from 'fs';
import { WAVE_FORMAT_PCM, type WaveFormat } from '../formats/wave-format';

const HEADER_SIZE = 44;

function header(wave: Pick<WaveFormat, 'channels' | 'sampleRate' | 'bitsPerSample'>, dataBytes: number): Buffer {
  const blockAlign = wave.channels * (wave.bitsPerSample / 8);
  const b = Buffer.alloc(HEADER_SIZE);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  b.writeUInt16LE(wave.channels, 22);
  b.writeUInt32LE(wave.sampleRate, 24);
  b.writeUInt32LE(wave.sampleRate * blockAlign, 28);
  b.writeUInt16LE(blockAlign, 32);
  b.writeUInt16LE(wave.bitsPerSample, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  return b;
}

export class WavWriter {
  readonly #fd: number;
  readonly #wave: Pick<WaveFormat, 'channels' | 'sampleRate' | 'bitsPerSample'>;
  #bytes = 0;

  constructor(path: string, wave: Pick<WaveFormat, 'channels' | 'sampleRate' | 'bitsPerSample'>) {
    this.#wave = wave;
    this.#fd = fs.openSync(path, 'w');
    fs.writeSync(this.#fd, header(wave, 0));
  }

  write(data: Uint8Array): void {
    fs.writeSync(this.#fd, data);
    this.#bytes += data.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Writes the final sizes and closes the file. */
  close(): void {
    fs.writeSync(this.#fd, header(this.#wave, this.#bytes), 0, HEADER_SIZE, 0);
    fs.closeSync(this.#fd);
  }
}

export interface WavFile {
  wave: Pick<WaveFormat, 'channels' | 'sampleRate' | 'bitsPerSample'>;
  data: Buffer;
}

/** Reads an integer-PCM WAV file; anything else is an Error that says what is wrong. */
export function readWav(path: string): WavFile {
  const file = fs.readFileSync(path);
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path} is not a RIFF/WAVE file`);
  }
  let wave: WavFile['wave'] | undefined;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (body + size > file.length) throw new Error(`${path}: chunk "${id}" runs past the end of the file`);
    if (id === 'fmt ') {
      if (size < 16) throw new Error(`${path}: the fmt chunk is ${size} bytes, expected at least 16`);
      const tag = file.readUInt16LE(body);
      if (tag !== WAVE_FORMAT_PCM) throw new Error(`${path}: format tag ${tag} is not integer PCM (1)`);
      wave = { channels: file.readUInt16LE(body + 2), sampleRate: file.readUInt32LE(body + 4), bitsPerSample: file.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!wave) throw new Error(`${path}: the data chunk comes before any fmt chunk`);
      return { wave, data: file.subarray(body, body + size) };
    }
    offset = body + size + (size & 1);
  }
  throw new Error(`${path} has no data chunk`);
}
