// Memory a modelled device shares with its client: a WaveRT cyclic buffer and
// its position and clock registers. A WaveRT miniport allocates the buffer for
// DMA and portcls maps those pages into the client's address space (the
// KSRTAUDIO_BUFFER's BufferAddress and KSRTAUDIO_HWREGISTER's Register are
// user-mode addresses of the same physical pages the hardware uses;
// Microsoft's "WaveRT Port Driver" and KSPROPERTY_RTAUDIO_BUFFER pages).
//
// In process, the client reads the emulator's memory where it lies, so the
// default provider is the heap. The Windows bridge's server
// (native/windows-bridge/server/shared_device_memory.cpp) installs one whose
// blocks are file-mapping sections, so it can map the same pages into the
// client process as portcls does, instead of copying.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace ks::emu {

// A zeroed block of at least the size asked for, 64-byte aligned; freed with its last owner.
using DeviceMemory = std::shared_ptr<uint8_t>;
using DeviceMemoryProvider = std::function<DeviceMemory(size_t bytes)>;

// Process-wide; set before any device allocates (a null provider restores the heap).
void SetDeviceMemoryProvider(DeviceMemoryProvider provider);

DeviceMemory AllocateDeviceMemory(size_t bytes);

}  // namespace ks::emu
