// The Windows backend: ks::Backend over the real Kernel Streaming stack.
//
//   - ksuser.dll is loaded at run time from System32; the *2 entry points
//     (Windows 8+, HRESULT, device broker, need COM on the calling thread) are
//     preferred and the old ones (Win32 error code) are the fallback.
//   - Device interfaces come from SetupAPI; filters are opened with CreateFileW
//     for overlapped I/O.
//   - Synchronous IOCTLs wait on a private event whose low bit is set, so no
//     completion packet is queued even when the handle is bound to our port.
//   - Asynchronous IOCTLs complete through one I/O completion port per backend
//     and one completion thread, started on first use.
//
// Compiled only on Windows (MSVC through node-gyp, mingw-w64 through CMake).
// It includes no <ks.h>: the layouts come from ks_defs.h, which
// sdk_layout_checks.cpp checks against the SDK's, and the entry points are
// declared in ksuser_entry_points.h because mingw-w64's ks.h lacks the *2 ones;
// SetupAPI enumeration is in setupapi_enumeration.cpp.

// The project's headers come first: winnt.h defines STATUS_* as macros, which
// would mangle ks_status.h's constants of the same names.
#include "../ks_backend.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <objbase.h>
#include <setupapi.h>

#include "../event_data.h"
#include "com_mta_thread.h"
#include "device_notifications.h"
#include "ksuser_entry_points.h"
#include "setupapi_enumeration.h"
#include "waitable_event.h"
#include "wide_text.h"

#include <algorithm>
#include <chrono>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace ks {
namespace {

// ---- Small helpers ------------------------------------------------------------
constexpr DWORD kNtStatusPending = 0x00000103;  // STATUS_PENDING, in OVERLAPPED::Internal

// NT_ERROR(): severity 3. The I/O manager writes the status block, signals the
// event and queues a completion packet for every request that pended or ended
// with a success, informational or warning status (e.g. STATUS_BUFFER_OVERFLOW
// -> ERROR_MORE_DATA), and for none that failed with an error status before pending.
bool IsNtError(ULONG_PTR status) { return (static_cast<uint32_t>(status) >> 30) == 3; }

HANDLE ToHandle(BackendHandle h) { return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(h)); }
BackendHandle FromHandle(HANDLE h) { return static_cast<BackendHandle>(reinterpret_cast<uintptr_t>(h)); }
bool IsValid(HANDLE h) { return h != nullptr && h != INVALID_HANDLE_VALUE; }



// ---- Asynchronous requests ------------------------------------------------------
// One DeviceIoControl in flight. Two references: the issuing thread's (it must
// still read the status block after a synchronous failure) and the completion
// thread's (dropped once the packet is handled), so neither frees it under the other.
struct AsyncRequest : OVERLAPPED {
  HANDLE handle = nullptr;
  IoCompletion done;
  std::atomic<int> refs{2};
};

constexpr ULONG_PTR kIoKey = 1;    // completion key of every associated handle
constexpr ULONG_PTR kQuitKey = 2;  // posted by the destructor

class WindowsBackend final : public Backend {
 public:
  WindowsBackend(HMODULE ksuser, const KsUserEntryPoints& ep) : ksuser_(ksuser), ep_(ep) {}
  ~WindowsBackend() override;

  WindowsBackend(const WindowsBackend&) = delete;
  WindowsBackend& operator=(const WindowsBackend&) = delete;

  BackendInfo Info() const override;
  Status EnumerateInterfaces(const Guid& category, std::vector<DeviceInterface>* out) override;
  Status OpenFilter(const std::string& path, BackendHandle* out) override;
  Status CreateObject(BackendHandle parent, ObjectClass cls, const std::vector<uint8_t>& payload,
                      uint32_t desiredAccess, BackendHandle* out, bool* usedV2) override;
  IoResult Ioctl(BackendHandle handle, const IoctlRequest& request) override;
  void IoctlAsync(BackendHandle handle, const IoctlRequest& request, IoCompletion done) override;
  void CancelIo(BackendHandle handle) override;
  void Close(BackendHandle handle) override;
  Status EnableEvent(BackendHandle handle, const std::vector<uint8_t>& request, const std::vector<uint8_t>& eventData,
                     EventSignal signal, uint64_t* registration) override;
  Status DisableEvent(BackendHandle handle, uint64_t registration) override;
  Status WatchDevices(const std::vector<Guid>& categories, DeviceChangeCallback callback, uint64_t* watch) override {
    return notifications_.Watch(categories, std::move(callback), watch);
  }
  void UnwatchDevices(uint64_t watch) override { notifications_.Unwatch(watch); }
  Status CreateWaitableEvent(std::unique_ptr<WaitableEvent>* out) override { return CreateWin32Event(out); }
  uint64_t PerformanceCounter(uint64_t* frequency) const override {
    LARGE_INTEGER now, hz;
    QueryPerformanceFrequency(&hz);
    QueryPerformanceCounter(&now);
    *frequency = static_cast<uint64_t>(hz.QuadPart);
    return static_cast<uint64_t>(now.QuadPart);
  }

 private:
  // An enabled event: the auto-reset event KSEVENTDATA names, a thread-pool
  // wait on it, and the KSEVENTDATA itself at a fixed address (DISABLE_EVENT
  // names the event by it).
  struct EventRegistration {
    BackendHandle handle = 0;
    HANDLE event = nullptr;
    HANDLE wait = nullptr;
    EventSignal signal;
    std::unique_ptr<EventDataBlock> data;
  };
  static void CALLBACK OnEventSignalled(PVOID context, BOOLEAN timedOut);
  // Stops the wait (waiting for a callback in progress) and closes the event.
  static void ReleaseEvent(EventRegistration& registration);

  // Creates the port and the completion thread on first use and binds `h` to the port.
  Status EnsurePortAssociation(HANDLE h);
  void CompletionLoop();
  // Runs `done`, then un-counts the request and drops one reference.
  void Finish(AsyncRequest* req, const IoResult& result);
  void Release(AsyncRequest* req);
  void WaitNoPending(HANDLE h);
  static constexpr std::chrono::milliseconds kCancelWait{1000};

  HMODULE ksuser_;
  KsUserEntryPoints ep_;

  // The *2 entry points run on this thread (COM MTA), never on the caller's.
  ComMtaThread mta_;

  // Completion port state.
  std::mutex mutex_;
  std::condition_variable idle_;
  HANDLE port_ = nullptr;
  std::thread completionThread_;
  std::atomic<DWORD> completionThreadId_{0};
  std::unordered_set<HANDLE> associated_;
  std::unordered_map<HANDLE, size_t> pending_;

  std::mutex eventsMutex_;
  std::unordered_map<uint64_t, std::unique_ptr<EventRegistration>> events_;
  uint64_t nextEvent_ = 0;
  DeviceNotifications notifications_;
};

WindowsBackend::~WindowsBackend() {
  // Nothing the caller owns is closed, but requests still in flight are
  // cancelled and their completions delivered before the thread stops.
  std::vector<HANDLE> busy;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : pending_) busy.push_back(entry.first);
  }
  for (HANDLE h : busy) CancelIoEx(h, nullptr);
  const bool onCompletionThread = GetCurrentThreadId() == completionThreadId_;
  if (!onCompletionThread) {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return pending_.empty(); });
  }
  if (completionThread_.joinable()) {
    PostQueuedCompletionStatus(port_, 0, kQuitKey, nullptr);
    if (onCompletionThread)
      completionThread_.detach();
    else
      completionThread_.join();
  }
  if (port_ != nullptr && !onCompletionThread) CloseHandle(port_);
  if (ksuser_ != nullptr) FreeLibrary(ksuser_);
  // mta_'s destructor ends its thread (CoUninitialize there).
}

BackendInfo WindowsBackend::Info() const {
  BackendInfo info;
  info.name = "windows";
  info.entryPoints = {
      {"KsCreatePin2", ep_.createPin2 != nullptr},
      {"KsCreateAllocator2", ep_.createAllocator2 != nullptr},
      {"KsCreateClock2", ep_.createClock2 != nullptr},
      {"KsCreateTopologyNode2", ep_.createTopologyNode2 != nullptr},
      {"KsCreatePin", ep_.createPin != nullptr},
      {"KsCreateAllocator", ep_.createAllocator != nullptr},
      {"KsCreateClock", ep_.createClock != nullptr},
      {"KsCreateTopologyNode", ep_.createTopologyNode != nullptr},
  };
  // COM is initialised only on the private MTA thread, and only once a *2
  // entry point has been called; the caller's apartment is never touched.
  info.comInitializedHere = mta_.initialized();
  info.comApartment = info.comInitializedHere ? "private-mta" : "";
  info.deviceNotifications = notifications_.available();
  return info;
}

Status WindowsBackend::EnumerateInterfaces(const Guid& category, std::vector<DeviceInterface>* out) {
  return EnumerateKsInterfaces(category, out);
}

Status WindowsBackend::OpenFilter(const std::string& path, BackendHandle* out) {
  *out = 0;
  std::wstring wide;
  if (!Widen(path, &wide)) return Status::Win32(ERROR_INVALID_NAME);
  HANDLE h = CreateFileW(wide.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, nullptr);
  if (h == INVALID_HANDLE_VALUE) return Status::Win32(GetLastError());
  *out = FromHandle(h);
  return Status::Win32(ERROR_SUCCESS);
}

Status WindowsBackend::CreateObject(BackendHandle parent, ObjectClass cls, const std::vector<uint8_t>& payload,
                                   uint32_t desiredAccess, BackendHandle* out, bool* usedV2) {
  *out = 0;
  *usedV2 = false;
  HANDLE parentHandle = ToHandle(parent);
  if (!IsValid(parentHandle)) return Status::Win32(ERROR_INVALID_HANDLE);

  size_t minimum = 0;
  bool haveV2 = false;
  bool haveV1 = false;
  switch (cls) {
    case ObjectClass::Pin:
      if (!PinPayloadComplete(payload)) return Status::Win32(ERROR_INVALID_PARAMETER);
      haveV2 = ep_.createPin2 != nullptr;
      haveV1 = ep_.createPin != nullptr;
      break;
    case ObjectClass::Allocator:
      minimum = sizeof(KSALLOCATOR_FRAMING);
      haveV2 = ep_.createAllocator2 != nullptr;
      haveV1 = ep_.createAllocator != nullptr;
      break;
    case ObjectClass::Clock:
      minimum = sizeof(KSCLOCK_CREATE);
      haveV2 = ep_.createClock2 != nullptr;
      haveV1 = ep_.createClock != nullptr;
      break;
    case ObjectClass::TopologyNode:
      minimum = sizeof(KSNODE_CREATE);
      haveV2 = ep_.createTopologyNode2 != nullptr;
      haveV1 = ep_.createTopologyNode != nullptr;
      break;
    case ObjectClass::Filter:
    default:
      return Status::Win32(ERROR_INVALID_PARAMETER);  // filters are opened by path
  }
  if (payload.size() < minimum) return Status::Win32(ERROR_INVALID_PARAMETER);

  // A private, 8-byte-aligned copy: the entry points take non-const pointers.
  std::vector<uint64_t> copy((payload.size() + 7) / 8, 0);
  if (!payload.empty()) std::memcpy(copy.data(), payload.data(), payload.size());
  void* data = copy.data();

  Status status;
  HANDLE created = nullptr;
  HRESULT comFailure = S_OK;
  HRESULT hr = E_FAIL;
  // The *2 call on the private MTA thread (COM must be initialised on the
  // calling thread, KS-NOTES); false: COM failed there, use the old entry point.
  const auto createV2 = [&] {
    switch (cls) {
      case ObjectClass::Pin:
        hr = ep_.createPin2(parentHandle, static_cast<KSPIN_CONNECT*>(data), desiredAccess, &created);
        break;
      case ObjectClass::Allocator:
        hr = ep_.createAllocator2(parentHandle, static_cast<KSALLOCATOR_FRAMING*>(data), &created);
        break;
      case ObjectClass::Clock:
        hr = ep_.createClock2(parentHandle, static_cast<KSCLOCK_CREATE*>(data), &created);
        break;
      case ObjectClass::TopologyNode:
        hr = ep_.createTopologyNode2(parentHandle, static_cast<KSNODE_CREATE*>(data), desiredAccess, &created);
        break;
      default:
        break;
    }
  };
  const bool useV2 = haveV2 && mta_.Run(createV2, &comFailure);
  if (useV2) {
    *usedV2 = true;
    status = Status::HResult(static_cast<uint32_t>(hr));
  } else if (haveV1) {
    DWORD err = ERROR_INVALID_FUNCTION;
    switch (cls) {
      case ObjectClass::Pin:
        err = ep_.createPin(parentHandle, static_cast<KSPIN_CONNECT*>(data), desiredAccess, &created);
        break;
      case ObjectClass::Allocator:
        err = ep_.createAllocator(parentHandle, static_cast<KSALLOCATOR_FRAMING*>(data), &created);
        break;
      case ObjectClass::Clock:
        err = ep_.createClock(parentHandle, static_cast<KSCLOCK_CREATE*>(data), &created);
        break;
      case ObjectClass::TopologyNode:
        err = ep_.createTopologyNode(parentHandle, static_cast<KSNODE_CREATE*>(data), desiredAccess, &created);
        break;
      default:
        break;
    }
    status = Status::Win32(err);
  } else if (haveV2) {
    return Status::HResult(static_cast<uint32_t>(comFailure));  // COM unusable and no old entry point
  } else {
    return Status::Win32(ERROR_PROC_NOT_FOUND);
  }

  if (!status.ok()) return status;
  if (!IsValid(created)) return Status::Win32(ERROR_INVALID_HANDLE);  // success without a handle
  *out = FromHandle(created);
  return status;
}

IoResult WindowsBackend::Ioctl(BackendHandle handle, const IoctlRequest& request) {
  IoResult result;
  HANDLE h = ToHandle(handle);
  HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (event == nullptr) {
    result.status = Status::Win32(GetLastError());
    return result;
  }
  OVERLAPPED ov{};
  // Low bit set: the request signals the event but queues no packet on a
  // completion port the handle may be bound to.
  ov.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<uintptr_t>(event) | 1);
  ov.Internal = kNtStatusPending;
  DWORD bytes = 0;
  BOOL ok = DeviceIoControl(h, request.code, const_cast<uint8_t*>(request.input), request.inputLength, request.output,
                            request.outputLength, &bytes, &ov);
  DWORD err = ok ? ERROR_SUCCESS : GetLastError();
  if (!ok && err == ERROR_IO_PENDING) {
    bytes = 0;
    ok = GetOverlappedResult(h, &ov, &bytes, TRUE);
    err = ok ? ERROR_SUCCESS : GetLastError();
  } else if (!ok) {
    // Failed without pending. If the status block was written (a warning such
    // as STATUS_BUFFER_OVERFLOW -> ERROR_MORE_DATA), it holds the size.
    bytes = ov.Internal != kNtStatusPending ? static_cast<DWORD>(ov.InternalHigh) : 0;
  }
  CloseHandle(event);
  result.status = Status::Win32(err);
  result.bytesReturned = bytes;
  return result;
}

Status WindowsBackend::EnsurePortAssociation(HANDLE h) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (port_ == nullptr) {
    port_ = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
    if (port_ == nullptr) return Status::Win32(GetLastError());
  }
  if (!completionThread_.joinable()) {
    try {
      completionThread_ = std::thread([this] { CompletionLoop(); });
    } catch (...) {
      return Status::Win32(ERROR_NOT_ENOUGH_MEMORY);
    }
  }
  if (associated_.count(h) == 0) {
    if (CreateIoCompletionPort(h, port_, kIoKey, 0) == nullptr) return Status::Win32(GetLastError());
    associated_.insert(h);
  }
  return Status::Win32(ERROR_SUCCESS);
}

void WindowsBackend::IoctlAsync(BackendHandle handle, const IoctlRequest& request, IoCompletion done) {
  HANDLE h = ToHandle(handle);
  if (!IsValid(h)) {
    done(IoResult{Status::Win32(ERROR_INVALID_HANDLE), 0});
    return;
  }
  const Status bound = EnsurePortAssociation(h);
  if (!bound.ok()) {
    done(IoResult{bound, 0});
    return;
  }

  auto* req = new AsyncRequest();
  std::memset(static_cast<OVERLAPPED*>(req), 0, sizeof(OVERLAPPED));
  req->Internal = kNtStatusPending;
  req->handle = h;
  req->done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++pending_[h];
  }

  DWORD ignored = 0;
  const BOOL ok = DeviceIoControl(h, request.code, const_cast<uint8_t*>(request.input), request.inputLength,
                                  request.output, request.outputLength, &ignored, req);
  const DWORD err = ok ? ERROR_SUCCESS : GetLastError();
  if (ok || err == ERROR_IO_PENDING || (req->Internal != kNtStatusPending && !IsNtError(req->Internal))) {
    // A packet is (or was) queued: the completion thread reports it.
    Release(req);
    return;
  }
  // Failed before pending: no packet will come. Report it here, for both references.
  const uint32_t bytes = req->Internal != kNtStatusPending ? static_cast<uint32_t>(req->InternalHigh) : 0;
  req->refs.fetch_sub(1);
  Finish(req, IoResult{Status::Win32(err), bytes});
}

void WindowsBackend::CompletionLoop() {
  completionThreadId_ = GetCurrentThreadId();
  HANDLE port;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    port = port_;
  }
  for (;;) {
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED* ov = nullptr;
    const BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE);
    if (ov == nullptr) {
      if (!ok || key == kQuitKey) return;  // port closed, or asked to stop
      continue;
    }
    const DWORD err = ok ? ERROR_SUCCESS : GetLastError();
    // The byte count comes from the status block (what GetOverlappedResult
    // reports): Wine's packet says 0 for a warning such as ERROR_MORE_DATA.
    (void)bytes;
    Finish(static_cast<AsyncRequest*>(ov), IoResult{Status::Win32(err), static_cast<uint32_t>(ov->InternalHigh)});
  }
}

void WindowsBackend::Finish(AsyncRequest* req, const IoResult& result) {
  try {
    if (req->done) req->done(result);
  } catch (...) {
    // A completion callback must not throw across the completion thread.
  }
  req->done = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = pending_.find(req->handle);
    if (it != pending_.end() && --it->second == 0) pending_.erase(it);
  }
  idle_.notify_all();
  Release(req);
}

void WindowsBackend::Release(AsyncRequest* req) {
  if (req->refs.fetch_sub(1) == 1) delete req;
}

void WindowsBackend::WaitNoPending(HANDLE h) {
  // On the completion thread (a `done` callback cancelling), waiting would wait
  // for itself: the cancelled requests still complete, later.
  std::unique_lock<std::mutex> lock(mutex_);
  if (GetCurrentThreadId() == completionThreadId_) return;
  // Bounded: a driver that ignores CancelIoEx must not hang the caller. What
  // is still pending completes later through the port; each request holds a
  // reference to its own state, and its owner (a stream engine, which
  // lingers, or an asynchronous IOCTL's promise, which keeps its buffers)
  // keeps the buffers alive until then.
  idle_.wait_for(lock, kCancelWait, [this, h] { return pending_.find(h) == pending_.end(); });
}

void WindowsBackend::CancelIo(BackendHandle handle) {
  HANDLE h = ToHandle(handle);
  if (!IsValid(h)) return;
  CancelIoEx(h, nullptr);  // ERROR_NOT_FOUND when nothing is pending: fine
  WaitNoPending(h);
}

void CALLBACK WindowsBackend::OnEventSignalled(PVOID context, BOOLEAN) {
  static_cast<EventRegistration*>(context)->signal();
}

void WindowsBackend::ReleaseEvent(EventRegistration& registration) {
  if (registration.wait != nullptr) UnregisterWaitEx(registration.wait, INVALID_HANDLE_VALUE);
  if (registration.event != nullptr) CloseHandle(registration.event);
}

Status WindowsBackend::EnableEvent(BackendHandle handle, const std::vector<uint8_t>& request,
                                   const std::vector<uint8_t>& eventData, EventSignal signal, uint64_t* registration) {
  auto reg = std::make_unique<EventRegistration>();
  reg->handle = handle;
  reg->signal = std::move(signal);
  // Auto-reset: each wake-up of the wait consumes the signal.
  reg->event = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  if (reg->event == nullptr) return Status::Win32(GetLastError());
  reg->data = std::make_unique<EventDataBlock>(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(reg->event)), eventData);
  if (!RegisterWaitForSingleObject(&reg->wait, reg->event, OnEventSignalled, reg.get(), INFINITE, WT_EXECUTEDEFAULT)) {
    const DWORD error = GetLastError();
    reg->wait = nullptr;
    ReleaseEvent(*reg);
    return Status::Win32(error);
  }
  const IoResult result = Ioctl(handle, reg->data->Enable(request));
  if (!result.status.ok()) {
    ReleaseEvent(*reg);
    return result.status;
  }
  std::lock_guard<std::mutex> lock(eventsMutex_);
  *registration = ++nextEvent_;
  events_.emplace(*registration, std::move(reg));
  return result.status;
}

Status WindowsBackend::DisableEvent(BackendHandle handle, uint64_t registration) {
  std::unique_ptr<EventRegistration> reg;
  {
    std::lock_guard<std::mutex> lock(eventsMutex_);
    auto it = events_.find(registration);
    if (it == events_.end() || it->second->handle != handle) return Status::Win32(ERROR_INVALID_PARAMETER);
    reg = std::move(it->second);
    events_.erase(it);
  }
  const IoResult result = Ioctl(handle, reg->data->Disable());
  ReleaseEvent(*reg);
  return result.status;
}

void WindowsBackend::Close(BackendHandle handle) {
  HANDLE h = ToHandle(handle);
  if (!IsValid(h)) return;
  {
    // Closing the handle frees its events in the driver; stop waiting on ours.
    std::vector<std::unique_ptr<EventRegistration>> released;
    {
      std::lock_guard<std::mutex> lock(eventsMutex_);
      for (auto it = events_.begin(); it != events_.end();) {
        if (it->second->handle == handle) {
          released.push_back(std::move(it->second));
          it = events_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& reg : released) ReleaseEvent(*reg);
  }
  CancelIo(handle);
  {
    // The value may be reused by a later handle, which must be bound afresh.
    std::lock_guard<std::mutex> lock(mutex_);
    associated_.erase(h);
  }
  CloseHandle(h);
}

}  // namespace

std::unique_ptr<Backend> CreateWindowsBackend() {
  HMODULE ksuser = LoadLibraryExW(L"ksuser.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (ksuser == nullptr) return nullptr;
  KsUserEntryPoints ep;
  ep.createPin2 = Resolve<PfnKsCreatePin2>(ksuser, "KsCreatePin2");
  ep.createAllocator2 = Resolve<PfnKsCreateAllocator2>(ksuser, "KsCreateAllocator2");
  ep.createClock2 = Resolve<PfnKsCreateClock2>(ksuser, "KsCreateClock2");
  ep.createTopologyNode2 = Resolve<PfnKsCreateTopologyNode2>(ksuser, "KsCreateTopologyNode2");
  ep.createPin = Resolve<PfnKsCreatePin>(ksuser, "KsCreatePin");
  ep.createAllocator = Resolve<PfnKsCreateAllocator>(ksuser, "KsCreateAllocator");
  ep.createClock = Resolve<PfnKsCreateClock>(ksuser, "KsCreateClock");
  ep.createTopologyNode = Resolve<PfnKsCreateTopologyNode>(ksuser, "KsCreateTopologyNode");
  try {
    return std::unique_ptr<Backend>(new WindowsBackend(ksuser, ep));
  } catch (...) {
    FreeLibrary(ksuser);
    throw;
  }
}

}  // namespace ks
