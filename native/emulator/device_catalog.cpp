#include "device_catalog.h"

#include "audio_node_controls.h"
#include "wavert_devices.h"
#include "../ks_frame_info.h"
#include "camera_controls.h"

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


// A model of a portcls WaveCyclic capture filter (an HD Audio or onboard codec
// driven through standard streaming): its pins answer the legacy
// KSPROPERTY_CONNECTION_ALLOCATORFRAMING, as WaveCyclic pins do ("framing size
// query only valid for WaveCyclic", PortAudio's pa_win_wdmks.c), and take
// plain 56-byte KSSTREAM_HEADERs.
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

template <typename T>
std::vector<uint8_t> Bytes(const T& value) {
  std::vector<uint8_t> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

std::u16string Utf16(const std::string& ascii) { return std::u16string(ascii.begin(), ascii.end()); }

// The KSALLOCATOR_FRAMING_EX a pin reports: one framing item.
std::vector<uint8_t> FramingEx(uint32_t frames, uint32_t minFrame, uint32_t maxFrame, uint32_t alignment,
                               uint32_t flags) {
  KSALLOCATOR_FRAMING_EX framing{};
  framing.CountItems = 1;
  framing.PinFlags = 0;
  framing.OutputCompression = KS_COMPRESSION{1, 1, 0};  // output frames as large as input frames
  framing.PinWeight = 0;
  KS_FRAMING_ITEM& item = framing.FramingItem[0];
  item.MemoryType = kNullGuid;  // KSMEMORY_TYPE_DONT_CARE
  item.BusType = kNullGuid;     // KS_TYPE_DONT_CARE
  item.MemoryFlags = KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY;
  item.Flags = flags;
  item.Frames = frames;
  item.FileAlignment = alignment;
  item.PhysicalRange = KS_FRAMING_RANGE{minFrame, maxFrame, 1};
  item.FramingRange = KS_FRAMING_RANGE_WEIGHTED{KS_FRAMING_RANGE{minFrame, maxFrame, 1}, 0, 0};
  return Bytes(framing);
}

// A render device: one streaming pin data flows into, and behind it a volume,
// a mute and a DAC node on the way to the bridge pin (the analog output): a
// model of a portcls WaveCyclic render filter with its topology folded in. Its
// pin answers the legacy ALLOCATORFRAMING (WaveCyclic does) and, here, _EX too.
VirtualDevice AudioRenderDevice() {
  constexpr uint32_t kVolumeNode = 0, kMuteNode = 1, kDacNode = 2;
  constexpr uint32_t kRenderPin = 0, kBridgePin = 1;
  auto controls = MakeAudioNodeControls(kVolumeNode, kMuteNode, 2);
  auto descriptor = std::make_shared<FilterDescriptor>();

  PinDescriptor render;
  render.name = "Render";
  render.dataFlow = KSPIN_DATAFLOW_IN;
  render.communication = KSPIN_COMMUNICATION_SINK;
  render.category = KSCATEGORY_AUDIO;
  render.possibleInstances = 1;
  render.globalPossibleInstances = 2;  // the device mixes two streams, however many filters are open
  render.necessaryInstances = 0;
  render.dataRanges.push_back(PcmRange(2, 16, 24, 44100, 48000));
  render.framing = KSALLOCATOR_FRAMING{
      KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY | KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY, NonPagedPool, 8, 1920,
      FILE_LONG_ALIGNMENT, 0};
  render.framingEx = FramingEx(8, 1920, 3840, FILE_LONG_ALIGNMENT, 0x10 /* KSALLOCATOR_FLAG_PARTIAL_READ_SUPPORT */);
  descriptor->pins.push_back(render);

  PinDescriptor bridge;
  bridge.name = "Speaker";
  bridge.dataFlow = KSPIN_DATAFLOW_OUT;
  bridge.communication = KSPIN_COMMUNICATION_BRIDGE;
  bridge.category = KSNODETYPE_SPEAKER;
  bridge.possibleInstances = 0;
  KSDATARANGE analog{};
  analog.FormatSize = sizeof analog;
  analog.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  analog.SubFormat = KSDATAFORMAT_SUBTYPE_ANALOG;
  analog.Specifier = KSDATAFORMAT_SPECIFIER_NONE;
  bridge.dataRanges.push_back(Bytes(analog));
  // The analog output is wired to the capture device's input: a loopback
  // cable between two emulated devices (its kernel-form symbolic link).
  bridge.physicalConnectionLink = Utf16("\\??\\ROOT#KSEMULATOR#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\capture");
  bridge.physicalConnectionPin = 0;
  descriptor->pins.push_back(bridge);

  descriptor->categories = {KSCATEGORY_AUDIO, KSCATEGORY_RENDER};
  descriptor->nodes = {{KSNODETYPE_VOLUME, "Speaker Volume"}, {KSNODETYPE_MUTE, "Speaker Mute"}, {KSNODETYPE_DAC, "DAC"}};
  descriptor->connections = {
      {KSFILTER_NODE, kRenderPin, kVolumeNode, KSNODEPIN_STANDARD_IN},
      {kVolumeNode, KSNODEPIN_STANDARD_OUT, kMuteNode, KSNODEPIN_STANDARD_IN},
      {kMuteNode, KSNODEPIN_STANDARD_OUT, kDacNode, KSNODEPIN_STANDARD_IN},
      {kDacNode, KSNODEPIN_STANDARD_OUT, KSFILTER_NODE, kBridgePin},
  };
  // The emulator's own component GUIDs (not registered with anyone).
  descriptor->hasComponentId = true;
  descriptor->componentId = KSCOMPONENTID{
      {0x4B534D55, 0x0000, 0x0000, {0x45, 0x4D, 0x55, 0x4C, 0x41, 0x54, 0x4F, 0x52}},  // "KSMU" "EMULATOR"
      {0x4B534D55, 0x0001, 0x0000, {0x52, 0x45, 0x4E, 0x44, 0x45, 0x52, 0x00, 0x00}},  // "RENDER"
      {0x4B534D55, 0x0002, 0x0000, {0x57, 0x41, 0x56, 0x45, 0x52, 0x54, 0x00, 0x00}},  // "WAVERT"
      kNullGuid,
      1,
      2};
  descriptor->nodeProperties = AudioNodeProperties(controls);

  VirtualDevice device;
  device.info.path = "\\\\?\\ROOT#KSEMULATOR#0001#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\render";
  device.info.friendlyName = "KS Emulator Audio Render";
  device.info.instanceId = "ROOT\\KSEMULATOR\\0001";
  device.info.categories = {KSCATEGORY_AUDIO, KSCATEGORY_RENDER};
  device.descriptor = descriptor;
  device.state = controls;
  return device;
}

// KS_DATARANGE_VIDEO for one frame size and subtype at a fixed 30 fps: its
// KS_VIDEOINFOHEADER is the format the range stands for (what
// lib/video-format.ts's videoFormat() builds for the same numbers).
std::vector<uint8_t> VideoRange(const Guid& subtype, int32_t width, int32_t height) {
  const bool nv12 = subtype == KSDATAFORMAT_SUBTYPE_NV12;
  const uint16_t bitCount = nv12 ? 12 : 16;
  const uint32_t imageSize = nv12 ? static_cast<uint32_t>(width * height * 3 / 2) : static_cast<uint32_t>(width * height * 2);
  constexpr int64_t kFrameInterval = 333333;  // 100 ns units: 30 frames per second
  const uint32_t bitRate = imageSize * 8 * 30;

  KS_DATARANGE_VIDEO range{};
  range.DataRange.FormatSize = sizeof range;
  range.DataRange.SampleSize = imageSize;
  range.DataRange.MajorFormat = KSDATAFORMAT_TYPE_VIDEO;
  range.DataRange.SubFormat = subtype;
  range.DataRange.Specifier = KSDATAFORMAT_SPECIFIER_VIDEOINFO;
  range.bFixedSizeSamples = 1;
  range.bTemporalCompression = 0;
  KS_VIDEO_STREAM_CONFIG_CAPS& caps = range.ConfigCaps;
  caps.guid = KSDATAFORMAT_SPECIFIER_VIDEOINFO;
  caps.InputSize = caps.MinCroppingSize = caps.MaxCroppingSize = KS_SIZE{width, height};
  caps.CropGranularityX = caps.CropGranularityY = caps.CropAlignX = caps.CropAlignY = 1;
  caps.MinOutputSize = caps.MaxOutputSize = KS_SIZE{width, height};
  caps.MinFrameInterval = caps.MaxFrameInterval = kFrameInterval;
  caps.MinBitsPerSecond = caps.MaxBitsPerSecond = static_cast<int32_t>(bitRate);
  KS_VIDEOINFOHEADER& vih = range.VideoInfoHeader;
  vih.dwBitRate = bitRate;
  vih.AvgTimePerFrame = kFrameInterval;
  vih.bmiHeader.biSize = sizeof(KS_BITMAPINFOHEADER);
  vih.bmiHeader.biWidth = width;
  vih.bmiHeader.biHeight = height;
  vih.bmiHeader.biPlanes = 1;
  vih.bmiHeader.biBitCount = bitCount;
  vih.bmiHeader.biCompression = nv12 ? FOURCC_NV12 : FOURCC_YUY2;
  vih.bmiHeader.biSizeImage = imageSize;
  return Bytes(range);
}

// A camera as usbvideo.sys (AVStream) presents it: one capture pin offering
// 640x480 and 1280x720 in YUY2 and NV12. Its stream headers are
// KSSTREAM_HEADER + KS_FRAME_INFO (128 bytes), told through
// KSPROPERTY_STREAMINTERFACE_HEADERSIZE and enforced as KsProbeStreamIrp does;
// it answers ALLOCATORFRAMING_EX only.
VirtualDevice VideoCaptureDevice() {
  auto descriptor = std::make_shared<FilterDescriptor>();
  PinDescriptor capture;
  capture.name = "Video Capture";
  capture.model = DriverModel::AVStream;
  capture.streamHeaderSize = kVideoStreamHeaderSize;
  capture.answersHeaderSize = true;
  capture.dataFlow = KSPIN_DATAFLOW_OUT;
  capture.communication = KSPIN_COMMUNICATION_SINK;
  capture.category = PINNAME_CAPTURE;  // PINNAME_VIDEO_CAPTURE is the same GUID
  capture.possibleInstances = 1;
  capture.necessaryInstances = 1;
  for (const Guid* subtype : {&KSDATAFORMAT_SUBTYPE_YUY2, &KSDATAFORMAT_SUBTYPE_NV12}) {
    capture.dataRanges.push_back(VideoRange(*subtype, 640, 480));
    capture.dataRanges.push_back(VideoRange(*subtype, 1280, 720));
  }
  // Only the frame sizes the sensor delivers without scaling.
  capture.constrainedDataRanges = {capture.dataRanges[1], capture.dataRanges[3]};
  // Four frames in flight; room for the smallest to the largest picture
  // (640x480 NV12 .. 1280x720 YUY2). No legacy framing: AVStream.
  capture.framingEx = FramingEx(4, 640 * 480 * 3 / 2, 1280 * 720 * 2, FILE_QUAD_ALIGNMENT, 0);
  descriptor->pins.push_back(capture);
  descriptor->categories = {KSCATEGORY_VIDEO, KSCATEGORY_CAPTURE, KSCATEGORY_VIDEO_CAMERA};
  AddCameraControls(*descriptor, 0);  // brightness, contrast, ... on the filter and two nodes
  // Cameras may refuse pin creates for a moment after they arrive (GStreamer
  // retries ERROR_NOT_READY); how long is the emulator property's to say.
  auto readiness = std::make_shared<PlugReadiness>();
  descriptor->readiness = readiness;
  descriptor->filterProperties.push_back(PropertyItem{
      KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_NOT_READY_AFTER_PLUG, sizeof(KSPROPERTY), sizeof(uint32_t),
      [readiness](Request& r) {
        uint32_t ms = readiness->delayMs.load();
        return ReturnValue(r, &ms, sizeof ms);
      },
      [readiness](Request& r) {
        uint32_t ms;
        std::memcpy(&ms, r.data, sizeof ms);
        if (ms > 60'000) return STATUS_INVALID_PARAMETER;
        readiness->delayMs = ms;
        return STATUS_SUCCESS;
      }});

  VirtualDevice device;
  device.info.path = "\\\\?\\ROOT#KSEMULATOR#0002#{e5323777-f976-4f5b-9b55-b94699c46e44}\\camera";
  device.info.friendlyName = "KS Emulator Video Capture";
  device.info.instanceId = "ROOT\\KSEMULATOR\\0002";
  device.info.categories = {KSCATEGORY_VIDEO, KSCATEGORY_CAPTURE, KSCATEGORY_VIDEO_CAMERA};
  device.descriptor = descriptor;
  return device;
}

// A USB Audio 1.0 microphone as usbaudio.sys (AVStream) presents it: one
// capture pin whose ranges are the device's discrete sample rates (one
// KSDATARANGE_AUDIO per rate, as usbaudio.sys builds them from a Type I format
// descriptor), plain 56-byte stream headers (StreamHeaderSize 0), and
// ALLOCATORFRAMING_EX only. It does not answer HEADERSIZE (the emulator's
// choice: a client must fall back to the documented size for audio).
VirtualDevice UsbAudioCaptureDevice() {
  auto descriptor = std::make_shared<FilterDescriptor>();
  PinDescriptor capture;
  capture.name = "Microphone";
  capture.model = DriverModel::AVStream;
  capture.dataFlow = KSPIN_DATAFLOW_OUT;
  capture.communication = KSPIN_COMMUNICATION_SINK;
  capture.category = PINNAME_CAPTURE;
  capture.possibleInstances = 1;
  capture.dataRanges.push_back(PcmRange(2, 16, 16, 48000, 48000));
  capture.dataRanges.push_back(PcmRange(2, 16, 16, 44100, 44100));
  // Eight 10 ms packets of 44.1 kHz .. 48 kHz stereo 16-bit.
  capture.framingEx = FramingEx(8, 1764, 1920, FILE_LONG_ALIGNMENT, 0);
  descriptor->pins.push_back(capture);
  descriptor->categories = {KSCATEGORY_AUDIO, KSCATEGORY_CAPTURE};

  VirtualDevice device;
  // Under ROOT#KSEMULATOR# like every emulated device (EMULATED_PATH_PREFIX routes paths to the emulator).
  device.info.path = "\\\\?\\ROOT#KSEMULATOR#0004#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\usbaudio";
  device.info.friendlyName = "KS Emulator USB PnP Sound Device";
  device.info.instanceId = "ROOT\\KSEMULATOR\\0004";
  device.info.categories = {KSCATEGORY_AUDIO, KSCATEGORY_CAPTURE};
  device.descriptor = descriptor;
  return device;
}

}  // namespace

std::vector<uint8_t> PcmRange(uint32_t maxChannels, uint32_t minBits, uint32_t maxBits, uint32_t minRate,
                              uint32_t maxRate, uint32_t flags) {
  std::vector<uint8_t> range(88, 0);
  KSDATARANGE head{};
  head.FormatSize = 88;
  head.Flags = flags;
  head.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  head.SubFormat = KSDATAFORMAT_SUBTYPE_PCM;
  head.Specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
  std::memcpy(range.data(), &head, sizeof head);
  uint32_t limits[5] = {maxChannels, minBits, maxBits, minRate, maxRate};
  std::memcpy(range.data() + sizeof head, limits, sizeof limits);
  return range;
}

// A clock device, as the kernel's system clock is: no pins, and clock create
// requests on the filter itself for a clock that always runs.
VirtualDevice ClockDevice() {
  auto descriptor = std::make_shared<FilterDescriptor>();
  descriptor->clockFactory = true;
  VirtualDevice device;
  device.info.path = "\\\\?\\ROOT#KSEMULATOR#0003#{53172480-4791-11d0-a5d6-28db04c10000}\\clock";
  device.info.friendlyName = "KS Emulator System Clock";
  device.info.instanceId = "ROOT\\KSEMULATOR\\0003";
  device.info.categories = {KSCATEGORY_CLOCK};
  device.descriptor = descriptor;
  return device;
}

std::vector<VirtualDevice> BuildDeviceCatalog() {
  std::vector<VirtualDevice> devices;
  devices.push_back(AudioCaptureDevice());
  devices.push_back(AudioRenderDevice());
  devices.push_back(VideoCaptureDevice());
  devices.push_back(ClockDevice());
  devices.push_back(ModeAwareMicrophoneDevice());
  devices.push_back(UsbAudioCaptureDevice());
  for (auto& device : BuildWaveRtEndpoints()) devices.push_back(std::move(device));
  return devices;
}

}  // namespace ks::emu
