#include "virtual_filter.h"

#include "virtual_pin.h"

#include <cstring>

namespace ks::emu {

namespace {

bool GuidMatches(const Guid& range, const Guid& format) { return range == kNullGuid || range == format; }

template <typename T>
T ReadAt(const uint8_t* p, size_t offset) {
  T value;
  std::memcpy(&value, p + offset, sizeof value);
  return value;
}

// KSDATARANGE_AUDIO past its KSDATARANGE head.
struct AudioRangeLimits {
  uint32_t maximumChannels, minimumBits, maximumBits, minimumFrequency, maximumFrequency;
};
constexpr size_t kAudioRangeSize = 88;
constexpr size_t kWaveFormatExSize = 18;

// Whether a WAVEFORMATEX-specified format lies inside an audio range and is
// self-consistent, as a PCM miniport's DataRangeIntersection checks it.
bool AudioFormatFits(const std::vector<uint8_t>& range, const uint8_t* format, uint32_t formatSize) {
  if (range.size() < kAudioRangeSize) return true;  // a plain KSDATARANGE constrains no more
  if (formatSize < sizeof(KSDATAFORMAT) + kWaveFormatExSize) return false;
  AudioRangeLimits limits;
  std::memcpy(&limits, range.data() + sizeof(KSDATARANGE), sizeof limits);
  const uint8_t* wave = format + sizeof(KSDATAFORMAT);
  uint16_t channels = ReadAt<uint16_t>(wave, 2);
  uint32_t rate = ReadAt<uint32_t>(wave, 4);
  uint32_t avgBytes = ReadAt<uint32_t>(wave, 8);
  uint16_t blockAlign = ReadAt<uint16_t>(wave, 12);
  uint16_t bits = ReadAt<uint16_t>(wave, 14);
  if (channels == 0 || channels > limits.maximumChannels) return false;
  if (bits < limits.minimumBits || bits > limits.maximumBits || bits % 8 != 0) return false;
  if (rate < limits.minimumFrequency || rate > limits.maximumFrequency) return false;
  if (blockAlign != channels * (bits / 8)) return false;
  if (avgBytes != rate * blockAlign) return false;
  return true;
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
                                       // KSMULTIPLE_ITEM followed by the ranges, each 8-byte aligned.
                                       std::vector<uint8_t> reply(sizeof(KSMULTIPLE_ITEM));
                                       for (const auto& range : pin->dataRanges) {
                                         reply.insert(reply.end(), range.begin(), range.end());
                                         reply.resize((reply.size() + 7) & ~size_t{7}, 0);
                                       }
                                       KSMULTIPLE_ITEM head{static_cast<uint32_t>(reply.size()),
                                                            static_cast<uint32_t>(pin->dataRanges.size())};
                                       std::memcpy(reply.data(), &head, sizeof head);
                                       return ReturnValue(r, reply.data(), head.Size);
                                     },
                                     nullptr});
  for (const auto& item : descriptor_->filterProperties) properties_.push_back(item);
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

void VirtualFilter::ReleaseInstance(uint32_t pinId) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pinId < instances_.size() && instances_[pinId] > 0) instances_[pinId]--;
}

// The pin create request, checked as KsValidateConnectRequest and a
// minidriver's intersection handler check it.
uint32_t VirtualFilter::CreateChild(const Guid& objectClass, CreateRequest& request, std::shared_ptr<Object>* out) {
  if (objectClass != KSNAME_Pin) return STATUS_INVALID_DEVICE_REQUEST;
  const auto& payload = request.payload;
  if (payload.size() < sizeof(KSPIN_CONNECT) + sizeof(KSDATAFORMAT)) return STATUS_INVALID_PARAMETER;
  KSPIN_CONNECT connect;
  std::memcpy(&connect, payload.data(), sizeof connect);
  if (connect.PinId >= descriptor_->pins.size()) return STATUS_INVALID_PARAMETER;
  const PinDescriptor& pin = descriptor_->pins[connect.PinId];

  if (connect.Interface.Set != KSINTERFACESETID_Standard || connect.Interface.Id != KSINTERFACE_STANDARD_STREAMING)
    return STATUS_NO_MATCH;
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

  bool matched = false;
  for (const auto& range : pin.dataRanges) {
    KSDATARANGE r;
    std::memcpy(&r, range.data(), sizeof r);
    if (GuidMatches(r.MajorFormat, head.MajorFormat) && GuidMatches(r.SubFormat, head.SubFormat) &&
        GuidMatches(r.Specifier, head.Specifier) &&
        (head.Specifier != KSDATAFORMAT_SPECIFIER_WAVEFORMATEX || AudioFormatFits(range, format, head.FormatSize))) {
      matched = true;
      break;
    }
  }
  if (!matched) return STATUS_NO_MATCH;

  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (instances_[connect.PinId] >= pin.possibleInstances) return STATUS_DEVICE_BUSY;
    instances_[connect.PinId]++;
  }
  std::vector<uint8_t> formatCopy(format, format + head.FormatSize);
  auto self = std::static_pointer_cast<VirtualFilter>(shared_from_this());
  *out = CreateVirtualPin(self, connect.PinId, pin, std::move(formatCopy));
  return STATUS_SUCCESS;
}

}  // namespace ks::emu
