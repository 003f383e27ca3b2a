#include "realtime_thread.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#elif defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <time.h>
#endif

namespace ks {

#ifdef _WIN32

namespace {
using SetCharacteristics = HANDLE(WINAPI*)(LPCWSTR, LPDWORD);
using RevertCharacteristics = BOOL(WINAPI*)(HANDLE);
}  // namespace

uint64_t ThreadCpuNs() {
  FILETIME created, exited, kernel, user;
  if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user)) return 0;
  auto ticks = [](const FILETIME& t) { return (uint64_t{t.dwHighDateTime} << 32) | t.dwLowDateTime; };
  return (ticks(kernel) + ticks(user)) * 100;
}

RealtimeThreadScope::RealtimeThreadScope(const char*, int) {
  HMODULE avrt = LoadLibraryExW(L"avrt.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (avrt == nullptr) return;
  library_ = avrt;
  auto set = reinterpret_cast<SetCharacteristics>(reinterpret_cast<void*>(GetProcAddress(avrt, "AvSetMmThreadCharacteristicsW")));
  DWORD taskIndex = 0;
  if (set != nullptr) task_ = set(L"Pro Audio", &taskIndex);
  joined_ = task_ != nullptr;
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

#elif defined(__linux__)

namespace {
// Well below the kernel's own threaded interrupts (50) and JACK's default
// (70 for the client threads), above every SCHED_OTHER thread.
constexpr int kPriority = 20;
}  // namespace

uint64_t ThreadCpuNs() {
  timespec t{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

RealtimeThreadScope::RealtimeThreadScope(const char* name, int above) {
  if (name != nullptr) pthread_setname_np(pthread_self(), name);  // fails harmlessly past 15 characters
  sched_param old{};
  if (pthread_getschedparam(pthread_self(), &oldPolicy_, &old) != 0) return;
  oldPriority_ = old.sched_priority;
  sched_param wanted{};
  wanted.sched_priority = kPriority + above;
  // EPERM without CAP_SYS_NICE or an RLIMIT_RTPRIO of at least kPriority: stay as we are.
  joined_ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &wanted) == 0;
}

RealtimeThreadScope::~RealtimeThreadScope() {
  if (!joined_) return;
  sched_param old{};
  old.sched_priority = oldPriority_;
  pthread_setschedparam(pthread_self(), oldPolicy_, &old);
}

#else

uint64_t ThreadCpuNs() { return 0; }
RealtimeThreadScope::RealtimeThreadScope(const char*, int) {}
RealtimeThreadScope::~RealtimeThreadScope() = default;

#endif

}  // namespace ks
