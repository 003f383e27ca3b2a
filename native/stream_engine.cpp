#include "stream_engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "ks_frame_info.h"
#include "plant_faults.h"

namespace ks {

namespace sc = stream_control;

namespace {

uint64_t SteadyNowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

// Slots claimed per lock: enough that a whole quarter-pool release usually
// goes back in one critical section, small enough to sit on the stack (a
// completion may run inside a submission, so no member scratch space).
constexpr size_t kClaimBatch = 16;

}  // namespace

StreamEngine::StreamEngine(Backend* backend, BackendHandle pin, bool write, uint8_t* pool, const StreamLayout& layout,
                           OverflowPolicy overflow, std::function<void()> notify, uint32_t* control, double* records,
                           const double* descriptors)
    : backend_(backend),
      pin_(pin),
      write_(write),
      pool_(pool),
      slots_(layout.slots),
      slotSize_(layout.slotSize),
      frameSize_(layout.frameSize),
      headerSize_(layout.headerSize),
      frameInfo_(layout.frameInfo && layout.headerSize >= kVideoStreamHeaderSize),
      overflow_(overflow),
      notify_(std::move(notify)),
      headerWords_(static_cast<size_t>(layout.slots) * (layout.headerSize / 8)),
      descriptors_(descriptors),
      numberOfSlot_(layout.slots, 0),
      slotOfNumber_(layout.slots, 0),
      early_(layout.slots) {
  const uint32_t slots = layout.slots;
  if (control == nullptr) {
    ownControl_.assign(sc::Words(slots), 0);
    control = ownControl_.data();
  }
  if (records == nullptr) {
    ownRecords_.assign(static_cast<size_t>(slots) * kStreamRecordDoubles, 0);
    records = ownRecords_.data();
  }
  control_ = reinterpret_cast<std::atomic<uint32_t>*>(control);
  records_ = records;
}

StreamEngine::~StreamEngine() {
  {
    // A closed engine is destroyed once drained, or after its backend is gone
    // (at shutdown): it must not call the backend again.
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
  }
  Close();
}

bool StreamEngine::Drained() {
  std::lock_guard<std::mutex> lock(mutex_);
  return Word(sc::kInFlight).load() == 0 && callbacks_ == 0;
}

void StreamEngine::Kick() {
  kicks_.fetch_add(1, std::memory_order_relaxed);
  SubmitFree();
}

size_t StreamEngine::ClaimFree(uint32_t* out, size_t max) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closing_) return 0;
  const uint32_t head = Word(sc::kFreeHead).load(std::memory_order_relaxed);
  const uint32_t tail = Word(sc::kFreeTail).load();
  const size_t available = std::min<size_t>(static_cast<uint32_t>(tail - head), slots_);
  const size_t n = std::min(available, max);
  size_t claimed = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t slot = Word(sc::kFreeRing + static_cast<uint32_t>((head + i) % slots_)).load(std::memory_order_relaxed);
    if (slot < slots_) out[claimed++] = slot;
  }
  Word(sc::kFreeHead).store(static_cast<uint32_t>(head + n));
  if (claimed != 0) Word(sc::kInFlight).store(Word(sc::kInFlight).load(std::memory_order_relaxed) + static_cast<uint32_t>(claimed));
  return claimed;
}

void StreamEngine::SubmitFree() {
  // Claim and post are two steps: were two threads to run them at once (a
  // completion and a Kick, or two completion threads), the slot claimed first
  // could reach the device second. Only the thread that finds no request
  // outstanding sends; the others' requests keep it sending until the free
  // ring is empty after the last of them. A completion that runs inline,
  // inside Post, lands here too and just adds its request.
  if (submitRequests_.fetch_add(1) != 0) return;
  uint32_t served = 1;
  uint32_t batch[kClaimBatch];
  for (;;) {
    size_t n;
    do {
      n = ClaimFree(batch, kClaimBatch);
      for (size_t i = 0; i < n; ++i) Post(batch[i]);
    } while (n == kClaimBatch);
    const uint32_t left = submitRequests_.fetch_sub(served) - served;
    if (left == 0) return;
    served = left;
  }
}

// The slot is already counted in flight.
void StreamEngine::Post(uint32_t slot) {
  // A reused header starts clean: stale OptionsFlags make some drivers
  // complete the packet at once with nothing in it.
  KSSTREAM_HEADER& h = Header(slot);
  std::memset(&h, 0, headerSize_);
  // The pin's own header size: AVStream fails a buffer of headers that is not
  // a multiple of its StreamHeaderSize (usbvideo.sys: KSSTREAM_HEADER +
  // KS_FRAME_INFO).
  h.Size = headerSize_;
  // A time scale of 1/1 on every packet, as GStreamer's KS source sends: a
  // driver may read PresentationTime as Time × Numerator / Denominator.
  h.PresentationTime.Numerator = 1;
  h.PresentationTime.Denominator = 1;
  if (frameInfo_) {
    auto* info = reinterpret_cast<KS_FRAME_INFO*>(reinterpret_cast<uint8_t*>(&h) + sizeof(KSSTREAM_HEADER));
    info->ExtendedHeaderSize = headerSize_ - static_cast<uint32_t>(sizeof(KSSTREAM_HEADER));
  }
  // FrameExtent is the caller's frame size, not the slot's: told the padded
  // size, a capture device fills the padding too (a 1764-byte frame in a
  // 1768-byte slot came back with 442 sample frames, one of them cut off
  // from JavaScript, and the timestamps ran ahead of the data).
  h.FrameExtent = KS_FAULT(EXTENT_IS_SLOT) ? slotSize_ : frameSize_;
  if (write_) {
    h.DataUsed = frameSize_;
    if (descriptors_ != nullptr) {
      // Written by JavaScript before it published the slot (the free tail's
      // store and ClaimFree's load order them).
      const double* d = descriptors_ + static_cast<size_t>(slot) * kPacketDescriptorDoubles;
      h.DataUsed = static_cast<uint32_t>(std::min<double>(std::max(d[0], 0.0), frameSize_));
      h.OptionsFlags = static_cast<uint32_t>(d[1]);
      h.PresentationTime = KSTIME{static_cast<int64_t>(d[2]), 1, 1};
    }
    endOfStreamSent_.store((h.OptionsFlags & kOptionsEndOfStream) != 0, std::memory_order_relaxed);
  }
  h.Data = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(pool_ + static_cast<size_t>(slot) * slotSize_));
  IoctlRequest request;
  request.code = write_ ? IOCTL_KS_WRITE_STREAM : IOCTL_KS_READ_STREAM;
  request.output = reinterpret_cast<uint8_t*>(&h);
  request.outputLength = headerSize_;
  std::lock_guard<std::recursive_mutex> sending(sending_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    numberOfSlot_[slot] = nextNumber_;
    slotOfNumber_[nextNumber_ % slots_] = slot;
    ++nextNumber_;
  }
  backend_->IoctlAsync(pin_, request, [this, slot](const IoResult& result) { OnComplete(slot, result); });
}

void StreamEngine::OnComplete(uint32_t slot, const IoResult& result) {
  const KSSTREAM_HEADER& h = Header(slot);
  if (nativeSink_) {
    bool resubmit;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      resubmit = !closing_ && result.status.ok();
      if (!resubmit) {
        Word(sc::kInFlight).store(Word(sc::kInFlight).load(std::memory_order_relaxed) - 1);
        drained_.notify_all();
      }
    }
    if (resubmit) {
      sinkFrames_++;
      sinkBytes_ += h.DataUsed;
      Post(slot);  // stays counted in flight
    }
    return;
  }

  // Every completion reaches JavaScript, failures too: a cancelled or refused
  // read is how it learns that the pin stopped.
  const uint64_t completedAt = SteadyNowNs();
  uint32_t inFlight;
  uint32_t published;
  bool failedPublished = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inFlight = Word(sc::kInFlight).load(std::memory_order_relaxed) - 1;
    Word(sc::kInFlight).store(inFlight);
    if (closing_) {
      drained_.notify_all();
      return;
    }
    // The device holds nothing now and nothing waits in the free ring: it
    // starved (render: an underrun), unless the stream had ended.
    if (inFlight == 0 && result.status.ok() && Word(sc::kFreeTail).load() == Word(sc::kFreeHead).load(std::memory_order_relaxed) &&
        !(write_ && endOfStreamSent_.load(std::memory_order_relaxed))) {
      starved_.fetch_add(1, std::memory_order_relaxed);
    }
    // Close waits for this too: what follows still touches the shared memory
    // and the wake-up, which may go as soon as Close returns.
    callbacks_++;
    // Published in the order sent: this completion and any that came early
    // and waited for it.
    early_[slot] = EarlyCompletion{true, result, completedAt};
    while (nextToPublish_ != nextNumber_) {
      const uint32_t next = slotOfNumber_[nextToPublish_ % slots_];
      if (!early_[next].waiting || numberOfSlot_[next] != nextToPublish_) break;
      early_[next].waiting = false;
      failedPublished = failedPublished || !early_[next].result.status.ok();
      PublishLocked(next, early_[next].result, early_[next].completedAt);
      ++nextToPublish_;
    }
    published = Word(sc::kRecordTail).load(std::memory_order_relaxed);
  }
  // Wake JavaScript first: its wake-up is the slow part (a thread switch, tens
  // of µs on a VM), and the resubmissions below overlap with it. The swap
  // pairs with JavaScript's store of `armed` and its second look at the tail.
  // `armed` is how many unread records JavaScript waits for (render asks for
  // a batch of free slots, so that it wakes once per batch, not per packet):
  // wake it when that many are there, when nothing is left in flight to
  // bring more, or at a failure. A stale head only makes the count larger.
  const uint32_t armed = Word(sc::kArmed).load();
  if (armed != 0) {
    const uint32_t unread = published - Word(sc::kRecordHead).load();
    if ((unread >= armed || inFlight == 0 || failedPublished) && Word(sc::kArmed).exchange(0) != 0 && notify_) {
      wakeups_.fetch_add(1, std::memory_order_relaxed);
      notify_();
    }
  }

  // Slots JavaScript has released (capture) or filled (render) go straight to
  // the device, here on the completion side, with no JavaScript call in between.
  SubmitFree();
  int64_t recycle = -1;
  if (result.status.ok() && overflow_ == OverflowPolicy::DropOldest) {
    // Nothing left in flight while JavaScript lags: give the oldest
    // undelivered frame back to the device rather than stall it.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!closing_ && Word(sc::kInFlight).load(std::memory_order_relaxed) == 0) {
      uint32_t head = Word(sc::kRecordHead).load();
      const uint32_t tail = Word(sc::kRecordTail).load(std::memory_order_relaxed);
      // JavaScript takes records with a compare-exchange on the head too,
      // so a record is either delivered or dropped, never both.
      if (KS_FAULT(DROP_COUNT_ONLY) && static_cast<uint32_t>(tail - head) > 1) {
        dropped_++;  // counted, yet the record stays to be delivered and nothing goes back to the device
      } else if (static_cast<uint32_t>(tail - head) > 1 && Word(sc::kRecordHead).compare_exchange_strong(head, head + 1)) {
        recycle = static_cast<int64_t>(records_[static_cast<size_t>(head % slots_) * kStreamRecordDoubles]);
        dropped_++;
        Word(sc::kInFlight).store(Word(sc::kInFlight).load(std::memory_order_relaxed) + 1);
      }
    }
  }
  if (recycle >= 0) Post(static_cast<uint32_t>(recycle));

  std::lock_guard<std::mutex> lock(mutex_);
  callbacks_--;
  if (closing_) drained_.notify_all();
}

void StreamEngine::PublishLocked(uint32_t slot, const IoResult& result, uint64_t completedAt) {
  const KSSTREAM_HEADER& h = Header(slot);
  const uint32_t tail = Word(sc::kRecordTail).load(std::memory_order_relaxed);
  double* d = records_ + static_cast<size_t>(tail % slots_) * kStreamRecordDoubles;
  d[0] = slot;
  d[1] = result.status.value;
  d[2] = static_cast<uint32_t>(result.status.kind);
  d[3] = h.DataUsed;
  d[4] = h.OptionsFlags;
  d[5] = static_cast<double>(h.PresentationTime.Time);
  d[6] = h.PresentationTime.Numerator;
  d[7] = h.PresentationTime.Denominator;
  d[8] = static_cast<double>(h.Duration);
  d[9] = static_cast<double>(completedAt);
  if (frameInfo_) {
    KS_FRAME_INFO info;
    std::memcpy(&info, reinterpret_cast<const uint8_t*>(&h) + sizeof(KSSTREAM_HEADER), sizeof info);
    d[10] = static_cast<double>(info.PictureNumber);
    d[11] = static_cast<double>(info.DropCount);
    d[12] = info.dwFrameFlags;
  } else {
    d[10] = d[11] = d[12] = 0;
  }
  // Publishes the record: JavaScript reads the tail with Atomics.load
  // before it reads the doubles.
  Word(sc::kRecordTail).store(tail + 1);
}

void StreamEngine::RunNativeSink() {
  nativeSink_ = true;
  for (uint32_t i = 0; i < slots_; ++i) Word(sc::kFreeRing + i).store(i, std::memory_order_relaxed);
  Word(sc::kFreeTail).store(slots_);
  SubmitFree();
}

bool StreamEngine::Close(std::chrono::milliseconds budget) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_ && Word(sc::kInFlight).load() == 0 && callbacks_ == 0) return true;
    closing_ = true;
  }
  // A submission that was claimed just before closing_ was set may reach the
  // device after a cancel: cancel again until nothing is in flight, or the
  // budget is spent.
  const auto deadline = std::chrono::steady_clock::now() + budget;
  std::unique_lock<std::mutex> lock(mutex_);
  while (Word(sc::kInFlight).load() != 0 || callbacks_ != 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    lock.unlock();
    backend_->CancelIo(pin_);
    lock.lock();
    drained_.wait_for(lock, std::chrono::milliseconds(10),
                      [&] { return Word(sc::kInFlight).load() == 0 && callbacks_ == 0; });
  }
  return true;
}

}  // namespace ks
