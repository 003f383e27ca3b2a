// ksbridge-server.exe: the user-mode half of the Windows lane's KS bridge.
//
//   ksbridge-server.exe          installs and starts ksbridge.sys (copied to
//                                system32\drivers beforehand), registers every
//                                emulated device as a bridge filter, prints
//                                "ksbridge-server: ready" and serves requests
//   ksbridge-server.exe --stop   tells a running server to stop
//
// On stop it unregisters the devices and closes the control device: the driver
// then fails what clients still have pending with STATUS_DEVICE_NOT_CONNECTED.
#include "bridge_session.h"
#include "shared_device_memory.h"
#include "device_registry.h"

#include <cstdio>
#include <cwchar>
#include <memory>

namespace {

const wchar_t kStopEvent[] = L"KsBridgeServerStop";

bool StartDriver(std::string* error) {
  SC_HANDLE scm = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ALL_ACCESS);
  if (scm == nullptr) {
    *error = "OpenSCManager failed";
    return false;
  }
  SC_HANDLE service = CreateServiceW(scm, KSB_SERVICE_NAME, L"KS bridge (kernel-streaming tests)", SERVICE_ALL_ACCESS,
                                     SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL,
                                     L"C:\\windows\\system32\\drivers\\ksbridge.sys", nullptr, nullptr, nullptr,
                                     nullptr, nullptr);
  if (service == nullptr && GetLastError() == ERROR_SERVICE_EXISTS)
    service = OpenServiceW(scm, KSB_SERVICE_NAME, SERVICE_ALL_ACCESS);
  bool ok = service != nullptr;
  if (!ok) *error = "CreateService failed";
  if (ok && !StartServiceW(service, 0, nullptr) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
    char text[80];
    std::snprintf(text, sizeof text, "StartService failed (error %lu)", GetLastError());
    *error = text;
    ok = false;
  }
  if (service != nullptr) CloseServiceHandle(service);
  CloseServiceHandle(scm);
  return ok;
}

HANDLE OpenControl() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    HANDLE h = CreateFileW(KSB_CONTROL_DOS_NAME, GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                           FILE_FLAG_OVERLAPPED, nullptr);
    if (h != INVALID_HANDLE_VALUE) return h;
    Sleep(50);
  }
  return INVALID_HANDLE_VALUE;
}

DWORD Control(HANDLE h, DWORD code, const void* in, DWORD inLength, void* out, DWORD outLength, DWORD* bytes) {
  HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  OVERLAPPED ov{};
  ov.hEvent = event;
  DWORD err = ERROR_SUCCESS;
  if (!DeviceIoControl(h, code, const_cast<void*>(in), inLength, out, outLength, bytes, &ov)) {
    err = GetLastError();
    if (err == ERROR_IO_PENDING) err = GetOverlappedResult(h, &ov, bytes, TRUE) ? ERROR_SUCCESS : GetLastError();
  }
  CloseHandle(event);
  return err;
}

// The KS categories a device can be listed under (lib/structs/constants.ts' KSCATEGORY).
const ks::Guid kCategories[] = {
    ks::KSCATEGORY_AUDIO,
    ks::KSCATEGORY_RENDER,
    ks::KSCATEGORY_CAPTURE,
    ks::KSCATEGORY_REALTIME,
    ks::KSCATEGORY_VIDEO,
    ks::KSCATEGORY_CLOCK,
    ks::KSCATEGORY_VIDEO_CAMERA,
    // KSCATEGORY_TOPOLOGY, KSCATEGORY_BRIDGE (ks.h)
    ks::Guid{0xDDA54A40, 0x1E4C, 0x11D1, {0xA0, 0x50, 0x40, 0x57, 0x05, 0xC1, 0x00, 0x00}},
    ks::Guid{0x085AFF00, 0x62CE, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}},
};

std::vector<ks::DeviceInterface> EmulatedDevices(ks::Backend& emulator) {
  std::vector<ks::DeviceInterface> devices;
  for (const ks::Guid& category : kCategories) {
    std::vector<ks::DeviceInterface> found;
    emulator.EnumerateInterfaces(category, &found);
    for (const auto& d : found) {
      bool known = false;
      for (const auto& have : devices) known = known || have.path == d.path;
      if (!known) devices.push_back(d);
    }
  }
  return devices;
}

int Serve() {
  HANDLE stop = CreateEventW(nullptr, TRUE, FALSE, kStopEvent);
  std::string error;
  if (!StartDriver(&error)) {
    std::fprintf(stderr, "ksbridge-server: %s\n", error.c_str());
    return 1;
  }
  HANDLE control = OpenControl();
  if (control == INVALID_HANDLE_VALUE) {
    std::fprintf(stderr, "ksbridge-server: cannot open %ls (error %lu)\n", KSB_CONTROL_DOS_NAME, GetLastError());
    return 1;
  }
  DWORD bytes = 0;
  if (DWORD err = Control(control, IOCTL_KSB_REGISTER_SERVER, nullptr, 0, nullptr, 0, &bytes)) {
    std::fprintf(stderr, "ksbridge-server: another server is running (error %lu)\n", err);
    return 1;
  }

  // WaveRT buffers and registers in sections the server can map into its clients.
  ks::bridge::InstallSharedDeviceMemory();
  std::unique_ptr<ks::Backend> emulator = ks::CreateEmulatorBackend();
  std::vector<ks::DeviceInterface> devices = EmulatedDevices(*emulator);
  std::vector<ks::bridge::BridgeDevice> bridged;
  ks::bridge::RemoveBridgeDevices();
  for (uint32_t i = 0; i < devices.size(); ++i) {
    ks::bridge::RegisteredDevice registered;
    if (!ks::bridge::RegisterBridgeDevice(i, devices[i], &registered, &error)) {
      std::fprintf(stderr, "ksbridge-server: registering \"%s\": %s\n", devices[i].friendlyName.c_str(), error.c_str());
      return 1;
    }
    // The device, its \\.\KsBridgeN name (the ksuser replacement reopens it) and each interface path.
    wchar_t name[64];
    std::wstring names;
    std::swprintf(name, 64, L"\\Device\\KsBridge%u", i);
    names += name;
    names.push_back(L'\0');
    std::swprintf(name, 64, L"\\??\\KsBridge%u", i);
    names += name;
    names.push_back(L'\0');
    for (const std::wstring& path : registered.interfacePaths) {
      names += L"\\??\\" + path.substr(4);
      names.push_back(L'\0');
    }
    names.push_back(L'\0');
    std::vector<uint8_t> add(sizeof(KSB_ADD_DEVICE) + names.size() * sizeof(wchar_t));
    KSB_ADD_DEVICE head{i, static_cast<uint32_t>(names.size())};
    std::memcpy(add.data(), &head, sizeof head);
    std::memcpy(add.data() + sizeof head, names.data(), names.size() * sizeof(wchar_t));
    if (DWORD err = Control(control, IOCTL_KSB_ADD_DEVICE, add.data(), static_cast<DWORD>(add.size()), nullptr, 0, &bytes)) {
      std::fprintf(stderr, "ksbridge-server: adding device %u failed (error %lu)\n", i, err);
      return 1;
    }
    bridged.push_back(ks::bridge::BridgeDevice{devices[i].path, registered.interfacePaths});
    std::printf("ksbridge-server: %s -> %ls\n", devices[i].friendlyName.c_str(),
                registered.interfacePaths.empty() ? L"" : registered.interfacePaths[0].c_str());
  }
  std::printf("ksbridge-server: ready, %u devices\n", static_cast<unsigned>(devices.size()));
  std::fflush(stdout);

  int rc = 0;
  {
    ks::bridge::BridgeSession session(control, *emulator, bridged);
    std::vector<uint8_t> buffer(KSB_MAX_MESSAGE);
    HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    for (;;) {
      OVERLAPPED ov{};
      ov.hEvent = event;
      ResetEvent(event);
      DWORD got = 0;
      BOOL ok = DeviceIoControl(control, IOCTL_KSB_NEXT_REQUEST, nullptr, 0, buffer.data(),
                                static_cast<DWORD>(buffer.size()), &got, &ov);
      if (!ok && GetLastError() == ERROR_IO_PENDING) {
        HANDLE waits[2] = {event, stop};
        if (WaitForMultipleObjects(2, waits, FALSE, INFINITE) != WAIT_OBJECT_0) {
          CancelIoEx(control, &ov);
          GetOverlappedResult(control, &ov, &got, TRUE);
          break;
        }
        ok = GetOverlappedResult(control, &ov, &got, FALSE);
      }
      if (!ok) {
        DWORD err = GetLastError();
        // Wine ends the requests of a device whose driver host is gone with STATUS_FILE_DELETED (ERROR_ACCESS_DENIED).
        std::fprintf(stderr, "ksbridge-server: next request failed (error %lu)%s\n", err,
                     err == ERROR_ACCESS_DENIED ? ": the control device is gone, winedevice.exe (ksbridge.sys' host) died"
                                                : "");
        rc = 1;
        break;
      }
      KSB_MESSAGE m;
      if (got < sizeof m) continue;
      std::memcpy(&m, buffer.data(), sizeof m);
      if (sizeof m + uint64_t{m.inputLength} + m.outputLength > got) continue;
      session.Handle(m, buffer.data() + sizeof m);
    }
    CloseHandle(event);
  }
  KSB_DRIVER_STATS stats{};
  if (Control(control, IOCTL_KSB_DRIVER_STATS, nullptr, 0, &stats, sizeof stats, &bytes) == ERROR_SUCCESS)
    std::printf("ksbridge-server: driver completed %llu client requests, took back the memory of %llu\n",
                static_cast<unsigned long long>(stats.completed), static_cast<unsigned long long>(stats.reclaimed));
  ks::bridge::RemoveBridgeDevices();
  CloseHandle(control);
  std::printf("ksbridge-server: stopped\n");
  return rc;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc > 1 && std::wcscmp(argv[1], L"--stop") == 0) {
    HANDLE stop = OpenEventW(EVENT_MODIFY_STATE, FALSE, kStopEvent);
    if (stop == nullptr) return 0;  // none running
    SetEvent(stop);
    CloseHandle(stop);
    return 0;
  }
  return Serve();
}
