// What only the emulator can do: add virtual devices defined at run time,
// plug and unplug devices, and raise a device's events, so that programs can
// rehearse what real hardware does to them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../ks_backend.h"

namespace ks::emu {

struct FilterDescriptor;

class EmulatorControl {
 public:
  virtual ~EmulatorControl() = default;

  // Adds a device built from `descriptor` and plugs it in; returns its
  // device interface path.
  virtual std::string AddDevice(const std::string& friendlyName, const std::vector<Guid>& categories,
                                std::shared_ptr<const FilterDescriptor> descriptor) = 0;

  // Plugs a device in or pulls it out (built-in or added). A device pulled
  // out is no longer enumerated or opened; the handles open on it have their
  // pending requests cancelled and fail every later request with
  // STATUS_DEVICE_REMOVED, also after the device comes back (as handles to a
  // surprise-removed device do). Watchers hear of each change.
  virtual Status SetPresent(const std::string& path, bool present) = 0;

  // Pulls out and forgets a device added with AddDevice.
  virtual Status RemoveDevice(const std::string& path) = 0;

  // Generates (set, id) on every handle open on the device that enabled it.
  virtual Status GenerateEvent(const std::string& path, const Guid& set, uint32_t id) = 0;

  // Whether the backend reports statuses as the Windows backend meets them --
  // Win32 error codes from DeviceIoControl and KsCreatePin & co
  // (win32_statuses.h) -- instead of the NTSTATUS the driver answered with.
  // From the next request on; default off.
  virtual void ReportWin32Statuses(bool on) = 0;
};

}  // namespace ks::emu
