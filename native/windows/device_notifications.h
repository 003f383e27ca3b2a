// Device interface arrival and removal on Windows: CM_Register_Notification
// (cfgmgr32.dll, Windows 8 and later), one registration per watched
// interface class. Resolved at run time, so the addon still loads where the
// function is missing (Windows 7, some Wine builds): watching then fails
// with ERROR_PROC_NOT_FOUND.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "../ks_backend.h"

namespace ks {

class DeviceNotifications {
 public:
  DeviceNotifications();
  ~DeviceNotifications();
  DeviceNotifications(const DeviceNotifications&) = delete;
  DeviceNotifications& operator=(const DeviceNotifications&) = delete;

  // Whether CM_Register_Notification was found.
  bool available() const;
  Status Watch(const std::vector<Guid>& categories, DeviceChangeCallback callback, uint64_t* watch);
  // Returns once no callback of the watch runs any more.
  void Unwatch(uint64_t watch);

  struct Registration;

 private:
  struct Api;
  std::unique_ptr<Api> api_;
  std::mutex mutex_;
  std::unordered_map<uint64_t, std::vector<std::unique_ptr<Registration>>> watches_;
  uint64_t next_ = 0;
};

}  // namespace ks
