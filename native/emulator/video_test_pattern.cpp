#include "video_test_pattern.h"

#include <algorithm>
#include <cstring>

#include "../ks_defs.h"

namespace ks::emu {

namespace {

constexpr uint32_t kLumaSpan = 220;    // 16..235
constexpr uint32_t kChromaSpan = 225;  // 16..240
constexpr uint32_t kMaxDimension = 16384;

void StampIndex(uint8_t* row, uint32_t rowBytes, uint64_t index) {
  const uint32_t n = std::min<uint32_t>(8, rowBytes);
  for (uint32_t k = 0; k < n; ++k) row[k] = static_cast<uint8_t>(index >> (8 * k));
}

// One row of luma samples Y(x, y) for x = 0..W-1, every `step` bytes.
void LumaRow(uint8_t* out, uint32_t step, uint32_t width, uint32_t y, uint32_t lumaShift) {
  uint32_t v = (2 * y + lumaShift) % kLumaSpan;
  for (uint32_t x = 0; x < width; ++x) {
    out[static_cast<size_t>(x) * step] = static_cast<uint8_t>(16 + v);
    if (++v == kLumaSpan) v = 0;
  }
}

uint8_t Cb(uint32_t bar, uint32_t cy) { return static_cast<uint8_t>(16 + (28 * bar + cy) % kChromaSpan); }
uint8_t Cr(uint32_t bar, uint32_t cy, uint32_t chromaShift) {
  return static_cast<uint8_t>(16 + (224 - 28 * bar + 3 * cy + chromaShift) % kChromaSpan);
}

}  // namespace

uint32_t VideoPictureBytes(const VideoLayout& layout) {
  const uint32_t pixels = layout.width * layout.height;
  return layout.pixels == VideoPixelFormat::Yuy2 ? pixels * 2 : pixels + pixels / 2;
}

bool ParseVideoFormat(const std::vector<uint8_t>& format, VideoLayout* layout) {
  if (format.size() < sizeof(KSDATAFORMAT)) return false;
  KSDATAFORMAT head;
  std::memcpy(&head, format.data(), sizeof head);
  if (head.MajorFormat != KSDATAFORMAT_TYPE_VIDEO) return false;
  // KS_VIDEOINFOHEADER2 inserts six DWORDs before bmiHeader; AvgTimePerFrame is at 40 in both.
  size_t bitmapAt;
  if (head.Specifier == KSDATAFORMAT_SPECIFIER_VIDEOINFO) {
    bitmapAt = 48;
  } else if (head.Specifier == KSDATAFORMAT_SPECIFIER_VIDEOINFO2) {
    bitmapAt = 72;
  } else {
    return false;
  }
  const uint8_t* header = format.data() + sizeof(KSDATAFORMAT);
  if (format.size() < sizeof(KSDATAFORMAT) + bitmapAt + sizeof(KS_BITMAPINFOHEADER)) return false;
  KS_BITMAPINFOHEADER bitmap;
  std::memcpy(&bitmap, header + bitmapAt, sizeof bitmap);
  VideoLayout l{};
  std::memcpy(&l.avgTimePerFrame, header + 40, sizeof l.avgTimePerFrame);
  if (head.SubFormat == KSDATAFORMAT_SUBTYPE_YUY2) {
    l.pixels = VideoPixelFormat::Yuy2;
  } else if (head.SubFormat == KSDATAFORMAT_SUBTYPE_NV12) {
    l.pixels = VideoPixelFormat::Nv12;
  } else {
    return false;
  }
  // YUV frames are top-down whatever biHeight's sign says.
  const int64_t height = bitmap.biHeight < 0 ? -int64_t{bitmap.biHeight} : bitmap.biHeight;
  if (bitmap.biWidth <= 0 || bitmap.biWidth > static_cast<int32_t>(kMaxDimension) || height == 0 ||
      height > kMaxDimension || l.avgTimePerFrame <= 0) {
    return false;
  }
  l.width = static_cast<uint32_t>(bitmap.biWidth);
  l.height = static_cast<uint32_t>(height);
  // Both share chroma between column pairs; NV12 between row pairs too.
  if (l.width % 2 != 0 || (l.pixels == VideoPixelFormat::Nv12 && l.height % 2 != 0)) return false;
  l.imageBytes = std::max(bitmap.biSizeImage, VideoPictureBytes(l));
  *layout = l;
  return true;
}

void FillVideoTestFrame(const VideoLayout& layout, uint64_t index, uint8_t* out) {
  const uint32_t w = layout.width;
  const uint32_t h = layout.height;
  const uint32_t lumaShift = static_cast<uint32_t>(index % kLumaSpan) * 3;
  const uint32_t chromaShift = static_cast<uint32_t>(index % kChromaSpan);
  std::vector<uint32_t> bars(w / 2);
  for (uint32_t cx = 0; cx < w / 2; ++cx) bars[cx] = static_cast<uint32_t>(uint64_t{8} * (2 * cx) / w);

  if (layout.pixels == VideoPixelFormat::Yuy2) {
    const uint32_t stride = w * 2;
    for (uint32_t y = 0; y < h; ++y) {
      uint8_t* row = out + static_cast<size_t>(y) * stride;
      LumaRow(row, 2, w, y, lumaShift);
      for (uint32_t cx = 0; cx < w / 2; ++cx) {
        row[4 * cx + 1] = Cb(bars[cx], y);
        row[4 * cx + 3] = Cr(bars[cx], y, chromaShift);
      }
      StampIndex(row, stride, index);
    }
  } else {
    for (uint32_t y = 0; y < h; ++y) {
      uint8_t* row = out + static_cast<size_t>(y) * w;
      LumaRow(row, 1, w, y, lumaShift);
      StampIndex(row, w, index);
    }
    uint8_t* chroma = out + static_cast<size_t>(w) * h;
    for (uint32_t cy = 0; cy < h / 2; ++cy) {
      uint8_t* row = chroma + static_cast<size_t>(cy) * w;
      for (uint32_t cx = 0; cx < w / 2; ++cx) {
        row[2 * cx] = Cb(bars[cx], cy);
        row[2 * cx + 1] = Cr(bars[cx], cy, chromaShift);
      }
      StampIndex(row, w, index);
    }
  }
  const uint32_t picture = VideoPictureBytes(layout);
  std::memset(out + picture, 0, layout.imageBytes - picture);
}

}  // namespace ks::emu
