/**
 * YUV4MPEG2 (.y4m) output for captured YUV video. Y4M stores planar frames
 * only, so packed YUY2 becomes planar 4:2:2 (C422) and NV12's interleaved
 * CbCr plane becomes separate Cb and Cr planes (4:2:0; C420mpeg2, the chroma
 * siting NV12 capture uses: co-sited with even luma columns, between rows).
 */
import { KSDATAFORMAT } from '../structs/constants';
import type { Guid } from '../structs/guid';
import { FileSink, type MediaTarget } from './file-sink';

export type Y4mChroma = '422' | '420mpeg2';

export interface Y4mVideo {
  /** Picture width in pixels (even: 4:2:2 and 4:2:0 share a chroma sample between two columns). */
  width: number;
  /** Picture height in pixels (positive; even for NV12). */
  height: number;
  /** The packed layout frames arrive in: KSDATAFORMAT.SUBTYPE_YUY2 or SUBTYPE_NV12. */
  subtype: Guid;
  /** Time between frames in 100 ns units (AvgTimePerFrame; 333333 is 30 fps). */
  avgTimePerFrame: bigint | number;
}

const UNITS_PER_SECOND = 10_000_000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * AvgTimePerFrame as the exact fraction Y4M's F field takes. A frame
 * interval is rounded to 100 ns, so 30 fps arrives as 333333: the simplest
 * rate (an integer, or an NTSC-style N/1001) that rounds to the same
 * interval is taken to be the one meant; anything else is 10⁷/interval.
 */
export function y4mFrameRate(avgTimePerFrame: bigint | number): [number, number] {
  const interval = Number(avgTimePerFrame);
  if (!Number.isSafeInteger(interval) || interval <= 0) throw new RangeError(`avgTimePerFrame must be a positive integer (100 ns units), got ${String(avgTimePerFrame)}`);
  for (const den of [1, 1001]) {
    const num = Math.round((UNITS_PER_SECOND * den) / interval);
    if (num > 0 && Math.round((UNITS_PER_SECOND * den) / num) === interval) return [num, den];
  }
  const g = gcd(UNITS_PER_SECOND, interval);
  return [UNITS_PER_SECOND / g, interval / g];
}

function chromaOf(subtype: Guid): Y4mChroma {
  if (subtype === KSDATAFORMAT.SUBTYPE_YUY2) return '422';
  if (subtype === KSDATAFORMAT.SUBTYPE_NV12) return '420mpeg2';
  throw new RangeError(`Y4M output takes YUY2 or NV12 video (KSDATAFORMAT.SUBTYPE_YUY2, _NV12), got ${subtype}; capture other formats with --raw`);
}

/** The bytes of one packed frame (YUY2, or NV12) in its own layout. */
export function packedFrameBytes(video: Pick<Y4mVideo, 'width' | 'height' | 'subtype'>): number {
  return chromaOf(video.subtype) === '422' ? video.width * video.height * 2 : (video.width * video.height * 3) / 2;
}

/** The stream header line, with its newline. */
export function y4mHeader(video: Y4mVideo): string {
  const [num, den] = y4mFrameRate(video.avgTimePerFrame);
  return `YUV4MPEG2 W${video.width} H${video.height} F${num}:${den} Ip A1:1 C${chromaOf(video.subtype)}\n`;
}

/** A packed YUY2 or NV12 frame as Y4M's planes: Y, then Cb, then Cr. */
export function toPlanar(video: Pick<Y4mVideo, 'width' | 'height' | 'subtype'>, packed: Uint8Array): Buffer {
  const { width: w, height: h } = video;
  const need = packedFrameBytes(video);
  if (packed.length < need) throw new RangeError(`a ${w}x${h} ${chromaOf(video.subtype) === '422' ? 'YUY2' : 'NV12'} frame needs ${need} bytes, got ${packed.length}`);
  const out = Buffer.allocUnsafe(need);
  const cw = w / 2;
  if (chromaOf(video.subtype) === '422') {
    const cb = w * h;
    const cr = cb + cw * h;
    for (let y = 0; y < h; y++) {
      const row = y * w * 2;
      for (let cx = 0; cx < cw; cx++) {
        const p = row + 4 * cx;
        out[y * w + 2 * cx] = packed[p];
        out[cb + y * cw + cx] = packed[p + 1];
        out[y * w + 2 * cx + 1] = packed[p + 2];
        out[cr + y * cw + cx] = packed[p + 3];
      }
    }
  } else {
    out.set(packed.subarray(0, w * h), 0);
    const ch = h / 2;
    const cb = w * h;
    const cr = cb + cw * ch;
    for (let cy = 0; cy < ch; cy++) {
      const row = w * h + cy * w;
      for (let cx = 0; cx < cw; cx++) {
        out[cb + cy * cw + cx] = packed[row + 2 * cx];
        out[cr + cy * cw + cx] = packed[row + 2 * cx + 1];
      }
    }
  }
  return out;
}

const FRAME = Buffer.from('FRAME\n', 'latin1');

/** Writes a .y4m file frame by frame, converting each packed YUY2 or NV12 frame to Y4M's planes. */
export class Y4mWriter {
  readonly #sink: FileSink;
  readonly #video: Y4mVideo;
  #frames = 0;
  #bytes = 0;

  /** @param target a file path to create, or `{ fd }` for an open descriptor (`{ fd: 1 }`: standard output). */
  constructor(target: MediaTarget, video: Y4mVideo) {
    const header = y4mHeader(video); // checks the subtype before a file is made
    this.#video = video;
    this.#sink = new FileSink(target);
    this.#sink.write(Buffer.from(header, 'latin1'));
  }

  /** Converts one packed frame and appends it; bytes past the picture (biSizeImage padding) are dropped. */
  write(packed: Uint8Array): void {
    const planes = toPlanar(this.#video, packed);
    this.#sink.write(FRAME);
    this.#sink.write(planes);
    this.#frames++;
    this.#bytes += planes.length;
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Picture bytes written (without headers). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Closes the file (Y4M has no sizes to patch, so a file cut short stays readable). Idempotent. */
  close(): void {
    this.#sink.close();
  }
}
