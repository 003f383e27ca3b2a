// The emulator's virtual devices. Each emulator backend (one per Node
// environment) builds its own catalogue, so device state such as the external
// allocator's device memory is never shared between environments.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "virtual_filter.h"

namespace ks::emu {

struct VirtualDevice {
  DeviceInterface info;
  std::shared_ptr<const FilterDescriptor> descriptor;
  std::shared_ptr<void> state;  // what the descriptor's callbacks point into
};

std::vector<VirtualDevice> BuildDeviceCatalog();

// mode_aware_microphone.cpp: ranges with signal-processing-mode attribute lists.
VirtualDevice ModeAwareMicrophoneDevice();

// A KSDATARANGE_AUDIO for PCM (88 bytes); `flags` is KSDATARANGE.Flags (KSDATARANGE_ATTRIBUTES when an attribute
// list follows the range).
std::vector<uint8_t> PcmRange(uint32_t maxChannels, uint32_t minBits, uint32_t maxBits, uint32_t minRate,
                              uint32_t maxRate, uint32_t flags = 0);

// KSPROPSETID_EmulatorDiagnostics is declared in emu_object.h.
constexpr uint32_t KSPROPERTY_EMULATOR_DEVICE_MEMORY = 0;
// On a filter whose device can be not ready after plug-in (the camera): GET/SET
// ULONG milliseconds during which pin creates fail with STATUS_DEVICE_NOT_READY
// after the device next arrives (ids 1–3 are pin properties, pin_stream.h).
constexpr uint32_t KSPROPERTY_EMULATOR_NOT_READY_AFTER_PLUG = 6;

// The reply to KSPROPERTY_EMULATOR_DEVICE_MEMORY.
struct EmulatorDeviceMemory {
  uint32_t BudgetBytes;
  uint32_t ReservedBytes;
  uint32_t InitializeCalls;
  uint32_t DeleteCalls;
  uint32_t LiveAllocators;
  uint32_t FramesInUse;
};
static_assert(sizeof(EmulatorDeviceMemory) == 24, "EmulatorDeviceMemory");

}  // namespace ks::emu
