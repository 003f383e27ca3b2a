/**
 * record() and play(): a device to a WAV (or Y4M) file and a WAV file to a
 * device in one call, built only on the public API (openFilter, createPin,
 * frames, write, WavWriter, readWav) — also an example of using it.
 */
import { openFilter, type KsFilter } from '../objects/filter';
import type { DeviceInfo } from '../objects/devices';
import type { KsPin } from '../objects/pin';
import type { BackendName } from '../addon/backend';
import { pcmFormat, type PcmFormatInit } from '../formats/audio-format';
import type { DataFormat } from '../formats/data-format';
import { KSDATAFORMAT } from '../structs/constants';
import { describeFormat } from '../formats/format-fit';
import { readWav, WavWriter } from './wav';
import { Y4mWriter } from './y4m';
import type { MediaTarget } from './file-sink';

export interface RecordOptions {
  /** How long to record, in seconds (> 0). */
  seconds: number;
  /** Where to write: a .wav path (audio) or .y4m path (YUY2/NV12 video), or `{ fd }` (1: standard output). */
  out: MediaTarget;
  /** The format: a PCM description ({ channels, sampleRate, bitsPerSample }) or a DataFormat; default the pin's choice (createPin without a format). */
  format?: PcmFormatInit | DataFormat;
  /** The capture pin's id; default the first pin data flows out of (a capture pin that can be instantiated). */
  pinId?: number;
  /** The backend, where `device` is a name or path; default as openFilter. */
  backend?: BackendName;
  /** Stops the recording early (the file is still finalized). */
  signal?: AbortSignal;
}

export interface RecordResult {
  /** The format recorded in, in words ("48000 Hz 2-channel 16-bit PCM"). */
  format: string;
  /** Sample frames (audio) or pictures (video) written. */
  frames: number;
  /** Bytes of sample or picture data written. */
  bytes: number;
  /** Seconds of media written. */
  seconds: number;
}

function openDevice(device: DeviceInfo | string, backend?: BackendName): KsFilter {
  if (typeof device === 'string') return openFilter(device, { backend });
  if (device === null || typeof device !== 'object' || typeof device.path !== 'string') throw new TypeError('device must be a DeviceInfo from listDevices(), a device path, or a device name');
  return openFilter(device.path, { backend: backend ?? device.backend });
}

function pickPin(filter: KsFilter, flow: 'in' | 'out', pinId: number | undefined): number {
  if (pinId !== undefined) return pinId;
  const pin = filter.pins().find((p) => p.dataFlow === flow && (p.communication === 'sink' || p.communication === 'both'));
  if (!pin) throw new TypeError(`the device has no ${flow === 'out' ? 'capture' : 'render'} pin (dataflow "${flow}", communication sink or both)`);
  return pin.pinId;
}

const isDataFormat = (f: PcmFormatInit | DataFormat): f is DataFormat => typeof (f as DataFormat).majorFormat === 'string';

/**
 * Records `seconds` from a capture device to a WAV file (audio) or a Y4M file
 * (YUY2 or NV12 video). `device` is a DeviceInfo, a path, or a (unique part of
 * a) friendly name.
 */
export async function record(device: DeviceInfo | string, options: RecordOptions): Promise<RecordResult> {
  if (options === null || typeof options !== 'object') throw new TypeError('record takes (device, { seconds, out, format?, pinId? })');
  if (typeof options.seconds !== 'number' || !(options.seconds > 0) || !Number.isFinite(options.seconds)) throw new RangeError(`seconds must be a number above 0, got ${String(options.seconds)}`);
  using filter = openDevice(device, options.backend);
  const pinId = pickPin(filter, 'out', options.pinId);
  const dataFormat = options.format === undefined ? undefined : isDataFormat(options.format) ? options.format : pcmFormat(options.format);
  using pin = filter.createPin({ pinId, dataFormat });
  // Awaited here: `using` closes the pin when this function returns.
  return await (pin.dataFormat.video ? recordVideo(pin, options) : recordAudio(pin, options));
}

async function recordAudio(pin: KsPin, options: RecordOptions): Promise<RecordResult> {
  const wave = pin.dataFormat.wave;
  if (!wave) throw new TypeError(`pin ${pin.pinId} streams ${describeFormat(pin.dataFormat)}, which record() cannot write to a file`);
  const ext = pin.dataFormat.extensible;
  const writer = new WavWriter(options.out, {
    channels: wave.channels,
    sampleRate: wave.sampleRate,
    bitsPerSample: wave.bitsPerSample,
    float: pin.dataFormat.subFormat === KSDATAFORMAT.SUBTYPE_IEEE_FLOAT,
    validBitsPerSample: ext?.validBitsPerSample,
    channelMask: ext?.channelMask,
  });
  const want = Math.round(options.seconds * wave.sampleRate) * wave.blockAlign;
  const stream = pin.frames();
  const stop = () => stream.close();
  options.signal?.addEventListener('abort', stop);
  try {
    if (options.signal?.aborted) stream.close();
    for await (const frame of stream) {
      const room = want - writer.bytes;
      writer.write(room < frame.dataUsed ? frame.data.subarray(0, room) : frame.data);
      if (writer.bytes >= want) break;
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    writer.close();
  }
  return { format: describeFormat(pin.dataFormat), frames: writer.sampleFrames, bytes: writer.bytes, seconds: writer.bytes / wave.avgBytesPerSec };
}

async function recordVideo(pin: KsPin, options: RecordOptions): Promise<RecordResult> {
  const header = pin.dataFormat.video!;
  const interval = Number(header.avgTimePerFrame);
  const writer = new Y4mWriter(options.out, { width: header.bitmap.width, height: Math.abs(header.bitmap.height), subtype: pin.dataFormat.subFormat, avgTimePerFrame: header.avgTimePerFrame });
  const want = Math.max(1, Math.round((options.seconds * 10_000_000) / interval));
  const stream = pin.frames({ frameSize: Math.max(header.bitmap.sizeImage, 1) });
  const stop = () => stream.close();
  options.signal?.addEventListener('abort', stop);
  try {
    if (options.signal?.aborted) stream.close();
    for await (const frame of stream) {
      writer.write(frame.data);
      if (writer.frames >= want) break;
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    writer.close();
  }
  return { format: describeFormat(pin.dataFormat), frames: writer.frames, bytes: writer.bytes, seconds: (writer.frames * interval) / 10_000_000 };
}

export interface PlayOptions {
  /** The render pin's id; default the first pin data flows into (a render pin that can be instantiated). */
  pinId?: number;
  /** The backend, where `device` is a name or path; default as openFilter. */
  backend?: BackendName;
}

/**
 * Plays a WAV file (PCM or float, plain or WAVE_FORMAT_EXTENSIBLE) to a render
 * device in 10 ms packets, and resolves when the device has consumed it all.
 * A format the pin refuses is a KsError listing the formats it takes.
 */
export async function play(device: DeviceInfo | string, file: string, options: PlayOptions = {}): Promise<RecordResult> {
  const { wave, data } = readWav(file);
  using filter = openDevice(device, options.backend);
  const pinId = pickPin(filter, 'in', options.pinId);
  using pin = filter.createPin({ pinId, dataFormat: pcmFormat(wave) });
  const blockAlign = pin.dataFormat.wave!.blockAlign;
  const packet = Math.max(1, Math.round(wave.sampleRate / 100)) * blockAlign;
  pin.start();
  const inFlight: Promise<void>[] = [];
  for (let offset = 0; offset < data.length; offset += packet) {
    inFlight.push(pin.write(data.subarray(offset, Math.min(data.length, offset + packet))));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await pin.write(Buffer.alloc(0), { endOfStream: true });
  pin.stop();
  return { format: describeFormat(pin.dataFormat), frames: data.length / blockAlign, bytes: data.length, seconds: data.length / pin.dataFormat.wave!.avgBytesPerSec };
}
