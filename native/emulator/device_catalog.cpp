#include "device_catalog.h"

#include <cstring>
#include <mutex>
#include <new>

namespace ks::emu {

namespace {

// A capture device whose second pin allocates frames from on-board memory of
// a fixed size: the external-allocator path of KsCreateDefaultAllocatorEx.
struct DeviceMemory {
  std::mutex mutex;
  EmulatorDeviceMemory counters{256 * 1024, 0, 0, 0, 0, 0};
};

struct DeviceAllocatorContext {
  DeviceMemory* memory;
  uint32_t reservedBytes;
  uint32_t frameSize;
};

uint32_t InitializeDeviceAllocator(void* initialContext, KSALLOCATOR_FRAMING* framing, void** context) {
  auto* memory = static_cast<DeviceMemory*>(initialContext);
  // On-board memory is carved into Frames frames up front, so a count is required.
  if (framing->Frames == 0) return STATUS_INVALID_PARAMETER;
  uint64_t need = uint64_t{framing->Frames} * framing->FrameSize;
  std::lock_guard<std::mutex> lock(memory->mutex);
  auto& c = memory->counters;
  if (need > c.BudgetBytes - c.ReservedBytes) return STATUS_INSUFFICIENT_RESOURCES;
  auto* allocator = new (std::nothrow) DeviceAllocatorContext{memory, static_cast<uint32_t>(need), framing->FrameSize};
  if (allocator == nullptr) return STATUS_INSUFFICIENT_RESOURCES;
  c.ReservedBytes += allocator->reservedBytes;
  c.InitializeCalls++;
  c.LiveAllocators++;
  *context = allocator;
  return STATUS_SUCCESS;
}

void* AllocateDeviceFrame(void* context) {
  auto* allocator = static_cast<DeviceAllocatorContext*>(context);
  void* frame = new (std::nothrow) uint8_t[allocator->frameSize];
  if (frame != nullptr) {
    std::lock_guard<std::mutex> lock(allocator->memory->mutex);
    allocator->memory->counters.FramesInUse++;
  }
  return frame;
}

void FreeDeviceFrame(void* context, void* frame) {
  auto* allocator = static_cast<DeviceAllocatorContext*>(context);
  delete[] static_cast<uint8_t*>(frame);
  std::lock_guard<std::mutex> lock(allocator->memory->mutex);
  allocator->memory->counters.FramesInUse--;
}

void DeleteDeviceAllocator(void* context) {
  auto* allocator = static_cast<DeviceAllocatorContext*>(context);
  {
    std::lock_guard<std::mutex> lock(allocator->memory->mutex);
    auto& c = allocator->memory->counters;
    c.ReservedBytes -= allocator->reservedBytes;
    c.DeleteCalls++;
    c.LiveAllocators--;
  }
  delete allocator;
}

std::vector<uint8_t> PcmRange(uint32_t maxChannels, uint32_t minBits, uint32_t maxBits, uint32_t minRate,
                              uint32_t maxRate) {
  std::vector<uint8_t> range(88, 0);
  KSDATARANGE head{};
  head.FormatSize = 88;
  head.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  head.SubFormat = KSDATAFORMAT_SUBTYPE_PCM;
  head.Specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
  std::memcpy(range.data(), &head, sizeof head);
  uint32_t limits[5] = {maxChannels, minBits, maxBits, minRate, maxRate};
  std::memcpy(range.data() + sizeof head, limits, sizeof limits);
  return range;
}

VirtualDevice AudioCaptureDevice() {
  auto memory = std::make_shared<DeviceMemory>();
  auto descriptor = std::make_shared<FilterDescriptor>();

  PinDescriptor capture;
  capture.name = "Capture";
  capture.dataFlow = KSPIN_DATAFLOW_OUT;
  capture.communication = KSPIN_COMMUNICATION_SINK;
  capture.category = PINNAME_CAPTURE;
  capture.possibleInstances = 1;
  capture.dataRanges.push_back(PcmRange(2, 16, 24, 8000, 48000));
  // 10 ms of 48 kHz stereo 16-bit per frame; real drivers mark their answer
  // PREFERENCES_ONLY, which must be cleared before creating an allocator.
  capture.framing = KSALLOCATOR_FRAMING{
      KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY | KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY, NonPagedPool, 8, 1920,
      FILE_LONG_ALIGNMENT, 0};
  descriptor->pins.push_back(capture);

  PinDescriptor onboard;
  onboard.name = "Capture (device memory)";
  onboard.dataFlow = KSPIN_DATAFLOW_OUT;
  onboard.communication = KSPIN_COMMUNICATION_SINK;
  onboard.category = PINNAME_CAPTURE;
  onboard.possibleInstances = 1;
  onboard.dataRanges.push_back(PcmRange(8, 16, 32, 44100, 192000));
  onboard.framing = KSALLOCATOR_FRAMING{
      KSALLOCATOR_REQUIREMENTF_MUST_ALLOCATE | KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY, NonPagedPool, 4, 16384,
      FILE_QUAD_ALIGNMENT, 0};
  onboard.hasExternalAllocator = true;
  onboard.external = ExternalAllocator{memory.get(), AllocateDeviceFrame, FreeDeviceFrame, InitializeDeviceAllocator,
                                       DeleteDeviceAllocator};
  descriptor->pins.push_back(onboard);

  DeviceMemory* raw = memory.get();
  descriptor->filterProperties.push_back(PropertyItem{
      KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_DEVICE_MEMORY, sizeof(KSPROPERTY),
      sizeof(EmulatorDeviceMemory),
      [raw](Request& r) {
        EmulatorDeviceMemory copy;
        {
          std::lock_guard<std::mutex> lock(raw->mutex);
          copy = raw->counters;
        }
        return ReturnValue(r, &copy, sizeof copy);
      },
      nullptr});

  VirtualDevice device;
  device.info.path = "\\\\?\\ROOT#KSEMULATOR#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\capture";
  device.info.friendlyName = "KS Emulator Audio Capture";
  device.info.instanceId = "ROOT\\KSEMULATOR\\0000";
  device.info.categories = {KSCATEGORY_AUDIO, KSCATEGORY_CAPTURE};
  device.descriptor = descriptor;
  device.state = memory;
  return device;
}

}  // namespace

std::vector<VirtualDevice> BuildDeviceCatalog() {
  std::vector<VirtualDevice> devices;
  devices.push_back(AudioCaptureDevice());
  return devices;
}

}  // namespace ks::emu
