// KSPROPERTY_PIN_PHYSICALCONNECTION names the connected filter by its symbolic
// link (\??\...). The emulator answers with its own device paths; a client of
// the bridge must get the bridge's interface for that device instead, the path
// it can open and that listDevices() lists.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ks::bridge {

struct BridgeDevice {
  std::string emulatorPath;                 // \\?\ROOT#KSEMULATOR#...
  std::vector<std::wstring> interfacePaths; // \\?\root#ksbridge#nnnn#{category}
};

// The bridge link for an emulator link ("\??\ROOT#KSEMULATOR#0000#{c}\capture" ->
// "\??\root#ksbridge#0000#{c}", the interface of the same category where the
// device has one); empty when the link names no bridged device.
std::u16string BridgeLinkFor(const std::u16string& emulatorLink, const std::vector<BridgeDevice>& devices);

}  // namespace ks::bridge
