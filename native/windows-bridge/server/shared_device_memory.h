// The emulator's device memory (native/emulator/device_memory.h) as
// file-mapping sections, so the server can map a WaveRT buffer and its
// registers into the client process the way portcls maps a miniport's DMA
// buffer into the caller's address space: the client reads and writes the
// very pages the modelled DMA engine uses, nothing is copied, and the
// emulator's glitch rules (markers the DMA leaves in what it fetched) hold
// through the bridge exactly as in process.
#pragma once

// WIN32_LEAN_AND_MEAN and NOMINMAX come from the server's build (native/windows-bridge/CMakeLists.txt).
#include <windows.h>

#include <cstdint>
#include <map>
#include <mutex>

namespace ks::bridge {

// Makes every later device-memory block of the emulator a section (call once, before devices are used).
void InstallSharedDeviceMemory();

// One client process's views of device-memory blocks, unmapped when this goes
// (the pin that asked for them closed, as portcls unmaps a stream's buffer).
class ClientViews {
 public:
  explicit ClientViews(HANDLE process) : process_(process) {}
  ~ClientViews();
  ClientViews(const ClientViews&) = delete;
  ClientViews& operator=(const ClientViews&) = delete;

  // The client's address of the server's `address` inside a device-memory
  // block, mapping that block's section into the client on first use; 0 when
  // `address` is in no block or the mapping fails.
  uint64_t ClientAddress(uint64_t address);

 private:
  HANDLE process_;  // the File's; outlives this
  std::mutex mutex_;
  std::map<uint64_t, uintptr_t> views_;  // block id -> the view's base in the client
};

}  // namespace ks::bridge
