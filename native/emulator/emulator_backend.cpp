// The emulator behind the seam: an object manager (handles to objects), an
// I/O manager (create names and IRPs) and the catalogue of virtual devices.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "../event_data.h"
#include "../ks_backend.h"
#include "device_catalog.h"
#include "emulator_control.h"
#include "emu_object.h"
#include "virtual_filter.h"
#include "wavert_stream.h"
#include "win32_statuses.h"

namespace ks {
namespace {

using emu::CreateRequest;
using emu::Irp;
using emu::Object;

constexpr size_t kGuidChars = 38;  // "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}"

const Guid* ClassGuid(ObjectClass cls) {
  switch (cls) {
    case ObjectClass::Pin: return &KSNAME_Pin;
    case ObjectClass::Allocator: return &KSNAME_Allocator;
    case ObjectClass::Clock: return &KSNAME_Clock;
    case ObjectClass::TopologyNode: return &KSNAME_TopologyNode;
    default: return nullptr;
  }
}

// The create name ksuser.dll builds: "{class GUID}\" in UTF-16, then the raw
// payload bytes.
std::vector<uint8_t> BuildCreateName(const Guid& g, const std::vector<uint8_t>& payload) {
  char text[kGuidChars + 2];
  std::snprintf(text, sizeof text, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}\\", g.data1, g.data2,
                g.data3, g.data4[0], g.data4[1], g.data4[2], g.data4[3], g.data4[4], g.data4[5], g.data4[6],
                g.data4[7]);
  std::vector<uint8_t> name;
  for (size_t i = 0; i < kGuidChars + 1; ++i) {
    name.push_back(static_cast<uint8_t>(text[i]));
    name.push_back(0);
  }
  name.insert(name.end(), payload.begin(), payload.end());
  return name;
}

int HexValue(uint16_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits a create name into its object class and payload, as KS's create
// dispatch matches the name against the parent's create items.
bool ParseCreateName(const std::vector<uint8_t>& name, Guid* cls, std::vector<uint8_t>* payload) {
  if (name.size() < (kGuidChars + 1) * 2) return false;
  uint16_t chars[kGuidChars + 1];
  std::memcpy(chars, name.data(), sizeof chars);
  if (chars[0] != '{' || chars[kGuidChars - 1] != '}' || chars[kGuidChars] != '\\') return false;
  uint8_t bytes[16];
  size_t n = 0;
  for (size_t i = 1; i < kGuidChars - 1; ++i) {
    if (i == 9 || i == 14 || i == 19 || i == 24) {
      if (chars[i] != '-') return false;
      continue;
    }
    int hi = HexValue(chars[i]), lo = HexValue(chars[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[n++] = static_cast<uint8_t>(hi << 4 | lo);
    ++i;
  }
  cls->data1 = uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | bytes[3];
  cls->data2 = static_cast<uint16_t>(bytes[4] << 8 | bytes[5]);
  cls->data3 = static_cast<uint16_t>(bytes[6] << 8 | bytes[7]);
  std::memcpy(cls->data4, bytes + 8, 8);
  payload->assign(name.begin() + (kGuidChars + 1) * 2, name.end());
  return true;
}

bool SamePath(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string GuidText(const Guid& g) {
  char text[kGuidChars + 1];
  std::snprintf(text, sizeof text, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g.data1, g.data2, g.data3,
                g.data4[0], g.data4[1], g.data4[2], g.data4[3], g.data4[4], g.data4[5], g.data4[6], g.data4[7]);
  return text;
}

// What an emulated event object's waiter waits on.
struct EventState {
  std::mutex mutex;
  std::condition_variable wake;
  bool signalled = false;
};

// A Backend::WaitableEvent in the emulator: an event object with a handle of
// its own (what KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY names), auto-reset.
class EmulatedEvent final : public WaitableEvent {
 public:
  EmulatedEvent(Backend* backend, BackendHandle handle, std::shared_ptr<EventState> state)
      : backend_(backend), handle_(handle), state_(std::move(state)) {}
  ~EmulatedEvent() override { backend_->Close(handle_); }
  uint64_t handle() const override { return handle_; }
  bool Wait(uint32_t timeoutMs) override {
    std::unique_lock<std::mutex> lock(state_->mutex);
    if (!state_->wake.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return state_->signalled; })) return false;
    state_->signalled = false;
    return true;
  }
  void Set() override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->signalled = true;
    state_->wake.notify_all();
  }

 private:
  Backend* backend_;
  BackendHandle handle_;
  std::shared_ptr<EventState> state_;
};

class EmulatorBackend final : public Backend, public emu::EmulatorControl {
 public:
  EmulatorBackend() {
    for (auto& device : emu::BuildDeviceCatalog()) {
      auto entry = std::make_shared<Device>();
      entry->device = std::move(device);
      devices_.push_back(std::move(entry));
    }
    resolver_ = [this](uint64_t handle) { return Find(handle); };
  }

  ~EmulatorBackend() override {
    // Close what the caller left open before the devices they point into go.
    std::unordered_map<BackendHandle, OpenObject> open;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open.swap(handles_);
      registrations_.clear();
      watches_.clear();
    }
    for (auto& entry : open) entry.second.object->Close();
  }

  BackendInfo Info() const override {
    BackendInfo info;
    info.name = "emulator";
    info.deviceNotifications = true;
    return info;
  }

  emu::EmulatorControl* Emulator() override { return this; }

  Status EnumerateInterfaces(const Guid& category, std::vector<DeviceInterface>* out) override {
    out->clear();
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& device : devices_) {
      if (!device->present) continue;
      for (const auto& c : device->device.info.categories) {
        if (c == category) {
          out->push_back(device->device.info);
          break;
        }
      }
    }
    return Status::Nt(STATUS_SUCCESS);
  }

  Status OpenFilter(const std::string& path, BackendHandle* out) override { return Reported(OpenFilterNt(path, out)); }

  Status CreateObject(BackendHandle parentHandle, ObjectClass cls, const std::vector<uint8_t>& payload,
                      uint32_t desiredAccess, BackendHandle* out, bool* usedV2) override {
    return Reported(CreateObjectNt(parentHandle, cls, payload, desiredAccess, out, usedV2));
  }

  Status OpenFilterNt(const std::string& path, BackendHandle* out) {
    std::shared_ptr<Device> device = FindDevice(path);
    if (!device || !device->present) return Status::Nt(STATUS_OBJECT_NAME_NOT_FOUND);
    *out = Insert(std::make_shared<emu::VirtualFilter>(device->device.descriptor), device);
    return Status::Nt(STATUS_SUCCESS);
  }

  // As KsCreatePin & co (the old entry points, which return a Win32 code) create it.
  Status CreateObjectNt(BackendHandle parentHandle, ObjectClass cls, const std::vector<uint8_t>& payload,
                        uint32_t desiredAccess, BackendHandle* out, bool* usedV2) {
    *usedV2 = false;
    const Guid* classGuid = ClassGuid(cls);
    if (classGuid == nullptr) return Status::Nt(STATUS_INVALID_PARAMETER);
    OpenObject parent;
    if (!FindOpen(parentHandle, &parent)) return Status::Nt(STATUS_INVALID_HANDLE);
    if (Removed(parent)) return Status::Nt(STATUS_DEVICE_REMOVED);

    // The I/O manager hands the parent the name; the parent's create dispatch parses it.
    Guid requested;
    CreateRequest request;
    request.desiredAccess = desiredAccess;
    request.resolve = &resolver_;
    if (!ParseCreateName(BuildCreateName(*classGuid, payload), &requested, &request.payload)) {
      return Status::Nt(STATUS_OBJECT_NAME_INVALID);
    }
    std::shared_ptr<Object> child;
    uint32_t status = parent.object->CreateChild(requested, request, &child);
    if (status != STATUS_SUCCESS) return Status::Nt(status);
    *out = Insert(std::move(child), parent.device, parent.generation);
    return Status::Nt(STATUS_SUCCESS);
  }

  IoResult Ioctl(BackendHandle handle, const IoctlRequest& request) override {
    // A request that pends blocks this thread until another thread completes it.
    struct Waiter {
      std::mutex mutex;
      std::condition_variable done;
      bool finished = false;
      IoResult result;
    };
    auto waiter = std::make_shared<Waiter>();
    IoctlAsync(handle, request, [waiter](const IoResult& result) {
      std::lock_guard<std::mutex> lock(waiter->mutex);
      waiter->result = result;
      waiter->finished = true;
      waiter->done.notify_all();
    });
    std::unique_lock<std::mutex> lock(waiter->mutex);
    waiter->done.wait(lock, [&] { return waiter->finished; });
    return waiter->result;
  }

  void IoctlAsync(BackendHandle handle, const IoctlRequest& request, IoCompletion done) override {
    if (win32_.load()) {
      // As DeviceIoControl reports it; the byte count stays (a warning such
      // as ERROR_MORE_DATA carries Information, an error none: see below).
      done = [inner = std::move(done)](const IoResult& result) {
        inner(IoResult{emu::AsWin32(result.status), result.bytesReturned});
      };
    }
    OpenObject open;
    if (!FindOpen(handle, &open)) {
      done(IoResult{Status::Nt(STATUS_INVALID_HANDLE), 0});
      return;
    }
    if (Removed(open)) {
      done(IoResult{Status::Nt(STATUS_DEVICE_REMOVED), 0});
      return;
    }
    Irp irp;
    irp.code = request.code;
    irp.input = request.input;
    irp.inputLength = request.inputLength;
    irp.output = request.output;
    irp.outputLength = request.outputLength;
    irp.resolve = &resolver_;
    irp.complete = done;
    uint32_t status = open.object->DeviceControl(irp);
    if (status == STATUS_PENDING) return;  // the object owns irp.complete now
    // A request that fails before it pends (an NTSTATUS of error severity,
    // 0xC...) gets no IO_STATUS_BLOCK written on Windows, so DeviceIoControl
    // reports no byte count with it; warnings (STATUS_BUFFER_OVERFLOW, a size
    // query's answer) and successes do carry Information.
    const bool error = (status >> 30) == 3;
    done(IoResult{Status::Nt(status), error ? 0 : irp.information});
  }

  void CancelIo(BackendHandle handle) override {
    if (std::shared_ptr<Object> object = Find(handle)) object->CancelIo();
  }

  void Close(BackendHandle handle) override {
    OpenObject open;
    std::vector<BackendHandle> sinks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = handles_.find(handle);
      if (it == handles_.end()) return;
      open = std::move(it->second);
      handles_.erase(it);
      for (auto r = registrations_.begin(); r != registrations_.end();) {
        if (r->second->handle == handle) {
          sinks.push_back(r->second->sink);
          r = registrations_.erase(r);
        } else {
          ++r;
        }
      }
    }
    open.object->Close();
    open.object->FreeEvents();
    for (BackendHandle sink : sinks) Close(sink);
  }

  Status EnableEvent(BackendHandle handle, const std::vector<uint8_t>& request, const std::vector<uint8_t>& eventData,
                     EventSignal signal, uint64_t* registration) override {
    return Reported(EnableEventNt(handle, request, eventData, std::move(signal), registration));
  }

  Status DisableEvent(BackendHandle handle, uint64_t registration) override {
    return Reported(DisableEventNt(handle, registration));
  }

  // IOCTL_KS_ENABLE_EVENT / DISABLE_EVENT through Ioctl(), whose statuses are already reported as set.
  Status EnableEventNt(BackendHandle handle, const std::vector<uint8_t>& request, const std::vector<uint8_t>& eventData,
                       EventSignal signal, uint64_t* registration) {
    if (!Find(handle)) return Status::Nt(STATUS_INVALID_HANDLE);
    // The event the caller waits on: an emulated event object with a handle
    // of its own, which KSEVENTDATA names as a real caller's event would.
    auto reg = std::make_unique<Registration>();
    reg->handle = handle;
    reg->sink = Insert(std::make_shared<emu::EventSink>(std::move(signal)), nullptr);
    reg->data = std::make_unique<EventDataBlock>(reg->sink, eventData);
    IoResult result = Ioctl(handle, reg->data->Enable(request));
    if (!result.status.ok()) {
      Close(reg->sink);
      return result.status;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    *registration = ++nextRegistration_;
    registrations_.emplace(*registration, std::move(reg));
    return Status::Nt(STATUS_SUCCESS);
  }

  Status DisableEventNt(BackendHandle handle, uint64_t registration) {
    std::unique_ptr<Registration> reg;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = registrations_.find(registration);
      if (it == registrations_.end() || it->second->handle != handle) return Status::Nt(STATUS_INVALID_PARAMETER);
      reg = std::move(it->second);
      registrations_.erase(it);
    }
    IoResult result = Ioctl(handle, reg->data->Disable());
    Close(reg->sink);  // whatever the driver said, nothing reaches the caller any more
    return result.status;
  }

  uint64_t PerformanceCounter(uint64_t* frequency) const override {
    *frequency = emu::WaveRtStream::kQpcHz;
    return emu::WaveRtStream::Qpc(std::chrono::steady_clock::now());
  }

  Status CreateWaitableEvent(std::unique_ptr<WaitableEvent>* out) override {
    auto state = std::make_shared<EventState>();
    auto sink = std::make_shared<emu::EventSink>([state] {
      std::lock_guard<std::mutex> lock(state->mutex);
      state->signalled = true;
      state->wake.notify_all();
    });
    *out = std::make_unique<EmulatedEvent>(this, Insert(sink, nullptr), state);
    return Status::Nt(STATUS_SUCCESS);
  }

  Status WatchDevices(const std::vector<Guid>& categories, DeviceChangeCallback callback, uint64_t* watch) override {
    std::lock_guard<std::mutex> lock(mutex_);
    *watch = ++nextWatch_;
    watches_.emplace(*watch, std::make_shared<Watch>(Watch{categories, std::move(callback)}));
    return Status::Nt(STATUS_SUCCESS);
  }

  void UnwatchDevices(uint64_t watch) override {
    std::lock_guard<std::mutex> lock(mutex_);
    watches_.erase(watch);
  }

  // ---- EmulatorControl ------------------------------------------------------

  void ReportWin32Statuses(bool on) override { win32_.store(on); }

  std::string AddDevice(const std::string& friendlyName, const std::vector<Guid>& categories,
                        std::shared_ptr<const emu::FilterDescriptor> descriptor) override {
    auto entry = std::make_shared<Device>();
    entry->added = true;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      char number[16];
      std::snprintf(number, sizeof number, "%04u", nextDeviceNumber_++);
      entry->device.info.path = std::string("\\\\?\\ROOT#KSEMULATOR#V") + number + "#" +
                                GuidText(categories.empty() ? kNullGuid : categories[0]) + "\\global";
      entry->device.info.instanceId = std::string("ROOT\\KSEMULATOR\\V") + number;
      entry->device.info.friendlyName = friendlyName;
      entry->device.info.categories = categories;
      entry->device.descriptor = std::move(descriptor);
      entry->present = true;
      devices_.push_back(entry);
    }
    Announce(*entry, DeviceChange::Arrival);
    return entry->device.info.path;
  }

  Status SetPresent(const std::string& path, bool present) override {
    std::shared_ptr<Device> device = FindDevice(path);
    if (!device) return Status::Nt(STATUS_OBJECT_NAME_NOT_FOUND);
    std::vector<std::shared_ptr<Object>> orphans;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (device->present == present) return Status::Nt(STATUS_SUCCESS);
      device->present = present;
      if (!present) {
        ++device->generation;
        for (const auto& entry : handles_) {
          if (entry.second.device == device) orphans.push_back(entry.second.object);
        }
      }
    }
    for (const auto& object : orphans) object->CancelIo();
    if (present && device->device.descriptor->readiness) device->device.descriptor->readiness->Plugged();
    Announce(*device, present ? DeviceChange::Arrival : DeviceChange::Removal);
    return Status::Nt(STATUS_SUCCESS);
  }

  Status RemoveDevice(const std::string& path) override {
    std::shared_ptr<Device> device = FindDevice(path);
    if (!device || !device->added) return Status::Nt(STATUS_OBJECT_NAME_NOT_FOUND);
    Status status = SetPresent(path, false);
    std::lock_guard<std::mutex> lock(mutex_);
    devices_.erase(std::remove(devices_.begin(), devices_.end(), device), devices_.end());
    return status;
  }

  Status GenerateEvent(const std::string& path, const Guid& set, uint32_t id) override {
    std::shared_ptr<Device> device = FindDevice(path);
    if (!device) return Status::Nt(STATUS_OBJECT_NAME_NOT_FOUND);
    if (!device->present) return Status::Nt(STATUS_DEVICE_REMOVED);
    std::vector<std::shared_ptr<Object>> objects;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& entry : handles_) {
        if (entry.second.device == device && entry.second.generation == device->generation) {
          objects.push_back(entry.second.object);
        }
      }
    }
    for (const auto& object : objects) object->GenerateEvents(set, id);
    return Status::Nt(STATUS_SUCCESS);
  }

 private:
  Status Reported(Status status) const { return win32_.load() ? emu::AsWin32(status) : status; }

  struct Device {
    emu::VirtualDevice device;
    bool present = true;
    bool added = false;       // defined at run time (RemoveDevice may forget it)
    uint32_t generation = 0;  // counts removals: handles from before one are dead
  };

  // A handle's object and the device (and its generation) it was opened on;
  // event objects belong to no device.
  struct OpenObject {
    std::shared_ptr<Object> object;
    std::shared_ptr<Device> device;
    uint32_t generation = 0;
  };

  struct Registration {
    BackendHandle handle = 0;           // the KS object the event is enabled on
    BackendHandle sink = 0;             // the event object KSEVENTDATA names
    std::unique_ptr<EventDataBlock> data;
  };

  struct Watch {
    std::vector<Guid> categories;
    DeviceChangeCallback callback;
  };

  // Tells the watchers, on this thread, once per category of the device
  // they watch (as interface notifications come once per interface class).
  void Announce(const Device& device, DeviceChange change) {
    std::vector<std::shared_ptr<Watch>> watches;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& entry : watches_) watches.push_back(entry.second);
    }
    for (const auto& watch : watches) {
      for (const auto& category : device.device.info.categories) {
        if (std::find(watch->categories.begin(), watch->categories.end(), category) != watch->categories.end()) {
          watch->callback(change, category, device.device.info.path);
        }
      }
    }
  }

  bool Removed(const OpenObject& open) {
    if (!open.device) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    return !open.device->present || open.device->generation != open.generation;
  }

  std::shared_ptr<Device> FindDevice(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& device : devices_) {
      if (SamePath(device->device.info.path, path)) return device;
    }
    return nullptr;
  }

  bool FindOpen(BackendHandle handle, OpenObject* out) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = handles_.find(handle);
    if (it == handles_.end()) return false;
    *out = it->second;
    return true;
  }

  std::shared_ptr<Object> Find(BackendHandle handle) {
    OpenObject open;
    return FindOpen(handle, &open) ? open.object : nullptr;
  }

  BackendHandle Insert(std::shared_ptr<Object> object, std::shared_ptr<Device> device, uint32_t generation) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Handle values step by 4 like NT's and are never reused.
    nextHandle_ += 4;
    handles_.emplace(nextHandle_, OpenObject{std::move(object), std::move(device), generation});
    return nextHandle_;
  }

  BackendHandle Insert(std::shared_ptr<Object> object, const std::shared_ptr<Device>& device) {
    uint32_t generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation = device ? device->generation : 0;
    }
    return Insert(std::move(object), device, generation);
  }

  std::vector<std::shared_ptr<Device>> devices_;
  emu::HandleResolver resolver_;
  std::mutex mutex_;
  std::unordered_map<BackendHandle, OpenObject> handles_;
  BackendHandle nextHandle_ = 0x1000;
  std::unordered_map<uint64_t, std::unique_ptr<Registration>> registrations_;
  uint64_t nextRegistration_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<Watch>> watches_;
  uint64_t nextWatch_ = 0;
  uint32_t nextDeviceNumber_ = 0;
  std::atomic<bool> win32_{false};
};

}  // namespace

std::unique_ptr<Backend> CreateEmulatorBackend() { return std::make_unique<EmulatorBackend>(); }

}  // namespace ks
