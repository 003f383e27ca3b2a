// An auto-reset Win32 event (CreateEventW) behind Backend::WaitableEvent:
// its HANDLE is what KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY carries to a
// WaveRT driver, which signals it once or twice per buffer cycle.
#include "waitable_event.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

namespace ks {

namespace {

class Win32Event final : public WaitableEvent {
 public:
  explicit Win32Event(HANDLE event) : event_(event) {}
  ~Win32Event() override { CloseHandle(event_); }
  uint64_t handle() const override { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(event_)); }
  bool Wait(uint32_t timeoutMs) override { return WaitForSingleObject(event_, timeoutMs) == WAIT_OBJECT_0; }
  void Set() override { SetEvent(event_); }

 private:
  HANDLE event_;
};

}  // namespace

Status CreateWin32Event(std::unique_ptr<WaitableEvent>* out) {
  HANDLE event = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  if (event == nullptr) return Status::Win32(GetLastError());
  *out = std::make_unique<Win32Event>(event);
  return Status::Win32(0);
}

}  // namespace ks
