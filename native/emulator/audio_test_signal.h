// The emulated audio capture signal, chosen per pin through the emulator's
// diagnostics property KSPROPERTY_EMULATOR_CAPTURE_SIGNAL:
//
// - Index (the default): every sample frame carries its own index. With n the
//   sample frame's position since the pin last left STOP and k the byte's
//   offset inside the frame (0 ≤ k < nBlockAlign), byte k = bits
//   8·(k mod 8) … 8·(k mod 8) + 7 of n. For 16-bit stereo the frame is n's
//   low 32 bits, little-endian. Nothing repeats within 2^(8·min(8, nBlockAlign))
//   sample frames (2^16 for the smallest frame the emulated ranges allow), so a
//   buffer left stale, delivered twice, dropped or reordered cannot pass for
//   the right one, which a signal periodic at packet scale lets through.
// - Tone: a 1 kHz sine at half full scale, A = 2·⌊(2^(bits−1) − 1) / 4⌋ (even:
//   see the .cpp), the same on every channel: llround(sin(2π·((n·1000) mod rate) / rate) · A). For
//   listening; at 48 kHz it repeats every 48 sample frames.
#pragma once

#include <cstdint>
#include <vector>

namespace ks::emu {

enum class CaptureSignal : uint32_t { Index = 0, Tone = 1 };

class AudioTestSignal {
 public:
  AudioTestSignal(uint32_t sampleRate, uint32_t channels, uint32_t bitsPerSample, uint32_t blockAlign);
  // `frames` sample frames of `signal` from sample frame `position` on, in
  // memory of this object's, valid until the next call.
  const uint8_t* Render(CaptureSignal signal, uint64_t position, uint64_t frames);

 private:
  const uint8_t* RenderTone(uint64_t position, uint64_t frames);

  uint32_t sampleRate_;
  uint32_t channels_;
  uint32_t bitsPerSample_;
  uint32_t blockAlign_;
  std::vector<uint8_t> index_;  // the index signal, drawn per call
  std::vector<uint8_t> tone_;   // one or more periods of the tone, repeated
  uint32_t tonePeriodFrames_;   // sample frames per period
};

}  // namespace ks::emu
