/**
 * frames()' options resolved and checked before any stream starts, for
 * standard pins (defaults from the pin's framing and header size) and WaveRT
 * pins (slots of whole sample frames). A bad value is a RangeError naming the
 * option and what is allowed; nothing has been touched yet.
 */
import { checkInteger } from '../base/validate';
import type { WaveFormat } from '../formats/wave-format';
import type { CaptureOptions, CaptureSetup, OverflowPolicy } from './capture-stream';
import {
  captureFraming,
  type CaptureFraming,
  type CapturePinFacts,
  DEFAULT_ALIGNMENT,
  DEFAULT_PACKETS,
  documentedFrameSize,
  isVideo,
  streamHeaderSize,
  VIDEO_STREAM_HEADER_SIZE,
} from './capture-defaults';

/** What every capture takes alike: the overflow policy and JavaScript's polling time. */
function delivery(options: CaptureOptions): { overflow: OverflowPolicy; spinMicroseconds: number } {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const overflow = options.overflow ?? 'pause';
  if (overflow !== 'pause' && overflow !== 'drop-oldest') throw new RangeError(`overflow must be "pause" or "drop-oldest", got ${JSON.stringify(overflow)}`);
  const spinMicroseconds = checkInteger(options.spinMicroseconds ?? 0, 'spinMicroseconds', 0, 1_000_000);
  return { overflow, spinMicroseconds };
}

/** A standard pin's capture: packets, sizes and alignment from the options, else the pin's framing, else documented defaults. */
export function resolveCaptureOptions(options: CaptureOptions, pin: CapturePinFacts): CaptureSetup {
  const { overflow, spinMicroseconds } = delivery(options);
  let framing: CaptureFraming | undefined;
  const framingOf = () => (framing ??= captureFraming(pin));
  const packets = checkInteger(options.packets ?? (framingOf().frames || DEFAULT_PACKETS), 'packets', 1, 4096);
  let frameSize = options.frameSize;
  if (frameSize === undefined) {
    const documented = documentedFrameSize(pin.dataFormat);
    frameSize = framingOf().frameSize || documented;
    // A video buffer holds a whole picture, whatever the framing says.
    if (isVideo(pin.dataFormat)) frameSize = Math.max(frameSize, documented);
    if (frameSize === 0) {
      throw new RangeError('frameSize: the pin states no frame size (no framing property, no sample size in its format); give frameSize in 1..0x40000000');
    }
  }
  frameSize = checkInteger(frameSize, 'frameSize', 1, 0x40000000);
  const alignment = checkInteger(options.alignment ?? Math.max(framingOf().alignment, DEFAULT_ALIGNMENT), 'alignment', 1, 4096);
  if ((alignment & (alignment - 1)) !== 0) throw new RangeError(`alignment must be a power of two in 1..4096, got ${alignment}`);
  const headerSize = streamHeaderSize(pin);
  const frameInfo = isVideo(pin.dataFormat) && headerSize >= VIDEO_STREAM_HEADER_SIZE;
  return { packets, frameSize, alignment, overflow, spinMicroseconds, headerSize, frameInfo };
}

/** A WaveRT pin's capture: slots of whole sample frames (default 10 ms, 32 of them); no stream headers. */
export function resolveWaveRtCaptureOptions(options: CaptureOptions, wave: WaveFormat): CaptureSetup {
  const { overflow, spinMicroseconds } = delivery(options);
  const packets = checkInteger(options.packets ?? 32, 'packets', 2, 4096);
  const frameSize = checkInteger(options.frameSize ?? Math.max(1, Math.round(wave.sampleRate / 100)) * wave.blockAlign, 'frameSize', wave.blockAlign, 0x1000000);
  if (frameSize % wave.blockAlign !== 0) throw new RangeError(`frameSize must be whole sample frames of ${wave.blockAlign} bytes, got ${frameSize}`);
  // The engine fills whole slots: the slot is exactly frameSize, aligned to the largest power of two (≤ 64) dividing it.
  const alignment = Math.min(64, frameSize & -frameSize);
  return { packets, frameSize, alignment, overflow, spinMicroseconds, headerSize: 0, frameInfo: false };
}
