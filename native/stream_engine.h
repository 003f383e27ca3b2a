// Standard KS streaming for one pin: N packets, each a KSSTREAM_HEADER and a
// slot of one pool of memory, kept in flight with IOCTL_KS_READ_STREAM through
// the backend's asynchronous IOCTL (a completion port on Windows, the pin's
// worker in the emulator). Completed packets wait in a ring until JavaScript
// drains them in batches; `notify` runs only when the ring goes from empty to
// non-empty while JavaScript waits for it, so one wake-up carries many frames. The memory belongs to the
// caller (a JS ArrayBuffer) and outlives the engine.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "ks_backend.h"

namespace ks {

// One completed packet, as JavaScript receives it (10 doubles).
struct StreamRecord {
  uint32_t slot;
  uint32_t status;  // NTSTATUS or Win32, in `statusKind`
  uint32_t statusKind;
  uint32_t dataUsed;
  uint32_t optionsFlags;
  int64_t presentationTime;
  uint32_t numerator;
  uint32_t denominator;
  int64_t duration;
  uint64_t completedAtNs;  // steady clock, comparable to process.hrtime
};
constexpr size_t kStreamRecordDoubles = 10;

enum class OverflowPolicy { Pause, DropOldest };

class StreamEngine {
 public:
  // `write`: the packets go out full with IOCTL_KS_WRITE_STREAM (a render
  // pin), else they come back filled by IOCTL_KS_READ_STREAM (a capture pin).
  StreamEngine(Backend* backend, BackendHandle pin, bool write, uint8_t* pool, uint32_t slots, uint32_t slotSize,
               OverflowPolicy overflow, std::function<void()> notify);
  ~StreamEngine();

  // Sends the slots' packets (fresh headers) to the device.
  void Submit(const uint32_t* slots, size_t count);
  // Moves up to `max` completed packets into `out` (kStreamRecordDoubles each).
  // When there are none, arms the wake-up: the next completion calls `notify`.
  // So JavaScript is woken only when it has run dry and waits; while it keeps
  // draining on its own, completions cost no wake-up at all.
  size_t Drain(double* out, size_t max);
  // Cancels what is in flight and waits for every completion; afterwards the
  // pool is no longer touched and completions are ignored.
  void Close();

  // Benchmark mode with no JavaScript: each completion is resubmitted at once
  // from the completion thread, counting frames and bytes, until `Close`.
  void RunNativeSink();

  uint32_t inFlight() const { return inFlight_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t sinkFrames() const { return sinkFrames_.load(); }
  uint64_t sinkBytes() const { return sinkBytes_.load(); }

 private:
  void SubmitOne(uint32_t slot);
  void OnComplete(uint32_t slot, const IoResult& result);

  Backend* backend_;
  BackendHandle pin_;
  bool write_;
  uint8_t* pool_;
  uint32_t slots_;
  uint32_t slotSize_;
  OverflowPolicy overflow_;
  std::function<void()> notify_;
  std::vector<KSSTREAM_HEADER> headers_;

  std::mutex mutex_;
  std::condition_variable drained_;
  std::vector<StreamRecord> ring_;  // capacity `slots_`: no more can be complete
  size_t head_ = 0, count_ = 0;
  bool armed_ = true;  // JavaScript waits for a wake-up
  bool closing_ = false;
  bool nativeSink_ = false;
  std::atomic<uint32_t> inFlight_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> sinkFrames_{0};
  std::atomic<uint64_t> sinkBytes_{0};
};

}  // namespace ks
