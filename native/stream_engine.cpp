#include "stream_engine.h"

#include <chrono>
#include <cstring>

namespace ks {

namespace {

uint64_t SteadyNowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

}  // namespace

StreamEngine::StreamEngine(Backend* backend, BackendHandle pin, bool write, uint8_t* pool, uint32_t slots,
                           uint32_t slotSize, OverflowPolicy overflow, std::function<void()> notify)
    : backend_(backend),
      pin_(pin),
      write_(write),
      pool_(pool),
      slots_(slots),
      slotSize_(slotSize),
      overflow_(overflow),
      notify_(std::move(notify)),
      headers_(slots),
      ring_(slots) {}

StreamEngine::~StreamEngine() { Close(); }

void StreamEngine::Submit(const uint32_t* slots, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (slots[i] < slots_) SubmitOne(slots[i]);
  }
}

void StreamEngine::SubmitOne(uint32_t slot) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    inFlight_++;
  }
  // A reused header starts clean: stale OptionsFlags make some drivers
  // complete the packet at once with nothing in it.
  KSSTREAM_HEADER& h = headers_[slot];
  std::memset(&h, 0, sizeof h);
  h.Size = sizeof(KSSTREAM_HEADER);
  h.FrameExtent = slotSize_;
  if (write_) h.DataUsed = slotSize_;
  h.Data = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(pool_ + static_cast<size_t>(slot) * slotSize_));
  IoctlRequest request;
  request.code = write_ ? IOCTL_KS_WRITE_STREAM : IOCTL_KS_READ_STREAM;
  request.output = reinterpret_cast<uint8_t*>(&h);
  request.outputLength = sizeof h;
  backend_->IoctlAsync(pin_, request, [this, slot](const IoResult& result) { OnComplete(slot, result); });
}

void StreamEngine::OnComplete(uint32_t slot, const IoResult& result) {
  const KSSTREAM_HEADER& h = headers_[slot];
  if (nativeSink_) {
    bool resubmit;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      resubmit = !closing_ && result.status.ok();
      inFlight_--;
      drained_.notify_all();
    }
    if (resubmit) {
      sinkFrames_++;
      sinkBytes_ += h.DataUsed;
      SubmitOne(slot);
    }
    return;
  }

  // Every completion reaches JavaScript, failures too: a cancelled or refused
  // read is how it learns that the pin stopped.
  StreamRecord record{slot,
                      result.status.value,
                      static_cast<uint32_t>(result.status.kind),
                      h.DataUsed,
                      h.OptionsFlags,
                      h.PresentationTime.Time,
                      h.PresentationTime.Numerator,
                      h.PresentationTime.Denominator,
                      h.Duration,
                      SteadyNowNs()};
  bool wake = false;
  int64_t recycle = -1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inFlight_--;
    drained_.notify_all();
    if (!closing_) {
      ring_[(head_ + count_) % slots_] = record;
      count_++;
      wake = armed_;
      armed_ = false;
      // Nothing left in flight while JavaScript lags: give the oldest
      // undelivered frame back to the device rather than stall it.
      if (result.status.ok() && overflow_ == OverflowPolicy::DropOldest && inFlight_ == 0 && count_ > 1) {
        recycle = ring_[head_].slot;
        head_ = (head_ + 1) % slots_;
        count_--;
        dropped_++;
      }
    }
  }
  if (recycle >= 0) SubmitOne(static_cast<uint32_t>(recycle));
  if (wake && notify_) notify_();
}

size_t StreamEngine::Drain(double* out, size_t max) {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = 0;
  for (; n < max && count_ > 0; ++n) {
    const StreamRecord& r = ring_[head_];
    double* d = out + n * kStreamRecordDoubles;
    d[0] = r.slot;
    d[1] = r.status;
    d[2] = r.statusKind;
    d[3] = r.dataUsed;
    d[4] = r.optionsFlags;
    d[5] = static_cast<double>(r.presentationTime);
    d[6] = r.numerator;
    d[7] = r.denominator;
    d[8] = static_cast<double>(r.duration);
    d[9] = static_cast<double>(r.completedAtNs);
    head_ = (head_ + 1) % slots_;
    count_--;
  }
  if (n == 0) armed_ = true;
  return n;
}

void StreamEngine::RunNativeSink() { nativeSink_ = true; }

void StreamEngine::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_ && inFlight_ == 0) return;
    closing_ = true;
  }
  // A submission that passed its check just before closing_ was set may reach
  // the device after a cancel: cancel again until nothing is in flight.
  std::unique_lock<std::mutex> lock(mutex_);
  while (inFlight_ != 0) {
    lock.unlock();
    backend_->CancelIo(pin_);
    lock.lock();
    drained_.wait_for(lock, std::chrono::milliseconds(10), [&] { return inFlight_ == 0; });
  }
  count_ = 0;
}

}  // namespace ks
