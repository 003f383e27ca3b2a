// Standard KS streaming for one pin: N packets, each a KSSTREAM_HEADER and a
// slot of one pool of memory, kept in flight with IOCTL_KS_READ_STREAM through
// the backend's asynchronous IOCTL (a completion port on Windows, the pin's
// worker in the emulator). The memory belongs to the caller (JS ArrayBuffers)
// and outlives the engine.
//
// JavaScript and the engine talk through shared memory rather than calls, so
// that the steady path costs no N-API call and, above all, no cross-thread
// wake-up while both sides keep busy:
//   - completed packets go into a ring of records that JavaScript reads
//     directly; `notify` runs only when JavaScript has run dry and said it
//     waits (`armed`), so one wake-up carries many frames;
//   - released slots go into a free ring that the completion side empties at
//     every completion, resubmitting them at once, as a device driver would;
//     JavaScript calls `Kick` only when nothing is in flight to do that.
// Render is the same loop turned round: the free ring carries slots that
// JavaScript has filled (their length and flags in a descriptor per slot),
// and the records tell JavaScript which slots the device has consumed.
//
// One thread at a time sends packets (`SubmitFree`): a completion and a Kick
// that both claimed slots would otherwise race to the device, and a render
// device plays packets in the order they reach it, not the order JavaScript
// queued them in.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "ks_backend.h"

namespace ks {

// One completed packet, as JavaScript receives it: kStreamRecordDoubles
// doubles, in this order: slot, status, statusKind, dataUsed, optionsFlags,
// presentationTime, numerator, denominator, duration, completedAtNs (steady
// clock, comparable to process.hrtime), then KS_FRAME_INFO's pictureNumber,
// dropCount and dwFrameFlags (0 when the packets carry no KS_FRAME_INFO).
constexpr size_t kStreamRecordDoubles = 13;

// How a stream's packets are laid out.
struct StreamLayout {
  uint32_t slots = 0;
  // Slot n starts at pool + n × slotSize; the device is told it may fill (or
  // is given) `frameSize` bytes of it (FrameExtent), never the alignment
  // padding after them, so FrameExtent, DataUsed, the bytes JavaScript sees
  // and the device's position agree for every size.
  uint32_t slotSize = 0;
  uint32_t frameSize = 0;
  // Bytes per stream header: the pin's StreamHeaderSize (a multiple of 8, at
  // least sizeof(KSSTREAM_HEADER)); AVStream refuses any other multiple.
  uint32_t headerSize = sizeof(KSSTREAM_HEADER);
  // The header's extension is a KS_FRAME_INFO (video pins): its
  // ExtendedHeaderSize is set and its picture number, drop count and flags
  // are reported.
  bool frameInfo = false;
};

// The shared control block, in uint32 words (JavaScript: a Uint32Array used
// with Atomics). Counters wrap at 2^32; ring positions are counter % slots.
// What each side writes sits on its own cache line.
namespace stream_control {
constexpr uint32_t kRecordTail = 0;  // engine: records published
constexpr uint32_t kInFlight = 1;    // engine: packets with the device
constexpr uint32_t kFreeHead = 2;    // engine: free-ring entries taken
constexpr uint32_t kRecordHead = 16; // JS: records consumed (the engine advances it only to drop the oldest)
constexpr uint32_t kArmed = 17;      // JS sets n > 0 when it waits for n unread records; the engine swaps in 0 and notifies
constexpr uint32_t kFreeTail = 18;   // JS: free-ring entries written
constexpr uint32_t kFreeRing = 32;   // then `slots` words: slot numbers given back
constexpr uint32_t Words(uint32_t slots) { return kFreeRing + slots; }
}  // namespace stream_control

// Render: what JavaScript says of each slot it queues, kPacketDescriptorDoubles
// doubles per slot, written before the slot is published in the free ring:
// DataUsed, OptionsFlags (KSSTREAM_HEADER_OPTIONSF_*), PresentationTime.Time
// (100 ns units, 1/1), reserved.
constexpr size_t kPacketDescriptorDoubles = 4;
constexpr uint32_t kOptionsEndOfStream = 0x200;  // KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM

enum class OverflowPolicy { Pause, DropOldest };

class StreamEngine {
 public:
  // `write`: the packets go out full with IOCTL_KS_WRITE_STREAM (a render
  // pin), else they come back filled by IOCTL_KS_READ_STREAM (a capture pin).
  // `control` (stream_control::Words(slots) words) and `records` (slots ×
  // kStreamRecordDoubles) are shared with JavaScript; null: the engine keeps
  // its own (the native sink). `descriptors` (render only, slots ×
  // kPacketDescriptorDoubles): the length and flags of each queued slot; null:
  // every packet goes out full (the native sink).
  StreamEngine(Backend* backend, BackendHandle pin, bool write, uint8_t* pool, const StreamLayout& layout,
               OverflowPolicy overflow, std::function<void()> notify, uint32_t* control = nullptr,
               double* records = nullptr, const double* descriptors = nullptr);
  ~StreamEngine();

  // Sends the slots named in the free ring to the device.
  void Kick();
  // Cancels what is in flight and waits for every completion, for at most
  // `budget` (cancelling again as it waits): a driver that ignores
  // cancellation must not hang Node. True when nothing is in flight any more:
  // then the pool and the shared memory are no longer touched. False: requests
  // are still with the device, so the engine and its pool must stay alive
  // until Drained() (completions that arrive later are ignored).
  bool Close(std::chrono::milliseconds budget = kCloseBudget);
  // Nothing in flight and no completion at work.
  bool Drained();
  static constexpr std::chrono::milliseconds kCloseBudget{2000};

  // Benchmark mode with no JavaScript: each completion is resubmitted at once
  // from the completion thread, counting frames and bytes, until `Close`.
  // Starts by submitting every slot.
  void RunNativeSink();

  uint32_t inFlight() const { return Word(stream_control::kInFlight).load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t sinkFrames() const { return sinkFrames_.load(); }
  // Diagnostics for the benchmark: JavaScript wake-ups, calls to Kick, and
  // completions that left nothing in flight and nothing queued (the device
  // starved). For render that is an underrun: the device ran out of data
  // while running; not counted once a packet flagged end-of-stream went out.
  uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }
  uint64_t kicks() const { return kicks_.load(std::memory_order_relaxed); }
  uint64_t starved() const { return starved_.load(std::memory_order_relaxed); }
  uint64_t sinkBytes() const { return sinkBytes_.load(); }

 private:
  std::atomic<uint32_t>& Word(uint32_t index) const { return control_[index]; }
  // Takes up to `max` slots from the free ring (under mutex_), counting them in flight.
  size_t ClaimFree(uint32_t* out, size_t max);
  // Claims and submits until the free ring is empty.
  void SubmitFree();
  void Post(uint32_t slot);
  void OnComplete(uint32_t slot, const IoResult& result);
  // Writes a completion's record (under mutex_).
  void PublishLocked(uint32_t slot, const IoResult& result, uint64_t completedAt);
  KSSTREAM_HEADER& Header(uint32_t slot) {
    return *reinterpret_cast<KSSTREAM_HEADER*>(headerWords_.data() + static_cast<size_t>(slot) * (headerSize_ / 8));
  }

  Backend* backend_;
  BackendHandle pin_;
  bool write_;
  uint8_t* pool_;
  uint32_t slots_;
  uint32_t slotSize_;
  uint32_t frameSize_;
  uint32_t headerSize_;
  bool frameInfo_;
  OverflowPolicy overflow_;
  std::function<void()> notify_;
  std::vector<uint64_t> headerWords_;  // slots × headerSize bytes, 8-byte aligned
  std::vector<uint32_t> ownControl_;
  std::vector<double> ownRecords_;
  std::atomic<uint32_t>* control_;
  double* records_;
  const double* descriptors_;
  // SubmitFree calls not yet served: the caller that raises it from 0 sends
  // until it falls back to 0; others leave their share to it.
  std::atomic<uint32_t> submitRequests_{0};
  // The last packet sent carried ENDOFSTREAM: running dry after it is the end, not an underrun.
  std::atomic<bool> endOfStreamSent_{false};

  // Records go to JavaScript in the order the requests reached the device,
  // which fills them in that order (a KS pin's queue is first in, first out).
  // The I/O manager may report them otherwise: Windows finishes a request in
  // its issuing thread (a kernel APC; Wine runs the same step as an APC of
  // that thread), and requests go out from JavaScript's thread and from the
  // completion thread, so one whose thread is off the CPU reaches the port
  // after later ones (seen through the bridge under load: a capture packet
  // two packets early, its presentation time ahead of its place). Each
  // request is numbered as it is sent; a completion that comes early waits,
  // counted out of flight, until those before it are published.
  struct EarlyCompletion {
    bool waiting = false;
    IoResult result;
    uint64_t completedAt = 0;
  };
  std::recursive_mutex sending_;             // numbering and sending are one step (a completion may run inside a send)
  std::vector<uint64_t> numberOfSlot_;       // the number of the request each slot is on (under mutex_)
  std::vector<uint32_t> slotOfNumber_;       // by number mod slots (under mutex_)
  std::vector<EarlyCompletion> early_;       // by slot (under mutex_)
  uint64_t nextNumber_ = 0, nextToPublish_ = 0;  // under mutex_

  std::mutex mutex_;  // serialises the engine's writers: completions, claims, Close
  std::condition_variable drained_;
  bool closing_ = false;
  int callbacks_ = 0;  // completions past their record, still at work (under mutex_)
  bool nativeSink_ = false;
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> sinkFrames_{0};
  std::atomic<uint64_t> wakeups_{0};
  std::atomic<uint64_t> kicks_{0};
  std::atomic<uint64_t> starved_{0};
  std::atomic<uint64_t> sinkBytes_{0};
};

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) && std::atomic<uint32_t>::is_always_lock_free,
              "the control block is shared with JavaScript's Atomics as plain 32-bit words");

}  // namespace ks
