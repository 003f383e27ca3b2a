// The modelled hardware behind an emulated WaveRT pin: the cyclic buffer
// (mapped into the caller's process, which for the in-process emulator is
// plain memory), the position and wall-clock registers, and a DMA engine
// that moves through the buffer at the format's rate on a thread of its own.
//
// Capture: the DMA writes the emulator's capture signal into the buffer as
// the position passes, sample frame n counted from the last STOP: the index
// signal by default (audio_test_signal.h: byte k of frame n is byte k mod 8
// of n, so a slot read from the wrong place or left stale cannot pass for the
// right one), or the tone after KSPROPERTY_EMULATOR_CAPTURE_SIGNAL = 1 (the
// standard pins' formula, at the format's valid bits, left-justified). Render: the DMA fetches what is in the buffer
// FifoSize bytes ahead of the position (as an HD Audio controller's FIFO
// does; PortAudio adds FifoSize to the render position for that reason) and
// "plays" it into a checksum. The registers and counters advance in 1 ms
// ticks, and to the exact moment whenever a property asks for them; a tick
// falls on each packet boundary, so notifications come at the boundary.
//
// Glitches, the emulator's rule:
// - render, event or polled mode: after the DMA has fetched a 64-bit word it
//   overwrites it with a marker that names the word's place and the next
//   buffer cycle; fetching a word that still holds its marker means the
//   client did not write it in time (an underrun). Each 1 ms DMA step that
//   meets at least one such word counts one glitch.
// - render, packet mode (once KSPROPERTY_RTAUDIO_SETWRITEPACKET has been
//   used since STOP): the DMA starting a packet the client has not yet
//   announced counts one glitch per packet.
// - capture, packet mode: packets overwritten before KSPROPERTY_RTAUDIO_
//   GETREADPACKET handed them out count one glitch each (counted when the
//   client next asks, which then gets the oldest intact packet).
// - capture, event or polled mode: the device cannot see a client's reads
//   of mapped memory (which is why packet mode exists), so nothing is
//   counted here; a client detects its own overruns from the position.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "../ks_rtaudio.h"
#include "device_memory.h"
#include "emu_object.h"

namespace ks::emu {

// KSPROPSETID_EmulatorDiagnostics ids for WaveRT (16 and up, clear of the
// standard pins' ids).
constexpr uint32_t KSPROPERTY_EMULATOR_WAVERT_STATS = 16;        // pin, GET: EmulatorWaveRtStats
constexpr uint32_t KSPROPERTY_EMULATOR_AUDIO_ENGINE_HOLD = 17;   // wave filter, GET/SET BOOL
// Pin, GET/SET ULONG milliseconds (at most 1000): the DMA's next step while
// running is taken that much late, its thread held off as a loaded machine
// or a VM's host holds it (EmulatorWaveRtStats.LateSteps); GET: the hold not
// yet taken.
constexpr uint32_t KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD = 18;

struct EmulatorWaveRtStats {
  uint64_t Frames;    // sample frames the DMA position moved over the pin's lifetime
  uint64_t Bytes;     // capture: bytes written into the buffer; render: bytes played (whole 64-bit words)
  uint64_t Checksum;  // render: FNV-1a 64 over the played bytes in order, 8 bytes (little-endian) at a time
  uint32_t Glitches;
  uint32_t Notifications;  // notification-event signals (each registered event counts once)
  uint32_t EndOfStream;    // render, packet mode: the DMA has played the end-of-stream packet
  uint32_t PacketMode;     // packet mode was used since the last STOP
  // The modelled DMA's own timekeeping: a step is late when it came more
  // than kLateStep after the one before (its thread held off the CPU, as a
  // loaded machine or a VM's host does: hardware never is). Such a step
  // moves the position by everything since, at once, and render glitches met
  // in it (GlitchesInLateSteps) are the model's, not the client's: no client
  // could have written what the DMA fetched while it stood still.
  uint32_t LateSteps;
  uint32_t LongestStepUs;  // the longest time between two steps while running, microseconds
  uint32_t GlitchesInLateSteps;
  uint32_t Reserved;
};
static_assert(sizeof(EmulatorWaveRtStats) == 56, "EmulatorWaveRtStats");

struct WaveRtFormat {
  uint32_t sampleRate = 48000;
  uint32_t channels = 2;
  uint32_t blockAlign = 4;
  uint32_t containerBits = 16;  // wBitsPerSample
  uint32_t validBits = 16;      // Samples.wValidBitsPerSample
};

// What the DMA engine is made with, per endpoint.
struct WaveRtHardware {
  uint32_t fifoSize = 256;       // KSRTAUDIO_HWLATENCY.FifoSize, bytes
  uint32_t chipsetDelay = 0;     // 100 ns units
  uint32_t codecDelay = 10000;   // 100 ns units (1 ms)
  uint32_t maxBufferMs = 2000;   // larger requests are cut to this much audio
};

class WaveRtStream {
 public:
  WaveRtStream(bool capture, WaveRtFormat format, WaveRtHardware hardware);
  ~WaveRtStream();
  WaveRtStream(const WaveRtStream&) = delete;
  WaveRtStream& operator=(const WaveRtStream&) = delete;

  bool capture() const { return capture_; }
  const WaveRtHardware& hardware() const { return hardware_; }

  // KSPROPERTY_RTAUDIO_BUFFER (notificationCount 0) or _WITH_NOTIFICATION.
  // The pin has checked the state and the request.
  uint32_t AllocateBuffer(uint32_t requested, uint32_t notificationCount, KSRTAUDIO_BUFFER* out);
  bool hasBuffer();
  uint32_t notificationCount();  // 0: no buffer, or one without notifications

  // The register addresses (the emulator's memory, valid until the pin goes).
  uint64_t PositionRegister();
  uint64_t ClockRegister();

  void SetState(uint32_t state);

  uint32_t RegisterEvent(uint64_t handle, std::shared_ptr<EventSink> sink);
  uint32_t UnregisterEvent(uint64_t handle);
  void DropEvents();
  size_t registeredEvents();

  KSAUDIO_POSITION Position();
  uint32_t PacketCount();
  KSAUDIO_PRESENTATION_POSITION PresentationPosition();
  uint32_t GetReadPacket(KSRTAUDIO_GETREADPACKET_INFO* out);
  uint32_t SetWritePacket(const KSRTAUDIO_SETWRITEPACKET_INFO& info);
  EmulatorWaveRtStats Stats();

  // KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD.
  uint32_t dmaHoldMs();
  void HoldDma(uint32_t ms);

  // KSPROPERTY_EMULATOR_CAPTURE_SIGNAL: 0 index (the default), 1 tone.
  uint32_t captureSignal();
  void SetCaptureSignal(uint32_t signal);

  // The emulator's performance counter (the backend's PerformanceCounter):
  // 100 ns units of the steady clock, 10 MHz.
  static uint64_t Qpc(std::chrono::steady_clock::time_point t);
  static constexpr uint64_t kQpcHz = 10'000'000;

 private:
  using Clock = std::chrono::steady_clock;
  void Worker();
  // Moves the DMA to `now`; returns the events to signal (outside the lock).
  std::vector<std::shared_ptr<EventSink>> AdvanceLocked(Clock::time_point now);
  // One step of the DMA to `now` (AdvanceLocked takes a late one a tick at a time).
  void StepLocked(Clock::time_point now, bool late, std::vector<std::shared_ptr<EventSink>>* signal);
  void WriteCapture(uint64_t fromFrame, uint64_t toFrame);
  bool FetchRender(uint64_t toByte);  // true when an unwritten word was met
  Clock::time_point NextBoundaryLocked() const;
  void PoisonWholeBuffer();
  uint64_t MarkerFor(uint64_t wordInBuffer, uint64_t cycle) const;
  uint64_t StreamBytes() const { return frames_ * format_.blockAlign; }
  uint64_t FetchBytes() const;

  const bool capture_;
  const WaveRtFormat format_;
  const WaveRtHardware hardware_;
  const Clock::time_point created_ = Clock::now();
  std::vector<uint8_t> tone_;  // one period of the tone, whole sample frames
  uint32_t tonePeriodFrames_ = 48;
  uint32_t captureSignal_ = 0;  // under mutex_: 0 index, 1 tone
  uint32_t dmaHoldMs_ = 0;      // under mutex_

  std::mutex mutex_;
  std::condition_variable wake_;
  bool quit_ = false;
  uint32_t state_ = KSSTATE_STOP;
  // The buffer: device memory (device_memory.h), 64-byte aligned. Buffers
  // replaced in STOP are kept until the pin goes (the caller may still hold
  // the old mapping).
  std::vector<DeviceMemory> storage_;
  uint8_t* buffer_ = nullptr;
  uint32_t bufferSize_ = 0;
  uint32_t notificationCount_ = 0;
  uint32_t packetSize_ = 0;
  // The registers, read by the client through their addresses: in device
  // memory too, so a host that maps the buffer into another process can map
  // them as well.
  DeviceMemory registers_;
  std::atomic<uint32_t>* positionRegister_ = nullptr;
  std::atomic<uint32_t>* clockRegister_ = nullptr;

  // Position: frames since STOP; while running, frames_ follows the clock
  // from runStart_ (when the position was runStartFrames_).
  bool running_ = false;
  Clock::time_point runStart_;
  uint64_t runStartFrames_ = 0;
  uint64_t frames_ = 0;
  Clock::time_point lastTick_;
  uint64_t fetchedWords_ = 0;  // render: 64-bit words the DMA has fetched since STOP
  // Packet mode.
  bool packetMode_ = false;
  int64_t lastWrittenPacket_ = -1;  // render: highest packet announced with SETWRITEPACKET
  uint64_t packetsStarted_ = 0;     // render: packets the DMA has begun to fetch
  bool endOfStream_ = false;
  uint64_t endOfStreamByte_ = 0;    // stream offset where the end-of-stream packet ends
  uint32_t nextReadPacket_ = 0;     // capture: the next packet GETREADPACKET hands out
  std::vector<uint64_t> packetTimes_;  // capture: QPC at each packet's completion, by number % size

  struct Registered {
    uint64_t handle;
    std::shared_ptr<EventSink> sink;
  };
  std::vector<Registered> events_;
  EmulatorWaveRtStats stats_{0, 0, 0xcbf29ce484222325ull, 0, 0, 0, 0, 0, 0, 0, 0};
  std::thread worker_;
};

}  // namespace ks::emu
