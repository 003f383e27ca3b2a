// The emulated camera's test picture: a frame whose every byte follows from
// the format and the frame index alone, so a client can verify each one (and
// lib/emulator.ts's emulatorVideoFrame() reproduces it).
//
// With W = width, H = |biHeight|, n = the frame index (from 0 since the pin
// last left STOP), bar(x) = floor(8x / W), and chroma sample (cx, cy) covering
// luma columns 2cx and 2cx + 1:
//
//   Y(x, y)   = 16 + (x + 2y + 3n) mod 220            (limited-range luma ramp)
//   Cb(cx, cy) = 16 + (28 bar(2cx) + cy) mod 225       (eight colour bars)
//   Cr(cx, cy) = 16 + (224 - 28 bar(2cx) + 3cy + n) mod 225
//
// YUY2: row y (2W bytes at 2W y) holds Y(2cx,y) Cb(cx,y) Y(2cx+1,y) Cr(cx,y)
//   for each cx, so cy = y.
// NV12: the Y plane (W bytes per row), then H/2 rows of W bytes holding
//   Cb(cx,cy) Cr(cx,cy) for each cx.
// Then the first min(8, row bytes) bytes of every row (each YUY2 row; each Y
// and each CbCr row of NV12) are replaced by n as a little-endian 64-bit
// integer, and any bytes past the image up to biSizeImage are 0.
//
// The ramp moves with n so consecutive frames differ everywhere; chroma
// changes with the row so a converter that mixes up chroma rows is caught.
#pragma once

#include <cstdint>
#include <vector>

namespace ks::emu {

enum class VideoPixelFormat { Yuy2, Nv12 };

struct VideoLayout {
  VideoPixelFormat pixels;
  uint32_t width;
  uint32_t height;
  uint32_t imageBytes;       // biSizeImage: what one frame occupies (at least the picture)
  int64_t avgTimePerFrame;   // 100 ns units
};

// The picture's own size in bytes, without any biSizeImage padding.
uint32_t VideoPictureBytes(const VideoLayout& layout);

// Reads a KSDATAFORMAT + KS_VIDEOINFOHEADER (SPECIFIER_VIDEOINFO) or
// KS_VIDEOINFOHEADER2 (SPECIFIER_VIDEOINFO2) with a YUY2 or NV12 subtype.
// False for anything else, or sizes the pattern cannot lay out.
bool ParseVideoFormat(const std::vector<uint8_t>& format, VideoLayout* layout);

// Writes frame `index` of the pattern: layout.imageBytes bytes at `out`.
void FillVideoTestFrame(const VideoLayout& layout, uint64_t index, uint8_t* out);

}  // namespace ks::emu
