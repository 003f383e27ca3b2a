#include "device_memory.h"

#include <mutex>

namespace ks::emu {
namespace {

constexpr size_t kAlignment = 64;

std::mutex& ProviderMutex() {
  static std::mutex m;
  return m;
}

DeviceMemoryProvider& Provider() {
  static DeviceMemoryProvider provider;
  return provider;
}

DeviceMemory FromHeap(size_t bytes) {
  // Over-allocated and aligned by hand: the block keeps the start it came from.
  auto* raw = new uint8_t[bytes + kAlignment]();
  const auto base = reinterpret_cast<uintptr_t>(raw);
  uint8_t* aligned = raw + (kAlignment - base % kAlignment) % kAlignment;
  return DeviceMemory(aligned, [raw](uint8_t*) { delete[] raw; });
}

}  // namespace

void SetDeviceMemoryProvider(DeviceMemoryProvider provider) {
  std::lock_guard<std::mutex> lock(ProviderMutex());
  Provider() = std::move(provider);
}

DeviceMemory AllocateDeviceMemory(size_t bytes) {
  DeviceMemoryProvider provider;
  {
    std::lock_guard<std::mutex> lock(ProviderMutex());
    provider = Provider();
  }
  if (bytes == 0) bytes = 1;
  return provider ? provider(bytes) : FromHeap(bytes);
}

}  // namespace ks::emu
