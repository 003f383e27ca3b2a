#include "shared_device_memory.h"

#include "emulator/device_memory.h"

#include <memory>

namespace ks::bridge {
namespace {

// NtMapViewOfSection / NtUnmapViewOfSection: the documented way to map a
// section into another process (MapViewOfFile2 wraps the first; Wine 8.0
// serves both through an APC to the target process).
using NtMapViewOfSectionFn = LONG(NTAPI*)(HANDLE section, HANDLE process, PVOID* base, ULONG_PTR zeroBits,
                                          SIZE_T commitSize, PLARGE_INTEGER offset, PSIZE_T viewSize,
                                          DWORD inheritDisposition, ULONG allocationType, ULONG protect);
using NtUnmapViewOfSectionFn = LONG(NTAPI*)(HANDLE process, PVOID base);
constexpr DWORD kViewUnmap = 2;  // SECTION_INHERIT ViewUnmap: the view is not inherited by child processes

NtMapViewOfSectionFn MapView() {
  static auto fn = reinterpret_cast<NtMapViewOfSectionFn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtMapViewOfSection")));
  return fn;
}
NtUnmapViewOfSectionFn UnmapView() {
  static auto fn = reinterpret_cast<NtUnmapViewOfSectionFn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtUnmapViewOfSection")));
  return fn;
}

struct Block {
  uint64_t id;
  size_t size;
  HANDLE section;
};

std::mutex& BlocksMutex() {
  static std::mutex m;
  return m;
}
std::map<uintptr_t, Block>& Blocks() {  // by the server view's base
  static std::map<uintptr_t, Block> blocks;
  return blocks;
}

emu::DeviceMemory AllocateSection(size_t bytes) {
  const uint64_t size = bytes;
  HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, static_cast<DWORD>(size >> 32),
                                      static_cast<DWORD>(size), nullptr);
  if (section == nullptr) throw std::bad_alloc();
  // Page-aligned and zero-filled, as device_memory.h promises.
  auto* view = static_cast<uint8_t*>(MapViewOfFile(section, FILE_MAP_ALL_ACCESS, 0, 0, bytes));
  if (view == nullptr) {
    CloseHandle(section);
    throw std::bad_alloc();
  }
  static uint64_t nextId = 0;
  {
    std::lock_guard<std::mutex> lock(BlocksMutex());
    Blocks()[reinterpret_cast<uintptr_t>(view)] = Block{++nextId, bytes, section};
  }
  return emu::DeviceMemory(view, [](uint8_t* p) {
    HANDLE section = nullptr;
    {
      std::lock_guard<std::mutex> lock(BlocksMutex());
      auto it = Blocks().find(reinterpret_cast<uintptr_t>(p));
      if (it != Blocks().end()) {
        section = it->second.section;
        Blocks().erase(it);
      }
    }
    UnmapViewOfFile(p);
    // A client's view keeps the section object alive until the client unmaps it.
    if (section != nullptr) CloseHandle(section);
  });
}

}  // namespace

void InstallSharedDeviceMemory() { emu::SetDeviceMemoryProvider(AllocateSection); }

ClientViews::~ClientViews() {
  if (UnmapView() == nullptr) return;
  for (const auto& view : views_) UnmapView()(process_, reinterpret_cast<PVOID>(view.second));
}

uint64_t ClientViews::ClientAddress(uint64_t address) {
  if (process_ == nullptr || MapView() == nullptr) return 0;
  const auto at = static_cast<uintptr_t>(address);
  Block block{};
  uintptr_t base = 0;
  {
    std::lock_guard<std::mutex> lock(BlocksMutex());
    auto it = Blocks().upper_bound(at);
    if (it == Blocks().begin()) return 0;
    --it;
    if (at >= it->first + it->second.size) return 0;
    block = it->second;
    base = it->first;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto known = views_.find(block.id);
  if (known == views_.end()) {
    PVOID clientBase = nullptr;
    SIZE_T viewSize = 0;  // the whole section
    const LONG status = MapView()(block.section, process_, &clientBase, 0, 0, nullptr, &viewSize, kViewUnmap, 0,
                                  PAGE_READWRITE);
    if (status < 0 || clientBase == nullptr) return 0;
    known = views_.emplace(block.id, reinterpret_cast<uintptr_t>(clientBase)).first;
  }
  return static_cast<uint64_t>(known->second + (at - base));
}

}  // namespace ks::bridge
