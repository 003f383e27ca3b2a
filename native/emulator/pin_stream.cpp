#include "pin_stream.h"

#include <cstring>

#include "caller_memory.h"
#include "device_catalog.h"
#include "../ks_frame_info.h"
#include "../plant_faults.h"

namespace ks::emu {

namespace {

constexpr uint32_t kStateStop = 0;
constexpr uint32_t kStateRun = 3;
constexpr uint64_t kHundredNsPerSecond = 10'000'000;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;

// Sample frames to 100 ns units without overflowing for any realistic position.
int64_t ToHundredNs(uint64_t frames, uint32_t rate) {
  return static_cast<int64_t>((frames / rate) * kHundredNsPerSecond + (frames % rate) * kHundredNsPerSecond / rate);
}

}  // namespace

PinStream::PinStream(bool capture, const std::vector<uint8_t>& format, uint32_t avstreamHeaderSize)
    : capture_(capture), avstreamHeaderSize_(avstreamHeaderSize) {
  KSDATAFORMAT head{};
  if (format.size() >= sizeof head) std::memcpy(&head, format.data(), sizeof head);
  if (capture_ && head.MajorFormat == KSDATAFORMAT_TYPE_VIDEO) {
    video_ = true;
    unsupportedVideo_ = !ParseVideoFormat(format, &videoLayout_);
  } else if (format.size() >= sizeof(KSDATAFORMAT) + 16) {
    // KSDATAFORMAT_WAVEFORMATEX: the WAVEFORMATEX follows the 64-byte head.
    const uint8_t* wave = format.data() + sizeof(KSDATAFORMAT);
    uint16_t channels, blockAlign, bits;
    uint32_t rate;
    std::memcpy(&channels, wave + 2, 2);
    std::memcpy(&rate, wave + 4, 4);
    std::memcpy(&blockAlign, wave + 12, 2);
    std::memcpy(&bits, wave + 14, 2);
    if (channels != 0 && rate != 0 && blockAlign != 0 && bits != 0 && bits % 8 == 0) {
      channels_ = channels;
      sampleRate_ = rate;
      blockAlign_ = blockAlign;
      bitsPerSample_ = bits;
    }
  }
  if (capture_ && !video_) signalSource_ = std::make_unique<AudioTestSignal>(sampleRate_, channels_, bitsPerSample_, blockAlign_);
  worker_ = std::thread([this] { Worker(); });
}

PinStream::~PinStream() {
  {
    // Going away completes everything, whatever IGNORE_CANCEL says.
    std::unique_lock<std::mutex> lock(mutex_);
    ignoreCancel_ = false;
    CancelQueued(lock);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void PinStream::AddProperties(std::vector<PropertyItem>& properties) {
  properties.push_back(ChoiceProperty(
      KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_PACING, 1,
      [this] {
        std::lock_guard<std::mutex> lock(mutex_);
        return realTime_ ? 1u : 0u;
      },
      [this](uint32_t value) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          realTime_ = value == 1;
          due_ = std::chrono::steady_clock::now();
        }
        wake_.notify_all();
      }));
  properties.push_back(ChoiceProperty(
      KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_IGNORE_CANCEL, 1,
      [this] {
        std::lock_guard<std::mutex> lock(mutex_);
        return ignoreCancel_ ? 1u : 0u;
      },
      [this](uint32_t value) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          ignoreCancel_ = value == 1;
        }
        wake_.notify_all();
      }));
  properties.push_back(ChoiceProperty(
      KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_LATE_COMPLETIONS, 1,
      [this] {
        std::lock_guard<std::mutex> lock(mutex_);
        return lateCompletions_ ? 1u : 0u;
      },
      [this](uint32_t value) {
        std::lock_guard<std::mutex> lock(mutex_);
        lateCompletions_ = value == 1;
      }));
  properties.push_back(PropertyItem{KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_STREAM_HEADERS,
                                    sizeof(KSPROPERTY), sizeof(EmulatorStreamHeaders),
                                    [this](Request& r) {
                                      EmulatorStreamHeaders copy;
                                      {
                                        std::lock_guard<std::mutex> lock(mutex_);
                                        copy = headersSeen_;
                                      }
                                      return ReturnValue(r, &copy, sizeof copy);
                                    },
                                    nullptr});
  if (capture_ && !video_) {
    properties.push_back(ChoiceProperty(
        KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_CAPTURE_SIGNAL, static_cast<uint32_t>(CaptureSignal::Tone),
        [this] {
          std::lock_guard<std::mutex> lock(mutex_);
          return static_cast<uint32_t>(signal_);
        },
        [this](uint32_t value) {
          // Takes effect from the next IRP the worker takes.
          std::lock_guard<std::mutex> lock(mutex_);
          signal_ = static_cast<CaptureSignal>(value);
        }));
  }
  if (!capture_) {
    properties.push_back(PropertyItem{KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_RENDER_STATS,
                                      sizeof(KSPROPERTY), sizeof(EmulatorRenderStats),
                                      [this](Request& r) {
                                        EmulatorRenderStats copy;
                                        {
                                          std::lock_guard<std::mutex> lock(mutex_);
                                          copy = stats_;
                                        }
                                        return ReturnValue(r, &copy, sizeof copy);
                                      },
                                      nullptr});
  }
}

// The emulator's diagnostics of what clients send: every whole 56-byte
// header's time scale, before any check refuses the request.
void PinStream::CountHeaders(const Irp& irp) {
  if (irp.output == nullptr || irp.outputLength < sizeof(KSSTREAM_HEADER)) return;
  uint32_t size;
  std::memcpy(&size, irp.output, sizeof size);
  if (size < sizeof(KSSTREAM_HEADER)) size = sizeof(KSSTREAM_HEADER);
  std::lock_guard<std::mutex> lock(mutex_);
  for (uint32_t offset = 0; offset + sizeof(KSSTREAM_HEADER) <= irp.outputLength; offset += size) {
    KSTIME time;
    std::memcpy(&time, irp.output + offset + offsetof(KSSTREAM_HEADER, PresentationTime), sizeof time);
    headersSeen_.Headers++;
    if (time.Numerator == 0 || time.Denominator == 0) headersSeen_.UnscaledTimes++;
  }
}

// AVStream probes every stream IRP with KsProbeStreamIrp(Irp, flags,
// Pin->StreamHeaderSize) before the minidriver sees it. ReactOS's
// implementation (drivers/ksfilter/ks/irp.c) raises STATUS_INVALID_BUFFER_SIZE
// for a header whose Size is not HeaderSize, for a buffer too short for the
// header, and, on reads, for a nonzero DataUsed; nonzero OptionsFlags on a
// read is STATUS_INVALID_PARAMETER. Microsoft's documentation: "it is assumed
// that the entire buffer passed is a multiple of this header size", so a
// buffer that is not is refused the same way. A 56-byte header sent to a video
// pin whose headers are 128 bytes fails here.
uint32_t PinStream::ProbeAvStreamHeaders(const Irp& irp) const {
  const uint32_t size = avstreamHeaderSize_;
  if (irp.output == nullptr || irp.outputLength == 0 || irp.outputLength % size != 0) return STATUS_INVALID_BUFFER_SIZE;
  for (uint32_t offset = 0; offset < irp.outputLength; offset += size) {
    KSSTREAM_HEADER header;
    std::memcpy(&header, irp.output + offset, sizeof header);
    if (header.Size != size) return STATUS_INVALID_BUFFER_SIZE;
    if (capture_ && header.DataUsed != 0) return STATUS_INVALID_BUFFER_SIZE;
    if (capture_ && header.OptionsFlags != 0) return STATUS_INVALID_PARAMETER;
    if (!capture_ && header.DataUsed > header.FrameExtent) return STATUS_INVALID_BUFFER_SIZE;
  }
  return STATUS_SUCCESS;
}

uint32_t PinStream::Queue(Irp& irp) {
  if (irp.code != (capture_ ? IOCTL_KS_READ_STREAM : IOCTL_KS_WRITE_STREAM)) return STATUS_INVALID_DEVICE_REQUEST;
  CountHeaders(irp);
  if (avstreamHeaderSize_ != 0) {
    const uint32_t probed = ProbeAvStreamHeaders(irp);
    if (probed != STATUS_SUCCESS) return probed;
  }
  if (irp.output == nullptr || irp.outputLength < sizeof(KSSTREAM_HEADER)) return STATUS_INVALID_PARAMETER;
  uint32_t size;
  std::memcpy(&size, irp.output, sizeof size);
  if (size < sizeof(KSSTREAM_HEADER) || irp.outputLength % size != 0) return STATUS_INVALID_PARAMETER;
  for (uint32_t offset = 0; offset < irp.outputLength; offset += size) {
    KSSTREAM_HEADER header;
    std::memcpy(&header, irp.output + offset, sizeof header);
    if (header.Size != size) return STATUS_INVALID_PARAMETER;
    if (header.FrameExtent != 0 && header.Data == 0) return STATUS_INVALID_PARAMETER;
    if (!capture_ && header.DataUsed > header.FrameExtent) return STATUS_INVALID_PARAMETER;
    // A video frame is never split across buffers or cut short: a buffer
    // that cannot hold a whole image fails the read before any frame is
    // taken, so the frame index (and the picture) stays continuous.
    if (video_ && header.FrameExtent < videoLayout_.imageBytes) return STATUS_BUFFER_TOO_SMALL;
    // The dispatch-time probe: a buffer the caller cannot own fails the
    // request at once, as KsProbeStreamIrp's probe-and-lock does (the
    // exception code, STATUS_ACCESS_VIOLATION, becomes the IRP's status).
    if (!ProbeCallerReadable(header.Data, capture_ ? header.FrameExtent : header.DataUsed)) return STATUS_ACCESS_VIOLATION;
  }
  if (unsupportedVideo_) return STATUS_NOT_SUPPORTED;
  if (!irp.complete) return STATUS_INVALID_DEVICE_REQUEST;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (quit_) return STATUS_DEVICE_NOT_CONNECTED;
    // A stopped pin takes no I/O; ACQUIRE and PAUSE queue it until RUN.
    if (stopped_) return STATUS_INVALID_DEVICE_STATE;
    queue_.push_back(Pending{irp.output, irp.outputLength, std::move(irp.complete), std::chrono::steady_clock::now()});
  }
  wake_.notify_one();
  return STATUS_PENDING;
}

void PinStream::StateChanged(uint32_t state) {
  std::unique_lock<std::mutex> lock(mutex_);
  const bool run = state == kStateRun;
  if (run && !running_) {
    due_ = std::chrono::steady_clock::now();
    discontinuity_ = true;
  }
  running_ = run;
  stopped_ = state == kStateStop;
  if (state == kStateStop) {
    // STOP flushes the queue and rewinds the stream.
    CancelQueued(lock);
    position_ = 0;
    droppedPictures_ = 0;
    discontinuity_ = true;
    return;
  }
  lock.unlock();
  wake_.notify_all();
}

void PinStream::Cancel() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (ignoreCancel_) return;  // the misbehaving driver of KSPROPERTY_EMULATOR_IGNORE_CANCEL
  CancelQueued(lock);
}

// Takes everything queued, waits until the worker has let go of the IRP it
// holds (its buffers may be freed once this returns), and completes them.
void PinStream::CancelQueued(std::unique_lock<std::mutex>& lock) {
  cancelling_++;
  wake_.notify_all();
  idle_.wait(lock, [&] { return !busy_; });
  std::deque<Pending> cancelled;
  cancelled.swap(queue_);
  std::optional<HeldCompletion> held = std::move(held_);
  held_.reset();
  cancelling_--;
  lock.unlock();
  if (held) held->complete(held->result);  // filled before any of these was cancelled
  for (auto& p : cancelled) p.complete(IoResult{Status::Nt(STATUS_CANCELLED), 0});
  wake_.notify_all();
}

void PinStream::Worker() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // A completion held back goes out as soon as no other follows at once.
    if (held_ && (quit_ || !running_ || cancelling_ != 0 || ignoreCancel_ || queue_.empty())) {
      HeldCompletion held = std::move(*held_);
      held_.reset();
      lock.unlock();
      held.complete(held.result);
      lock.lock();
      continue;
    }
    wake_.wait(lock, [&] { return quit_ || (running_ && cancelling_ == 0 && !ignoreCancel_ && !queue_.empty()); });
    if (quit_) return;
    Pending irp = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    if (realTime_) {
      // Complete each buffer when its last sample would have been captured or played.
      const auto duration = RealTimeDuration(irp);
      const auto now = std::chrono::steady_clock::now();
      // Pictures due before this buffer was sent are lost (a worker that is
      // merely late, on a loaded machine, drops nothing).
      if (video_) CountDroppedPictures(irp.queuedAt);
      // A stream starved of buffers does not catch up in a burst.
      if (due_ < now - std::chrono::milliseconds(50)) due_ = now;
      const auto target = due_ + duration;
      const bool interrupted =
          wake_.wait_until(lock, target, [&] { return quit_ || !running_ || cancelling_ != 0 || !realTime_; });
      if (interrupted && (quit_ || !running_ || cancelling_ != 0)) {
        queue_.push_front(std::move(irp));
        busy_ = false;
        idle_.notify_all();
        continue;
      }
      due_ = target;
    }
    // Taken under the lock: StateChanged() sets it on RUN from another thread.
    const bool discontinuity = discontinuity_ && !KS_FAULT(NO_DISCONTINUITY);
    discontinuity_ = false;
    const CaptureSignal signal = signal_;
    lock.unlock();
    const uint32_t status = Process(irp, discontinuity, signal);
    const IoResult result{Status::Nt(status), status == STATUS_SUCCESS ? irp.length : 0};
    std::optional<HeldCompletion> earlier;
    bool hold;
    {
      std::lock_guard<std::mutex> held(mutex_);
      earlier = std::move(held_);
      held_.reset();
      hold = lateCompletions_ && !earlier && !queue_.empty();
      if (hold) held_ = HeldCompletion{std::move(irp.complete), result};
    }
    if (!hold) irp.complete(result);
    if (earlier) earlier->complete(earlier->result);
    if (endOfStreamSeen_) {
      endOfStreamSeen_ = false;
      if (endOfStream_) endOfStream_();
    }
    lock.lock();
    busy_ = false;
    idle_.notify_all();
  }
}

// A camera captures on its own clock: a picture that falls due while no
// buffer is queued is lost, and the next buffer gets a later picture with a
// larger PictureNumber and DropCount (KS_FRAME_INFO).
void PinStream::CountDroppedPictures(std::chrono::steady_clock::time_point queuedAt) {
  const auto interval = std::chrono::nanoseconds(static_cast<uint64_t>(videoLayout_.avgTimePerFrame) * 100);
  if (interval.count() <= 0 || queuedAt <= due_ + interval) return;
  const uint64_t missed = static_cast<uint64_t>((queuedAt - due_) / interval);
  position_ += missed;
  droppedPictures_ += missed;
  due_ += interval * static_cast<int64_t>(missed);
}

std::chrono::nanoseconds PinStream::RealTimeDuration(const Pending& irp) const {
  uint64_t bytes = 0;
  uint64_t buffers = 0;
  uint32_t size;
  std::memcpy(&size, irp.headers, sizeof size);
  for (uint32_t offset = 0; offset < irp.length; offset += size) {
    KSSTREAM_HEADER header;
    std::memcpy(&header, irp.headers + offset, sizeof header);
    bytes += capture_ ? header.FrameExtent : header.DataUsed;
    buffers++;
  }
  if (video_) return std::chrono::nanoseconds(buffers * static_cast<uint64_t>(videoLayout_.avgTimePerFrame) * 100);
  return std::chrono::nanoseconds(bytes * 1'000'000'000ull / (uint64_t{sampleRate_} * blockAlign_));
}

uint32_t PinStream::Process(Pending& irp, bool discontinuity, CaptureSignal signal) {
  uint32_t size;
  std::memcpy(&size, irp.headers, sizeof size);
  for (uint32_t offset = 0; offset < irp.length; offset += size) {
    KSSTREAM_HEADER header;
    std::memcpy(&header, irp.headers + offset, sizeof header);
    bool copied;
    if (video_) {
      copied = FillVideoCapture(header, discontinuity);
    } else if (capture_) {
      copied = FillCapture(header, discontinuity, signal);
    } else {
      copied = ConsumeRender(header);
    }
    // A buffer that went bad after the probe (unmapped or read-only): the
    // request fails as a faulting copy does in the kernel, and the stream's
    // position does not move for it.
    if (!copied) {
      // The next buffer still begins the run if this one was to.
      if (discontinuity) {
        std::lock_guard<std::mutex> lock(mutex_);
        discontinuity_ = true;
      }
      return STATUS_ACCESS_VIOLATION;
    }
    if (video_ && size >= kVideoStreamHeaderSize) {
      // The picture's KS_FRAME_INFO after the header, as usbvideo.sys fills
      // it: PictureNumber and DropCount since RUN (FillVideoCapture has moved
      // position_ past this picture), an uncompressed whole frame (flags
      // KS_VIDEO_FLAG_FRAME | KS_VIDEO_FLAG_I_FRAME, both 0). The client's
      // ExtendedHeaderSize and the DirectDraw fields are left as sent.
      KS_FRAME_INFO info;
      std::memcpy(&info, irp.headers + offset + sizeof header, sizeof info);
      info.dwFrameFlags = KS_VIDEO_FLAG_FRAME | KS_VIDEO_FLAG_I_FRAME;
      info.PictureNumber = static_cast<int64_t>(position_ - 1);
      info.DropCount = static_cast<int64_t>(droppedPictures_);
      std::memcpy(irp.headers + offset + sizeof header, &info, sizeof info);
    }
    std::memcpy(irp.headers + offset, &header, sizeof header);
    discontinuity = false;
  }
  return STATUS_SUCCESS;
}

bool PinStream::FillCapture(KSSTREAM_HEADER& header, bool discontinuity, CaptureSignal signal) {
  // Whole sample frames only: the device never writes part of one, so
  // DataUsed, the position and the timestamps stay in step.
  const uint32_t usable = header.FrameExtent / blockAlign_ * blockAlign_;
  const bool leaveStale = KS_FAULT(STALE_CAPTURE) && usable != 0 && position_ / (usable / blockAlign_) % 2 == 1;
  if (!leaveStale && !CopyToCaller(header.Data, signalSource_->Render(signal, position_, usable / blockAlign_), usable)) return false;
  const uint64_t frames = usable / blockAlign_;
  header.DataUsed = usable;
  header.PresentationTime = KSTIME{ToHundredNs(position_ + (KS_FAULT(TIMESTAMP_AFTER_PACKET) ? frames : 0), sampleRate_), 1, 1};
  header.Duration = ToHundredNs(frames, sampleRate_);
  header.OptionsFlags = KSSTREAM_HEADER_OPTIONSF_TIMEVALID | KSSTREAM_HEADER_OPTIONSF_DURATIONVALID |
                        (discontinuity ? KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY : 0);
  position_ += frames;
  return true;
}

bool PinStream::FillVideoCapture(KSSTREAM_HEADER& header, bool discontinuity) {
  // Queue() has checked that FrameExtent holds a whole image. The picture is
  // drawn here, then copied out through the checked copy.
  scratch_.resize(videoLayout_.imageBytes);
  FillVideoTestFrame(videoLayout_, KS_FAULT(VIDEO_REPEATS_FRAME) ? position_ / 2 : position_, scratch_.data());
  if (videoEffects_) videoEffects_(videoLayout_, scratch_.data());
  if (!CopyToCaller(header.Data, scratch_.data(), scratch_.size())) return false;
  const int64_t interval = videoLayout_.avgTimePerFrame;
  header.DataUsed = videoLayout_.imageBytes;
  header.PresentationTime = KSTIME{static_cast<int64_t>(position_) * interval, 1, 1};
  header.Duration = interval;
  header.OptionsFlags = KSSTREAM_HEADER_OPTIONSF_TIMEVALID | KSSTREAM_HEADER_OPTIONSF_DURATIONVALID |
                        (discontinuity ? KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY : 0);
  position_++;
  return true;
}

bool PinStream::ConsumeRender(KSSTREAM_HEADER& header) {
  const uint32_t used = header.DataUsed;
  scratch_.resize(used);
  if (!CopyFromCaller(scratch_.data(), header.Data, used)) return false;
  const uint8_t* data = scratch_.data();
  // Only this worker writes stats_, so it may read them unlocked.
  uint64_t h = stats_.Checksum;
  uint32_t i = 0;
  for (; i + 8 <= used; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, sizeof word);
    h = (h ^ word) * kFnvPrime;
  }
  if (!KS_FAULT(RENDER_TAIL_UNCOUNTED)) for (; i < used; ++i) h = (h ^ data[i]) * kFnvPrime;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.Checksum = h;
  stats_.Frames++;
  stats_.Bytes += used;
  if (header.OptionsFlags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) {
    stats_.EndOfStream = 1;
    endOfStreamSeen_ = true;
  }
  position_ += used / blockAlign_;
  return true;
}

}  // namespace ks::emu
