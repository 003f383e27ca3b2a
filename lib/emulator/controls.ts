/**
 * Controls and references for the emulator's virtual streaming pins, through
 * the emulator's own property set (not a Microsoft one):
 * - pacing: real time (default) or unthrottled, for benchmarks;
 * - render statistics: frames, bytes, an order-sensitive checksum and the
 *   end-of-stream flag, so a test can prove every byte arrived in order;
 * - the audio capture signal: each sample frame's index (default), or a tone
 *   for listening;
 * - the capture test signals (the tone, the video pattern), so a test can
 *   check every byte it received;
 * - the size of an object's event list, the driver's side of enable/disable.
 */
import { KsError } from '../base/errors';
import { KSDATAFORMAT, KSPROPSETID } from '../structs/constants';
import { normalizeGuid, type Guid } from '../structs/guid';
import { checkInteger } from '../base/validate';
import { type DataFormat } from '../formats/data-format';
import type { KsPin } from '../objects/pin';
import type { KsFilter } from '../objects/filter';
import type { KsHandle } from '../objects/handle';

export const KSPROPERTY_EMULATOR = { DEVICE_MEMORY: 0, RENDER_STATS: 1, PACING: 2, CAPTURE_SIGNAL: 3, ENABLED_EVENTS: 4, STREAM_HEADERS: 5, NOT_READY_AFTER_PLUG: 6, IGNORE_CANCEL: 7, LATE_COMPLETIONS: 8, WAVERT_STATS: 16, AUDIO_ENGINE_HOLD: 17, WAVERT_DMA_HOLD: 18 } as const;

/**
 * What an emulated audio capture pin delivers:
 * - 'index' (the default): byte k of sample frame n (n counted from 0 since
 *   the pin last left STOP) is bits 8·(k mod 8) … 8·(k mod 8)+7 of n — for
 *   16-bit stereo, each sample frame is n's low 32 bits, little-endian. Nothing
 *   repeats at packet scale, so a lost, repeated, stale or reordered buffer shows.
 * - 'tone': the 1 kHz sine of emulatorToneSample(), for listening.
 */
export type CaptureSignal = 'index' | 'tone';

/** Chooses the signal an emulated audio capture pin delivers, from its next read on. */
export function setEmulatorCaptureSignal(pin: KsPin, signal: CaptureSignal): void {
  if (signal !== 'index' && signal !== 'tone') throw new RangeError(`signal must be "index" or "tone", got ${JSON.stringify(signal)}`);
  const value = Buffer.alloc(4);
  value.writeUInt32LE(signal === 'index' ? 0 : 1);
  pin.setProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.CAPTURE_SIGNAL, value);
}

/**
 * How many entries the emulated object's own event list holds: what
 * ENABLE_EVENT added and DISABLE_EVENT, a one-shot signal or the handle's
 * cleanup has not removed (clocks, pins, and filters with events).
 */
export function emulatorEnabledEvents(object: KsHandle): number {
  const b = object.getProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.ENABLED_EVENTS, { size: 4 });
  if (b.length < 4) throw new KsError('ERR_MALFORMED_REPLY', 'enabled events', `expected 4 bytes, got ${b.length}`);
  return b.readUInt32LE(0);
}

export type Pacing = 'real-time' | 'unthrottled';

/** Sets how fast an emulated pin streams: at the format's rate, or as fast as buffers arrive. */
export function setEmulatorPacing(pin: KsPin, pacing: Pacing): void {
  if (pacing !== 'real-time' && pacing !== 'unthrottled') throw new RangeError(`pacing must be "real-time" or "unthrottled", got ${JSON.stringify(pacing)}`);
  const value = Buffer.alloc(4);
  value.writeUInt32LE(pacing === 'real-time' ? 1 : 0);
  pin.setProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.PACING, value);
}

export interface RenderStats {
  frames: number;
  bytes: number;
  /** FNV-1a 64 over every byte rendered, in order (see renderChecksum). */
  checksum: bigint;
  endOfStream: boolean;
}

/** What an emulated render pin has consumed. */
export function emulatorRenderStats(pin: KsPin): RenderStats {
  const b = pin.getProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.RENDER_STATS, { size: 32 });
  if (b.length < 32) throw new KsError('ERR_MALFORMED_REPLY', 'render stats', `expected 32 bytes, got ${b.length}`);
  return {
    frames: Number(b.readBigUInt64LE(0)),
    bytes: Number(b.readBigUInt64LE(8)),
    checksum: b.readBigUInt64LE(16),
    endOfStream: b.readUInt32LE(24) !== 0,
  };
}

/** What an emulated WaveRT pin's DMA engine has done (docs/emulator.md, "WaveRT endpoints"). */
export interface WaveRtStats {
  /** Sample frames the DMA position moved over the pin's lifetime. */
  frames: number;
  /** Capture: bytes written into the cyclic buffer; render: bytes played (whole 8-byte words; see renderChecksum). */
  bytes: number;
  /** Render: FNV-1a 64 over the played bytes in order (renderChecksum over the played stream as one packet). */
  checksum: bigint;
  /** Underruns (render) or packets lost (capture, packet mode), by the emulator's rule. */
  glitches: number;
  /** Notification-event signals. */
  notifications: number;
  /** Render, packet mode: the end-of-stream packet has been played. */
  endOfStream: boolean;
  /** Packet mode (SETWRITEPACKET) was used since the last STOP. */
  packetMode: boolean;
  /**
   * The modelled DMA's steps that came more than 2 ms after the one before
   * (its thread held off the CPU, as on a loaded machine or VM; hardware
   * never is): each moves the position by all the time since at once.
   */
  lateSteps: number;
  /** The longest time between two DMA steps while running, in milliseconds. */
  longestStepMs: number;
  /** Render glitches met in late steps: the model's, since no client could have written what the DMA fetched while it stood still. */
  glitchesInLateSteps: number;
}

/** An emulated WaveRT pin's DMA counters, checksum and glitches. */
export function emulatorWaveRtStats(pin: KsPin): WaveRtStats {
  const b = pin.getProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.WAVERT_STATS, { size: 56 });
  if (b.length < 56) throw new KsError('ERR_MALFORMED_REPLY', 'WaveRT stats', `expected 56 bytes, got ${b.length}`);
  return {
    frames: Number(b.readBigUInt64LE(0)),
    bytes: Number(b.readBigUInt64LE(8)),
    checksum: b.readBigUInt64LE(16),
    glitches: b.readUInt32LE(24),
    notifications: b.readUInt32LE(28),
    endOfStream: b.readUInt32LE(32) !== 0,
    packetMode: b.readUInt32LE(36) !== 0,
    lateSteps: b.readUInt32LE(40),
    longestStepMs: b.readUInt32LE(44) / 1000,
    glitchesInLateSteps: b.readUInt32LE(48),
  };
}

/**
 * The emulator's "held by the audio engine" switch on an emulated WaveRT
 * endpoint's wave filter: while held, pin creates fail as they do on Windows
 * when audiodg.exe has the endpoint (STATUS_INVALID_DEVICE_STATE, which
 * ksuser reports as ERROR_BAD_COMMAND).
 */
export function setEmulatorAudioEngineHold(filter: KsFilter, held: boolean): void {
  if (typeof held !== 'boolean') throw new TypeError(`held must be a boolean, got ${typeof held}`);
  const value = Buffer.alloc(4);
  value.writeInt32LE(held ? 1 : 0);
  filter.setProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.AUDIO_ENGINE_HOLD, value);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * The emulated render pin's checksum, continued over `packets` in order:
 * per packet, FNV-1a 64 over its 8-byte little-endian words, then its tail bytes.
 */
export function renderChecksum(packets: Iterable<Uint8Array>, seed: bigint = FNV_OFFSET): bigint {
  let h = seed;
  for (const p of packets) {
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    let i = 0;
    for (; i + 8 <= p.byteLength; i += 8) h = ((h ^ view.getBigUint64(i, true)) * FNV_PRIME) & MASK;
    for (; i < p.byteLength; i++) h = ((h ^ BigInt(p[i])) * FNV_PRIME) & MASK;
  }
  return h;
}

/**
 * Sample `n` (from the start of the stream) of the emulated tone (the capture
 * signal a pin delivers after setEmulatorCaptureSignal(pin, 'tone')): a 1 kHz
 * sine at half full scale, amplitude 2·⌊(2^(bits−1) − 1) / 4⌋ (even, so that
 * the samples where the sine is ±1/2 are whole numbers, not rounding ties), the
 * same on every channel.
 */
export function emulatorToneSample(n: number, sampleRate: number, bitsPerSample: number): number {
  const phase = (2 * Math.PI * ((n * 1000) % sampleRate)) / sampleRate;
  const amplitude = 2 * Math.floor((2 ** (bitsPerSample - 1) - 1) / 4);
  return Math.round(Math.sin(phase) * amplitude);
}

/** What emulatorVideoFrame() needs to know of a video format. */
export interface EmulatorVideoLayout {
  /** KSDATAFORMAT.SUBTYPE_YUY2 or KSDATAFORMAT.SUBTYPE_NV12 */
  subtype: Guid;
  /** Pixels; even. */
  width: number;
  /** Pixels (the sign of biHeight is ignored: YUV is top-down); even for NV12. */
  height: number;
  /** biSizeImage: bytes per frame, at least the picture's; the rest is zero. Default: the picture's. */
  imageSize?: number;
}

const LUMA_SPAN = 220;
const CHROMA_SPAN = 225;

function videoLayout(format: DataFormat | EmulatorVideoLayout): Required<EmulatorVideoLayout> {
  if (format === null || typeof format !== 'object') throw new TypeError('format must be a video DataFormat or { subtype, width, height }');
  let subtype: Guid, width: unknown, height: unknown, imageSize: unknown;
  if ('majorFormat' in format) {
    const header = format.video ?? format.video2;
    if (!header) throw new RangeError('format must carry a KS_VIDEOINFOHEADER or KS_VIDEOINFOHEADER2 (specifier VIDEOINFO or VIDEOINFO2)');
    subtype = format.subFormat;
    width = header.bitmap.width;
    height = Math.abs(header.bitmap.height);
    imageSize = header.bitmap.sizeImage;
  } else {
    subtype = format.subtype;
    width = format.width;
    height = typeof format.height === 'number' ? Math.abs(format.height) : format.height;
    imageSize = format.imageSize;
  }
  const nv12 = normalizeGuid(subtype, 'format.subtype') === KSDATAFORMAT.SUBTYPE_NV12;
  if (!nv12 && normalizeGuid(subtype, 'format.subtype') !== KSDATAFORMAT.SUBTYPE_YUY2) {
    throw new RangeError(`format.subtype must be KSDATAFORMAT.SUBTYPE_YUY2 or SUBTYPE_NV12 (the emulated camera's), got ${subtype}`);
  }
  const w = checkInteger(width, 'format.width', 2, 16384);
  const h = checkInteger(height, 'format.height', 1, 16384);
  if (w % 2 !== 0) throw new RangeError(`format.width must be even, got ${w}`);
  if (nv12 && h % 2 !== 0) throw new RangeError(`format.height must be even for NV12, got ${h}`);
  const picture = nv12 ? (w * h * 3) / 2 : w * h * 2;
  const size = imageSize === undefined || imageSize === 0 ? picture : checkInteger(imageSize, 'format.imageSize', 1, 0x7fffffff);
  return { subtype: nv12 ? KSDATAFORMAT.SUBTYPE_NV12 : KSDATAFORMAT.SUBTYPE_YUY2, width: w, height: h, imageSize: Math.max(size, picture) };
}

function stamp(frame: Buffer, at: number, rowBytes: number, index: bigint): void {
  for (let k = 0; k < Math.min(8, rowBytes); k++) frame[at + k] = Number((index >> BigInt(8 * k)) & 0xffn);
}

/**
 * Frame `index` (from 0 since the pin last left STOP) of the emulated
 * camera's test pattern, exactly as the emulator delivers it: imageSize
 * bytes. With W × H pixels, n = index, bar(x) = ⌊8x / W⌋ and chroma sample
 * (cx, cy) covering luma columns 2cx and 2cx + 1:
 *
 * - Y(x, y) = 16 + (x + 2y + 3n) mod 220
 * - Cb(cx, cy) = 16 + (28·bar(2cx) + cy) mod 225
 * - Cr(cx, cy) = 16 + (224 − 28·bar(2cx) + 3cy + n) mod 225
 *
 * YUY2 rows are Y(2cx,y) Cb(cx,y) Y(2cx+1,y) Cr(cx,y)…; NV12 is the Y plane
 * then H/2 rows of Cb Cr pairs. The first min(8, row bytes) bytes of every
 * row (each YUY2 row, each NV12 Y and CbCr row) are then n as a
 * little-endian 64-bit integer; bytes past the picture are 0.
 */
export function emulatorVideoFrame(format: DataFormat | EmulatorVideoLayout, index: number | bigint): Buffer {
  const layout = videoLayout(format);
  if (typeof index === 'number' && (!Number.isSafeInteger(index) || index < 0)) throw new RangeError(`index must be a non-negative integer, got ${index}`);
  const n = BigInt(index);
  if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`index must be a 64-bit unsigned integer, got ${n}`);
  const { width: w, height: h } = layout;
  const lumaShift = Number(n % BigInt(LUMA_SPAN)) * 3;
  const chromaShift = Number(n % BigInt(CHROMA_SPAN));
  const frame = Buffer.alloc(layout.imageSize);
  const luma = (x: number, y: number) => 16 + ((x + 2 * y + lumaShift) % LUMA_SPAN);
  const bar = (x: number) => Math.floor((8 * x) / w);
  const cb = (cx: number, cy: number) => 16 + ((28 * bar(2 * cx) + cy) % CHROMA_SPAN);
  const cr = (cx: number, cy: number) => 16 + ((224 - 28 * bar(2 * cx) + 3 * cy + chromaShift) % CHROMA_SPAN);
  if (layout.subtype === KSDATAFORMAT.SUBTYPE_YUY2) {
    const stride = w * 2;
    for (let y = 0; y < h; y++) {
      const row = y * stride;
      for (let cx = 0; cx < w / 2; cx++) {
        frame[row + 4 * cx] = luma(2 * cx, y);
        frame[row + 4 * cx + 1] = cb(cx, y);
        frame[row + 4 * cx + 2] = luma(2 * cx + 1, y);
        frame[row + 4 * cx + 3] = cr(cx, y);
      }
      stamp(frame, row, stride, n);
    }
  } else {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) frame[y * w + x] = luma(x, y);
      stamp(frame, y * w, w, n);
    }
    for (let cy = 0; cy < h / 2; cy++) {
      const row = w * h + cy * w;
      for (let cx = 0; cx < w / 2; cx++) {
        frame[row + 2 * cx] = cb(cx, cy);
        frame[row + 2 * cx + 1] = cr(cx, cy);
      }
      stamp(frame, row, w, n);
    }
  }
  return frame;
}

/** The frame index stamped into an emulated video frame's first row (see emulatorVideoFrame). */
export function emulatorVideoFrameIndex(frame: Uint8Array): bigint {
  if (!(frame instanceof Uint8Array)) throw new TypeError('frame must be a Buffer or Uint8Array');
  if (frame.byteLength < 8) throw new RangeError(`frame must hold at least the 8-byte index stamp, got ${frame.byteLength} bytes`);
  return Buffer.from(frame.buffer, frame.byteOffset, 8).readBigUInt64LE(0);
}
