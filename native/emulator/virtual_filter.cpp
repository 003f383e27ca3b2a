#include "virtual_filter.h"

#include <chrono>

#include "data_intersection.h"
#include "topology_node.h"
#include "virtual_pin.h"
#include "wavert_pin.h"

#include <cstring>

#include "device_catalog.h"

namespace ks::emu {

namespace {

template <typename T>
T ReadAt(const uint8_t* p, size_t offset) {
  T value;
  std::memcpy(&value, p + offset, sizeof value);
  return value;
}

// A KSMULTIPLE_ITEM of fixed-size items (KSIDENTIFIERs, GUIDs, connections).
template <typename T>
std::vector<uint8_t> MultipleItem(const std::vector<T>& items) {
  std::vector<uint8_t> reply(sizeof(KSMULTIPLE_ITEM) + items.size() * sizeof(T));
  KSMULTIPLE_ITEM head{static_cast<uint32_t>(reply.size()), static_cast<uint32_t>(items.size())};
  std::memcpy(reply.data(), &head, sizeof head);
  if (!items.empty()) std::memcpy(reply.data() + sizeof head, items.data(), items.size() * sizeof(T));
  return reply;
}

std::vector<uint16_t> WideString(const std::string& text) {
  // A NUL-terminated UTF-16 string; the names here are ASCII.
  std::vector<uint16_t> wide(text.begin(), text.end());
  wide.push_back(0);
  return wide;
}

}  // namespace

VirtualFilter::VirtualFilter(std::shared_ptr<const FilterDescriptor> descriptor)
    : Object(ObjectClass::Filter), descriptor_(std::move(descriptor)), instances_(descriptor_->pins.size(), 0) {
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_CTYPES, sizeof(KSPROPERTY), sizeof(uint32_t),
                                     [this](Request& r) { return GetPinCount(r); }, nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_CINSTANCES, sizeof(KSP_PIN),
                                     sizeof(KSPIN_CINSTANCES),
                                     [this](Request& r) {
                                       uint32_t status;
                                       const PinDescriptor* pin = PinFromRequest(r, &status);
                                       if (!pin) return status;
                                       uint32_t pinId = ReadAt<uint32_t>(r.instance, sizeof(KSPROPERTY));
                                       KSPIN_CINSTANCES value{pin->possibleInstances, 0};
                                       {
                                         std::lock_guard<std::mutex> lock(mutex_);
                                         value.CurrentCount = instances_[pinId];
                                       }
                                       return ReturnValue(r, &value, sizeof value);
                                     },
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_DATAFLOW, sizeof(KSP_PIN), sizeof(uint32_t),
                                     [this](Request& r) {
                                       uint32_t status;
                                       const PinDescriptor* pin = PinFromRequest(r, &status);
                                       if (!pin) return status;
                                       return ReturnValue(r, &pin->dataFlow, sizeof pin->dataFlow);
                                     },
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_COMMUNICATION, sizeof(KSP_PIN),
                                     sizeof(uint32_t),
                                     [this](Request& r) {
                                       uint32_t status;
                                       const PinDescriptor* pin = PinFromRequest(r, &status);
                                       if (!pin) return status;
                                       return ReturnValue(r, &pin->communication, sizeof pin->communication);
                                     },
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_CATEGORY, sizeof(KSP_PIN), sizeof(Guid),
                                     [this](Request& r) {
                                       uint32_t status;
                                       const PinDescriptor* pin = PinFromRequest(r, &status);
                                       if (!pin) return status;
                                       if (pin->category == kNullGuid) return STATUS_NOT_FOUND;
                                       return ReturnValue(r, &pin->category, sizeof pin->category);
                                     },
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_NAME, sizeof(KSP_PIN), 0,
                                     [this](Request& r) {
                                       uint32_t status;
                                       const PinDescriptor* pin = PinFromRequest(r, &status);
                                       if (!pin) return status;
                                       if (pin->name.empty()) return STATUS_NOT_FOUND;
                                       // A NUL-terminated UTF-16 string; the names here are ASCII.
                                       std::vector<uint16_t> wide(pin->name.begin(), pin->name.end());
                                       wide.push_back(0);
                                       return ReturnValue(r, wide.data(), static_cast<uint32_t>(wide.size() * 2));
                                     },
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_DATARANGES, sizeof(KSP_PIN), 0,
                                     [this](Request& r) {
                                       uint32_t status;
                                       const PinDescriptor* pin = PinFromRequest(r, &status);
                                       if (!pin) return status;
                                       // KSMULTIPLE_ITEM followed by the ranges, each 8-byte aligned,
                                       // each attribute list after its range as an item of its own.
                                       std::vector<uint8_t> reply = DataRangeList(pin->dataRanges, pin->dataRangeAttributes);
                                       return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
                                     },
                                     nullptr});
  AddPinFactoryProperties();
  AddTopologyProperties();
  if (descriptor_->audioEngineHold) {
    // The emulator's control: the Windows audio engine holds (1) or lets go of (0) this endpoint.
    auto hold = descriptor_->audioEngineHold;
    properties_.push_back(PropertyItem{KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_AUDIO_ENGINE_HOLD,
                                       sizeof(KSPROPERTY), sizeof(int32_t),
                                       [hold](Request& r) {
                                         int32_t value = hold->load() ? 1 : 0;
                                         return ReturnValue(r, &value, sizeof value);
                                       },
                                       [hold](Request& r) -> uint32_t {
                                         int32_t value = ReadAt<int32_t>(r.data, 0);
                                         if (value != 0 && value != 1) return STATUS_INVALID_PARAMETER;
                                         hold->store(value == 1);
                                         return STATUS_SUCCESS;
                                       }});
  }
  properties_.insert(properties_.begin(), descriptor_->filterProperties.begin(), descriptor_->filterProperties.end());
  eventItems_ = descriptor_->filterEvents;
  if (!eventItems_.empty()) AddEventListProperty();
  for (const auto& item : descriptor_->nodeProperties) properties_.push_back(item);
  {
    std::lock_guard<std::mutex> lock(descriptor_->globalInstances->mutex);
    auto& global = descriptor_->globalInstances->current;
    if (global.size() < descriptor_->pins.size()) global.resize(descriptor_->pins.size(), 0);
  }
}

// The KSPROPSETID_Pin properties past the basic ones: what a client needs to
// connect a pin (interfaces, mediums, instance counts, physical connections)
// and to negotiate its format (constrained ranges, intersection, proposal).
void VirtualFilter::AddPinFactoryProperties() {
  auto pinGet = [this](auto answer) {
    return [this, answer](Request& r) -> uint32_t {
      uint32_t status;
      const PinDescriptor* pin = PinFromRequest(r, &status);
      if (!pin) return status;
      return answer(r, *pin);
    };
  };
  properties_.push_back(PropertyItem{
      KSPROPSETID_Pin, KSPROPERTY_PIN_INTERFACES, sizeof(KSP_PIN), 0, pinGet([](Request& r, const PinDescriptor& pin) {
        std::vector<KSPIN_INTERFACE> list = pin.interfaces;
        if (list.empty()) list.push_back(KSPIN_INTERFACE{KSINTERFACESETID_Standard, KSINTERFACE_STANDARD_STREAMING, 0});
        std::vector<uint8_t> reply = MultipleItem(list);
        return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
      }),
      nullptr});
  properties_.push_back(PropertyItem{
      KSPROPSETID_Pin, KSPROPERTY_PIN_MEDIUMS, sizeof(KSP_PIN), 0, pinGet([](Request& r, const PinDescriptor& pin) {
        std::vector<KSPIN_MEDIUM> list = pin.mediums;
        if (list.empty()) list.push_back(KSPIN_MEDIUM{KSMEDIUMSETID_Standard, KSMEDIUM_TYPE_ANYINSTANCE, 0});
        std::vector<uint8_t> reply = MultipleItem(list);
        return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
      }),
      nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_GLOBALCINSTANCES, sizeof(KSP_PIN),
                                     sizeof(KSPIN_CINSTANCES), pinGet([this](Request& r, const PinDescriptor& pin) {
                                       uint32_t pinId = ReadAt<uint32_t>(r.instance, sizeof(KSPROPERTY));
                                       KSPIN_CINSTANCES value{pin.globalPossibleInstances != 0
                                                                  ? pin.globalPossibleInstances
                                                                  : pin.possibleInstances,
                                                              0};
                                       {
                                         std::lock_guard<std::mutex> lock(descriptor_->globalInstances->mutex);
                                         value.CurrentCount = descriptor_->globalInstances->current[pinId];
                                       }
                                       if (pin.waveRt && AudioEngineHolds()) value.CurrentCount++;
                                       return ReturnValue(r, &value, sizeof value);
                                     }),
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_NECESSARYINSTANCES, sizeof(KSP_PIN),
                                     sizeof(uint32_t), pinGet([](Request& r, const PinDescriptor& pin) {
                                       return ReturnValue(r, &pin.necessaryInstances, sizeof pin.necessaryInstances);
                                     }),
                                     nullptr});
  properties_.push_back(PropertyItem{
      KSPROPSETID_Pin, KSPROPERTY_PIN_PHYSICALCONNECTION, sizeof(KSP_PIN), 0,
      pinGet([](Request& r, const PinDescriptor& pin) -> uint32_t {
        if (pin.physicalConnectionLink.empty()) return STATUS_NOT_FOUND;
        // KSPIN_PHYSICALCONNECTION: Size, Pin, then the NUL-terminated link.
        size_t linkBytes = (pin.physicalConnectionLink.size() + 1) * sizeof(char16_t);
        std::vector<uint8_t> reply(sizeof(KSPIN_PHYSICALCONNECTION) + linkBytes, 0);
        KSPIN_PHYSICALCONNECTION head{static_cast<uint32_t>(reply.size()), pin.physicalConnectionPin};
        std::memcpy(reply.data(), &head, sizeof head);
        std::memcpy(reply.data() + sizeof head, pin.physicalConnectionLink.data(), linkBytes - sizeof(char16_t));
        return ReturnValue(r, reply.data(), head.Size);
      }),
      nullptr});
  properties_.push_back(PropertyItem{
      KSPROPSETID_Pin, KSPROPERTY_PIN_CONSTRAINEDDATARANGES, sizeof(KSP_PIN), 0,
      pinGet([](Request& r, const PinDescriptor& pin) {
        std::vector<uint8_t> reply =
            pin.constrainedDataRanges.empty() ? DataRangeList(pin.dataRanges, pin.dataRangeAttributes)
                                              : DataRangeList(pin.constrainedDataRanges);
        return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
      }),
      nullptr});
  // KSP_PIN followed by a KSMULTIPLE_ITEM of the client's data ranges.
  properties_.push_back(PropertyItem{
      KSPROPSETID_Pin, KSPROPERTY_PIN_DATAINTERSECTION, sizeof(KSP_PIN) + sizeof(KSMULTIPLE_ITEM), 0,
      pinGet([](Request& r, const PinDescriptor& pin) -> uint32_t {
        std::vector<uint8_t> format;
        uint32_t status = IntersectDataRanges(pin, r.instance + sizeof(KSP_PIN),
                                              r.irp.inputLength - static_cast<uint32_t>(sizeof(KSP_PIN)), &format);
        if (status != STATUS_SUCCESS) return status;
        return ReturnValue(r, format.data(), static_cast<uint32_t>(format.size()));
      }),
      nullptr});
  // SET with a KSDATAFORMAT: would the pin accept it?
  properties_.push_back(PropertyItem{KSPROPSETID_Pin, KSPROPERTY_PIN_PROPOSEDATAFORMAT, sizeof(KSP_PIN),
                                     sizeof(KSDATAFORMAT), nullptr,
                                     pinGet([](Request& r, const PinDescriptor& pin) -> uint32_t {
                                       uint32_t formatSize = ReadAt<uint32_t>(r.data, 0);
                                       if (formatSize < sizeof(KSDATAFORMAT) || formatSize > r.dataLength) {
                                         return STATUS_INVALID_PARAMETER;
                                       }
                                       return FormatMatchesPin(pin, r.data, formatSize) ? STATUS_SUCCESS
                                                                                        : STATUS_NO_MATCH;
                                     })});
}

// KSPROPSETID_Topology from the descriptor, and KSPROPSETID_General's
// COMPONENTID where the device has one.
void VirtualFilter::AddTopologyProperties() {
  properties_.push_back(PropertyItem{KSPROPSETID_Topology, KSPROPERTY_TOPOLOGY_CATEGORIES, sizeof(KSPROPERTY), 0,
                                     [this](Request& r) {
                                       std::vector<uint8_t> reply = MultipleItem(descriptor_->categories);
                                       return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
                                     },
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Topology, KSPROPERTY_TOPOLOGY_NODES, sizeof(KSPROPERTY), 0,
                                     [this](Request& r) {
                                       std::vector<Guid> types;
                                       for (const auto& node : descriptor_->nodes) types.push_back(node.type);
                                       std::vector<uint8_t> reply = MultipleItem(types);
                                       return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
                                     },
                                     nullptr});
  properties_.push_back(PropertyItem{KSPROPSETID_Topology, KSPROPERTY_TOPOLOGY_CONNECTIONS, sizeof(KSPROPERTY), 0,
                                     [this](Request& r) {
                                       std::vector<uint8_t> reply = MultipleItem(descriptor_->connections);
                                       return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
                                     },
                                     nullptr});
  // KSP_NODE: the node's name.
  properties_.push_back(PropertyItem{KSPROPSETID_Topology, KSPROPERTY_TOPOLOGY_NAME, sizeof(KSP_NODE), 0,
                                     [this](Request& r) -> uint32_t {
                                       uint32_t nodeId = ReadAt<uint32_t>(r.instance, sizeof(KSPROPERTY));
                                       if (nodeId >= descriptor_->nodes.size()) return STATUS_INVALID_PARAMETER;
                                       const std::string& name = descriptor_->nodes[nodeId].name;
                                       if (name.empty()) return STATUS_NOT_FOUND;
                                       std::vector<uint16_t> wide = WideString(name);
                                       return ReturnValue(r, wide.data(), static_cast<uint32_t>(wide.size() * 2));
                                     },
                                     nullptr});
  if (descriptor_->hasComponentId) {
    properties_.push_back(PropertyItem{KSPROPSETID_General, KSPROPERTY_GENERAL_COMPONENTID, sizeof(KSPROPERTY),
                                       sizeof(KSCOMPONENTID),
                                       [this](Request& r) {
                                         return ReturnValue(r, &descriptor_->componentId, sizeof(KSCOMPONENTID));
                                       },
                                       nullptr});
  }
}

uint32_t VirtualFilter::GetPinCount(Request& r) {
  uint32_t count = static_cast<uint32_t>(descriptor_->pins.size());
  return ReturnValue(r, &count, sizeof count);
}

const PinDescriptor* VirtualFilter::PinFromRequest(Request& r, uint32_t* status) {
  uint32_t pinId = ReadAt<uint32_t>(r.instance, sizeof(KSPROPERTY));
  if (pinId >= descriptor_->pins.size()) {
    *status = STATUS_INVALID_PARAMETER;
    return nullptr;
  }
  return &descriptor_->pins[pinId];
}

bool VirtualFilter::AudioEngineHolds() const {
  return descriptor_->audioEngineHold && descriptor_->audioEngineHold->load();
}

void VirtualFilter::ReleaseInstance(uint32_t pinId) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pinId < instances_.size() && instances_[pinId] > 0) instances_[pinId]--;
  }
  std::lock_guard<std::mutex> lock(descriptor_->globalInstances->mutex);
  auto& global = descriptor_->globalInstances->current;
  if (pinId < global.size() && global[pinId] > 0) global[pinId]--;
}

namespace {
int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void PlugReadiness::Plugged() { readyAtNs = SteadyNs() + int64_t{delayMs.load()} * 1'000'000; }

bool PlugReadiness::Ready() const { return SteadyNs() >= readyAtNs.load(); }

// The pin create request, checked as KsValidateConnectRequest and a
// minidriver's intersection handler check it.
uint32_t VirtualFilter::CreateChild(const Guid& objectClass, CreateRequest& request, std::shared_ptr<Object>* out) {
  if (objectClass == KSNAME_TopologyNode) return CreateTopologyNode(descriptor_, request, out);
  if (objectClass == KSNAME_Clock) {
    if (!descriptor_->clockFactory) return STATUS_INVALID_DEVICE_REQUEST;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!clock_) {
      clock_ = KsAllocateDefaultClock();
      KsSetDefaultClockState(*clock_, KSSTATE_RUN);
    }
    return KsCreateDefaultClock(request, clock_, out);
  }
  if (objectClass != KSNAME_Pin) return STATUS_INVALID_DEVICE_REQUEST;
  if (descriptor_->readiness && !descriptor_->readiness->Ready()) return STATUS_DEVICE_NOT_READY;
  const auto& payload = request.payload;
  if (payload.size() < sizeof(KSPIN_CONNECT) + sizeof(KSDATAFORMAT)) return STATUS_INVALID_PARAMETER;
  KSPIN_CONNECT connect;
  std::memcpy(&connect, payload.data(), sizeof connect);
  if (connect.PinId >= descriptor_->pins.size()) return STATUS_INVALID_PARAMETER;
  const PinDescriptor& pin = descriptor_->pins[connect.PinId];

  // The interface must be one the pin lists (the standard streaming one when
  // it lists none): KspValidateConnectRequest answers STATUS_NO_MATCH
  // otherwise (ReactOS ks/connectivity.c), which is how portcls refuses a
  // STANDARD_STREAMING create on a WaveRT pin.
  {
    std::vector<KSPIN_INTERFACE> offered = pin.interfaces;
    if (offered.empty()) offered.push_back(KSPIN_INTERFACE{KSINTERFACESETID_Standard, KSINTERFACE_STANDARD_STREAMING, 0});
    bool found = false;
    for (const auto& i : offered) found = found || (i.Set == connect.Interface.Set && i.Id == connect.Interface.Id);
    if (!found) return STATUS_NO_MATCH;
  }
  if (connect.Medium.Set != KSMEDIUMSETID_Standard || connect.Medium.Id != KSMEDIUM_TYPE_ANYINSTANCE)
    return STATUS_NO_MATCH;
  if (pin.communication == KSPIN_COMMUNICATION_NONE || pin.communication == KSPIN_COMMUNICATION_BRIDGE)
    return STATUS_INVALID_DEVICE_REQUEST;
  if (connect.PinToHandle != 0) {
    // Connecting to another pin needs a source pin; the virtual pins are sinks only.
    return STATUS_INVALID_PARAMETER;
  }

  const uint8_t* format = payload.data() + sizeof(KSPIN_CONNECT);
  KSDATAFORMAT head;
  std::memcpy(&head, format, sizeof head);
  size_t available = payload.size() - sizeof(KSPIN_CONNECT);
  if (head.FormatSize < sizeof(KSDATAFORMAT) || head.FormatSize > available) return STATUS_INVALID_PARAMETER;
  if (head.Flags & KSDATAFORMAT_ATTRIBUTES) {
    // The attribute list follows the format at the next 8-byte boundary.
    size_t listOffset = (static_cast<size_t>(head.FormatSize) + 7) & ~size_t{7};
    if (listOffset + sizeof(KSMULTIPLE_ITEM) > available) return STATUS_INVALID_PARAMETER;
    KSMULTIPLE_ITEM list;
    std::memcpy(&list, format + listOffset, sizeof list);
    if (list.Size < sizeof list || list.Size > available - listOffset) return STATUS_INVALID_PARAMETER;
  }

  if (!FormatMatchesPin(pin, format, head.FormatSize)) return STATUS_NO_MATCH;
  WaveRtFormat wave;
  if (pin.waveRt) {
    uint32_t status = ParseWaveRtFormat(format, head.FormatSize, &wave);
    if (status != STATUS_SUCCESS) return status;
    if (AudioEngineHolds()) return STATUS_INVALID_DEVICE_STATE;
  }

  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (instances_[connect.PinId] >= pin.possibleInstances) return STATUS_DEVICE_BUSY;
    // The device-wide limit (GLOBALCINSTANCES) binds across every open filter.
    std::lock_guard<std::mutex> globalLock(descriptor_->globalInstances->mutex);
    uint32_t globalPossible = pin.globalPossibleInstances != 0 ? pin.globalPossibleInstances : pin.possibleInstances;
    auto& global = descriptor_->globalInstances->current;
    if (pin.globalPossibleInstances != 0 && global[connect.PinId] >= globalPossible) return STATUS_DEVICE_BUSY;
    instances_[connect.PinId]++;
    global[connect.PinId]++;
  }
  std::vector<uint8_t> formatCopy(format, format + head.FormatSize);
  auto self = std::static_pointer_cast<VirtualFilter>(shared_from_this());
  *out = pin.waveRt ? CreateWaveRtPin(self, connect.PinId, pin, std::move(formatCopy), wave)
                     : CreateVirtualPin(self, connect.PinId, pin, std::move(formatCopy));
  return STATUS_SUCCESS;
}

}  // namespace ks::emu
