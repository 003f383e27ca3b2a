// Streaming on a WaveRT pin (portcls's real-time pins: HD Audio, USB Audio
// 2.0), beside the standard-streaming StreamEngine. No IRPs carry data: the
// pin maps a cyclic buffer into the process, and a thread of ours moves the
// data between it and memory shared with JavaScript, so JavaScript never has
// to meet the device's period.
//
// Setup follows PortAudio's working sequence (pa_win_wdmks.c), written
// against the seam so it runs on Windows and in the emulator alike:
// BUFFER_WITH_NOTIFICATION (else BUFFER, polled) → HWLATENCY →
// REGISTER_NOTIFICATION_EVENT → POSITIONREGISTER (else KSPROPERTY_AUDIO_
// POSITION) → ACQUIRE → PAUSE → prime (render) → RUN; teardown: stop and
// join the thread → PAUSE → STOP → UNREGISTER_NOTIFICATION_EVENT.
//
// Modes: event (the thread waits on the notification event), polled (a
// timer at a quarter of the period), packet (Windows 10's GETREADPACKET /
// SETWRITEPACKET / PACKETCOUNT, woken by the notification event).
//
// Capture delivers into the very shared memory StreamEngine uses (the
// stream_control words, completion records and a pool of slots), so the
// JavaScript CaptureStream reads a WaveRT pin as it reads any other. Render
// takes bytes from a ring JavaScript fills (render_ring below).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ks_backend.h"
#include "ks_rtaudio.h"
#include "stream_engine.h"

namespace ks {

enum class WaveRtMode : uint32_t { Event = 0, Polled = 1, Packet = 2 };
enum class WaveRtPositionSource : uint32_t { Register = 0, Property = 1, Packets = 2 };

// The render ring's control words (JavaScript: a Uint32Array with Atomics),
// byte counters that wrap at 2^32; each side writes its own cache line.
namespace render_ring {
constexpr uint32_t kWritten = 0;  // JS: bytes written into the ring
constexpr uint32_t kArmed = 1;    // JS sets 1 when it waits for room; the engine swaps in 0 and notifies
constexpr uint32_t kRead = 16;    // engine: bytes taken from the ring
constexpr uint32_t kFailed = 17;  // engine: 1 once the stream has failed (the status is in WaveRtInfo)
constexpr uint32_t kWords = 32;
}  // namespace render_ring

struct WaveRtConfig {
  bool capture = true;
  WaveRtMode mode = WaveRtMode::Event;
  bool fallbackToPolled = true;   // event mode: use polled mode when notifications fail
  uint32_t bufferBytes = 0;       // RequestedBufferSize
  uint32_t notificationCount = 2;  // 1 or 2 (event and packet modes)
  uint32_t sampleRate = 48000;
  uint32_t blockAlign = 4;
  // The native self-test's: runs on the engine's thread right after each
  // capture position read, where a thread descheduled by the OS would stop.
  // Empty in the addon.
  std::function<void()> afterPositionRead;
};

// Capture: StreamEngine's layout (stream_engine.h); render: a byte ring.
struct WaveRtShared {
  uint8_t* pool = nullptr;
  uint32_t slots = 0;
  uint32_t slotSize = 0;
  uint32_t* control = nullptr;  // stream_control words (capture) or render_ring words (render)
  double* records = nullptr;
  bool dropOldest = false;
  uint8_t* ring = nullptr;  // render
  uint32_t ringBytes = 0;
};

struct WaveRtInfo {
  WaveRtMode mode = WaveRtMode::Event;
  WaveRtPositionSource position = WaveRtPositionSource::Register;
  uint32_t bufferBytes = 0;
  uint32_t notificationCount = 0;
  uint32_t fifoBytes = 0;
  bool memoryBarrier = false;
  uint64_t glitches = 0;      // overruns / underruns the engine saw from the position or packet numbers
  uint64_t silenceBytes = 0;  // render: silence written because the ring ran dry
  uint64_t droppedBytes = 0;  // capture: data lost because JavaScript held every slot
  uint64_t lostBytes = 0;     // capture: audio the device overwrote before the engine read it (packet mode: whole packets)
  uint64_t wakeups = 0;       // JavaScript woken
  uint64_t services = 0;      // the thread's passes over the buffer
  uint64_t movedBytes = 0;
  // Passes that ended more than the buffer's headroom (its duration less
  // OverrunMargin) after the pass before began: the thread was held off the
  // CPU, or waited for a notification the device sent late. A glitch seen
  // that long after the last pass began is counted in glitchesAfterStall:
  // the scheduler's or the device's doing; any other is the engine's own.
  // Host time.
  uint64_t stalls = 0;
  uint64_t glitchesAfterStall = 0;
  uint64_t longestGapNs = 0;  // the longest time between two passes while running
  // The thread's CPU time inside its passes (reading the position, moving
  // the data, waking JavaScript), without its waits: the engine's own work.
  // ThreadCpuNs: exact on Linux; on Windows GetThreadTimes counts whole
  // scheduler ticks, so there it is a rough sum.
  uint64_t passCpuNs = 0;
  Status failure = Status::Nt(0);  // what stopped the stream, if anything did
};

class WaveRtEngine {
 public:
  WaveRtEngine(Backend* backend, BackendHandle pin, WaveRtConfig config, WaveRtShared shared,
               std::function<void()> notify);
  ~WaveRtEngine();
  WaveRtEngine(const WaveRtEngine&) = delete;
  WaveRtEngine& operator=(const WaveRtEngine&) = delete;

  // Runs the setup sequence and starts the thread; on failure the pin is
  // back in STOP with nothing registered, and the status says why.
  Status Start();
  // Stops and joins the thread, then takes the pin down to STOP and
  // unregisters the event. Idempotent; the shared memory is no longer
  // touched once it returns.
  void Close();
  // Wakes the thread (JavaScript released slots or wrote data).
  void Kick();

  WaveRtInfo Info();
  uint32_t inFlight() const { return running_.load() ? 1 : 0; }
  // Capture: slots' worth of audio lost because JavaScript held every slot.
  uint64_t droppedSlots() {
    const uint64_t bytes = Info().droppedBytes;
    return shared_.slotSize == 0 ? 0 : (bytes + shared_.slotSize - 1) / shared_.slotSize;
  }

 private:
  // wavert_engine_setup.cpp
  IoResult Property(const Guid& set, uint32_t id, uint32_t flags, std::vector<uint8_t> instance, void* out,
                    uint32_t outSize);
  Status SetState(uint32_t state);
  Status Allocate();
  void RegisterEvent();
  void MapPositionRegister();
  void Prime();
  void TearDown();

  // wavert_engine.cpp
  void Thread();
  bool Service();  // false: the stream failed
  // Reads where the device is and, with it, the elapsed time since the last read (seconds).
  bool ReadPosition(uint32_t* offset, double* elapsed);
  bool ReadDevicePosition();  // capture: ReadPosition, then devicePos_
  bool ServiceCapture();
  uint64_t OvertakenDuringCopy(std::chrono::steady_clock::time_point readAt, uint32_t bytes, uint32_t margin);
  bool ServiceCapturePackets();
  uint64_t PacketOvertaken(uint64_t sampledAt);
  bool ServiceRender();
  bool ServiceRenderPackets();
  void PushCapture(const uint8_t* source, uint32_t bytes);
  uint32_t FillFromRing(uint8_t* to, uint32_t bytes);  // the rest is silence; returns ring bytes used
  void WriteIntoBuffer(uint64_t streamOffset, uint32_t bytes);
  bool TakeSlot();
  void Publish(bool wake = true);
  void LoseCapture(uint64_t bytes, uint64_t glitches);  // counts the loss, and jumps the stream's times over it
  uint64_t PositionAdvance(uint32_t from, uint32_t to, double elapsed);
  uint32_t OverrunMargin() const;
  void Fail(const Status& status);
  void CountGlitches(uint64_t n);  // under mutex_: glitches, and glitchesAfterStall in a stalled pass
  std::atomic<uint32_t>& Word(uint32_t index) const { return reinterpret_cast<std::atomic<uint32_t>*>(shared_.control)[index]; }

  Backend* backend_;
  BackendHandle pin_;
  WaveRtConfig config_;
  WaveRtShared shared_;
  std::function<void()> notify_;

  // What setup found.
  uint8_t* buffer_ = nullptr;
  uint32_t size_ = 0;
  uint32_t packetBytes_ = 0;
  const std::atomic<uint32_t>* positionRegister_ = nullptr;
  // The device's wall clock (KSPROPERTY_RTAUDIO_CLOCKREGISTER, HD Audio's
  // 24 MHz counter), read with the position: how much time passed between
  // two positions, on the clock the position itself follows.
  const std::atomic<uint32_t>* clockRegister_ = nullptr;
  double clockHz_ = 0;
  std::unique_ptr<WaitableEvent> event_;
  bool eventRegistered_ = false;
  bool started_ = false;

  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::mutex mutex_;  // guards info_ and closing
  WaveRtInfo info_;

  // The thread's own state.
  uint32_t lastOffset_ = 0;     // render: the last fetch offset
  uint64_t devicePos_ = 0;      // capture: the device's place in the stream (bytes since RUN) at the last read
  uint64_t consumed_ = 0;       // capture: bytes of the stream copied out or counted lost
  std::vector<uint8_t> staging_;  // capture: one pass's copy of the buffer, checked before it is published
  uint64_t fetched_ = 0;        // render: bytes the device has fetched, as far as the position tells
  uint64_t written_ = 0;        // render: bytes written into the buffer since RUN
  int64_t lastPacket_ = -1;     // packet mode: the last packet read (capture) or written (render)
  int64_t slot_ = -1;           // capture: the slot being filled
  uint32_t fill_ = 0;
  uint64_t publishedFrames_ = 0;
  bool discontinuity_ = true;
  std::chrono::steady_clock::time_point lastPassAt_;  // when the last pass began (host time); unset before the first
  std::chrono::nanoseconds headroom_{0};              // the buffer's duration less OverrunMargin
  // When the last position was read (host time, and the device clock's
  // count when it has one; clockValid_ once a count was read while running).
  std::chrono::steady_clock::time_point positionReadAt_;
  uint32_t positionClock_ = 0;
  uint32_t positionRead_ = 0;  // the position register's value at that read
  bool clockValid_ = false;
};

}  // namespace ks
