/**
 * `kernel-streaming capture`: audio to WAV, video to Y4M, either as raw
 * packets; to a file or standard output (`--out -`). Without a length it
 * records until SIGINT (Ctrl-C) or SIGTERM; either signal, at any time, ends
 * the capture with the file finalized (the WAV sizes patched) and the summary
 * printed.
 */
import * as fs from 'fs';
import { openFilter, type KsFilter, type PinFactoryInfo } from '../objects/filter';
import { formatForRange } from '../formats/data-range';
import { type DataFormat } from '../formats/data-format';
import { type VideoInfoHeader } from '../formats/video-info';
import { KSINTERFACESETID_Standard, KSINTERFACE_STANDARD_LOOPED_STREAMING, KSINTERFACE_STANDARD_STREAMING } from '../structs/constants';
import { extensibleFormat } from '../formats/audio-format';
import type { WaveRtOptions } from '../streaming/wavert-options';
import { setEmulatorCaptureSignal, setEmulatorPacing } from '../emulator/controls';
import type { DeviceInfo } from '../objects/devices';
import type { KsPin } from '../objects/pin';
import type { CaptureStream } from '../streaming/capture-stream';
import { WavWriter } from '../media/wav';
import { KSDATAFORMAT } from '../structs/constants';
import { FileSink, type MediaTarget } from '../media/file-sink';
import { packedFrameBytes, Y4mWriter, y4mFrameRate } from '../media/y4m';
import { FORMAT_HELP, parseFormatOption, subtypeName } from './format-option';

export interface StreamOutput {
  out(line: string): void;
  err(line: string): void;
  /** Progress on one line, rewritten in place (a terminal), or nothing. */
  progress?(line: string): void;
  /**
   * The descriptor `--out -` writes to: 1 (standard output) unless given. The in-process CLI tests give a pipe of
   * their own, since a vitest worker's fd 1 is the test runner's.
   */
  standardOutput?: number;
}

export interface CaptureCommand {
  pin?: number;
  format?: string;
  /** Sample frames (audio) or pictures (video). */
  frames?: number;
  /** KS packets (IOCTL_KS_READ_STREAM buffers). */
  packets?: number;
  seconds?: number;
  /** A file path, or "-" for standard output. */
  out: string;
  /** Write packets as delivered, whatever --out ends with. */
  raw?: boolean;
  unthrottled?: boolean;
  /** WaveRT pins: the engine's mode and buffer duration (--mode, --latency). */
  waveRt?: WaveRtOptions;
  /** Emulated audio: the 1 kHz tone instead of the sample-frame index signal. */
  tone?: boolean;
}

type OutputKind = 'wav' | 'y4m' | 'raw';

/** Exit codes of a capture cut short by a signal before the length asked for: 128 + the signal number, as shells report it. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function outputKind(options: CaptureCommand, format: DataFormat): OutputKind {
  if (options.raw) return 'raw';
  if (options.out === '-') return format.video ? 'y4m' : 'wav';
  const lower = options.out.toLowerCase();
  if (lower.endsWith('.wav')) return 'wav';
  if (lower.endsWith('.y4m')) return 'y4m';
  if (lower.endsWith('.raw')) return 'raw';
  throw new RangeError(`--out must end in .wav (audio), .y4m (YUY2/NV12 video) or .raw (packets as delivered), or be - (standard output), or give --raw; got "${options.out}"`);
}

export function streamingPin(filter: KsFilter, flow: 'in' | 'out', requested: number | undefined): PinFactoryInfo {
  const pins = filter.pins();
  if (requested !== undefined) {
    const pin = pins[requested];
    if (!pin) throw new RangeError(`--pin must be one of 0..${pins.length - 1}, got ${requested}`);
    if (pin.dataFlow !== flow) {
      throw new RangeError(`pin ${requested} is a ${pin.dataFlow === 'out' ? 'capture' : 'render'} pin (dataflow "${pin.dataFlow}"); ${flow === 'out' ? 'capture' : 'render'} needs one with dataflow "${flow}"`);
    }
    return pin;
  }
  const pin = pins.find((p) => p.dataFlow === flow && (p.communication === 'sink' || p.communication === 'both'));
  if (!pin) throw new Error(`the device has no ${flow === 'out' ? 'capture' : 'render'} pin`);
  return pin;
}

/** A WaveRT pin: one that offers only KSINTERFACE_STANDARD_LOOPED_STREAMING (portcls's real-time pins). */
export function isWaveRtPin(info: PinFactoryInfo): boolean {
  const offers = (id: number) => info.interfaces?.some((i) => i.set === KSINTERFACESETID_Standard && i.id === id) ?? false;
  return offers(KSINTERFACE_STANDARD_LOOPED_STREAMING) && !offers(KSINTERFACE_STANDARD_STREAMING);
}

/** WaveRT pins take WAVEFORMATEXTENSIBLE only: the same PCM as one. */
export function asExtensible(format: DataFormat): DataFormat {
  const wave = format.wave;
  if (!wave || format.extensible || wave.formatTag !== 1) return format;
  return extensibleFormat({ channels: wave.channels, sampleRate: wave.sampleRate, bitsPerSample: wave.bitsPerSample });
}

/** Where captured bytes go: a WAV or Y4M writer, or packets as delivered. */
interface Sink {
  write(data: Uint8Array): void;
  readonly bytes: number;
  close(): void;
}

function rawSink(target: MediaTarget): Sink {
  const sink = new FileSink(target);
  let bytes = 0;
  return {
    write(data) {
      sink.write(data);
      bytes += data.length;
    },
    get bytes() {
      return bytes;
    },
    close: () => sink.close(),
  };
}

/** Ends `stream` on SIGINT/SIGTERM while it runs; remembers which signal. */
class StopOnSignal {
  signal: string | null = null;
  #stream: CaptureStream | null = null;
  readonly #handler = (signal: string) => {
    this.signal ??= signal;
    this.#stream?.close();
  };

  constructor() {
    process.on('SIGINT', this.#handler);
    process.on('SIGTERM', this.#handler);
  }

  /** Writes to the output; a reader that closed the pipe (EPIPE, as `| head` does) ends the capture like a signal. */
  write(writer: Sink, data: Uint8Array): boolean {
    try {
      writer.write(data);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
      this.signal ??= 'the reader closing the output';
      return false;
    }
  }

  watch(stream: CaptureStream): void {
    this.#stream = stream;
    if (this.signal) stream.close();
  }

  dispose(): void {
    process.off('SIGINT', this.#handler);
    process.off('SIGTERM', this.#handler);
  }
}

/** Runs the capture; resolves with the exit code (0, or 130/143 for a signal before the length asked for). */
export async function capture(device: DeviceInfo, options: CaptureCommand, io: StreamOutput): Promise<number> {
  const stop = new StopOnSignal();
  try {
    using filter = openFilter(device.path, { backend: device.backend });
    const info = streamingPin(filter, 'out', options.pin);
    const offered = options.format ? parseFormatOption(options.format, info.dataRanges) : info.dataRanges.map(formatForRange).find((f) => f !== undefined);
    const format = offered && isWaveRtPin(info) ? asExtensible(offered) : offered;
    if (!format?.wave && !format?.video) throw new Error(`pin ${info.pinId} has no audio or video data range this tool can build a format for; give --format ${FORMAT_HELP}`);
    const kind = outputKind(options, format);
    if (format.video && kind === 'wav') throw new RangeError(`pin ${info.pinId} streams video (${format.video.bitmap.width}x${Math.abs(format.video.bitmap.height)} ${subtypeName(format.subFormat)}): --out must end in .y4m or .raw, not .wav`);
    if (format.wave && kind === 'y4m') throw new RangeError(`pin ${info.pinId} streams audio: --out must end in .wav or .raw, not .y4m`);
    const target: MediaTarget = options.out === '-' ? { fd: io.standardOutput ?? 1 } : options.out;
    const writer = createWriter(kind, target, format);
    let pin: KsPin;
    try {
      pin = filter.createPin({ pinId: info.pinId, dataFormat: format });
    } catch (e) {
      writer.close();
      if (typeof target === 'string') fs.rmSync(target, { force: true });
      throw e;
    }
    using _pin = pin;
    if (options.unthrottled && device.emulated && !pin.waveRt) setEmulatorPacing(pin, 'unthrottled');
    if (options.tone && device.emulated && !format.video) setEmulatorCaptureSignal(pin, 'tone');
    const bounded = options.frames !== undefined || options.packets !== undefined || options.seconds !== undefined;
    io.err(`capturing from "${device.friendlyName}" pin ${info.pinId} (${describeFormat(format)}) ${bounded ? 'for ' + describeLength(options, format) : 'until Ctrl-C (SIGINT) or SIGTERM'} → ${describeTarget(options.out)}`);
    const summary = format.video ? await captureVideo(pin, format, format.video, writer, options, stop, io) : await captureAudio(pin, format, writer, options, stop, io);
    io.progress?.('');
    io.err(`${stop.signal ? `stopped by ${stop.signal}: ` : ''}${summary} → ${describeTarget(options.out)}${kind === 'raw' ? ' (raw packets)' : ''}`);
    return stop.signal && bounded ? SIGNAL_EXIT[stop.signal] ?? 0 : 0;
  } finally {
    stop.dispose();
  }
}

const describeTarget = (out: string) => (out === '-' ? 'standard output' : out);

function describeFormat(format: DataFormat): string {
  if (format.video) return `${format.video.bitmap.width}x${Math.abs(format.video.bitmap.height)} ${subtypeName(format.subFormat)} video`;
  const w = format.wave!;
  const float = format.extensible?.subFormat === KSDATAFORMAT.SUBTYPE_IEEE_FLOAT;
  return `${w.sampleRate} Hz ${w.channels}-channel ${w.bitsPerSample}-bit ${float ? 'float' : 'PCM'} audio`;
}

function describeLength(options: CaptureCommand, format: DataFormat): string {
  if (options.seconds !== undefined) return `${options.seconds} s`;
  if (options.packets !== undefined) return `${options.packets} packets`;
  return `${options.frames} ${format.video ? 'frames' : 'sample frames'}`;
}

function createWriter(kind: OutputKind, target: MediaTarget, format: DataFormat): Sink {
  if (kind === 'raw') return rawSink(target);
  if (kind === 'wav') {
    const w = format.wave!;
    const ext = format.extensible;
    const float = ext?.subFormat === KSDATAFORMAT.SUBTYPE_IEEE_FLOAT;
    const wav = new WavWriter(target, { channels: w.channels, sampleRate: w.sampleRate, bitsPerSample: w.bitsPerSample, float, validBitsPerSample: ext?.validBitsPerSample, channelMask: ext?.channelMask });
    return wav;
  }
  const header = format.video!;
  return new Y4mWriter(target, { width: header.bitmap.width, height: Math.abs(header.bitmap.height), subtype: format.subFormat, avgTimePerFrame: header.avgTimePerFrame });
}

async function captureAudio(pin: KsPin, format: DataFormat, writer: Sink, options: CaptureCommand, stop: StopOnSignal, io: StreamOutput): Promise<string> {
  const wave = format.wave!;
  const wantBytes =
    options.seconds !== undefined ? Math.round(options.seconds * wave.sampleRate) * wave.blockAlign : options.frames !== undefined ? options.frames * wave.blockAlign : Infinity;
  const wantPackets = options.packets ?? Infinity;
  const started = process.hrtime.bigint();
  let packets = 0;
  const stream = pin.frames(pin.waveRt ? { ...options.waveRt } : {});
  stop.watch(stream);
  let dropped = 0;
  let overruns = 0;
  try {
    for await (const packet of stream) {
      const room = wantBytes - writer.bytes;
      if (!stop.write(writer, room < packet.dataUsed ? packet.data.subarray(0, room - (room % wave.blockAlign)) : packet.data)) break;
      packets++;
      if (packets % 10 === 0) io.progress?.(`capturing: ${(writer.bytes / wave.avgBytesPerSec).toFixed(1)} s, ${packets} packets, ${writer.bytes} bytes`);
      if (packets >= wantPackets || writer.bytes >= wantBytes) break;
    }
  } finally {
    dropped = stream.dropped;
    overruns = stream.overruns;
    stream.close();
    writer.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // A WaveRT device overwrites what is read too late: say so, the file has a gap.
  const lost = pin.waveRt ? `, ${overruns} overruns (audio the device overwrote before it was read)` : '';
  const audioSeconds = writer.bytes / wave.avgBytesPerSec;
  return (
    `captured ${writer.bytes / wave.blockAlign} sample frames (${audioSeconds.toFixed(3)} s of ${describeFormat(format)}), ${writer.bytes} bytes in ${packets} packets, ` +
    `in ${seconds.toFixed(3)} s (${(audioSeconds / seconds).toFixed(2)}× real time), ${dropped} packets dropped${lost}`
  );
}

async function captureVideo(pin: KsPin, format: DataFormat, header: VideoInfoHeader, writer: Sink, options: CaptureCommand, stop: StopOnSignal, io: StreamOutput): Promise<string> {
  const width = header.bitmap.width;
  const height = Math.abs(header.bitmap.height);
  const interval = Number(header.avgTimePerFrame);
  // One picture per packet, so --frames and --packets count the same thing.
  const wantFrames = options.frames ?? options.packets ?? (options.seconds !== undefined ? Math.max(1, Math.round((options.seconds * 10_000_000) / interval)) : Infinity);
  const picture = writer instanceof Y4mWriter ? packedFrameBytes({ width, height, subtype: format.subFormat }) : 0;
  const started = process.hrtime.bigint();
  let frames = 0;
  // One whole image per packet: a smaller buffer fails the read.
  const stream = pin.frames({ frameSize: Math.max(header.bitmap.sizeImage, format.sampleSize ?? 0, 1) });
  stop.watch(stream);
  let dropped = 0;
  try {
    for await (const frame of stream) {
      if (frame.dataUsed < picture) throw new RangeError(`frame ${frame.index} has ${frame.dataUsed} bytes, a ${width}x${height} ${subtypeName(format.subFormat)} picture needs ${picture}`);
      if (!stop.write(writer, frame.data)) break;
      frames++;
      if (frames % 10 === 0) io.progress?.(`capturing: ${frames} frames, ${writer.bytes} bytes`);
      if (frames >= wantFrames) break;
    }
  } finally {
    dropped = stream.dropped;
    stream.close();
    writer.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [num, den] = y4mFrameRate(header.avgTimePerFrame);
  const videoSeconds = (frames * interval) / 10_000_000;
  return (
    `captured ${frames} frames (${videoSeconds.toFixed(3)} s of ${width}x${height} ${subtypeName(format.subFormat)} video at ${+(num / den).toFixed(3)} fps), ${writer.bytes} bytes, ` +
    `in ${seconds.toFixed(3)} s (${(frames / seconds).toFixed(2)} fps, ${(videoSeconds / seconds).toFixed(2)}× real time), ${dropped} frames dropped`
  );
}
