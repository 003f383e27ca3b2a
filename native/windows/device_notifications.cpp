#include "device_notifications.h"

#include <windows.h>
#include <cfgmgr32.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "wide_text.h"

namespace ks {

using PfnRegister = CONFIGRET(WINAPI*)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION);
using PfnUnregister = CONFIGRET(WINAPI*)(HCMNOTIFICATION);
using PfnMapCr = DWORD(WINAPI*)(CONFIGRET, DWORD);

struct DeviceNotifications::Api {
  HMODULE module = nullptr;
  PfnRegister registerNotification = nullptr;
  PfnUnregister unregisterNotification = nullptr;
  PfnMapCr mapCrToWin32 = nullptr;
};

// One interface class of one watch; its address is the callback's context.
struct DeviceNotifications::Registration {
  Guid category;
  DeviceChangeCallback callback;
  HCMNOTIFICATION handle = nullptr;
};

namespace {

template <typename Fn>
Fn Resolve(HMODULE module, const char* name) {
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(GetProcAddress(module, name)));
}

// Runs on a system thread pool thread.
DWORD CALLBACK OnNotification(HCMNOTIFICATION, PVOID context, CM_NOTIFY_ACTION action, PCM_NOTIFY_EVENT_DATA data,
                              DWORD size) {
  auto* registration = static_cast<DeviceNotifications::Registration*>(context);
  if (data == nullptr || data->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) return ERROR_SUCCESS;
  DeviceChange change;
  if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL) {
    change = DeviceChange::Arrival;
  } else if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) {
    change = DeviceChange::Removal;
  } else {
    return ERROR_SUCCESS;
  }
  // The link runs to the end of the event data; never read past `size`.
  const size_t offset = offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink);
  if (size <= offset) return ERROR_SUCCESS;
  const std::string path = Narrow(data->u.DeviceInterface.SymbolicLink, (size - offset) / sizeof(WCHAR));
  Guid category;
  static_assert(sizeof(GUID) == sizeof(Guid), "GUID layout");
  std::memcpy(&category, &data->u.DeviceInterface.ClassGuid, sizeof category);
  registration->callback(change, category, path);
  return ERROR_SUCCESS;
}

}  // namespace

DeviceNotifications::DeviceNotifications() : api_(std::make_unique<Api>()) {
  api_->module = LoadLibraryExW(L"cfgmgr32.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (api_->module == nullptr) return;
  api_->registerNotification = Resolve<PfnRegister>(api_->module, "CM_Register_Notification");
  api_->unregisterNotification = Resolve<PfnUnregister>(api_->module, "CM_Unregister_Notification");
  api_->mapCrToWin32 = Resolve<PfnMapCr>(api_->module, "CM_MapCrToWin32Err");
  if (api_->registerNotification == nullptr || api_->unregisterNotification == nullptr) {
    api_->registerNotification = nullptr;
    api_->unregisterNotification = nullptr;
  }
}

DeviceNotifications::~DeviceNotifications() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : watches_) ids.push_back(entry.first);
  }
  for (uint64_t id : ids) Unwatch(id);
  if (api_->module != nullptr) FreeLibrary(api_->module);
}

bool DeviceNotifications::available() const { return api_->registerNotification != nullptr; }

Status DeviceNotifications::Watch(const std::vector<Guid>& categories, DeviceChangeCallback callback,
                                  uint64_t* watch) {
  if (!available()) return Status::Win32(ERROR_PROC_NOT_FOUND);
  std::vector<std::unique_ptr<Registration>> registrations;
  for (const Guid& category : categories) {
    auto registration = std::make_unique<Registration>();
    registration->category = category;
    registration->callback = callback;
    CM_NOTIFY_FILTER filter{};
    filter.cbSize = sizeof filter;
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    std::memcpy(&filter.u.DeviceInterface.ClassGuid, &category, sizeof category);
    CONFIGRET cr = api_->registerNotification(&filter, registration.get(), OnNotification, &registration->handle);
    if (cr != CR_SUCCESS) {
      for (auto& done : registrations) api_->unregisterNotification(done->handle);
      return Status::Win32(api_->mapCrToWin32 ? api_->mapCrToWin32(cr, ERROR_GEN_FAILURE) : ERROR_GEN_FAILURE);
    }
    registrations.push_back(std::move(registration));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  *watch = ++next_;
  watches_.emplace(*watch, std::move(registrations));
  return Status::Win32(ERROR_SUCCESS);
}

void DeviceNotifications::Unwatch(uint64_t watch) {
  std::vector<std::unique_ptr<Registration>> registrations;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = watches_.find(watch);
    if (it == watches_.end()) return;
    registrations = std::move(it->second);
    watches_.erase(it);
  }
  // CM_Unregister_Notification waits for callbacks in progress, so the
  // contexts can go after it.
  for (auto& registration : registrations) api_->unregisterNotification(registration->handle);
}

}  // namespace ks
