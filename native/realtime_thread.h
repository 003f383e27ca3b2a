// Puts the calling thread into the platform's real-time audio class for its
// lifetime, as real-time audio threads do:
// - Windows: the multimedia class scheduler's "Pro Audio" task
//   (AvSetMmThreadCharacteristicsW, resolved from avrt.dll at run time so
//   nothing breaks where it is absent);
// - Linux: SCHED_FIFO at a moderate priority, where the process may
//   (CAP_SYS_NICE or RLIMIT_RTPRIO; JACK and PipeWire's data threads do the
//   same), else it stays as it was.
// Also names the thread (`name`, at most 15 characters) where the platform
// keeps thread names, so a profiler or the benchmark can tell it apart.
// `above` raises the Linux priority by that much: the emulator's modelled DMA
// runs one above the library's threads, since hardware is never held up by
// the software it serves (Windows: the same MMCSS task).
#pragma once

#include <cstdint>

namespace ks {

// CPU time the calling thread has used, in nanoseconds (0 where unknown).
uint64_t ThreadCpuNs();

class RealtimeThreadScope {
 public:
  explicit RealtimeThreadScope(const char* name = nullptr, int above = 0);
  ~RealtimeThreadScope();
  RealtimeThreadScope(const RealtimeThreadScope&) = delete;
  RealtimeThreadScope& operator=(const RealtimeThreadScope&) = delete;
  // Whether the thread joined the real-time class.
  bool joined() const { return joined_; }

 private:
  bool joined_ = false;
  void* task_ = nullptr;     // Windows: the AvSetMmThreadCharacteristicsW handle
  void* library_ = nullptr;  // Windows: avrt.dll
  int oldPolicy_ = 0;        // Linux: what the thread had before
  int oldPriority_ = 0;
};

}  // namespace ks
