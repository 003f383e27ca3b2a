// A virtual KS filter built from a descriptor, the way an AVStream minidriver
// describes itself: pin factories with their data ranges, dataflow,
// communication, instance limits, allocator framing and allocator kind.
#pragma once

#include <atomic>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "clock.h"
#include "default_allocator.h"
#include "emu_object.h"
#include "video_test_pattern.h"
#include "wavert_stream.h"

namespace ks::emu {

// How a pin services allocator create requests.
struct ExternalAllocator {
  void* initializeContext = nullptr;
  PFNKSDEFAULTALLOCATE allocate = nullptr;
  PFNKSDEFAULTFREE free = nullptr;
  PFNKSINITIALIZEALLOCATOR initialize = nullptr;
  PFNKSDELETEALLOCATOR deleteAllocator = nullptr;
};

// The driver family a pin models (docs/emulator.md).
enum class DriverModel {
  // portcls WaveCyclic (and the emulator's older idealized pins): answers the
  // legacy KSPROPERTY_CONNECTION_ALLOCATORFRAMING (and _EX where framingEx is
  // set); takes any KSSTREAM_HEADER.Size of at least 56.
  PortClsWaveCyclic,
  // AVStream (ks.sys with a minidriver: usbvideo.sys, usbaudio.sys): answers
  // ALLOCATORFRAMING_EX only ("AVStream minidrivers should use _EX"), and
  // probes stream IRPs with the pin's StreamHeaderSize as KsProbeStreamIrp does.
  AVStream,
};

struct PinDescriptor {
  std::string name;  // KSPROPERTY_PIN_NAME
  DriverModel model = DriverModel::PortClsWaveCyclic;
  // AVStream: KSPIN_DESCRIPTOR_EX's StreamHeaderSize; 0 is sizeof(KSSTREAM_HEADER).
  uint32_t streamHeaderSize = 0;
  // AVStream: whether the pin answers KSPROPSETID_StreamInterface /
  // KSPROPERTY_STREAMINTERFACE_HEADERSIZE (KSPIN.StreamHeaderSize).
  bool answersHeaderSize = false;
  uint32_t dataFlow = KSPIN_DATAFLOW_OUT;
  uint32_t communication = KSPIN_COMMUNICATION_SINK;
  Guid category = kNullGuid;  // KSPROPERTY_PIN_CATEGORY
  uint32_t possibleInstances = 1;
  // Each range is a whole KSDATARANGE (FormatSize bytes, 8-byte multiple).
  std::vector<std::vector<uint8_t>> dataRanges;
  // The attribute list of each range, by index (a whole KSMULTIPLE_ITEM of
  // KSATTRIBUTEs; empty or missing: none). A range with a list must carry
  // KSDATARANGE_ATTRIBUTES in its Flags.
  std::vector<std::vector<uint8_t>> dataRangeAttributes;
  KSALLOCATOR_FRAMING framing{};  // the KSPROPERTY_CONNECTION_ALLOCATORFRAMING answer
  bool hasExternalAllocator = false;
  ExternalAllocator external;
  // KSPROPERTY_PIN_INTERFACES / MEDIUMS; empty means the standard streaming
  // interface / the standard medium, the only ones a pin create accepts.
  std::vector<KSPIN_INTERFACE> interfaces;
  std::vector<KSPIN_MEDIUM> mediums;
  uint32_t necessaryInstances = 0;       // KSPROPERTY_PIN_NECESSARYINSTANCES
  uint32_t globalPossibleInstances = 0;  // GLOBALCINSTANCES.PossibleCount; 0: possibleInstances
  // KSPROPERTY_PIN_PHYSICALCONNECTION: the other filter's symbolic link and
  // pin; an empty link means the pin has none (STATUS_NOT_FOUND).
  std::u16string physicalConnectionLink;
  uint32_t physicalConnectionPin = 0;
  // KSPROPERTY_PIN_CONSTRAINEDDATARANGES; empty means the same as dataRanges.
  std::vector<std::vector<uint8_t>> constrainedDataRanges;
  // KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX, a whole KSALLOCATOR_FRAMING_EX
  // (24 + 88 per item); empty: the pin does not support the property.
  std::vector<uint8_t> framingEx;
  // Extra handlers on the pin's instances, ahead of the standard ones (so
  // they can replace them), and events the instances can enable.
  std::vector<PropertyItem> properties;
  std::vector<EventItem> events;
  // A capture pin's camera: what its controls do to each video frame after the
  // test pattern is drawn (camera_controls.cpp); empty: nothing.
  std::function<void(const VideoLayout&, uint8_t*)> videoFrameEffects;
  // A portcls WaveRT host pin (wavert_pin.h): created with
  // KSINTERFACE_STANDARD_LOOPED_STREAMING (list it in `interfaces`) and a
  // WAVEFORMATEXTENSIBLE format; streams through a mapped cyclic buffer.
  bool waveRt = false;
  // The modelled DMA engine behind a WaveRT pin: its FIFO and delays are what
  // KSPROPERTY_RTAUDIO_HWLATENCY reports, so a client's FIFO compensation meets
  // the fetch the DMA really does.
  WaveRtHardware waveRtHardware;
};

// One topology node (KSPROPERTY_TOPOLOGY_NODES and _NAME).
struct NodeDescriptor {
  Guid type;         // KSNODETYPE_*
  std::string name;  // KSPROPERTY_TOPOLOGY_NAME (ASCII)
};

// Pin instances across every open filter of one device (GLOBALCINSTANCES),
// shared by the filters opened from one descriptor.
struct GlobalInstanceCounts {
  std::mutex mutex;
  std::vector<uint32_t> current;
};

// A device that is not ready for a moment after it is plugged in: pin
// creates fail with STATUS_DEVICE_NOT_READY (ERROR_NOT_READY) until then, as
// cameras do (GStreamer's KS source retries them). Shared by every filter
// opened from the descriptor; the backend arms it when the device arrives.
struct PlugReadiness {
  std::atomic<uint32_t> delayMs{0};     // set through KSPROPERTY_EMULATOR_NOT_READY_AFTER_PLUG
  std::atomic<int64_t> readyAtNs{0};    // steady clock; pin creates before it fail
  // Called on arrival: the device is not ready for delayMs from now.
  void Plugged();
  bool Ready() const;
};

struct FilterDescriptor {
  std::vector<PinDescriptor> pins;
  // Non-null for devices that can be made not ready after plug-in (the camera).
  std::shared_ptr<PlugReadiness> readiness;
  // Extra property handlers on the filter, ahead of the standard ones (so a
  // device defined from JavaScript can replace any), and events it can enable.
  std::vector<PropertyItem> filterProperties;
  std::vector<EventItem> filterEvents;
  // KSPROPSETID_Topology: CATEGORIES, NODES (+ NAME), CONNECTIONS.
  std::vector<Guid> categories;
  std::vector<NodeDescriptor> nodes;
  std::vector<KSTOPOLOGY_CONNECTION> connections;
  // KSPROPERTY_GENERAL_COMPONENTID, when the device has one.
  bool hasComponentId = false;
  KSCOMPONENTID componentId{};
  // Node properties (KSP_NODE requests flagged KSPROPERTY_TYPE_TOPOLOGY),
  // answered on the filter and on topology node objects (which check that
  // the NodeId names them).
  std::vector<PropertyItem> nodeProperties;
  std::shared_ptr<GlobalInstanceCounts> globalInstances = std::make_shared<GlobalInstanceCounts>();
  // A clock device (KSCATEGORY_CLOCK): the filter itself takes clock create
  // requests, for a clock that always runs, as the system clock does.
  bool clockFactory = false;
  // An audio endpoint the Windows audio engine (audiodg.exe) can hold: while
  // set, a WaveRT pin create fails with STATUS_INVALID_DEVICE_STATE (which
  // ksuser reports as ERROR_BAD_COMMAND; PortAudio reads that as "occupied by
  // another application") and GLOBALCINSTANCES counts the engine's instance.
  // Null for devices without one.
  std::shared_ptr<std::atomic<bool>> audioEngineHold;
};

class VirtualFilter final : public Object {
 public:
  explicit VirtualFilter(std::shared_ptr<const FilterDescriptor> descriptor);
  uint32_t CreateChild(const Guid& objectClass, CreateRequest& request, std::shared_ptr<Object>* out) override;

  // Called by a pin when it closes, so its instance is free again.
  void ReleaseInstance(uint32_t pinId);

 private:
  bool AudioEngineHolds() const;
  uint32_t GetPinCount(Request& r);
  const PinDescriptor* PinFromRequest(Request& r, uint32_t* status);

  void AddPinFactoryProperties();
  void AddTopologyProperties();

  std::shared_ptr<const FilterDescriptor> descriptor_;
  std::vector<uint32_t> instances_;
  std::shared_ptr<KSDEFAULTCLOCK> clock_;  // for a clock factory
};

}  // namespace ks::emu
