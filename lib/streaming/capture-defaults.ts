/**
 * Where a capture's packet count, frame size, alignment and stream header
 * size come from when the caller does not say:
 * - KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX first (AVStream pins answer only
 *   this: "AVStream minidrivers should use KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX"),
 *   taking Frames, FramingRange.MaxFrameSize and FileAlignment from FramingItem[0];
 * - then the legacy KSPROPERTY_CONNECTION_ALLOCATORFRAMING (portcls WaveCyclic);
 * - then documented defaults: 4 packets; 10 ms of audio (whole sample frames),
 *   or one picture (biSizeImage) of video; 8-byte alignment.
 * A video frame size is never below the picture size (a buffer holds a whole
 * picture). No more packets go in flight than the framing's Frames unless the
 * caller asks (GStreamer's KS source: more outstanding reads than Frames crash
 * some drivers).
 *
 * Stream headers: KSPROPSETID_StreamInterface / HEADERSIZE where the pin
 * answers it (KSPIN.StreamHeaderSize), else the documented size for the pin's
 * major type: KSSTREAM_HEADER (56 bytes) for audio and the rest,
 * KSSTREAM_HEADER + KS_FRAME_INFO (128) for video, which usbvideo.sys requires.
 */
import { isAbsent } from '../base/absent';
import { KsError } from '../base/errors';
import type { DataFormat } from '../formats/data-format';
import type { AllocatorFraming } from '../structs/framing';
import type { AllocatorFramingEx } from '../structs/framing-ex';
import { KSDATAFORMAT } from '../structs/constants';

/** sizeof(KSSTREAM_HEADER) on x64. */
export const KSSTREAM_HEADER_SIZE = 56;
/** sizeof(KS_FRAME_INFO) on x64. */
export const KS_FRAME_INFO_SIZE = 72;
/** A video pin's stream header: KSSTREAM_HEADER + KS_FRAME_INFO. */
export const VIDEO_STREAM_HEADER_SIZE = KSSTREAM_HEADER_SIZE + KS_FRAME_INFO_SIZE;
/** Packets in flight when no framing says how many. */
export const DEFAULT_PACKETS = 4;
/** Buffer alignment when no framing says (bytes). */
export const DEFAULT_ALIGNMENT = 8;

/** What a capture needs to know of its pin; KsPin provides it. */
export interface CapturePinFacts {
  dataFormat: DataFormat;
  /** KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX; throws a KsError where absent. */
  allocatorFramingEx(): AllocatorFramingEx;
  /** KSPROPERTY_CONNECTION_ALLOCATORFRAMING; throws a KsError where absent. */
  allocatorFraming(): AllocatorFraming;
  /** KSPROPERTY_STREAMINTERFACE_HEADERSIZE; throws a KsError where absent. */
  headerSizeProperty(): number;
}

/** The framing a capture takes its defaults from, and which property gave it. */
export interface CaptureFraming {
  source: 'framing-ex' | 'framing' | 'documented';
  /** Frames: 0 means "no requirement". */
  frames: number;
  /** Bytes per frame: 0 means "no requirement". */
  frameSize: number;
  /** Alignment in bytes (FileAlignment + 1). */
  alignment: number;
}

export function isVideo(format: DataFormat): boolean {
  return format.majorFormat === KSDATAFORMAT.TYPE_VIDEO;
}

/** The pin's framing: _EX, else legacy, else none ("documented"). Absent properties fall through; other failures throw. */
export function captureFraming(pin: CapturePinFacts): CaptureFraming {
  try {
    const ex = pin.allocatorFramingEx();
    const item = ex.items[0];
    if (item) {
      return {
        source: 'framing-ex',
        frames: item.frames,
        frameSize: item.framingRange.maxFrameSize || item.physicalRange.maxFrameSize,
        alignment: alignmentBytes(item.fileAlignment),
      };
    }
  } catch (e) {
    if (!isAbsent(e)) throw e;
  }
  try {
    const legacy = pin.allocatorFraming();
    return { source: 'framing', frames: legacy.frames, frameSize: legacy.frameSize, alignment: legacy.alignmentBytes };
  } catch (e) {
    if (!isAbsent(e)) throw e;
  }
  return { source: 'documented', frames: 0, frameSize: 0, alignment: DEFAULT_ALIGNMENT };
}

/** FileAlignment is a mask (alignment − 1); a value that is not one is taken as "no requirement". */
function alignmentBytes(fileAlignment: number): number {
  const bytes = fileAlignment + 1;
  return bytes >= 1 && bytes <= 4096 && (bytes & (bytes - 1)) === 0 ? bytes : DEFAULT_ALIGNMENT;
}

/** The documented frame size for a format: one picture of video, 10 ms of audio. 0 when the format does not say. */
export function documentedFrameSize(format: DataFormat): number {
  if (isVideo(format)) return pictureSize(format);
  const wave = format.wave;
  if (wave && wave.blockAlign > 0 && wave.avgBytesPerSec > 0) {
    return Math.max(wave.blockAlign, Math.floor(wave.avgBytesPerSec / 100 / wave.blockAlign) * wave.blockAlign);
  }
  return format.sampleSize ?? 0;
}

/** biSizeImage (or SampleSize) of a video format. */
export function pictureSize(format: DataFormat): number {
  const header = format.video ?? format.video2;
  return Math.max(header?.bitmap.sizeImage ?? 0, format.sampleSize ?? 0);
}

/** The stream header size: HEADERSIZE where answered (checked), else the documented size for the major type. */
export function streamHeaderSize(pin: CapturePinFacts): number {
  let answered: number | undefined;
  try {
    answered = pin.headerSizeProperty();
  } catch (e) {
    if (!isAbsent(e)) throw e;
  }
  if (answered === undefined) return isVideo(pin.dataFormat) ? VIDEO_STREAM_HEADER_SIZE : KSSTREAM_HEADER_SIZE;
  // KSPIN.StreamHeaderSize 0 means the default header.
  if (answered === 0) return KSSTREAM_HEADER_SIZE;
  if (answered < KSSTREAM_HEADER_SIZE || answered % 8 !== 0 || answered > 4096) {
    throw new KsError(
      'ERR_MALFORMED_REPLY',
      'get stream header size',
      `KSPROPERTY_STREAMINTERFACE_HEADERSIZE answered ${answered}: a stream header is a multiple of 8 bytes from ${KSSTREAM_HEADER_SIZE} to 4096`,
    );
  }
  return answered;
}
