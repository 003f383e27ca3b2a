// The seam: the KS "system calls" the addon needs, implemented once for
// Windows (ksuser.dll, SetupAPI, DeviceIoControl) and once by the embedded
// emulator. Everything above it -- the handle table, marshalling, the N-API
// surface -- is shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ks_defs.h"
#include "ks_status.h"

namespace ks {

// A backend's own handle value: a HANDLE on Windows, an object number in the
// emulator. Zero is never a valid handle.
using BackendHandle = uint64_t;

// Event: the emulator's stand-in for a Win32 event object (never a KS create).
enum class ObjectClass : uint8_t { Filter = 0, Pin = 1, Allocator = 2, Clock = 3, TopologyNode = 4, Event = 5 };

struct DeviceInterface {
  std::string path;          // UTF-8 device interface path, as CreateFile takes it
  std::string friendlyName;  // UTF-8
  std::string instanceId;    // device instance id
  std::vector<Guid> categories;
};

// One DeviceIoControl. The buffers belong to the caller and must stay valid
// until the call completes (for IoctlAsync: until `done` has run).
struct IoctlRequest {
  uint32_t code = 0;
  const uint8_t* input = nullptr;
  uint32_t inputLength = 0;
  uint8_t* output = nullptr;
  uint32_t outputLength = 0;
};

struct IoResult {
  Status status;
  uint32_t bytesReturned = 0;  // the IRP's Information: data written, or the size needed
};

using IoCompletion = std::function<void(const IoResult&)>;

// Runs each time an enabled event fires, on any thread.
using EventSignal = std::function<void()>;

enum class DeviceChange : uint8_t { Arrival = 0, Removal = 1 };
// Runs on any thread for each device interface that arrives or goes.
using DeviceChangeCallback = std::function<void(DeviceChange, const Guid& category, const std::string& path)>;

namespace emu {
class EmulatorControl;
}

struct EntryPoint {
  const char* name;
  bool resolved;
};

struct BackendInfo {
  std::string name;  // "windows" or "emulator"
  std::vector<EntryPoint> entryPoints;
  bool comInitializedHere = false;
  std::string comApartment;  // "" (COM not used yet), "private-mta" (the backend's own MTA thread, for the *2 entry points)
  bool deviceNotifications = false;  // WatchDevices can work here
};

// An event object for requests that carry an event HANDLE in their data
// (KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY): a Win32 auto-reset event
// (CreateEventW) on Windows, the emulator's event object in the emulator.
// The driver signals it; the owner waits on it.
class WaitableEvent {
 public:
  virtual ~WaitableEvent() = default;
  // The handle value to put into a request.
  virtual uint64_t handle() const = 0;
  // Waits until the event is signalled (true, and it resets) or timeoutMs
  // passes (false).
  virtual bool Wait(uint32_t timeoutMs) = 0;
  // Signals it, as the driver would (to wake the waiter at once).
  virtual void Set() = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual BackendInfo Info() const = 0;

  virtual Status EnumerateInterfaces(const Guid& category, std::vector<DeviceInterface>* out) = 0;
  virtual Status OpenFilter(const std::string& path, BackendHandle* out) = 0;

  // Creates a pin, allocator, clock or topology node relative to `parent`.
  // `payload` is what the create name carries after `{class}\`: KSPIN_CONNECT
  // and its format, KSALLOCATOR_FRAMING, KSCLOCK_CREATE or KSNODE_CREATE.
  // `usedV2` says whether a *2 entry point made the handle.
  virtual Status CreateObject(BackendHandle parent, ObjectClass cls, const std::vector<uint8_t>& payload,
                              uint32_t desiredAccess, BackendHandle* out, bool* usedV2) = 0;

  // Synchronous IOCTL: returns when the request has completed.
  virtual IoResult Ioctl(BackendHandle handle, const IoctlRequest& request) = 0;

  // Asynchronous IOCTL: `done` runs exactly once, on any thread, possibly
  // before this returns. Requests still pending when the handle closes
  // complete with STATUS_CANCELLED (ERROR_OPERATION_ABORTED on Windows).
  virtual void IoctlAsync(BackendHandle handle, const IoctlRequest& request, IoCompletion done) = 0;

  // Cancels every request pending on the handle and waits for their completions.
  virtual void CancelIo(BackendHandle handle) = 0;

  // Closes the handle; events still enabled on it are disabled first.
  virtual void Close(BackendHandle handle) = 0;

  // IOCTL_KS_ENABLE_EVENT with `request` (a KSEVENT and what the event set
  // adds) and a KSEVENTDATA naming an event the backend waits on, followed by
  // `eventData` (KSEVENT_TIME_MARK's MarkTime, ...). The backend keeps that
  // KSEVENTDATA at a fixed address until DisableEvent: KS finds the event to
  // disable by it. `signal` runs each time the event is signalled; signals
  // that arrive together may be delivered once (an auto-reset event).
  virtual Status EnableEvent(BackendHandle handle, const std::vector<uint8_t>& request,
                             const std::vector<uint8_t>& eventData, EventSignal signal, uint64_t* registration) = 0;
  // IOCTL_KS_DISABLE_EVENT; after it returns `signal` does not run again.
  virtual Status DisableEvent(BackendHandle handle, uint64_t registration) = 0;

  // Device interface arrival and removal for the given categories.
  virtual Status WatchDevices(const std::vector<Guid>& categories, DeviceChangeCallback callback, uint64_t* watch) = 0;
  // After it returns the callback does not run again.
  virtual void UnwatchDevices(uint64_t watch) = 0;

  // Creates an auto-reset event, unsignalled. It must be gone before the backend goes.
  virtual Status CreateWaitableEvent(std::unique_ptr<WaitableEvent>* out) = 0;

  // The performance counter, now, and its ticks per second: the clock the
  // device's own reports are timed on (KSRTAUDIO_GETREADPACKET_INFO's
  // PerformanceCounterValue, KSAUDIO_PRESENTATION_POSITION's u64QPCPosition).
  // QueryPerformanceCounter on Windows; the emulator's is the steady clock
  // in 100 ns units (emulator/wavert_stream.cpp, Qpc).
  virtual uint64_t PerformanceCounter(uint64_t* frequency) const = 0;

  // The emulator's own controls (virtual devices, plug and unplug); null for
  // a real backend.
  virtual emu::EmulatorControl* Emulator() { return nullptr; }
};

std::unique_ptr<Backend> CreateEmulatorBackend();
#ifdef _WIN32
// Returns nullptr where KS is not present (ksuser.dll does not load).
std::unique_ptr<Backend> CreateWindowsBackend();
#endif

}  // namespace ks
