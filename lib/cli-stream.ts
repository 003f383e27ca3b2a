/**
 * `kernel-streaming capture` and `render`: audio to and from WAV files.
 */
import { openFilter, type KsFilter, type PinFactoryInfo } from './filter';
import { formatForRange, pcmFormat, type DataFormat } from './dataformat';
import { setEmulatorPacing } from './emulator';
import type { DeviceInfo } from './devices';
import { readWav, WavWriter } from './wav';

export interface StreamOutput {
  out(line: string): void;
  err(line: string): void;
  /** Progress on one line, rewritten in place (a terminal), or nothing. */
  progress?(line: string): void;
}

export interface CaptureCommand {
  pin?: number;
  format?: string;
  frames?: number;
  seconds?: number;
  out: string;
  unthrottled?: boolean;
}

/** "48000:2:16" → PCM format. */
function parseFormat(text: string): DataFormat {
  const m = /^(\d+):(\d+):(\d+)$/.exec(text);
  if (!m) throw new RangeError(`--format must be RATE:CHANNELS:BITS, e.g. 48000:2:16, got "${text}"`);
  return pcmFormat({ sampleRate: Number(m[1]), channels: Number(m[2]), bitsPerSample: Number(m[3]) });
}

function streamingPin(filter: KsFilter, flow: 'in' | 'out', requested: number | undefined): PinFactoryInfo {
  const pins = filter.pins();
  if (requested !== undefined) {
    const pin = pins[requested];
    if (!pin) throw new RangeError(`--pin must be one of 0..${pins.length - 1}, got ${requested}`);
    if (pin.dataFlow !== flow) throw new RangeError(`pin ${requested} has dataflow "${pin.dataFlow}", this needs "${flow}"`);
    return pin;
  }
  const pin = pins.find((p) => p.dataFlow === flow && (p.communication === 'sink' || p.communication === 'both'));
  if (!pin) throw new Error(`the device has no ${flow === 'out' ? 'capture' : 'render'} pin`);
  return pin;
}

export async function capture(device: DeviceInfo, options: CaptureCommand, io: StreamOutput): Promise<void> {
  if (options.frames !== undefined && (!Number.isInteger(options.frames) || options.frames < 1)) throw new RangeError(`--frames must be a positive integer, got ${options.frames}`);
  if (options.seconds !== undefined && !(options.seconds > 0)) throw new RangeError(`--seconds must be a positive number, got ${options.seconds}`);
  if (!options.out.toLowerCase().endsWith('.wav')) throw new RangeError('--out must name a .wav file (audio capture only: video capture to Y4M/raw is not built)');
  using filter = openFilter(device.path, { backend: device.backend });
  const info = streamingPin(filter, 'out', options.pin);
  const format = options.format ? parseFormat(options.format) : info.dataRanges.map(formatForRange).find((f) => f !== undefined);
  if (!format?.wave) throw new Error(`pin ${info.pinId} has no audio data range; give --format RATE:CHANNELS:BITS`);
  const wave = format.wave;
  using pin = filter.createPin({ pinId: info.pinId, dataFormat: format });
  if (options.unthrottled && device.emulated) setEmulatorPacing(pin, 'unthrottled');
  const wantBytes = options.seconds !== undefined ? Math.round(options.seconds * wave.sampleRate) * wave.blockAlign : Infinity;
  const wantFrames = options.frames ?? (options.seconds === undefined ? 100 : Infinity);
  const writer = new WavWriter(options.out, wave);
  const started = process.hrtime.bigint();
  let frames = 0;
  const stream = pin.frames();
  try {
    for await (const frame of stream) {
      const room = wantBytes - writer.bytes;
      writer.write(room < frame.dataUsed ? frame.data.subarray(0, room - (room % wave.blockAlign)) : frame.data);
      frames++;
      if (frames % 10 === 0) io.progress?.(`capturing: ${frames} frames, ${writer.bytes} bytes`);
      if (frames >= wantFrames || writer.bytes >= wantBytes) break;
    }
  } finally {
    writer.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const audioSeconds = writer.bytes / wave.avgBytesPerSec;
  io.progress?.('');
  io.out(
    `captured ${frames} frames, ${writer.bytes} bytes (${audioSeconds.toFixed(3)} s of ${wave.sampleRate} Hz ${wave.channels}-channel ${wave.bitsPerSample}-bit audio) ` +
      `in ${seconds.toFixed(3)} s (${(audioSeconds / seconds).toFixed(2)}× real time), ${stream.dropped} dropped → ${options.out}`,
  );
}

export async function render(device: DeviceInfo, file: string, options: { pin?: number; unthrottled?: boolean }, io: StreamOutput): Promise<void> {
  const { wave, data } = readWav(file);
  const format = pcmFormat(wave);
  using filter = openFilter(device.path, { backend: device.backend });
  const info = streamingPin(filter, 'in', options.pin);
  using pin = filter.createPin({ pinId: info.pinId, dataFormat: format });
  if (options.unthrottled && device.emulated) setEmulatorPacing(pin, 'unthrottled');
  // 10 ms packets, eight in flight.
  const packet = Math.max(format.wave!.blockAlign, Math.round(wave.sampleRate / 100) * format.wave!.blockAlign);
  const started = process.hrtime.bigint();
  pin.start();
  const inFlight: Promise<void>[] = [];
  let packets = 0;
  for (let offset = 0; offset < data.length; offset += packet) {
    inFlight.push(pin.write(data.subarray(offset, Math.min(data.length, offset + packet))));
    packets++;
    if (inFlight.length >= 8) await inFlight.shift();
    if (packets % 10 === 0) io.progress?.(`rendering: ${packets} packets, ${Math.min(data.length, offset + packet)} of ${data.length} bytes`);
  }
  await Promise.all(inFlight);
  await pin.write(Buffer.alloc(0), { endOfStream: true });
  pin.stop();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  io.progress?.('');
  io.out(`rendered ${packets} packets, ${data.length} bytes (${(data.length / format.wave!.avgBytesPerSec).toFixed(3)} s of audio) in ${seconds.toFixed(3)} s`);
}
