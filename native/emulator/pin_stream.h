// Standard streaming on a virtual pin: IOCTL_KS_READ_STREAM on a capture
// (dataflow out) pin fills the caller's buffers with a deterministic test
// signal (audio_test_signal.h for audio formats, one frame of
// video_test_pattern.h per buffer for video formats), IOCTL_KS_WRITE_STREAM on a render (dataflow in) pin consumes them
// into counters and an order-sensitive checksum. IRPs queue until the pin
// runs and complete from the pin's own worker thread, at the format's real
// rate or, for benchmarks, as fast as buffers arrive.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "audio_test_signal.h"
#include "emu_object.h"
#include "video_test_pattern.h"

namespace ks::emu {

// The emulator's own pin properties (KSPROPSETID_EmulatorDiagnostics).
constexpr uint32_t KSPROPERTY_EMULATOR_RENDER_STATS = 1;  // GET: EmulatorRenderStats
constexpr uint32_t KSPROPERTY_EMULATOR_PACING = 2;        // GET/SET ULONG: 1 real time (default), 0 unthrottled
constexpr uint32_t KSPROPERTY_EMULATOR_CAPTURE_SIGNAL = 3;  // GET/SET ULONG CaptureSignal (audio capture pins)
constexpr uint32_t KSPROPERTY_EMULATOR_STREAM_HEADERS = 5;  // GET: EmulatorStreamHeaders
// GET/SET ULONG: 1 makes the pin behave as a driver that ignores cancellation:
// queued IRPs are held (not processed) and CancelIo leaves them queued; STOP,
// closing the pin and 0 here let them go again.
constexpr uint32_t KSPROPERTY_EMULATOR_IGNORE_CANCEL = 7;
// GET/SET ULONG: 1 makes the pin report every other IRP it completes late,
// after the next one, when a next one is queued. Not the driver (a KS pin
// fills and completes in order) but the I/O manager's delivery: Windows
// finishes a request in its issuing thread (a kernel APC), so a request sent
// from a thread that is off the CPU reaches the completion port after later
// ones. 0 (the default): in order.
constexpr uint32_t KSPROPERTY_EMULATOR_LATE_COMPLETIONS = 8;

// What the pin saw of the stream headers it was sent (since it was created).
struct EmulatorStreamHeaders {
  uint64_t Headers;         // headers queued
  uint64_t UnscaledTimes;   // of them, with PresentationTime.Numerator or Denominator 0 (clients should send 1/1)
};
static_assert(sizeof(EmulatorStreamHeaders) == 16, "EmulatorStreamHeaders");

struct EmulatorRenderStats {
  uint64_t Frames;
  uint64_t Bytes;
  uint64_t Checksum;  // FNV-1a 64 over the bytes in order, 8 bytes (little-endian) at a time, then the tail bytes
  uint32_t EndOfStream;
  uint32_t Reserved;
};
static_assert(sizeof(EmulatorRenderStats) == 32, "EmulatorRenderStats");

class PinStream {
 public:
  // `format` is the pin's KSDATAFORMAT (a WAVEFORMATEX one for audio, a
  // VIDEOINFO/VIDEOINFO2 one for video). `avstreamHeaderSize`: 0 for a
  // portcls-style pin (any KSSTREAM_HEADER.Size of at least 56); otherwise the
  // AVStream pin's StreamHeaderSize, which KsProbeStreamIrp enforces.
  PinStream(bool capture, const std::vector<uint8_t>& format, uint32_t avstreamHeaderSize = 0);
  ~PinStream();
  PinStream(const PinStream&) = delete;
  PinStream& operator=(const PinStream&) = delete;

  // Queues a READ_STREAM/WRITE_STREAM IRP; STATUS_PENDING when kept.
  uint32_t Queue(Irp& irp);
  // The pin's state changed; STOP flushes what is queued.
  void StateChanged(uint32_t state);
  // Completes every queued IRP with STATUS_CANCELLED, after the one being
  // processed (if any) is done with its buffers.
  void Cancel();
  void AddProperties(std::vector<PropertyItem>& properties);
  // Runs on the worker after a packet flagged end-of-stream has completed
  // (the pin generates KSEVENT_CONNECTION_ENDOFSTREAM from it).
  void OnEndOfStream(std::function<void()> handler) { endOfStream_ = std::move(handler); }
  // What a camera's controls do to each frame after the pattern is drawn; set before RUN.
  void OnVideoFrame(std::function<void(const VideoLayout&, uint8_t*)> effects) { videoEffects_ = std::move(effects); }

 private:
  struct Pending {
    uint8_t* headers;
    uint32_t length;
    IoCompletion complete;
    std::chrono::steady_clock::time_point queuedAt;  // when the client sent it
  };

  void Worker();
  // STATUS_SUCCESS, or STATUS_ACCESS_VIOLATION when a buffer could not be copied.
  // `discontinuity` and `signal` are what the worker read under the lock when
  // it took the IRP: the first buffer carries the discontinuity flag.
  uint32_t Process(Pending& irp, bool discontinuity, CaptureSignal signal);
  // Each returns false when the caller's buffer could not be read or written.
  bool FillCapture(KSSTREAM_HEADER& header, bool discontinuity, CaptureSignal signal);
  bool FillVideoCapture(KSSTREAM_HEADER& header, bool discontinuity);
  // How long the IRP's buffers take to capture or play at the format's rate.
  std::chrono::nanoseconds RealTimeDuration(const Pending& irp) const;
  bool ConsumeRender(KSSTREAM_HEADER& header);
  void CancelQueued(std::unique_lock<std::mutex>& lock);
  void CountHeaders(const Irp& irp);
  // KsProbeStreamIrp's checks of an AVStream pin's headers (ReactOS ks/irp.c).
  uint32_t ProbeAvStreamHeaders(const Irp& irp) const;
  // Video: pictures the device skipped because no buffer was queued when
  // they were due (real-time pacing only): the next buffer was sent at
  // `queuedAt`, after them. They count in DropCount.
  void CountDroppedPictures(std::chrono::steady_clock::time_point queuedAt);

  const bool capture_;
  const uint32_t avstreamHeaderSize_;
  // Video capture: one frame per buffer, position_ counts frames.
  bool video_ = false;
  // A video format the test pattern cannot lay out: reads are refused.
  bool unsupportedVideo_ = false;
  VideoLayout videoLayout_{};
  // PCM parameters from the format; bytes per second drive the pacing.
  uint32_t sampleRate_ = 48000;
  uint32_t blockAlign_ = 4;
  uint32_t channels_ = 2;
  uint32_t bitsPerSample_ = 16;
  std::function<void(const VideoLayout&, uint8_t*)> videoEffects_;
  std::vector<uint8_t> scratch_;  // the worker's: a video frame drawn, or render bytes read, before the checked copy
  std::unique_ptr<AudioTestSignal> signalSource_;  // the worker's own (audio capture)

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Pending> queue_;
  bool busy_ = false;  // the worker holds an IRP's buffers
  int cancelling_ = 0;  // Cancel calls waiting for the worker to let go
  bool quit_ = false;
  bool running_ = false;
  bool stopped_ = true;
  bool realTime_ = true;
  bool ignoreCancel_ = false;
  bool lateCompletions_ = false;
  // A completion LATE_COMPLETIONS holds back until the next IRP's is reported.
  struct HeldCompletion {
    IoCompletion complete;
    IoResult result;
  };
  std::optional<HeldCompletion> held_;
  bool discontinuity_ = true;  // the next buffer begins a new run (set on RUN, taken by the worker with the IRP)
  CaptureSignal signal_ = CaptureSignal::Index;
  uint64_t position_ = 0;  // sample frames (audio) or pictures (video, dropped ones included) since the stream began
  uint64_t droppedPictures_ = 0;  // video: KS_FRAME_INFO.DropCount since the stream began
  std::chrono::steady_clock::time_point due_;
  EmulatorRenderStats stats_{0, 0, 0xcbf29ce484222325ull, 0, 0};
  EmulatorStreamHeaders headersSeen_{0, 0};
  std::function<void()> endOfStream_;
  bool endOfStreamSeen_ = false;  // the worker's own: the packet in hand carried end-of-stream
  std::thread worker_;
};

}  // namespace ks::emu
