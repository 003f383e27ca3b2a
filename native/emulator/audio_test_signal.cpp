#include "audio_test_signal.h"

#include <algorithm>
#include <cmath>
#include <cstring>

// The 4- and 8-byte paths below store integers as they lie in memory.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the index signal is written for little-endian hosts (every Windows and Linux target this package builds for)"
#endif

namespace ks::emu {

namespace {

constexpr uint32_t kToneHz = 1000;
constexpr double kPi = 3.14159265358979323846;

uint32_t Gcd(uint32_t a, uint32_t b) {
  while (b != 0) {
    uint32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace

AudioTestSignal::AudioTestSignal(uint32_t sampleRate, uint32_t channels, uint32_t bitsPerSample, uint32_t blockAlign)
    : sampleRate_(sampleRate), channels_(channels), bitsPerSample_(bitsPerSample), blockAlign_(blockAlign) {
  // The tone repeats every rate / gcd(rate, 1000) sample frames.
  tonePeriodFrames_ = sampleRate_ / Gcd(sampleRate_, kToneHz);
  const uint32_t bytesPerSample = bitsPerSample_ / 8;
  // Half full scale, rounded down to an even number: at the phases where the
  // sine is ±1/2 (every 30° at 48 kHz) an odd amplitude makes a rounding tie
  // (16383 · 0.5), which IEEE doubles break to either side depending on the
  // last bit of sin() (8191 at 30°, −8192 at 330°); an even one gives whole
  // numbers there, so any implementation of the formula gets the same bytes.
  const double amplitude = 2 * std::floor((std::ldexp(1.0, static_cast<int>(bitsPerSample_) - 1) - 1) / 4);
  tone_.resize(static_cast<size_t>(tonePeriodFrames_) * blockAlign_);
  for (uint32_t n = 0; n < tonePeriodFrames_; ++n) {
    const double phase = 2.0 * kPi * static_cast<double>(uint64_t{n} * kToneHz % sampleRate_) / sampleRate_;
    const int64_t value = std::llround(std::sin(phase) * amplitude);
    for (uint32_t c = 0; c < channels_; ++c) {
      uint8_t* sample = tone_.data() + static_cast<size_t>(n) * blockAlign_ + c * bytesPerSample;
      for (uint32_t b = 0; b < bytesPerSample; ++b) sample[b] = static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * b));
    }
  }
}

const uint8_t* AudioTestSignal::Render(CaptureSignal signal, uint64_t position, uint64_t frames) {
  if (signal == CaptureSignal::Tone) return RenderTone(position, frames);
  index_.resize(static_cast<size_t>(frames) * blockAlign_);
  // Byte k of frame n is byte k mod 8 of n: n's little-endian bytes, repeated
  // across the frame. The common frames (4 bytes: 16-bit stereo; 8 bytes)
  // are one store each, which the compiler vectorizes (a byte loop cost the
  // unthrottled benchmark's device more than everything else it does: about
  // 20× slower for 4-byte frames, measured with g++ -O3 on this VM).
  uint8_t* out = index_.data();
  if (blockAlign_ == 4) {
    for (uint64_t f = 0; f < frames; ++f) {
      const uint32_t n = static_cast<uint32_t>(position + f);
      std::memcpy(out + f * 4, &n, 4);
    }
  } else if (blockAlign_ == 8) {
    for (uint64_t f = 0; f < frames; ++f) {
      const uint64_t n = position + f;
      std::memcpy(out + f * 8, &n, 8);
    }
  } else {
    for (uint64_t f = 0; f < frames; ++f) {
      const uint64_t n = position + f;
      uint8_t bytes[8];
      for (uint32_t b = 0; b < 8; ++b) bytes[b] = static_cast<uint8_t>(n >> (8 * b));
      uint8_t* frame = out + f * blockAlign_;
      for (uint32_t k = 0; k < blockAlign_; k += 8) std::memcpy(frame + k, bytes, std::min<uint32_t>(8, blockAlign_ - k));
    }
  }
  return index_.data();
}

const uint8_t* AudioTestSignal::RenderTone(uint64_t position, uint64_t frames) {
  const size_t usable = static_cast<size_t>(frames) * blockAlign_;
  const size_t periodBytes = static_cast<size_t>(tonePeriodFrames_) * blockAlign_;
  if (tone_.size() < usable + periodBytes) {
    // Repeat the period far enough that any buffer is one copy from some phase.
    const size_t periods = (usable + periodBytes) / periodBytes + 1;
    std::vector<uint8_t> longer(periods * periodBytes);
    for (size_t p = 0; p < periods; ++p) std::memcpy(longer.data() + p * periodBytes, tone_.data(), periodBytes);
    tone_.swap(longer);
  }
  const size_t phase = static_cast<size_t>(position % tonePeriodFrames_) * blockAlign_;
  return tone_.data() + phase;
}

}  // namespace ks::emu
