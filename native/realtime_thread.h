// Puts the calling thread into the Windows multimedia class scheduler's
// "Pro Audio" task for its lifetime (AvSetMmThreadCharacteristicsW, resolved
// from avrt.dll at run time so nothing breaks where it is absent), as
// real-time audio threads on Windows do. Does nothing elsewhere.
#pragma once

namespace ks {

class RealtimeThreadScope {
 public:
  RealtimeThreadScope();
  ~RealtimeThreadScope();
  RealtimeThreadScope(const RealtimeThreadScope&) = delete;
  RealtimeThreadScope& operator=(const RealtimeThreadScope&) = delete;
  // Whether the thread joined the task.
  bool joined() const { return task_ != nullptr; }

 private:
  void* task_ = nullptr;     // the AvSetMmThreadCharacteristicsW handle
  void* library_ = nullptr;  // avrt.dll
};

}  // namespace ks
