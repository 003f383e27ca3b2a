// YUV4MPEG2 output (lib/media/y4m.ts) against values worked out here: the F field's fraction for each rounded frame
// interval (arithmetic in comments), the header line, and packed YUY2 / NV12 frames with every byte distinct turned
// into Y, Cb, Cr planes laid out by hand.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { packedFrameBytes, toPlanar, y4mFrameRate, y4mHeader, Y4mWriter } from '../lib/media/y4m';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'y4m-codec-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const YUY2_GUID = '{32595559-0000-0010-8000-00AA00389B71}';
const NV12_GUID = '{3231564E-0000-0010-8000-00AA00389B71}';

describe('y4mFrameRate', () => {
  it('finds the integer or N/1001 rate that rounds to the interval, else 10^7/interval reduced', () => {
    // 10^7 / 333333 = 30.00003 → 30, and 10^7 / 30 = 333333.3 → 333333: 30/1.
    expect(y4mFrameRate(333333)).toEqual([30, 1]);
    expect(y4mFrameRate(333333n)).toEqual([30, 1]);
    expect(y4mFrameRate(400000)).toEqual([25, 1]);
    // 10^7 / 333667 = 29.97 → 30, back 333333 ≠; 1001 × 10^7 / 333667 = 29999.97 → 30000, back 333666.7 → 333667: 30000/1001.
    expect(y4mFrameRate(333667)).toEqual([30000, 1001]);
    // 1001 × 10^7 / 166833 = 60000.1 → 60000, back 166833.3 → 166833.
    expect(y4mFrameRate(166833)).toEqual([60000, 1001]);
    // 1234567 = 127 × 9721 shares no factor with 10^7 = 2^7 × 5^7; neither 8/1 nor 8108/1001 rounds back to it.
    expect(y4mFrameRate(1234567)).toEqual([10000000, 1234567]);
    // 3 s a frame: 10^7 / 3·10^7 rounds to 0 frames a second (refused), 1001/3 → 334 does not round back; gcd 10^7: 1/3.
    expect(y4mFrameRate(30000000)).toEqual([1, 3]);
    // 125000 = 2^3 × 5^6: 80/1 exactly.
    expect(y4mFrameRate(125000)).toEqual([80, 1]);
  });

  it('refuses an interval that is not a positive integer', () => {
    for (const bad of [0, -333333, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => y4mFrameRate(bad)).toThrow(new RangeError(`avgTimePerFrame must be a positive integer (100 ns units), got ${String(bad)}`));
    }
    expect(() => y4mFrameRate(-1n)).toThrow(new RangeError('avgTimePerFrame must be a positive integer (100 ns units), got -1'));
  });
});

describe('the header and frame sizes', () => {
  it('writes W, H, F, progressive, square pixels and the chroma of the subtype, by name or GUID', () => {
    expect(y4mHeader({ width: 640, height: 480, subtype: 'YUY2', avgTimePerFrame: 333333 })).toBe('YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C422\n');
    expect(y4mHeader({ width: 1280, height: 720, subtype: NV12_GUID, avgTimePerFrame: 166833 })).toBe('YUV4MPEG2 W1280 H720 F60000:1001 Ip A1:1 C420mpeg2\n');
    expect(y4mHeader({ width: 2, height: 2, subtype: YUY2_GUID, avgTimePerFrame: 400000 })).toBe('YUV4MPEG2 W2 H2 F25:1 Ip A1:1 C422\n');
    expect(y4mHeader({ width: 2, height: 2, subtype: 'NV12', avgTimePerFrame: 400000 })).toBe('YUV4MPEG2 W2 H2 F25:1 Ip A1:1 C420mpeg2\n');
    expect(() => y4mHeader({ width: 2, height: 2, subtype: 'MJPG' as never, avgTimePerFrame: 400000 })).toThrow(
      new RangeError('Y4M output takes YUY2 or NV12 video (KSDATAFORMAT.SUBTYPE_YUY2, _NV12), got MJPG; capture other formats with --raw'),
    );
  });

  it('a packed YUY2 frame is 2 bytes a pixel, NV12 1.5', () => {
    expect(packedFrameBytes({ width: 640, height: 480, subtype: 'YUY2' })).toBe(614400);
    expect(packedFrameBytes({ width: 640, height: 480, subtype: NV12_GUID })).toBe(460800);
  });
});

describe('toPlanar', () => {
  it('YUY2 4×2: Y0 U0 Y1 V0 per pixel pair becomes a Y plane, a 2×2 Cb plane and a 2×2 Cr plane', () => {
    // Row 0: Y 10 11 12 13, U 20 21, V 30 31; row 1: Y 14 15 16 17, U 22 23, V 32 33.
    const packed = Buffer.from([10, 20, 11, 30, 12, 21, 13, 31, 14, 22, 15, 32, 16, 23, 17, 33]);
    const planes = toPlanar({ width: 4, height: 2, subtype: 'YUY2' }, packed);
    expect([...planes]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 30, 31, 32, 33]);
  });

  it('NV12 4×4: the Y plane as is, the interleaved CbCr rows split into a 2×2 Cb and a 2×2 Cr plane; padding dropped', () => {
    const y = Array.from({ length: 16 }, (_, i) => i);
    // CbCr row 0: 100 200 101 201; row 1: 102 202 103 203; then 3 bytes of biSizeImage padding.
    const packed = Buffer.from([...y, 100, 200, 101, 201, 102, 202, 103, 203, 9, 9, 9]);
    const planes = toPlanar({ width: 4, height: 4, subtype: NV12_GUID }, packed);
    expect([...planes]).toEqual([...y, 100, 101, 102, 103, 200, 201, 202, 203]);
  });

  it('refuses a frame shorter than the picture, naming the layout', () => {
    expect(() => toPlanar({ width: 4, height: 2, subtype: 'YUY2' }, Buffer.alloc(15))).toThrow(new RangeError('a 4x2 YUY2 frame needs 16 bytes, got 15'));
    expect(() => toPlanar({ width: 4, height: 2, subtype: 'NV12' }, Buffer.alloc(11))).toThrow(new RangeError('a 4x2 NV12 frame needs 12 bytes, got 11'));
  });
});

describe('Y4mWriter', () => {
  it('writes the header, then FRAME and the planes per frame, counting frames and picture bytes', () => {
    const file = path.join(dir, 'a.y4m');
    const w = new Y4mWriter(file, { width: 2, height: 2, subtype: 'NV12', avgTimePerFrame: 333333 });
    // NV12 2×2: Y 1 2 3 4, one CbCr pair 5 6; a second frame with a padding byte.
    w.write(Buffer.from([1, 2, 3, 4, 5, 6]));
    w.write(Buffer.from([7, 8, 9, 10, 11, 12, 0]));
    expect([w.frames, w.bytes]).toEqual([2, 12]);
    w.close();
    w.close();
    const header = 'YUV4MPEG2 W2 H2 F30:1 Ip A1:1 C420mpeg2\n';
    expect(fs.readFileSync(file)).toEqual(Buffer.concat([Buffer.from(`${header}FRAME\n`), Buffer.from([1, 2, 3, 4, 5, 6]), Buffer.from('FRAME\n'), Buffer.from([7, 8, 9, 10, 11, 12])]));
  });

  it.runIf(process.platform === 'linux')('closes the file it created (Linux: /proc/self/fd counted)', () => {
    const count = () => fs.readdirSync('/proc/self/fd').length;
    const before = count();
    const w = new Y4mWriter(path.join(dir, 'c.y4m'), { width: 2, height: 2, subtype: 'YUY2', avgTimePerFrame: 333333 });
    expect(count()).toBe(before + 1);
    w.close();
    expect(count()).toBe(before);
  });

  it('refuses a subtype before creating the file, and a short frame without writing it', () => {
    const file = path.join(dir, 'b.y4m');
    expect(() => new Y4mWriter(file, { width: 2, height: 2, subtype: 'RGB24' as never, avgTimePerFrame: 333333 })).toThrow(RangeError);
    expect(fs.existsSync(file)).toBe(false);
    const w = new Y4mWriter(file, { width: 2, height: 2, subtype: 'YUY2', avgTimePerFrame: 333333 });
    expect(() => w.write(Buffer.alloc(7))).toThrow(new RangeError('a 2x2 YUY2 frame needs 8 bytes, got 7'));
    expect([w.frames, w.bytes]).toEqual([0, 0]);
    w.close();
    expect(fs.readFileSync(file, 'latin1')).toBe('YUV4MPEG2 W2 H2 F30:1 Ip A1:1 C422\n');
  });
});
