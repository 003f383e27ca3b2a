/**
 * The capture command's --format text: RATE:CHANNELS:BITS[:float] for audio,
 * WIDTHxHEIGHT[@FPS][:SUBTYPE] for video, checked against the pin's ranges.
 */
import { pcmFormat } from '../formats/audio-format';
import { type DataFormat } from '../formats/data-format';
import { type DataRange } from '../formats/data-range';
import { videoFormat } from '../formats/video-format';
import { type VideoInfoHeader } from '../formats/video-info';
import { KSDATAFORMAT } from '../structs/constants';
import { y4mFrameRate } from '../media/y4m';

/** The --format subtype names, as the video pins' SubFormat GUIDs. */
const VIDEO_SUBTYPES: Record<string, string> = {
  yuy2: KSDATAFORMAT.SUBTYPE_YUY2,
  nv12: KSDATAFORMAT.SUBTYPE_NV12,
  rgb24: KSDATAFORMAT.SUBTYPE_RGB24,
  rgb32: KSDATAFORMAT.SUBTYPE_RGB32,
};

/** A video subtype GUID as --format spells it (yuy2, nv12, ...), or the GUID. */
export const subtypeName = (guid: string): string => Object.keys(VIDEO_SUBTYPES).find((k) => VIDEO_SUBTYPES[k] === guid) ?? guid;

export const FORMAT_HELP =
  'RATE:CHANNELS:BITS[:float] for audio (e.g. 48000:2:16) or WIDTHxHEIGHT[@FPS][:SUBTYPE] for video (e.g. 640x480@30:yuy2; SUBTYPE one of yuy2, nv12, rgb24, rgb32)';

/** "48000:2:16" or "48000:2:32:float" → an integer-PCM or float format (WAVEFORMATEXTENSIBLE where it needs one). */
function parseAudioFormat(text: string): DataFormat {
  const m = /^(\d+):(\d+):(\d+)(:float)?$/i.exec(text);
  if (!m) throw new RangeError(`--format must be ${FORMAT_HELP}, got "${text}"`);
  return pcmFormat({ sampleRate: Number(m[1]), channels: Number(m[2]), bitsPerSample: Number(m[3]), float: m[4] !== undefined });
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

/** The --format text as a data format for a pin with `ranges`. */
export function parseFormatOption(text: string, ranges: DataRange[]): DataFormat {
  return /^\d+x/i.test(text) ? parseVideoFormat(text, ranges) : parseAudioFormat(text);
}
