/**
 * `kernel-streaming capture` and `render`: audio to and from WAV files, video
 * to Y4M or raw files.
 */
import * as fs from 'fs';
import { openFilter, type KsFilter, type PinFactoryInfo } from '../objects/filter';
import { formatForRange, type DataRange } from '../formats/data-range';
import { pcmFormat } from '../formats/audio-format';
import { type DataFormat } from '../formats/data-format';
import { videoFormat } from '../formats/video-format';
import { type VideoInfoHeader } from '../formats/video-info';
import { setEmulatorPacing } from '../emulator/controls';
import { KSDATAFORMAT } from '../structs/constants';
import type { DeviceInfo } from '../objects/devices';
import type { KsPin } from '../objects/pin';
import { readWav, WavWriter } from '../media/wav';
import { packedFrameBytes, Y4mWriter, y4mFrameRate } from '../media/y4m';

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
  /** Write frames as delivered, whatever --out ends with. */
  raw?: boolean;
  unthrottled?: boolean;
}

type OutputKind = 'wav' | 'y4m' | 'raw';

/** The --format subtype names, as the video pins' SubFormat GUIDs. */
const VIDEO_SUBTYPES: Record<string, string> = {
  yuy2: KSDATAFORMAT.SUBTYPE_YUY2,
  nv12: KSDATAFORMAT.SUBTYPE_NV12,
  rgb24: KSDATAFORMAT.SUBTYPE_RGB24,
  rgb32: KSDATAFORMAT.SUBTYPE_RGB32,
};
const subtypeName = (guid: string): string => Object.keys(VIDEO_SUBTYPES).find((k) => VIDEO_SUBTYPES[k] === guid) ?? guid;

const FORMAT_HELP = 'RATE:CHANNELS:BITS for audio (e.g. 48000:2:16) or WIDTHxHEIGHT[@FPS][:SUBTYPE] for video (e.g. 640x480@30:yuy2; SUBTYPE one of yuy2, nv12, rgb24, rgb32)';

/** "48000:2:16" → PCM format. */
function parseAudioFormat(text: string): DataFormat {
  const m = /^(\d+):(\d+):(\d+)$/.exec(text);
  if (!m) throw new RangeError(`--format must be ${FORMAT_HELP}, got "${text}"`);
  return pcmFormat({ sampleRate: Number(m[1]), channels: Number(m[2]), bitsPerSample: Number(m[3]) });
}

/** A video range's frame size, subtype and frame rate as --format spells them. */
function describeVideoRange(range: DataRange): string {
  const header = range.video!.videoInfoHeader;
  let rate = '';
  if (header.avgTimePerFrame > 0n) {
    const [num, den] = y4mFrameRate(header.avgTimePerFrame);
    rate = `@${den === 1 ? num : (num / den).toFixed(3)}`;
  }
  return `${header.bitmap.width}x${Math.abs(header.bitmap.height)}${rate}:${subtypeName(range.subFormat)}`;
}

/**
 * "640x480@30:yuy2" → a KS_VIDEOINFOHEADER format. What the text leaves out
 * (the rate, the subtype) comes from the first of the pin's ranges that has
 * the rest; a combination none of them offers is refused, naming the ones
 * they do.
 */
function parseVideoFormat(text: string, ranges: DataRange[]): DataFormat {
  const m = /^(\d+)x(\d+)(?:@(\d+(?:\.\d+)?))?(?::(\w+))?$/i.exec(text);
  if (!m) throw new RangeError(`--format must be ${FORMAT_HELP}, got "${text}"`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  const fps = m[3] === undefined ? undefined : Number(m[3]);
  let subtype: string | undefined;
  if (m[4] !== undefined) {
    subtype = VIDEO_SUBTYPES[m[4].toLowerCase()];
    if (!subtype) throw new RangeError(`--format subtype must be one of ${Object.keys(VIDEO_SUBTYPES).join(', ')}, got "${m[4]}"`);
  }
  const video = ranges.filter((r) => r.video && r.specifier === KSDATAFORMAT.SPECIFIER_VIDEOINFO);
  const offered = () => video.map(describeVideoRange).join(', ');
  const interval = fps === undefined ? undefined : BigInt(Math.round(10_000_000 / fps));
  const range = video.find((r) => {
    const h = r.video!.videoInfoHeader.bitmap;
    const caps = r.video!.configCaps;
    return (
      h.width === width &&
      Math.abs(h.height) === height &&
      (subtype === undefined || r.subFormat === subtype) &&
      (interval === undefined || (interval >= caps.minFrameInterval && interval <= caps.maxFrameInterval))
    );
  });
  if (!range) {
    if (video.length === 0) throw new RangeError(`--format ${text}: the pin has no KS_VIDEOINFOHEADER video range`);
    throw new RangeError(`--format ${text} is not one the pin offers; it offers ${offered()}`);
  }
  const header = range.video!.videoInfoHeader as VideoInfoHeader;
  return videoFormat({
    width,
    height,
    subtype: range.subFormat,
    fps: fps ?? 10_000_000 / Number(header.avgTimePerFrame),
  });
}

function parseFormat(text: string, ranges: DataRange[]): DataFormat {
  return /^\d+x/i.test(text) ? parseVideoFormat(text, ranges) : parseAudioFormat(text);
}

function outputKind(options: CaptureCommand): OutputKind {
  if (options.raw) return 'raw';
  const lower = options.out.toLowerCase();
  if (lower.endsWith('.wav')) return 'wav';
  if (lower.endsWith('.y4m')) return 'y4m';
  if (lower.endsWith('.raw')) return 'raw';
  throw new RangeError(`--out must end in .wav (audio), .y4m (YUY2/NV12 video) or .raw (frames as delivered), or give --raw; got "${options.out}"`);
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
  const kind = outputKind(options);
  using filter = openFilter(device.path, { backend: device.backend });
  const info = streamingPin(filter, 'out', options.pin);
  const format = options.format ? parseFormat(options.format, info.dataRanges) : info.dataRanges.map(formatForRange).find((f) => f !== undefined);
  if (!format?.wave && !format?.video) throw new Error(`pin ${info.pinId} has no audio or video data range this tool can build a format for; give --format ${FORMAT_HELP}`);
  if (format.video && kind === 'wav') throw new RangeError(`pin ${info.pinId} streams video (${format.video.bitmap.width}x${Math.abs(format.video.bitmap.height)} ${subtypeName(format.subFormat)}): --out must end in .y4m or .raw, not .wav`);
  if (format.wave && kind === 'y4m') throw new RangeError(`pin ${info.pinId} streams audio: --out must end in .wav or .raw, not .y4m`);
  using pin = filter.createPin({ pinId: info.pinId, dataFormat: format });
  if (options.unthrottled && device.emulated) setEmulatorPacing(pin, 'unthrottled');
  if (format.video) await captureVideo(pin, format, format.video, kind, options, io);
  else await captureAudio(pin, format, kind, options, io);
}

/** Where captured bytes go: a WAV file, or frames as delivered. */
interface Sink {
  write(data: Uint8Array): void;
  readonly bytes: number;
  close(): void;
}

function rawSink(path: string): Sink {
  const fd = fs.openSync(path, 'w');
  let bytes = 0;
  return {
    write(data) {
      fs.writeSync(fd, data);
      bytes += data.length;
    },
    get bytes() {
      return bytes;
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

async function captureAudio(pin: KsPin, format: DataFormat, kind: OutputKind, options: CaptureCommand, io: StreamOutput): Promise<void> {
  const wave = format.wave!;
  const wantBytes = options.seconds !== undefined ? Math.round(options.seconds * wave.sampleRate) * wave.blockAlign : Infinity;
  const wantFrames = options.frames ?? (options.seconds === undefined ? 100 : Infinity);
  const writer: Sink = kind === 'wav' ? new WavWriter(options.out, wave) : rawSink(options.out);
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

async function captureVideo(pin: KsPin, format: DataFormat, header: VideoInfoHeader, kind: OutputKind, options: CaptureCommand, io: StreamOutput): Promise<void> {
  const width = header.bitmap.width;
  const height = Math.abs(header.bitmap.height);
  const interval = Number(header.avgTimePerFrame);
  const wantFrames = options.frames ?? (options.seconds !== undefined ? Math.max(1, Math.round((options.seconds * 10_000_000) / interval)) : 100);
  const video = { width, height, subtype: format.subFormat, avgTimePerFrame: header.avgTimePerFrame };
  const picture = kind === 'y4m' ? packedFrameBytes(video) : 0;
  const writer: Sink = kind === 'y4m' ? new Y4mWriter(options.out, video) : rawSink(options.out);
  const started = process.hrtime.bigint();
  let frames = 0;
  // One whole image per packet: a smaller buffer fails the read.
  const stream = pin.frames({ frameSize: Math.max(header.bitmap.sizeImage, format.sampleSize ?? 0, 1) });
  try {
    for await (const frame of stream) {
      if (frame.dataUsed < picture) throw new RangeError(`frame ${frame.index} has ${frame.dataUsed} bytes, a ${width}x${height} ${subtypeName(format.subFormat)} picture needs ${picture}`);
      writer.write(frame.data);
      frames++;
      if (frames % 10 === 0) io.progress?.(`capturing: ${frames} of ${wantFrames} frames, ${writer.bytes} bytes`);
      if (frames >= wantFrames) break;
    }
  } finally {
    writer.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [num, den] = y4mFrameRate(header.avgTimePerFrame);
  const fps = num / den;
  const videoSeconds = (frames * interval) / 10_000_000;
  io.progress?.('');
  io.out(
    `captured ${frames} frames, ${writer.bytes} bytes (${videoSeconds.toFixed(3)} s of ${width}x${height} ${subtypeName(format.subFormat)} video at ${+fps.toFixed(3)} fps) ` +
      `in ${seconds.toFixed(3)} s (${(frames / seconds).toFixed(2)} fps, ${(videoSeconds / seconds).toFixed(2)}× real time), ${stream.dropped} dropped → ${options.out}${kind === 'raw' ? ' (raw frames)' : ''}`,
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
