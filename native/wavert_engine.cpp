// WaveRtEngine's thread: waits on the notification event (or a quarter of
// the period in polled mode), reads where the device is, and moves the data.
#include "wavert_engine.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstring>

#include "realtime_thread.h"

namespace ks {

namespace sc = stream_control;

namespace {

uint64_t SteadyNowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

constexpr uint32_t kTimeValid = 0x10, kDurationValid = 0x100, kDiscontinuity = 0x4;  // KSSTREAM_HEADER_OPTIONSF_*

}  // namespace

WaveRtEngine::WaveRtEngine(Backend* backend, BackendHandle pin, WaveRtConfig config, WaveRtShared shared,
                           std::function<void()> notify)
    : backend_(backend), pin_(pin), config_(config), shared_(shared), notify_(std::move(notify)) {}

WaveRtEngine::~WaveRtEngine() { Close(); }

void WaveRtEngine::Kick() {
  // The thread takes released slots and new ring data at its next pass; in
  // polled mode that is at most a quarter period away, in event mode half a
  // buffer: soon enough, and no extra wake-up costs the device thread.
}

WaveRtInfo WaveRtEngine::Info() {
  std::lock_guard<std::mutex> lock(mutex_);
  return info_;
}

void WaveRtEngine::Thread() {
  RealtimeThreadScope realtime("ks-wavert");
  const uint64_t bytesPerSecond = uint64_t{config_.sampleRate} * config_.blockAlign;
  const uint32_t periodMs = static_cast<uint32_t>(std::max<uint64_t>(1, packetBytes_ * 1000 / bytesPerSecond));
  // Event and packet modes wait for the device; a late or lost event costs
  // at most two periods. Polled mode wakes at a quarter period. With one
  // notification per buffer, an event pass comes when the DMA has just
  // wrapped, one buffer after the last: render can never be more than a
  // buffer ahead, so a pass at half a period keeps it fed in between.
  uint32_t timeout = config_.mode == WaveRtMode::Polled ? std::max<uint32_t>(1, periodMs / 4) : 2 * periodMs;
  if (config_.mode == WaveRtMode::Event && config_.notificationCount == 1) timeout = std::max<uint32_t>(1, periodMs / 2);
  // Longer than this since the last pass began and the device may have gone
  // past what the engine could read or write in time (ServiceCapture's rule).
  headroom_ = std::chrono::nanoseconds(uint64_t{size_ - OverrunMargin()} * 1'000'000'000 / bytesPerSecond);
  while (!stop_.load()) {
    event_->Wait(timeout);
    if (stop_.load()) break;
    const auto passStart = std::chrono::steady_clock::now();
    const uint64_t cpuBefore = ThreadCpuNs();
    const bool ok = Service();
    const uint64_t cpu = ThreadCpuNs() - cpuBefore;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      info_.passCpuNs += cpu;
      if (lastPassAt_ != std::chrono::steady_clock::time_point{}) {
        // From the last pass's start to this one's end: a thread held off
        // the CPU in the middle of a pass stalls the stream as surely as one
        // late to start it.
        const auto gap = std::chrono::steady_clock::now() - lastPassAt_;
        info_.longestGapNs = std::max<uint64_t>(info_.longestGapNs, std::chrono::duration_cast<std::chrono::nanoseconds>(gap).count());
        if (gap > headroom_) info_.stalls++;
      }
    }
    lastPassAt_ = passStart;
    if (!ok) return;
  }
  // Stopped: audio already moved into a slot that is not yet full goes out
  // as a short record, so what was published accounts for every byte moved
  // and every gap counted. Nobody is woken: the stream is closing.
  if (config_.capture && slot_ >= 0 && fill_ > 0) Publish(false);
}

// Under mutex_. A glitch seen more than the headroom after the last pass
// began came after a stall: the scheduler's or the device's doing.
void WaveRtEngine::CountGlitches(uint64_t n) {
  info_.glitches += n;
  if (lastPassAt_ != std::chrono::steady_clock::time_point{} && std::chrono::steady_clock::now() - lastPassAt_ > headroom_)
    info_.glitchesAfterStall += n;
}

void WaveRtEngine::Fail(const Status& status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (info_.failure.value == 0) info_.failure = status;
  }
  running_ = false;
  if (config_.capture) {
    // A record with the failure ends JavaScript's iteration with it.
    const uint32_t tail = Word(sc::kRecordTail).load(std::memory_order_relaxed);
    const uint32_t head = Word(sc::kRecordHead).load();
    if (static_cast<uint32_t>(tail - head) < shared_.slots) {
      double* d = shared_.records + static_cast<size_t>(tail % shared_.slots) * kStreamRecordDoubles;
      std::fill(d, d + kStreamRecordDoubles, 0.0);
      d[1] = status.value;
      d[2] = static_cast<uint32_t>(status.kind);
      d[9] = static_cast<double>(SteadyNowNs());
      Word(sc::kRecordTail).store(tail + 1);
    }
    Word(sc::kInFlight).store(0);
  } else {
    Word(render_ring::kFailed).store(1);
  }
  if (Word(config_.capture ? sc::kArmed : render_ring::kArmed).exchange(0) != 0 && notify_) notify_();
}

bool WaveRtEngine::Service() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    info_.services++;
  }
  bool ok;
  if (config_.capture) {
    ok = config_.mode == WaveRtMode::Packet ? ServiceCapturePackets() : ServiceCapture();
  } else {
    ok = config_.mode == WaveRtMode::Packet ? ServiceRenderPackets() : ServiceRender();
  }
  return ok;
}

// The position as a frame-aligned byte offset into the buffer: the mapped
// register (with the memory barrier the driver asked for), else
// KSPROPERTY_AUDIO_POSITION's PlayOffset. `elapsed` is the time since the
// previous read: on the device's wall clock when the pin maps one (read
// right after the position, so both describe the same moment even when the
// position register is updated in bursts or late), else on the host's.
bool WaveRtEngine::ReadPosition(uint32_t* offset, double* elapsed) {
  uint64_t position;
  uint32_t clock = 0;
  if (positionRegister_ != nullptr && clockRegister_ != nullptr) {
    // The clock on both sides of the position, and again while it moved by
    // more than 100 µs between (at most three more times): a thread held off
    // the CPU between two loads, or a device that posts its registers in
    // steps (the emulator's DMA, every millisecond), would otherwise pair a
    // position with a later time and take the difference for whole buffers
    // of movement. Hardware's registers run continuously and two reads are
    // microseconds apart, so the first try holds there.
    const uint32_t skew = static_cast<uint32_t>(clockHz_ / 10'000);
    uint32_t before = clockRegister_->load(std::memory_order_acquire);
    for (int attempt = 0;; ++attempt) {
      position = positionRegister_->load(std::memory_order_acquire);
      clock = clockRegister_->load(std::memory_order_acquire);
      if (static_cast<uint32_t>(clock - before) <= skew || attempt == 3) break;
      before = clock;
    }
  } else if (positionRegister_ != nullptr) {
    position = positionRegister_->load(std::memory_order_acquire);
  } else {
    KSAUDIO_POSITION reply{};
    IoResult r = Property(KSPROPSETID_Audio, KSPROPERTY_AUDIO_POSITION, KSPROPERTY_TYPE_GET, {}, &reply, sizeof reply);
    if (!r.status.ok()) {
      Fail(r.status);
      return false;
    }
    position = reply.PlayOffset;
  }
  const auto now = std::chrono::steady_clock::now();
  *elapsed = std::chrono::duration<double>(now - positionReadAt_).count();
  if (clockRegister_ != nullptr && positionRegister_ != nullptr) {
    // The first read after RUN has no earlier count to measure from; a
    // 32-bit count at 24 MHz wraps every 179 s, which unsigned subtraction
    // absorbs. A count that stood still while the position moved is not the
    // clock the position follows (a register the device stopped updating, or
    // never did): timed on it, an overrun would look like no time at all and
    // a buffer's worth of lost audio like a short move, so that pass is timed
    // on the host's clock.
    const bool positionMoved = static_cast<uint32_t>(position) != positionRead_;
    if (clockValid_ && (clock != positionClock_ || !positionMoved))
      *elapsed = static_cast<double>(static_cast<uint32_t>(clock - positionClock_)) / clockHz_;
    positionClock_ = clock;
    clockValid_ = true;
  }
  positionRead_ = static_cast<uint32_t>(position);
  positionReadAt_ = now;
  // CallMemoryBarrier: the buffer must not be touched before the position
  // is read (Microsoft's KSRTAUDIO_BUFFER page); a full fence does it.
  if (info_.memoryBarrier) std::atomic_thread_fence(std::memory_order_seq_cst);
  *offset = static_cast<uint32_t>(position % size_) / config_.blockAlign * config_.blockAlign;
  return true;
}

// ---- Capture ---------------------------------------------------------------

// How far the position moved since the last pass, from `from` to `to`
// (offsets into the cyclic buffer). The register wraps, so a move of a whole
// buffer looks like none: with one notification per buffer every pass sees
// that, and with two a pass late by half a buffer does. The time since the
// last read at the stream's byte rate says how many whole buffers to add.
// That time must be the position's own: a register that lags the host
// clock by half a buffer (the emulator's DMA thread held off the CPU for
// 6 ms measured it once under load, and delivered stale bytes as new) looks
// like a wrap on the host clock and like none on the device's.
uint64_t WaveRtEngine::PositionAdvance(uint32_t from, uint32_t to, double seconds) {
  const uint64_t within = (uint64_t{to} + size_ - from) % size_;
  const double expected = seconds * config_.sampleRate * config_.blockAlign;
  const double wraps = std::floor((expected - static_cast<double>(within)) / size_ + 0.5);
  return within + (wraps > 0 ? static_cast<uint64_t>(wraps) * size_ : 0);
}

// 2 ms of audio, at most a quarter of the buffer, frame-aligned: how close
// behind the DMA a pass may read. Closer, the position may be behind the
// device's writes (posted late, or trailing the DMA) or the copy may be
// overtaken.
uint32_t WaveRtEngine::OverrunMargin() const {
  const uint64_t twoMs = uint64_t{config_.sampleRate} * config_.blockAlign / 500;
  const uint64_t margin = std::min<uint64_t>(twoMs, size_ / 4);
  return static_cast<uint32_t>(margin / config_.blockAlign * config_.blockAlign);
}

// Reads the position and advances devicePos_, the device's place in the
// stream (bytes since RUN) as far as the position tells.
bool WaveRtEngine::ReadDevicePosition() {
  uint32_t offset;
  double elapsed;
  if (!ReadPosition(&offset, &elapsed)) return false;
  devicePos_ += PositionAdvance(static_cast<uint32_t>(devicePos_ % size_), offset, elapsed);
  if (config_.afterPositionRead) config_.afterPositionRead();
  return true;
}

bool WaveRtEngine::ServiceCapture() {
  // From before the position is asked for: a reply can wait in the kernel
  // or the scheduler after the driver sampled it, and that time counts.
  const auto readAt = std::chrono::steady_clock::now();
  if (!ReadDevicePosition()) return false;
  const uint32_t margin = OverrunMargin();
  uint64_t advance = devicePos_ - consumed_;
  if (advance > size_ - margin) {
    // A pass later than the buffer lasts (or so nearly that the DMA writes
    // on where it would read): what this pass did not read is overwritten.
    // A thread this late means a loaded machine, where the position register
    // is also posted late (the emulator's DMA thread was measured 10.7 ms
    // late): the bytes just ahead of the position read may already be the
    // next buffer's. So of the buffer only the three quarters furthest from
    // the DMA are kept; the rest is counted lost, and the presentation times
    // jump over it.
    const uint64_t keep = (size_ - size_ / 4) / config_.blockAlign * config_.blockAlign;
    const uint64_t lost = (advance - keep + config_.blockAlign - 1) / config_.blockAlign * config_.blockAlign;
    LoseCapture(lost, 1);
    consumed_ += lost;
    advance -= lost;
  }
  // The device's memory is read once, into staging_, before anything is
  // published: a slot handed to JavaScript cannot be taken back, so what
  // the DMA may have written over during the copy must be known first.
  const uint32_t bytes = static_cast<uint32_t>(advance);
  for (uint32_t done = 0; done < bytes;) {
    const uint32_t at = static_cast<uint32_t>((consumed_ + done) % size_);
    const uint32_t n = std::min(bytes - done, size_ - at);
    std::memcpy(staging_.data() + done, buffer_ + at, n);
    done += n;
  }
  std::atomic_thread_fence(std::memory_order_acquire);  // the copy's loads before the checks below
  const uint64_t overtaken = OvertakenDuringCopy(readAt, bytes, margin);
  if (overtaken != 0) {
    // The thread was held off the CPU (or the reply held up) between the
    // read and the end of the copy for longer than the buffer had left: the
    // oldest `overtaken` bytes may hold the next cycle's audio. They are
    // counted lost and jumped over, never delivered as if intact.
    LoseCapture(overtaken, 1);
  }
  PushCapture(staging_.data() + overtaken, static_cast<uint32_t>(bytes - overtaken));
  consumed_ += bytes;
  return true;
}

// Of the `bytes` just copied from consumed_, how many the DMA may have
// written over before the copy ended. While the copy ended within the time
// the buffer had left at the read (its room less the margin, at the
// stream's rate with 1 % for a device clock faster than the host's), none
// could be; past it, the position is read again and decides.
uint64_t WaveRtEngine::OvertakenDuringCopy(std::chrono::steady_clock::time_point readAt, uint32_t bytes, uint32_t margin) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - readAt).count();
  const double moved = seconds * config_.sampleRate * config_.blockAlign * 1.01;
  const uint64_t ahead = devicePos_ - consumed_;  // the position's lead over the copy's start at the read
  if (static_cast<double>(ahead + margin) + moved <= static_cast<double>(size_)) return 0;
  if (!ReadDevicePosition()) return 0;  // the stream failed; nothing more is delivered
  const uint64_t reach = devicePos_ + margin;  // as far as the DMA may have written
  if (reach <= consumed_ + size_) return 0;
  const uint64_t over = std::min<uint64_t>(reach - consumed_ - size_, bytes);
  return (over + config_.blockAlign - 1) / config_.blockAlign * config_.blockAlign;
}

bool WaveRtEngine::ServiceCapturePackets() {
  for (;;) {
    KSRTAUDIO_GETREADPACKET_INFO packet{};
    IoResult r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_GETREADPACKET, KSPROPERTY_TYPE_GET, {}, &packet, sizeof packet);
    if (r.status.kind == StatusKind::NtStatus && r.status.value == STATUS_DEVICE_NOT_READY) return true;
    if (r.status.kind == StatusKind::Win32 && r.status.value == 21 /* ERROR_NOT_READY */) return true;
    if (!r.status.ok()) {
      Fail(r.status);
      return false;
    }
    if (static_cast<int64_t>(packet.PacketNumber) != lastPacket_ + 1) {
      // Packets the driver overwrote before we asked: their audio is gone.
      // The presentation times jump over it (as drop-oldest's do), so the
      // loss is visible in the data's times, not only in a counter.
      const uint64_t lost = static_cast<uint64_t>(static_cast<int64_t>(packet.PacketNumber) - lastPacket_ - 1);
      LoseCapture(lost * packetBytes_, lost);
    }
    lastPacket_ = packet.PacketNumber;
    // Copied out whole before any of it is published, as ServiceCapture
    // does, and checked against the packet's own time.
    std::memcpy(staging_.data(), buffer_ + (packet.PacketNumber % config_.notificationCount) * packetBytes_, packetBytes_);
    std::atomic_thread_fence(std::memory_order_acquire);
    const uint64_t overtaken = PacketOvertaken(packet.PerformanceCounterValue);
    if (overtaken != 0) LoseCapture(overtaken, 1);
    PushCapture(staging_.data() + overtaken, static_cast<uint32_t>(packetBytes_ - overtaken));
    if (!packet.MoreData) return true;
  }
}

// Claims the next free slot from the ring JavaScript releases slots into;
// with 'drop-oldest', takes back the oldest undelivered record's slot when
// JavaScript holds all the others (as StreamEngine does).
bool WaveRtEngine::TakeSlot() {
  const uint32_t head = Word(sc::kFreeHead).load(std::memory_order_relaxed);
  const uint32_t tail = Word(sc::kFreeTail).load();
  if (head != tail) {
    const uint32_t slot = Word(sc::kFreeRing + head % shared_.slots).load(std::memory_order_relaxed);
    Word(sc::kFreeHead).store(head + 1);
    if (slot >= shared_.slots) return false;
    slot_ = slot;
    return true;
  }
  if (!shared_.dropOldest) return false;
  uint32_t recordHead = Word(sc::kRecordHead).load();
  const uint32_t recordTail = Word(sc::kRecordTail).load(std::memory_order_relaxed);
  if (static_cast<uint32_t>(recordTail - recordHead) == 0) return false;
  if (!Word(sc::kRecordHead).compare_exchange_strong(recordHead, recordHead + 1)) return false;
  slot_ = static_cast<int64_t>(shared_.records[static_cast<size_t>(recordHead % shared_.slots) * kStreamRecordDoubles]);
  std::lock_guard<std::mutex> lock(mutex_);
  info_.droppedBytes += shared_.slotSize;
  return true;
}

// Of a packet just copied, how many bytes from its start the DMA may have
// written over: packet N's first sample was taken at `sampledAt` (the
// performance counter, KSRTAUDIO_GETREADPACKET_INFO), and packet N +
// NotificationCount goes into its place from NotificationCount packets'
// time after that (a capture DMA writes a sample after it is taken, never
// before, so no margin is needed). A copy that ended later came too late for
// that much of it: the thread was held off the CPU between GETREADPACKET's
// reply and the copy. A driver that leaves the counter 0 gives nothing to
// check against.
uint64_t WaveRtEngine::PacketOvertaken(uint64_t sampledAt) {
  if (sampledAt == 0) return 0;
  uint64_t hz = 0;
  const uint64_t now = backend_->PerformanceCounter(&hz);
  if (hz == 0 || now <= sampledAt) return 0;
  const double bytesPerSecond = static_cast<double>(config_.sampleRate) * config_.blockAlign;
  const double since = static_cast<double>(now - sampledAt) / static_cast<double>(hz);
  const double intact = static_cast<double>(uint64_t{config_.notificationCount} * packetBytes_) / bytesPerSecond;
  if (since <= intact) return 0;
  const uint64_t over = static_cast<uint64_t>(std::ceil((since - intact) * bytesPerSecond));
  const uint64_t frames = (std::min<uint64_t>(over, packetBytes_) + config_.blockAlign - 1) / config_.blockAlign;
  return frames * config_.blockAlign;
}

void WaveRtEngine::PushCapture(const uint8_t* source, uint32_t bytes) {
  while (bytes > 0) {
    if (slot_ < 0 && !TakeSlot()) {
      // JavaScript holds every slot: the audio is lost, and the next frame says so.
      std::lock_guard<std::mutex> lock(mutex_);
      info_.droppedBytes += bytes;
      publishedFrames_ += bytes / config_.blockAlign;
      discontinuity_ = true;
      return;
    }
    const uint32_t n = std::min(bytes, shared_.slotSize - fill_);
    std::memcpy(shared_.pool + static_cast<size_t>(slot_) * shared_.slotSize + fill_, source, n);
    fill_ += n;
    source += n;
    bytes -= n;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      info_.movedBytes += n;
    }
    if (fill_ == shared_.slotSize) Publish();
  }
}

// Audio the device lost (`glitches` overruns' worth): counted, and then
// the slot being filled goes out as it is (a short DataUsed) and the next
// one starts `bytes` later in presentation time, marked as a discontinuity.
void WaveRtEngine::LoseCapture(uint64_t bytes, uint64_t glitches) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    CountGlitches(glitches);
    info_.lostBytes += bytes;
  }
  if (slot_ >= 0 && fill_ > 0) Publish();
  publishedFrames_ += bytes / config_.blockAlign;
  discontinuity_ = true;
}

// A slot becomes a completion record (full, or short before a gap), as StreamEngine writes them:
// slot, status, kind, DataUsed, OptionsFlags, PresentationTime (100 ns,
// from the stream's first frame), 1, 1, Duration, completedAtNs.
void WaveRtEngine::Publish(bool wake) {
  const uint64_t frames = fill_ / config_.blockAlign;
  const uint32_t tail = Word(sc::kRecordTail).load(std::memory_order_relaxed);
  double* d = shared_.records + static_cast<size_t>(tail % shared_.slots) * kStreamRecordDoubles;
  d[0] = static_cast<double>(slot_);
  d[1] = 0;
  d[2] = 0;
  d[3] = fill_;
  d[4] = kTimeValid | kDurationValid | (discontinuity_ ? kDiscontinuity : 0);
  d[5] = static_cast<double>(publishedFrames_ * 10'000'000 / config_.sampleRate);
  d[6] = 1;
  d[7] = 1;
  d[8] = static_cast<double>(frames * 10'000'000 / config_.sampleRate);
  d[9] = static_cast<double>(SteadyNowNs());
  Word(sc::kRecordTail).store(tail + 1);
  publishedFrames_ += frames;
  discontinuity_ = false;
  slot_ = -1;
  fill_ = 0;
  if (wake && Word(sc::kArmed).exchange(0) != 0 && notify_) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      info_.wakeups++;
    }
    notify_();
  }
}

// ---- Render ----------------------------------------------------------------

// Copies up to `bytes` from the ring (whole frames), the rest silence.
uint32_t WaveRtEngine::FillFromRing(uint8_t* to, uint32_t bytes) {
  const uint32_t written = Word(render_ring::kWritten).load();
  const uint32_t read = Word(render_ring::kRead).load(std::memory_order_relaxed);
  uint32_t take = std::min(static_cast<uint32_t>(written - read), bytes) / config_.blockAlign * config_.blockAlign;
  for (uint32_t done = 0; done < take;) {
    const uint32_t at = (read + done) % shared_.ringBytes;
    const uint32_t n = std::min(take - done, shared_.ringBytes - at);
    std::memcpy(to + done, shared_.ring + at, n);
    done += n;
  }
  if (take < bytes) std::memset(to + take, 0, bytes - take);
  Word(render_ring::kRead).store(read + take);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    info_.movedBytes += take;
    info_.silenceBytes += bytes - take;
  }
  if (take != 0 && Word(render_ring::kArmed).exchange(0) != 0 && notify_) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      info_.wakeups++;
    }
    notify_();
  }
  return take;
}

// Writes `bytes` at stream offset `streamOffset` (taken modulo the buffer).
void WaveRtEngine::WriteIntoBuffer(uint64_t streamOffset, uint32_t bytes) {
  while (bytes > 0) {
    const uint32_t at = static_cast<uint32_t>(streamOffset % size_);
    const uint32_t n = std::min(bytes, size_ - at);
    FillFromRing(buffer_ + at, n);
    streamOffset += n;
    bytes -= n;
  }
}

// Event and polled modes: the device has fetched FifoSize bytes past the
// position (PortAudio adds the FIFO for render); everything up to a buffer
// ahead of that is ours to write.
bool WaveRtEngine::ServiceRender() {
  uint32_t offset;
  double elapsed;
  if (!ReadPosition(&offset, &elapsed)) return false;
  const uint32_t fetchOffset = (offset + Info().fifoBytes) % size_;
  fetched_ += PositionAdvance(lastOffset_, fetchOffset, elapsed);
  lastOffset_ = fetchOffset;
  if (written_ < fetched_) {
    // The device has played past what we wrote: an underrun.
    std::lock_guard<std::mutex> lock(mutex_);
    CountGlitches(1);
    written_ = fetched_;
  }
  const uint64_t room = fetched_ + size_ - written_;
  const uint32_t readable = Word(render_ring::kWritten).load() - Word(render_ring::kRead).load(std::memory_order_relaxed);
  // Take what the ring has; when it runs dry with less than two periods
  // queued, fill the rest of the room with silence, so the device never
  // replays stale data even if the next pass is late. A ring that keeps up
  // (larger than the latency) never gets silence in between.
  uint64_t bytes = std::min<uint64_t>(room, readable) / config_.blockAlign * config_.blockAlign;
  const uint64_t lead = written_ + bytes - fetched_;
  if (bytes < room && lead < 2 * packetBytes_) bytes = room;
  WriteIntoBuffer(written_, static_cast<uint32_t>(bytes));
  written_ += bytes;
  return true;
}

// Packet mode: PACKETCOUNT says how many packets the device has taken; each
// place they leave is written and announced with SETWRITEPACKET.
bool WaveRtEngine::ServiceRenderPackets() {
  uint32_t count = 0;
  IoResult r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETCOUNT, KSPROPERTY_TYPE_GET, {}, &count, sizeof count);
  if (!r.status.ok()) {
    Fail(r.status);
    return false;
  }
  const int64_t last = static_cast<int64_t>(count) + config_.notificationCount - 1;
  for (int64_t n = lastPacket_ + 1; n <= last; ++n) {
    WriteIntoBuffer(static_cast<uint64_t>(n % config_.notificationCount) * packetBytes_, packetBytes_);
    KSRTAUDIO_SETWRITEPACKET_INFO packet{static_cast<uint32_t>(n), 0, 0};
    r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_SETWRITEPACKET, KSPROPERTY_TYPE_SET, {}, &packet, sizeof packet);
    lastPacket_ = n;
    // Too late for that packet: STATUS_DATA_LATE_ERROR, which DeviceIoControl
    // reports as ERROR_IO_DEVICE (1117, as it does STATUS_DATA_OVERRUN).
    const bool late = (r.status.kind == StatusKind::NtStatus && r.status.value == STATUS_DATA_LATE_ERROR) ||
                      (r.status.kind == StatusKind::Win32 && r.status.value == 1117);
    if (late) {
      std::lock_guard<std::mutex> lock(mutex_);
      CountGlitches(1);
    } else if (!r.status.ok()) {
      Fail(r.status);
      return false;
    }
  }
  return true;
}

}  // namespace ks
