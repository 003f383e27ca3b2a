// SetupAPI registration of the bridge's filters (device_registry.h).
//
// Wine's setupapi (dlls/setupapi/devinst.c) lists an interface under
// DIGCF_PRESENT when the value Control\Linked of its reference-string key is a
// non-zero DWORD; on Windows IoSetDeviceInterfaceState writes it, which needs a
// PnP device object the bridge does not have, so the server writes it itself.
// Interfaces get no reference string: Wine opens no names below a device.
#include "device_registry.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <setupapi.h>

#include <cstdio>
#include <cstring>

namespace ks::bridge {
namespace {

// GUID_DEVCLASS_MEDIA, the setup class of audio and video devices.
const GUID kMediaClass = {0x4d36e96c, 0xe325, 0x11ce, {0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18}};
const wchar_t kEnumerator[] = L"ROOT\\KSBRIDGE";

std::wstring Wide(const std::string& s) {
  if (s.empty()) return std::wstring();
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(n, L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), &w[0], n);
  return w;
}

std::wstring GuidText(const GUID& g) {
  wchar_t text[40];
  swprintf(text, 40, L"{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", static_cast<unsigned>(g.Data1), g.Data2,
           g.Data3, g.Data4[0], g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
  return text;
}

std::string Message(const char* what) {
  char text[160];
  std::snprintf(text, sizeof text, "%s failed (error %lu)", what, GetLastError());
  return text;
}

// Control\Linked = 1 under DeviceClasses\{class}\##?#<instance>#{class}\#.
bool SetLinked(const GUID& category, const std::wstring& path, DWORD linked) {
  if (path.size() < 4) return false;
  std::wstring key = L"SYSTEM\\CurrentControlSet\\Control\\DeviceClasses\\" + GuidText(category) + L"\\##?#" +
                     path.substr(4) + L"\\#\\Control";
  HKEY h;
  if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key.c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, &h, nullptr) != ERROR_SUCCESS)
    return false;
  LONG rc = RegSetValueExW(h, L"Linked", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&linked), sizeof linked);
  RegCloseKey(h);
  return rc == ERROR_SUCCESS;
}

}  // namespace

void RemoveBridgeDevices() {
  HDEVINFO set = SetupDiGetClassDevsW(nullptr, kEnumerator, nullptr, DIGCF_ALLCLASSES);
  if (set == INVALID_HANDLE_VALUE) return;
  SP_DEVINFO_DATA dev{};
  dev.cbSize = sizeof dev;
  for (DWORD i = 0; SetupDiEnumDeviceInfo(set, i, &dev); ++i) SetupDiRemoveDevice(set, &dev);
  SetupDiDestroyDeviceInfoList(set);
}

bool RegisterBridgeDevice(uint32_t index, const DeviceInterface& device, RegisteredDevice* out, std::string* error) {
  HDEVINFO set = SetupDiCreateDeviceInfoList(&kMediaClass, nullptr);
  if (set == INVALID_HANDLE_VALUE) {
    *error = Message("SetupDiCreateDeviceInfoList");
    return false;
  }
  wchar_t instance[64];
  swprintf(instance, 64, L"%ls\\%04u", kEnumerator, index);
  const std::wstring name = Wide(device.friendlyName);
  SP_DEVINFO_DATA dev{};
  dev.cbSize = sizeof dev;
  bool ok = SetupDiCreateDeviceInfoW(set, instance, &kMediaClass, name.c_str(), nullptr, 0, &dev) ||
            SetupDiOpenDeviceInfoW(set, instance, nullptr, 0, &dev);
  if (!ok) *error = Message("SetupDiCreateDeviceInfoW");
  if (ok && !SetupDiRegisterDeviceInfo(set, &dev, 0, nullptr, nullptr, nullptr)) {
    ok = false;
    *error = Message("SetupDiRegisterDeviceInfo");
  }
  if (ok) {
    SetupDiSetDeviceRegistryPropertyW(set, &dev, SPDRP_FRIENDLYNAME, reinterpret_cast<const BYTE*>(name.c_str()),
                                      static_cast<DWORD>((name.size() + 1) * sizeof(wchar_t)));
  }
  for (size_t c = 0; ok && c < device.categories.size(); ++c) {
    GUID category;
    static_assert(sizeof category == sizeof device.categories[c], "GUID layout");
    std::memcpy(&category, &device.categories[c], sizeof category);
    SP_DEVICE_INTERFACE_DATA iface{};
    iface.cbSize = sizeof iface;
    if (!SetupDiCreateDeviceInterfaceW(set, &dev, &category, nullptr, 0, &iface)) {
      ok = false;
      *error = Message("SetupDiCreateDeviceInterfaceW");
      break;
    }
    DWORD needed = 0;
    SetupDiGetDeviceInterfaceDetailW(set, &iface, nullptr, 0, &needed, nullptr);
    std::vector<uint64_t> buffer(needed / 8 + 2);
    auto* detail = reinterpret_cast<SP_DEVICE_INTERFACE_DETAIL_DATA_W*>(buffer.data());
    detail->cbSize = sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W);
    if (needed == 0 || !SetupDiGetDeviceInterfaceDetailW(set, &iface, detail, needed, nullptr, nullptr)) {
      ok = false;
      *error = Message("SetupDiGetDeviceInterfaceDetailW");
      break;
    }
    std::wstring path = detail->DevicePath;
    HKEY key = SetupDiCreateDeviceInterfaceRegKeyW(set, &iface, 0, KEY_SET_VALUE, nullptr, nullptr);
    if (key != INVALID_HANDLE_VALUE) {
      RegSetValueExW(key, L"FriendlyName", 0, REG_SZ, reinterpret_cast<const BYTE*>(name.c_str()),
                     static_cast<DWORD>((name.size() + 1) * sizeof(wchar_t)));
      RegCloseKey(key);
    }
    if (!SetLinked(category, path, 1)) {
      ok = false;
      *error = Message("setting Control\\Linked");
      break;
    }
    out->interfacePaths.push_back(path);
  }
  SetupDiDestroyDeviceInfoList(set);
  return ok;
}

}  // namespace ks::bridge
