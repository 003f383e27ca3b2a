// The emulator behind the seam: an object manager (handles to objects), an
// I/O manager (create names and IRPs) and the catalogue of virtual devices.
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "../ks_backend.h"
#include "device_catalog.h"
#include "emu_object.h"
#include "virtual_filter.h"

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

class EmulatorBackend final : public Backend {
 public:
  EmulatorBackend() : devices_(emu::BuildDeviceCatalog()) {
    resolver_ = [this](uint64_t handle) { return Find(handle); };
  }

  ~EmulatorBackend() override {
    // Close what the caller left open before the devices they point into go.
    std::unordered_map<BackendHandle, std::shared_ptr<Object>> open;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open.swap(handles_);
    }
    for (auto& entry : open) entry.second->Close();
  }

  BackendInfo Info() const override {
    BackendInfo info;
    info.name = "emulator";
    return info;
  }

  Status EnumerateInterfaces(const Guid& category, std::vector<DeviceInterface>* out) override {
    out->clear();
    for (const auto& device : devices_) {
      for (const auto& c : device.info.categories) {
        if (c == category) {
          out->push_back(device.info);
          break;
        }
      }
    }
    return Status::Nt(STATUS_SUCCESS);
  }

  Status OpenFilter(const std::string& path, BackendHandle* out) override {
    for (const auto& device : devices_) {
      if (SamePath(device.info.path, path)) {
        *out = Insert(std::make_shared<emu::VirtualFilter>(device.descriptor));
        return Status::Nt(STATUS_SUCCESS);
      }
    }
    return Status::Nt(STATUS_OBJECT_NAME_NOT_FOUND);
  }

  Status CreateObject(BackendHandle parentHandle, ObjectClass cls, const std::vector<uint8_t>& payload,
                      uint32_t desiredAccess, BackendHandle* out, bool* usedV2) override {
    *usedV2 = false;
    const Guid* classGuid = ClassGuid(cls);
    if (classGuid == nullptr) return Status::Nt(STATUS_INVALID_PARAMETER);
    std::shared_ptr<Object> parent = Find(parentHandle);
    if (!parent) return Status::Nt(STATUS_INVALID_HANDLE);

    // The I/O manager hands the parent the name; the parent's create dispatch parses it.
    Guid requested;
    CreateRequest request;
    request.desiredAccess = desiredAccess;
    request.resolve = &resolver_;
    if (!ParseCreateName(BuildCreateName(*classGuid, payload), &requested, &request.payload)) {
      return Status::Nt(STATUS_OBJECT_NAME_INVALID);
    }
    std::shared_ptr<Object> child;
    uint32_t status = parent->CreateChild(requested, request, &child);
    if (status != STATUS_SUCCESS) return Status::Nt(status);
    *out = Insert(std::move(child));
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
    std::shared_ptr<Object> object = Find(handle);
    if (!object) {
      done(IoResult{Status::Nt(STATUS_INVALID_HANDLE), 0});
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
    uint32_t status = object->DeviceControl(irp);
    if (status == STATUS_PENDING) return;  // the object owns irp.complete now
    done(IoResult{Status::Nt(status), irp.information});
  }

  void CancelIo(BackendHandle handle) override {
    if (std::shared_ptr<Object> object = Find(handle)) object->CancelIo();
  }

  void Close(BackendHandle handle) override {
    std::shared_ptr<Object> object;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = handles_.find(handle);
      if (it == handles_.end()) return;
      object = std::move(it->second);
      handles_.erase(it);
    }
    object->Close();
  }

 private:
  std::shared_ptr<Object> Find(BackendHandle handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = handles_.find(handle);
    return it == handles_.end() ? nullptr : it->second;
  }

  BackendHandle Insert(std::shared_ptr<Object> object) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Handle values step by 4 like NT's and are never reused.
    nextHandle_ += 4;
    handles_.emplace(nextHandle_, std::move(object));
    return nextHandle_;
  }

  std::vector<emu::VirtualDevice> devices_;
  emu::HandleResolver resolver_;
  std::mutex mutex_;
  std::unordered_map<BackendHandle, std::shared_ptr<Object>> handles_;
  BackendHandle nextHandle_ = 0x1000;
};

}  // namespace

std::unique_ptr<Backend> CreateEmulatorBackend() { return std::make_unique<EmulatorBackend>(); }

}  // namespace ks
