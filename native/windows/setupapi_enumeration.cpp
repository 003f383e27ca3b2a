// SetupAPI enumeration of KS device interfaces (setupapi_enumeration.h).
// The project's headers come first: winnt.h defines STATUS_* as macros, which
// would mangle ks_status.h's constants of the same names.
#include "setupapi_enumeration.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <setupapi.h>

#include <cctype>
#include <cstring>
#include <iterator>
#include <set>
#include <string>

#include "wide_text.h"

namespace ks {
namespace {

static_assert(sizeof(GUID) == sizeof(Guid), "GUID layout");
GUID ToGUID(const Guid& g) {
  GUID out;
  std::memcpy(&out, &g, sizeof out);
  return out;
}

class DevInfoList {
 public:
  explicit DevInfoList(HDEVINFO h) : h_(h) {}
  ~DevInfoList() {
    if (h_ != INVALID_HANDLE_VALUE) SetupDiDestroyDeviceInfoList(h_);
  }
  DevInfoList(const DevInfoList&) = delete;
  DevInfoList& operator=(const DevInfoList&) = delete;
  HDEVINFO get() const { return h_; }

 private:
  HDEVINFO h_;
};

class RegKey {
 public:
  explicit RegKey(HKEY h) : h_(h) {}
  ~RegKey() {
    if (h_ != nullptr && h_ != INVALID_HANDLE_VALUE) RegCloseKey(h_);
  }
  RegKey(const RegKey&) = delete;
  RegKey& operator=(const RegKey&) = delete;
  HKEY get() const { return h_; }

 private:
  HKEY h_;
};

// A REG_SZ value, or "" when absent or of another type.
std::string ReadRegString(HKEY key, const wchar_t* name) {
  DWORD type = 0;
  DWORD bytes = 0;
  if (RegQueryValueExW(key, name, nullptr, &type, nullptr, &bytes) != ERROR_SUCCESS || type != REG_SZ || bytes == 0)
    return std::string();
  // One extra zeroed character: registry strings need not be NUL-terminated.
  std::vector<wchar_t> buf(bytes / sizeof(wchar_t) + 1, L'\0');
  DWORD got = bytes;
  if (RegQueryValueExW(key, name, nullptr, &type, reinterpret_cast<BYTE*>(buf.data()), &got) != ERROR_SUCCESS ||
      type != REG_SZ)
    return std::string();
  return Narrow(buf.data(), std::min<size_t>(got / sizeof(wchar_t), buf.size()));
}

std::string ReadDeviceStringProperty(HDEVINFO devs, SP_DEVINFO_DATA* dev, DWORD property) {
  DWORD type = 0;
  DWORD needed = 0;
  SetupDiGetDeviceRegistryPropertyW(devs, dev, property, &type, nullptr, 0, &needed);
  if (needed == 0) return std::string();
  std::vector<wchar_t> buf(needed / sizeof(wchar_t) + 1, L'\0');
  if (!SetupDiGetDeviceRegistryPropertyW(devs, dev, property, &type, reinterpret_cast<BYTE*>(buf.data()),
                                         static_cast<DWORD>((buf.size() - 1) * sizeof(wchar_t)), nullptr) ||
      type != REG_SZ)
    return std::string();
  return Narrow(buf.data(), buf.size());
}

// Categories reported as aliases of an enumerated interface, in this order.
const Guid kAliasCategories[] = {
    KSCATEGORY_AUDIO,
    KSCATEGORY_RENDER,
    KSCATEGORY_CAPTURE,
    KSCATEGORY_REALTIME,
    KSCATEGORY_VIDEO,
    // KSCATEGORY_TOPOLOGY, KSCATEGORY_BRIDGE, KSCATEGORY_VIDEO_CAMERA (ks.h / ksmedia.h)
    Guid{0xDDA54A40, 0x1E4C, 0x11D1, {0xA0, 0x50, 0x40, 0x57, 0x05, 0xC1, 0x00, 0x00}},
    Guid{0x085AFF00, 0x62CE, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}},
    Guid{0xE5323777, 0xF976, 0x4F5B, {0x9B, 0x55, 0xB9, 0x46, 0x99, 0xC4, 0x6E, 0x44}},
};

// An interface's aliases are the interfaces of the same device with the same
// reference string in other classes (SetupDiGetDeviceInterfaceAlias, WDK); the
// symbolic link is "\\?\<instance id, '\\' as '#'>#{class}[\\<reference string>]",
// so the link without its class names the interface and all its aliases.
// SetupDiGetDeviceInterfaceAlias itself is not called: Wine does not implement
// it (calling it aborts the process), and this gives the same answer.
std::string AliasKey(const std::string& path) {
  std::string lower(path);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t open = lower.rfind("#{");
  if (open == std::string::npos) return std::string();
  const size_t close = lower.find('}', open);
  if (close == std::string::npos || close - open != 38) return std::string();
  return lower.substr(0, open) + lower.substr(close + 1);
}

struct AliasKeys {
  bool loaded = false;
  std::set<std::string> keys;
};

// The alias keys of every present interface of `category`.
AliasKeys InterfaceKeys(const Guid& category) {
  AliasKeys result;
  result.loaded = true;
  GUID cat = ToGUID(category);
  DevInfoList devs(SetupDiGetClassDevsW(&cat, nullptr, nullptr, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE));
  if (devs.get() == INVALID_HANDLE_VALUE) return result;
  for (DWORD index = 0;; ++index) {
    SP_DEVICE_INTERFACE_DATA iface{};
    iface.cbSize = sizeof iface;
    if (!SetupDiEnumDeviceInterfaces(devs.get(), nullptr, &cat, index, &iface)) break;
    DWORD needed = 0;
    SetupDiGetDeviceInterfaceDetailW(devs.get(), &iface, nullptr, 0, &needed, nullptr);
    if (needed < sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W)) continue;
    std::vector<uint64_t> detailBuf((needed + sizeof(uint64_t) - 1) / sizeof(uint64_t));
    auto* detail = reinterpret_cast<SP_DEVICE_INTERFACE_DETAIL_DATA_W*>(detailBuf.data());
    detail->cbSize = sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W);
    if (!SetupDiGetDeviceInterfaceDetailW(devs.get(), &iface, detail, needed, nullptr, nullptr)) continue;
    const size_t chars = (needed - offsetof(SP_DEVICE_INTERFACE_DETAIL_DATA_W, DevicePath)) / sizeof(wchar_t);
    std::string key = AliasKey(Narrow(detail->DevicePath, chars));
    if (!key.empty()) result.keys.insert(std::move(key));
  }
  return result;
}

}  // namespace

Status EnumerateKsInterfaces(const Guid& category, std::vector<DeviceInterface>* out) {
  out->clear();
  GUID cat = ToGUID(category);
  DevInfoList devs(SetupDiGetClassDevsW(&cat, nullptr, nullptr, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE));
  if (devs.get() == INVALID_HANDLE_VALUE) return Status::Win32(GetLastError());

  AliasKeys aliasKeys[std::size(kAliasCategories)];
  for (DWORD index = 0;; ++index) {
    SP_DEVICE_INTERFACE_DATA iface{};
    iface.cbSize = sizeof iface;
    if (!SetupDiEnumDeviceInterfaces(devs.get(), nullptr, &cat, index, &iface)) {
      const DWORD err = GetLastError();
      if (err == ERROR_NO_MORE_ITEMS) break;
      return Status::Win32(err);
    }

    // Path: size query, then the detail, which also yields the device.
    DWORD needed = 0;
    SetupDiGetDeviceInterfaceDetailW(devs.get(), &iface, nullptr, 0, &needed, nullptr);
    if (needed < sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W)) continue;  // no path: nothing to open
    std::vector<uint64_t> detailBuf((needed + sizeof(uint64_t) - 1) / sizeof(uint64_t));
    auto* detail = reinterpret_cast<SP_DEVICE_INTERFACE_DETAIL_DATA_W*>(detailBuf.data());
    detail->cbSize = sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W);
    SP_DEVINFO_DATA dev{};
    dev.cbSize = sizeof dev;
    if (!SetupDiGetDeviceInterfaceDetailW(devs.get(), &iface, detail, needed, nullptr, &dev)) continue;

    DeviceInterface di;
    const size_t pathChars = (needed - offsetof(SP_DEVICE_INTERFACE_DETAIL_DATA_W, DevicePath)) / sizeof(wchar_t);
    di.path = Narrow(detail->DevicePath, pathChars);
    if (di.path.empty()) continue;

    // Friendly name: the interface's own key first, then the device's.
    {
      RegKey key(SetupDiOpenDeviceInterfaceRegKey(devs.get(), &iface, 0, KEY_READ));
      if (key.get() != INVALID_HANDLE_VALUE && key.get() != nullptr) di.friendlyName = ReadRegString(key.get(), L"FriendlyName");
    }
    if (di.friendlyName.empty()) di.friendlyName = ReadDeviceStringProperty(devs.get(), &dev, SPDRP_FRIENDLYNAME);
    if (di.friendlyName.empty()) di.friendlyName = ReadDeviceStringProperty(devs.get(), &dev, SPDRP_DEVICEDESC);

    DWORD idChars = 0;
    SetupDiGetDeviceInstanceIdW(devs.get(), &dev, nullptr, 0, &idChars);
    if (idChars > 0) {
      std::vector<wchar_t> id(idChars + 1, L'\0');
      if (SetupDiGetDeviceInstanceIdW(devs.get(), &dev, id.data(), idChars, nullptr))
        di.instanceId = Narrow(id.data(), id.size());
    }

    di.categories.push_back(category);
    const std::string key = AliasKey(di.path);
    for (size_t a = 0; a < std::size(kAliasCategories); ++a) {
      const Guid& alias = kAliasCategories[a];
      if (alias == category || key.empty()) continue;
      if (!aliasKeys[a].loaded) aliasKeys[a] = InterfaceKeys(alias);
      if (aliasKeys[a].keys.count(key) != 0) di.categories.push_back(alias);
    }
    out->push_back(std::move(di));
  }
  return Status::Win32(ERROR_SUCCESS);
}

}  // namespace ks
