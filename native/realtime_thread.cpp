#include "realtime_thread.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif

namespace ks {

#ifdef _WIN32

namespace {
using SetCharacteristics = HANDLE(WINAPI*)(LPCWSTR, LPDWORD);
using RevertCharacteristics = BOOL(WINAPI*)(HANDLE);
}  // namespace

RealtimeThreadScope::RealtimeThreadScope() {
  HMODULE avrt = LoadLibraryExW(L"avrt.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (avrt == nullptr) return;
  library_ = avrt;
  auto set = reinterpret_cast<SetCharacteristics>(reinterpret_cast<void*>(GetProcAddress(avrt, "AvSetMmThreadCharacteristicsW")));
  DWORD taskIndex = 0;
  if (set != nullptr) task_ = set(L"Pro Audio", &taskIndex);
}

RealtimeThreadScope::~RealtimeThreadScope() {
  if (library_ == nullptr) return;
  HMODULE avrt = static_cast<HMODULE>(library_);
  if (task_ != nullptr) {
    auto revert = reinterpret_cast<RevertCharacteristics>(reinterpret_cast<void*>(GetProcAddress(avrt, "AvRevertMmThreadCharacteristics")));
    if (revert != nullptr) revert(task_);
  }
  FreeLibrary(avrt);
}

#else

RealtimeThreadScope::RealtimeThreadScope() = default;
RealtimeThreadScope::~RealtimeThreadScope() = default;

#endif

}  // namespace ks
