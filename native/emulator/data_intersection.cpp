#include "data_intersection.h"

#include "attribute_lists.h"

#include <algorithm>
#include <cstring>

namespace ks::emu {

namespace {

bool GuidMatches(const Guid& range, const Guid& format) { return range == kNullGuid || range == format; }
bool GuidsMeet(const Guid& a, const Guid& b) { return a == kNullGuid || b == kNullGuid || a == b; }
// The concrete one of two GUIDs that meet (the pin's, unless it is a wildcard).
Guid Concrete(const Guid& pin, const Guid& client) { return pin == kNullGuid ? client : pin; }

template <typename T>
T ReadAt(const uint8_t* p, size_t offset) {
  T value;
  std::memcpy(&value, p + offset, sizeof value);
  return value;
}

// KSDATARANGE_AUDIO past its KSDATARANGE head.
struct AudioRangeLimits {
  uint32_t maximumChannels, minimumBits, maximumBits, minimumFrequency, maximumFrequency;
};
constexpr size_t kAudioRangeSize = 88;
constexpr size_t kWaveFormatExSize = 18;

bool IsAudioRange(const uint8_t* range, uint32_t size) {
  KSDATARANGE head;
  std::memcpy(&head, range, sizeof head);
  return size >= sizeof(KSDATARANGE) + sizeof(AudioRangeLimits) && head.Specifier == KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
}

bool IsVideoRange(const uint8_t* range, uint32_t size) {
  KSDATARANGE head;
  std::memcpy(&head, range, sizeof head);
  return size >= sizeof(KS_DATARANGE_VIDEO) && head.Specifier == KSDATAFORMAT_SPECIFIER_VIDEOINFO;
}

// Whether a WAVEFORMATEX-specified format lies inside an audio range and is
// self-consistent, as a PCM miniport's DataRangeIntersection checks it.
bool AudioFormatFits(const std::vector<uint8_t>& range, const uint8_t* format, uint32_t formatSize) {
  if (range.size() < kAudioRangeSize) return true;  // a plain KSDATARANGE constrains no more
  if (formatSize < sizeof(KSDATAFORMAT) + kWaveFormatExSize) return false;
  AudioRangeLimits limits;
  std::memcpy(&limits, range.data() + sizeof(KSDATARANGE), sizeof limits);
  const uint8_t* wave = format + sizeof(KSDATAFORMAT);
  uint16_t channels = ReadAt<uint16_t>(wave, 2);
  uint32_t rate = ReadAt<uint32_t>(wave, 4);
  uint32_t avgBytes = ReadAt<uint32_t>(wave, 8);
  uint16_t blockAlign = ReadAt<uint16_t>(wave, 12);
  uint16_t bits = ReadAt<uint16_t>(wave, 14);
  if (channels == 0 || channels > limits.maximumChannels) return false;
  if (bits < limits.minimumBits || bits > limits.maximumBits || bits % 8 != 0) return false;
  if (rate < limits.minimumFrequency || rate > limits.maximumFrequency) return false;
  if (blockAlign != channels * (bits / 8)) return false;
  if (avgBytes != rate * blockAlign) return false;
  return true;
}

// Whether a KS_VIDEOINFOHEADER format is the one a KS_DATARANGE_VIDEO
// describes: same frame size and compression, a frame interval inside
// ConfigCaps, and an image buffer at least as large.
bool VideoFormatFits(const std::vector<uint8_t>& range, const uint8_t* format, uint32_t formatSize) {
  if (!IsVideoRange(range.data(), static_cast<uint32_t>(range.size()))) return true;
  if (formatSize < sizeof(KS_DATAFORMAT_VIDEOINFOHEADER)) return false;
  KS_DATARANGE_VIDEO r;
  std::memcpy(&r, range.data(), sizeof r);
  KS_VIDEOINFOHEADER v;
  std::memcpy(&v, format + sizeof(KSDATAFORMAT), sizeof v);
  const KS_BITMAPINFOHEADER& want = r.VideoInfoHeader.bmiHeader;
  if (v.bmiHeader.biWidth != want.biWidth || v.bmiHeader.biHeight != want.biHeight) return false;
  if (v.bmiHeader.biCompression != want.biCompression || v.bmiHeader.biBitCount != want.biBitCount) return false;
  if (v.bmiHeader.biSizeImage < want.biSizeImage) return false;
  if (v.AvgTimePerFrame < r.ConfigCaps.MinFrameInterval || v.AvgTimePerFrame > r.ConfigCaps.MaxFrameInterval) return false;
  return true;
}

// The format a pin range and a client range agree on, or false.
// A WaveRT pin's answer: the miniport's DataRangeIntersection gives "the highest quality intersection" it can
// stream, a KSDATAFORMAT_WAVEFORMATEX whose format may be extended to WAVEFORMATEXTENSIBLE (Microsoft's
// IMiniport::DataRangeIntersection page). The modelled WaveRT pin streams only WAVEFORMATEXTENSIBLE PCM, 16-bit or
// 24 valid bits in 32 (wavert_pin.h), so that is what it proposes: 24-in-32 where the range reaches 32 bits, else 16.
bool WaveRtFormatFor(const KSDATAFORMAT& head, const AudioRangeLimits& limits, std::vector<uint8_t>* format) {
  uint16_t container = 0, valid = 0;
  if (limits.maximumBits >= 32 && limits.minimumBits <= 24) {
    container = 32;
    valid = 24;
  } else if (limits.minimumBits <= 16 && limits.maximumBits >= 16) {
    container = valid = 16;
  } else {
    return false;
  }
  const uint16_t channels = static_cast<uint16_t>(std::min<uint32_t>(limits.maximumChannels, 0xFFFF));
  const uint16_t blockAlign = static_cast<uint16_t>(channels * container / 8);
  const uint32_t rate = limits.maximumFrequency;
  const uint32_t avg = rate * blockAlign;
  const uint16_t tag = 0xFFFE, cbSize = 22;  // WAVE_FORMAT_EXTENSIBLE, 22 bytes past WAVEFORMATEX
  // KSAUDIO_SPEAKER_MONO (front centre), _STEREO, else no positions (KSAUDIO_SPEAKER_DIRECTOUT).
  const uint32_t mask = channels == 1 ? 0x4 : channels == 2 ? 0x3 : 0;
  format->assign(sizeof(KSDATAFORMAT) + kWaveFormatExSize + cbSize, 0);
  KSDATAFORMAT out = head;
  out.FormatSize = static_cast<uint32_t>(format->size());
  out.SampleSize = blockAlign;
  std::memcpy(format->data(), &out, sizeof out);
  uint8_t* wave = format->data() + sizeof out;
  std::memcpy(wave + 0, &tag, 2);
  std::memcpy(wave + 2, &channels, 2);
  std::memcpy(wave + 4, &rate, 4);
  std::memcpy(wave + 8, &avg, 4);
  std::memcpy(wave + 12, &blockAlign, 2);
  std::memcpy(wave + 14, &container, 2);
  std::memcpy(wave + 16, &cbSize, 2);
  std::memcpy(wave + 18, &valid, 2);
  std::memcpy(wave + 20, &mask, 4);
  std::memcpy(wave + 24, &KSDATAFORMAT_SUBTYPE_PCM, sizeof(Guid));
  return true;
}

bool Intersect(const std::vector<uint8_t>& pinRange, const uint8_t* client, uint32_t clientSize, bool waveRt,
               std::vector<uint8_t>* format) {
  KSDATARANGE p, c;
  std::memcpy(&p, pinRange.data(), sizeof p);
  std::memcpy(&c, client, sizeof c);
  if (!GuidsMeet(p.MajorFormat, c.MajorFormat) || !GuidsMeet(p.SubFormat, c.SubFormat) ||
      !GuidsMeet(p.Specifier, c.Specifier)) {
    return false;
  }
  KSDATAFORMAT head{};
  head.MajorFormat = Concrete(p.MajorFormat, c.MajorFormat);
  head.SubFormat = Concrete(p.SubFormat, c.SubFormat);
  head.Specifier = Concrete(p.Specifier, c.Specifier);

  if (IsAudioRange(pinRange.data(), static_cast<uint32_t>(pinRange.size()))) {
    AudioRangeLimits limits;
    std::memcpy(&limits, pinRange.data() + sizeof(KSDATARANGE), sizeof limits);
    if (IsAudioRange(client, clientSize)) {
      AudioRangeLimits other;
      std::memcpy(&other, client + sizeof(KSDATARANGE), sizeof other);
      limits.maximumChannels = std::min(limits.maximumChannels, other.maximumChannels);
      limits.minimumBits = std::max(limits.minimumBits, other.minimumBits);
      limits.maximumBits = std::min(limits.maximumBits, other.maximumBits);
      limits.minimumFrequency = std::max(limits.minimumFrequency, other.minimumFrequency);
      limits.maximumFrequency = std::min(limits.maximumFrequency, other.maximumFrequency);
    }
    // The richest format both allow, as PCM miniports pick it.
    uint32_t bits = limits.maximumBits - limits.maximumBits % 8;
    if (limits.maximumChannels == 0 || bits == 0 || bits < limits.minimumBits ||
        limits.maximumFrequency < limits.minimumFrequency || limits.maximumFrequency == 0) {
      return false;
    }
    if (waveRt) return WaveRtFormatFor(head, limits, format);
    uint16_t channels = static_cast<uint16_t>(std::min<uint32_t>(limits.maximumChannels, 0xFFFF));
    uint16_t blockAlign = static_cast<uint16_t>(channels * (bits / 8));
    uint32_t rate = limits.maximumFrequency;
    format->assign(sizeof(KSDATAFORMAT) + kWaveFormatExSize, 0);
    head.FormatSize = static_cast<uint32_t>(format->size());
    head.SampleSize = blockAlign;
    std::memcpy(format->data(), &head, sizeof head);
    uint8_t* wave = format->data() + sizeof head;
    uint16_t tag = 1;  // WAVE_FORMAT_PCM
    uint32_t avg = rate * blockAlign;
    uint16_t bits16 = static_cast<uint16_t>(bits);
    std::memcpy(wave + 0, &tag, 2);
    std::memcpy(wave + 2, &channels, 2);
    std::memcpy(wave + 4, &rate, 4);
    std::memcpy(wave + 8, &avg, 4);
    std::memcpy(wave + 12, &blockAlign, 2);
    std::memcpy(wave + 14, &bits16, 2);
    return true;
  }

  if (IsVideoRange(pinRange.data(), static_cast<uint32_t>(pinRange.size()))) {
    KS_DATARANGE_VIDEO r;
    std::memcpy(&r, pinRange.data(), sizeof r);
    if (IsVideoRange(client, clientSize)) {
      KS_DATARANGE_VIDEO other;
      std::memcpy(&other, client, sizeof other);
      if (other.VideoInfoHeader.bmiHeader.biWidth != r.VideoInfoHeader.bmiHeader.biWidth ||
          other.VideoInfoHeader.bmiHeader.biHeight != r.VideoInfoHeader.bmiHeader.biHeight) {
        return false;
      }
    }
    // The range's own KS_VIDEOINFOHEADER is its default format.
    KS_DATAFORMAT_VIDEOINFOHEADER out{};
    out.DataFormat = head;
    out.DataFormat.FormatSize = sizeof out;
    out.DataFormat.SampleSize = r.VideoInfoHeader.bmiHeader.biSizeImage;
    out.VideoInfoHeader = r.VideoInfoHeader;
    format->resize(sizeof out);
    std::memcpy(format->data(), &out, sizeof out);
    return true;
  }

  // Any other range: its head is the format (SPECIFIER_NONE and the like).
  format->assign(sizeof(KSDATAFORMAT), 0);
  head.FormatSize = sizeof(KSDATAFORMAT);
  head.SampleSize = p.SampleSize;
  std::memcpy(format->data(), &head, sizeof head);
  return true;
}

// Whether pin range `r` offers one of `wanted`: a range without a list offers
// only the default mode (what a mode-unaware driver streams); a bare mode
// attribute offers every mode.
bool OffersMode(const PinDescriptor& pin, size_t r, const std::vector<Guid>& wanted) {
  std::vector<Guid> offered;
  bool anyMode = false;
  uint32_t size;
  if (r >= pin.dataRangeAttributes.size() || pin.dataRangeAttributes[r].empty()) {
    offered.push_back(AUDIO_SIGNALPROCESSINGMODE_DEFAULT);
  } else if (!ReadAttributeList(pin.dataRangeAttributes[r].data(), pin.dataRangeAttributes[r].size(), &size,
                                &offered, &anyMode)) {
    return false;
  } else if (anyMode && offered.empty()) {
    return true;
  }
  return std::any_of(wanted.begin(), wanted.end(), [&offered](const Guid& mode) {
    return std::find(offered.begin(), offered.end(), mode) != offered.end();
  });
}

}  // namespace

bool FormatMatchesPin(const PinDescriptor& pin, const uint8_t* format, uint32_t formatSize) {
  KSDATAFORMAT head;
  std::memcpy(&head, format, sizeof head);
  for (const auto& range : pin.dataRanges) {
    KSDATARANGE r;
    std::memcpy(&r, range.data(), sizeof r);
    if (!GuidMatches(r.MajorFormat, head.MajorFormat) || !GuidMatches(r.SubFormat, head.SubFormat) ||
        !GuidMatches(r.Specifier, head.Specifier)) {
      continue;
    }
    if (head.Specifier == KSDATAFORMAT_SPECIFIER_WAVEFORMATEX && !AudioFormatFits(range, format, formatSize)) continue;
    if (head.Specifier == KSDATAFORMAT_SPECIFIER_VIDEOINFO && !VideoFormatFits(range, format, formatSize)) continue;
    return true;
  }
  return false;
}

uint32_t IntersectDataRanges(const PinDescriptor& pin, const uint8_t* list, uint32_t listLength,
                             std::vector<uint8_t>* format) {
  if (listLength < sizeof(KSMULTIPLE_ITEM)) return STATUS_INVALID_PARAMETER;
  KSMULTIPLE_ITEM head;
  std::memcpy(&head, list, sizeof head);
  if (head.Size < sizeof head || head.Size > listLength) return STATUS_INVALID_PARAMETER;
  size_t offset = sizeof head;
  for (uint32_t i = 0; i < head.Count; ++i) {
    if (offset + sizeof(KSDATARANGE) > head.Size) return STATUS_INVALID_PARAMETER;
    KSDATARANGE range;
    std::memcpy(&range, list + offset, sizeof range);
    if (range.FormatSize < sizeof(KSDATARANGE) || range.FormatSize > head.Size - offset) return STATUS_INVALID_PARAMETER;
    const uint8_t* client = list + offset;
    offset += (static_cast<size_t>(range.FormatSize) + 7) & ~size_t{7};
    std::vector<Guid> wanted;
    bool namesModes = false;
    if (range.Flags & KSDATARANGE_ATTRIBUTES) {
      // The attribute list is the next item, and Count counts it.
      if (++i >= head.Count || offset > head.Size) return STATUS_INVALID_PARAMETER;
      uint32_t attributesSize;
      if (!ReadAttributeList(list + offset, head.Size - offset, &attributesSize, &wanted, &namesModes)) {
        return STATUS_INVALID_PARAMETER;
      }
      offset += (static_cast<size_t>(attributesSize) + 7) & ~size_t{7};
    }
    for (size_t r = 0; r < pin.dataRanges.size(); ++r) {
      if (!wanted.empty() && !OffersMode(pin, r, wanted)) continue;
      if (Intersect(pin.dataRanges[r], client, range.FormatSize, pin.waveRt, format)) return STATUS_SUCCESS;
    }
  }
  return STATUS_NO_MATCH;
}

std::vector<uint8_t> DataRangeList(const std::vector<std::vector<uint8_t>>& ranges,
                                   const std::vector<std::vector<uint8_t>>& attributes) {
  std::vector<uint8_t> reply(sizeof(KSMULTIPLE_ITEM));
  uint32_t count = 0;
  auto append = [&reply, &count](const std::vector<uint8_t>& item) {
    reply.insert(reply.end(), item.begin(), item.end());
    reply.resize((reply.size() + 7) & ~size_t{7}, 0);
    ++count;
  };
  for (size_t r = 0; r < ranges.size(); ++r) {
    append(ranges[r]);
    if (r < attributes.size() && !attributes[r].empty()) append(attributes[r]);
  }
  KSMULTIPLE_ITEM head{static_cast<uint32_t>(reply.size()), count};
  std::memcpy(reply.data(), &head, sizeof head);
  return reply;
}

}  // namespace ks::emu
