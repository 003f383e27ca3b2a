// The bridge's filters as Windows finds real KS devices: a device instance
// ROOT\KSBRIDGE\NNNN per emulated device, one device interface per KS
// category, registered with SetupAPI, and the driver's symbolic link under
// each interface's exact name, so SetupDiGetClassDevs + CreateFile reach it.
#pragma once

#include "../../ks_backend.h"

#include <string>
#include <vector>

namespace ks::bridge {

struct RegisteredDevice {
  std::vector<std::wstring> interfacePaths;  // \\?\root#ksbridge#nnnn#{category}, one per category
};

// Removes every ROOT\KSBRIDGE device (a previous run's, or this one's at exit).
void RemoveBridgeDevices();

// Registers device `index` with its friendly name and categories; returns false
// and a message when SetupAPI refuses.
bool RegisterBridgeDevice(uint32_t index, const DeviceInterface& device, RegisteredDevice* out, std::string* error);

}  // namespace ks::bridge
