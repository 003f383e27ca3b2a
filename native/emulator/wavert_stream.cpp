#include "wavert_stream.h"

#include "../realtime_thread.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

namespace ks::emu {

namespace {

constexpr uint32_t kToneHz = 1000;
constexpr double kPi = 3.14159265358979323846;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr auto kTick = std::chrono::milliseconds(1);
// A step this long after the last is late (EmulatorWaveRtStats.LateSteps): twice the tick.
constexpr auto kLateStep = std::chrono::milliseconds(2);
// The wall-clock register counts at 24 MHz, as HD Audio's does.
constexpr uint64_t kWallClockHz = 24'000'000;
// Packet completion times kept for GETREADPACKET (by packet number modulo this).
constexpr size_t kPacketTimes = 64;
constexpr size_t kBufferAlignment = 64;

uint32_t Gcd(uint32_t a, uint32_t b) {
  while (b != 0) {
    uint32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

WaveRtStream::WaveRtStream(bool capture, WaveRtFormat format, WaveRtHardware hardware)
    : capture_(capture), format_(format), hardware_(hardware), packetTimes_(kPacketTimes, 0) {
  registers_ = AllocateDeviceMemory(2 * kBufferAlignment);
  positionRegister_ = new (registers_.get()) std::atomic<uint32_t>(0);
  clockRegister_ = new (registers_.get() + kBufferAlignment) std::atomic<uint32_t>(0);
  // The tone: the standard pins' formula (audio_test_signal.h, lib's
  // emulatorToneSample) at the valid bits, the same on every channel,
  // left-justified in its container (WAVEFORMATEXTENSIBLE's rule for
  // wValidBitsPerSample < wBitsPerSample). The amplitude 2·⌊(2^(bits−1) − 1) / 4⌋
  // is even, so the samples where the sine is ±½ are whole numbers rather
  // than rounding ties any implementation of the formula could break otherwise.
  tonePeriodFrames_ = format_.sampleRate / Gcd(format_.sampleRate, kToneHz);
  const uint32_t bytesPerSample = format_.containerBits / 8;
  const double amplitude = 2 * std::floor((std::ldexp(1.0, static_cast<int>(format_.validBits) - 1) - 1) / 4);
  tone_.assign(static_cast<size_t>(tonePeriodFrames_) * format_.blockAlign, 0);
  for (uint32_t n = 0; n < tonePeriodFrames_; ++n) {
    const double phase =
        2.0 * kPi * static_cast<double>(uint64_t{n} * kToneHz % format_.sampleRate) / format_.sampleRate;
    const int64_t value = std::llround(std::sin(phase) * amplitude);
    const uint64_t container = static_cast<uint64_t>(value) << (format_.containerBits - format_.validBits);
    for (uint32_t c = 0; c < format_.channels; ++c) {
      uint8_t* sample = tone_.data() + static_cast<size_t>(n) * format_.blockAlign + c * bytesPerSample;
      for (uint32_t b = 0; b < bytesPerSample; ++b) sample[b] = static_cast<uint8_t>(container >> (8 * b));
    }
  }
  worker_ = std::thread([this] { Worker(); });
}

WaveRtStream::~WaveRtStream() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

uint64_t WaveRtStream::Qpc(Clock::time_point t) {
  // The emulator's performance counter: 100 ns units of the steady clock.
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count() / 100);
}

uint32_t WaveRtStream::AllocateBuffer(uint32_t requested, uint32_t notificationCount, KSRTAUDIO_BUFFER* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Whole sample frames and a multiple of 128 bytes (the HD Audio DMA's
  // buffer granularity), rounded up; requests past maxBufferMs of audio get
  // that much ("the actual size can be less than the requested size" when
  // memory is short, Microsoft's KSPROPERTY_RTAUDIO_BUFFER page).
  uint32_t unit = format_.blockAlign;
  while (unit % 128 != 0) unit += format_.blockAlign;
  const uint64_t most = uint64_t{format_.sampleRate} * format_.blockAlign * hardware_.maxBufferMs / 1000 / unit * unit;
  uint64_t size = (uint64_t{requested} + unit - 1) / unit * unit;
  if (size > most) size = most;
  // A notification count must divide the buffer into whole frames too.
  if (notificationCount == 2 && (size / 2) % format_.blockAlign != 0) size += unit;
  DeviceMemory storage = AllocateDeviceMemory(size);
  buffer_ = storage.get();
  storage_.push_back(std::move(storage));
  bufferSize_ = static_cast<uint32_t>(size);
  notificationCount_ = notificationCount;
  packetSize_ = notificationCount != 0 ? bufferSize_ / notificationCount : 0;
  PoisonWholeBuffer();
  out->BufferAddress = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(buffer_));
  out->ActualBufferSize = bufferSize_;
  // The emulator's buffer is ordinary cached memory: no barrier needed.
  out->CallMemoryBarrier = 0;
  return STATUS_SUCCESS;
}

bool WaveRtStream::hasBuffer() {
  std::lock_guard<std::mutex> lock(mutex_);
  return buffer_ != nullptr;
}

uint32_t WaveRtStream::notificationCount() {
  std::lock_guard<std::mutex> lock(mutex_);
  return notificationCount_;
}

uint64_t WaveRtStream::PositionRegister() { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(positionRegister_)); }
uint64_t WaveRtStream::ClockRegister() { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(clockRegister_)); }

uint64_t WaveRtStream::MarkerFor(uint64_t wordInBuffer, uint64_t cycle) const {
  // Distinct per word and per cycle, so a marker left from an earlier cycle
  // (or client data) is never taken for this cycle's.
  return SplitMix(wordInBuffer * 0x100000001ull ^ (cycle << 40) ^ 0x57415645525421ull);
}

void WaveRtStream::PoisonWholeBuffer() {
  if (capture_ || buffer_ == nullptr) {
    if (buffer_ != nullptr) std::memset(buffer_, 0, bufferSize_);
    return;
  }
  const uint64_t words = bufferSize_ / 8;
  for (uint64_t w = 0; w < words; ++w) {
    const uint64_t marker = MarkerFor(w, 0);
    std::memcpy(buffer_ + w * 8, &marker, 8);
  }
}

void WaveRtStream::SetState(uint32_t state) {
  std::vector<std::shared_ptr<EventSink>> signal;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = Clock::now();
    // Moves a running DMA to now; stopped, it still sets the wall-clock
    // register, which counts whatever the stream's state (HD Audio's does).
    signal = AdvanceLocked(now);
    const bool run = state == KSSTATE_RUN;
    if (run && !running_) {
      running_ = true;
      runStart_ = now;
      runStartFrames_ = frames_;
      lastTick_ = now;
      // The controller's FIFO fills as soon as the DMA runs.
      if (!capture_ && buffer_ != nullptr) AdvanceLocked(now);
    } else if (!run) {
      running_ = false;
    }
    state_ = state;
    if (state == KSSTATE_STOP) {
      // STOP rewinds the stream: position, packet numbers and end of stream.
      frames_ = 0;
      runStartFrames_ = 0;
      fetchedWords_ = 0;
      packetMode_ = false;
      lastWrittenPacket_ = -1;
      packetsStarted_ = 0;
      endOfStream_ = false;
      endOfStreamByte_ = 0;
      nextReadPacket_ = 0;
      stats_.PacketMode = 0;
      positionRegister_->store(0);
      PoisonWholeBuffer();
    }
  }
  wake_.notify_all();
  for (const auto& sink : signal) sink->Signal();
}

uint32_t WaveRtStream::RegisterEvent(uint64_t handle, std::shared_ptr<EventSink> sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& e : events_) {
    if (e.handle == handle) return STATUS_INVALID_PARAMETER;  // registered already
  }
  events_.push_back(Registered{handle, std::move(sink)});
  return STATUS_SUCCESS;
}

uint32_t WaveRtStream::UnregisterEvent(uint64_t handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = events_.begin(); it != events_.end(); ++it) {
    if (it->handle == handle) {
      events_.erase(it);
      return STATUS_SUCCESS;
    }
  }
  return STATUS_NOT_FOUND;
}

void WaveRtStream::DropEvents() {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.clear();
}

size_t WaveRtStream::registeredEvents() {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_.size();
}

void WaveRtStream::Worker() {
  // The modelled DMA is hardware, which a busy machine does not delay: its
  // thread runs in the real-time class where the process may (and is named,
  // so the benchmark can count its CPU apart from the library's).
  // One above the library's threads: a DMA engine is never held up by the
  // software it serves.
  RealtimeThreadScope realtime("ks-emu-dma", 1);
  std::unique_lock<std::mutex> lock(mutex_);
  auto next = Clock::now() + kTick;
  for (;;) {
    if (!running_ || buffer_ == nullptr) {
      wake_.wait(lock, [&] { return quit_ || (running_ && buffer_ != nullptr); });
      next = Clock::now() + kTick;
    } else {
      wake_.wait_until(lock, next, [&] { return quit_ || !running_; });
    }
    if (quit_) return;
    if (!running_ || buffer_ == nullptr) continue;
    if (dmaHoldMs_ != 0) {
      const auto hold = std::chrono::milliseconds(dmaHoldMs_);
      dmaHoldMs_ = 0;
      lock.unlock();
      std::this_thread::sleep_for(hold);
      lock.lock();
      continue;
    }
    const auto now = Clock::now();
    if (now < next) continue;
    next += kTick;
    if (next < now) next = now + kTick;  // a late wake-up does not bunch ticks together
    auto signal = AdvanceLocked(now);
    // A controller interrupts when the position crosses a packet boundary,
    // not at its next millisecond: the step that reaches the next boundary
    // is taken at the boundary's time.
    const auto boundary = NextBoundaryLocked();
    if (boundary > now && boundary < next) next = boundary;
    if (!signal.empty()) {
      lock.unlock();
      for (const auto& sink : signal) sink->Signal();
      lock.lock();
    }
  }
}

// When the position reaches the next packet boundary (a notification), or
// never when the buffer has no notifications.
WaveRtStream::Clock::time_point WaveRtStream::NextBoundaryLocked() const {
  if (packetSize_ == 0 || !running_) return Clock::time_point::max();
  const uint64_t ba = format_.blockAlign;
  const uint64_t boundaryFrame = (frames_ * ba / packetSize_ + 1) * packetSize_ / ba;
  const uint64_t framesFromRun = boundaryFrame - runStartFrames_;
  // Rounded up: AdvanceLocked's position at that time must have reached it.
  const uint64_t ns = (framesFromRun * 1'000'000'000 + format_.sampleRate - 1) / format_.sampleRate;
  return runStart_ + std::chrono::nanoseconds(ns);
}

// Capture: bytes written; render: bytes the DMA has fetched (nothing before
// the first RUN, then FifoSize ahead of the position).
uint64_t WaveRtStream::FetchBytes() const { return capture_ ? StreamBytes() : fetchedWords_ * 8; }

std::vector<std::shared_ptr<EventSink>> WaveRtStream::AdvanceLocked(Clock::time_point now) {
  std::vector<std::shared_ptr<EventSink>> signal;
  if (!running_ || buffer_ == nullptr || now < lastTick_) {
    StepLocked(now, false, &signal);  // the wall clock counts whatever the stream's state
    return signal;
  }
  const auto step = now - lastTick_;
  const bool late = step > kLateStep;
  if (late) stats_.LateSteps++;
  stats_.LongestStepUs = std::max<uint32_t>(
      stats_.LongestStepUs, static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(step).count()));
  // A late step catches up a tick at a time, posting the registers at each:
  // the position and the clock move in 1 ms steps however late the thread
  // was, as they do on time, so a client that reads them one after the
  // other while the DMA catches up (or in the moment between the two stores
  // of a step) pairs values at most a tick apart, never a burst apart
  // (native self-test RegistersPostedTogether).
  if (late) {
    for (auto t = lastTick_ + kTick; t < now; t += kTick) StepLocked(t, true, &signal);
  }
  StepLocked(now, late, &signal);
  return signal;
}

void WaveRtStream::StepLocked(Clock::time_point now, bool late, std::vector<std::shared_ptr<EventSink>>* signal) {
  // 24 MHz is 3/125 counts per nanosecond: exact, and no 64-bit overflow
  // for centuries (nanoseconds × 24,000,000 overflowed after 6.4 minutes).
  static_assert(kWallClockHz == 24'000'000, "the count below is written for 24 MHz");
  const auto ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - created_).count());
  const uint32_t clock = static_cast<uint32_t>(ns / 125 * 3);
  if (!running_ || buffer_ == nullptr) {
    clockRegister_->store(clock);
    return;
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - runStart_).count();
  const uint64_t target = runStartFrames_ + static_cast<uint64_t>(elapsed) * format_.sampleRate / 1'000'000'000;
  const uint64_t from = frames_;
  if (target < from) {
    clockRegister_->store(clock);
    return;
  }
  const uint64_t ba = format_.blockAlign;
  if (capture_) {
    WriteCapture(from, target);
    stats_.Bytes += (target - from) * ba;
  }
  frames_ = target;
  stats_.Frames += target - from;
  if (!capture_ && FetchRender(StreamBytes() + hardware_.fifoSize)) {
    stats_.Glitches++;
    if (late) stats_.GlitchesInLateSteps++;
  }
  if (capture_ && packetSize_ != 0) {
    // A packet's time is the sampling instant of its first sample
    // (Microsoft's KSRTAUDIO_GETREADPACKET_INFO page), set as the DMA begins
    // it: that frame's place on this run's timeline. (It once was the time of
    // the step that finished the packet, a packet's length later.)
    const uint64_t packetFrames = packetSize_ / ba;
    for (uint64_t p = (from + packetFrames - 1) / packetFrames; p * packetFrames < target; ++p) {
      const uint64_t ns = (p * packetFrames - runStartFrames_) * 1'000'000'000 / format_.sampleRate;
      packetTimes_[p % kPacketTimes] = Qpc(runStart_ + std::chrono::nanoseconds(ns));
    }
  }
  // The wall clock is posted with the position, after the data, one store
  // after the other: hardware's registers both run continuously (Intel's
  // High Definition Audio specification: WALCLK, the 24 MHz wall clock the
  // controller counts without pause, and SDnLPIB / the DMA position buffer,
  // which follow the stream's DMA as it moves), so a
  // client that reads one and then the other gets a pair from the same
  // moment. Posted before the data, as it once was, a step that wrote a
  // burst (the thread held off the CPU, then catching up) left a window the
  // length of the writing in which a client read the new clock with the old
  // position, took the time between for whole buffers of movement, and
  // delivered stale audio as new (test/wavert-timing.test.ts caught it
  // under load).
  clockRegister_->store(clock);
  positionRegister_->store(static_cast<uint32_t>(StreamBytes() % bufferSize_));
  lastTick_ = now;
  // Notifications: at every packet boundary the position crosses (the end
  // of the buffer, and its middle with NotificationCount 2).
  if (packetSize_ != 0 && target * ba / packetSize_ > from * ba / packetSize_) {
    for (const auto& e : events_) {
      signal->push_back(e.sink);
      stats_.Notifications++;
    }
  }
}

uint32_t WaveRtStream::dmaHoldMs() {
  std::lock_guard<std::mutex> lock(mutex_);
  return dmaHoldMs_;
}

void WaveRtStream::HoldDma(uint32_t ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  dmaHoldMs_ = ms;
}

uint32_t WaveRtStream::captureSignal() {
  std::lock_guard<std::mutex> lock(mutex_);
  return captureSignal_;
}

void WaveRtStream::SetCaptureSignal(uint32_t signal) {
  std::lock_guard<std::mutex> lock(mutex_);
  captureSignal_ = signal;
}

void WaveRtStream::WriteCapture(uint64_t fromFrame, uint64_t toFrame) {
  const uint32_t ba = format_.blockAlign;
  const uint64_t bufferFrames = bufferSize_ / ba;
  uint64_t f = fromFrame;
  if (captureSignal_ == 0) {
    // The index signal: byte k of frame n is byte (k mod 8) of n.
    for (; f < toFrame; ++f) {
      uint8_t* frame = buffer_ + (f % bufferFrames) * ba;
      for (uint32_t k = 0; k < ba; ++k) frame[k] = static_cast<uint8_t>(f >> (8 * (k % 8)));
    }
    return;
  }
  while (f < toFrame) {
    const uint64_t inBuffer = f % bufferFrames;
    const uint64_t inTone = f % tonePeriodFrames_;
    const uint64_t n = std::min({toFrame - f, bufferFrames - inBuffer, uint64_t{tonePeriodFrames_} - inTone});
    std::memcpy(buffer_ + inBuffer * ba, tone_.data() + inTone * ba, static_cast<size_t>(n * ba));
    f += n;
  }
}

bool WaveRtStream::FetchRender(uint64_t toByte) {
  const uint64_t wordsPerBuffer = bufferSize_ / 8;
  // Whole words, rounded up: the DMA has fetched at least up to toByte, so
  // a client may rewrite everything before it.
  const uint64_t toWord = (toByte + 7) / 8;
  bool unwritten = false;
  // Packet mode: a packet the DMA starts before the client announced it.
  if (packetMode_ && packetSize_ != 0) {
    const uint64_t started = (toByte + packetSize_ - 1) / packetSize_;
    for (uint64_t p = packetsStarted_; p < started; ++p) {
      if (static_cast<int64_t>(p) > lastWrittenPacket_ && !endOfStream_) unwritten = true;
    }
    packetsStarted_ = std::max(packetsStarted_, started);
  }
  uint64_t h = stats_.Checksum;
  for (uint64_t w = fetchedWords_; w < toWord; ++w) {
    const uint64_t inBuffer = w % wordsPerBuffer;
    const uint64_t cycle = w / wordsPerBuffer;
    uint8_t* at = buffer_ + inBuffer * 8;
    uint64_t word;
    std::memcpy(&word, at, 8);
    if (!packetMode_ && word == MarkerFor(inBuffer, cycle)) unwritten = true;
    const bool beforeEnd = !endOfStream_ || w * 8 + 8 <= endOfStreamByte_;
    if (beforeEnd) {
      h = (h ^ word) * kFnvPrime;
      stats_.Bytes += 8;
    } else {
      stats_.EndOfStream = 1;
    }
    const uint64_t marker = MarkerFor(inBuffer, cycle + 1);
    std::memcpy(at, &marker, 8);
  }
  if (toWord > fetchedWords_) fetchedWords_ = toWord;
  stats_.Checksum = h;
  return unwritten;
}

KSAUDIO_POSITION WaveRtStream::Position() {
  std::vector<std::shared_ptr<EventSink>> signal;
  KSAUDIO_POSITION position{0, 0};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    signal = AdvanceLocked(Clock::now());
    if (bufferSize_ != 0) {
      position.PlayOffset = StreamBytes() % bufferSize_;
      position.WriteOffset = (capture_ ? StreamBytes() : StreamBytes() + hardware_.fifoSize) % bufferSize_;
    }
  }
  for (const auto& sink : signal) sink->Signal();
  return position;
}

uint32_t WaveRtStream::PacketCount() {
  std::vector<std::shared_ptr<EventSink>> signal;
  uint32_t count = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    signal = AdvanceLocked(Clock::now());
    // Packets completely transferred: written into the buffer (capture) or
    // fetched from it (render).
    if (packetSize_ != 0) count = static_cast<uint32_t>((state_ == KSSTATE_STOP ? 0 : FetchBytes()) / packetSize_);
  }
  for (const auto& sink : signal) sink->Signal();
  return count;
}

KSAUDIO_PRESENTATION_POSITION WaveRtStream::PresentationPosition() {
  std::vector<std::shared_ptr<EventSink>> signal;
  KSAUDIO_PRESENTATION_POSITION position{0, 0};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = Clock::now();
    signal = AdvanceLocked(now);
    position.u64PositionInBlocks = frames_;
    position.u64QPCPosition = Qpc(running_ ? lastTick_ : now);
  }
  for (const auto& sink : signal) sink->Signal();
  return position;
}

uint32_t WaveRtStream::GetReadPacket(KSRTAUDIO_GETREADPACKET_INFO* out) {
  std::vector<std::shared_ptr<EventSink>> signal;
  uint32_t status = STATUS_SUCCESS;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    signal = AdvanceLocked(Clock::now());
    const uint64_t written = StreamBytes();
    const uint64_t n = notificationCount_;
    // Packet p is intact until the DMA begins writing packet p + n into its place.
    const uint64_t begun = (written + packetSize_ - 1) / packetSize_;  // packets the DMA has begun writing
    const uint64_t oldestIntact = begun > n ? begun - n : 0;
    if (nextReadPacket_ < oldestIntact) {
      stats_.Glitches += static_cast<uint32_t>(oldestIntact - nextReadPacket_);
      nextReadPacket_ = static_cast<uint32_t>(oldestIntact);
    }
    const uint64_t complete = written / packetSize_;
    if (nextReadPacket_ >= complete) {
      status = STATUS_DEVICE_NOT_READY;
    } else {
      std::memset(out, 0, sizeof *out);
      out->PacketNumber = nextReadPacket_;
      out->Flags = 0;
      out->PerformanceCounterValue = packetTimes_[nextReadPacket_ % kPacketTimes];
      out->MoreData = nextReadPacket_ + 1 < complete ? 1 : 0;
      nextReadPacket_++;
    }
  }
  for (const auto& sink : signal) sink->Signal();
  return status;
}

uint32_t WaveRtStream::SetWritePacket(const KSRTAUDIO_SETWRITEPACKET_INFO& info) {
  std::vector<std::shared_ptr<EventSink>> signal;
  uint32_t status = STATUS_SUCCESS;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    signal = AdvanceLocked(Clock::now());
    // The statuses IMiniportWaveRTOutputStream::SetWritePacket documents.
    if ((info.Flags & ~KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) != 0) {
      status = STATUS_INVALID_PARAMETER;
    } else if ((info.Flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) && info.EosPacketLength > packetSize_) {
      status = STATUS_INVALID_PARAMETER;
    } else if (endOfStream_) {
      status = STATUS_INVALID_DEVICE_STATE;  // nothing may follow end of stream
    } else {
      const uint64_t fetched = state_ == KSSTATE_STOP ? 0 : FetchBytes();
      const uint64_t start = uint64_t{info.PacketNumber} * packetSize_;
      if (start < fetched) {
        status = STATUS_DATA_LATE_ERROR;  // transferred already, or being transferred
      } else if ((uint64_t{info.PacketNumber} + 1) * packetSize_ > fetched + bufferSize_) {
        status = STATUS_DATA_OVERRUN;  // its place still holds a packet the DMA has not finished
      } else {
        packetMode_ = true;
        stats_.PacketMode = 1;
        lastWrittenPacket_ = std::max<int64_t>(lastWrittenPacket_, info.PacketNumber);
        if (info.Flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) {
          endOfStream_ = true;
          endOfStreamByte_ = start + info.EosPacketLength;
        }
      }
    }
  }
  for (const auto& sink : signal) sink->Signal();
  return status;
}

EmulatorWaveRtStats WaveRtStream::Stats() {
  std::vector<std::shared_ptr<EventSink>> signal;
  EmulatorWaveRtStats copy;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    signal = AdvanceLocked(Clock::now());
    copy = stats_;
  }
  for (const auto& sink : signal) sink->Signal();
  return copy;
}

}  // namespace ks::emu
