// A virtual KS filter built from a descriptor, the way an AVStream minidriver
// describes itself: pin factories with their data ranges, dataflow,
// communication, instance limits, allocator framing and allocator kind.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "default_allocator.h"
#include "emu_object.h"

namespace ks::emu {

// How a pin services allocator create requests.
struct ExternalAllocator {
  void* initializeContext = nullptr;
  PFNKSDEFAULTALLOCATE allocate = nullptr;
  PFNKSDEFAULTFREE free = nullptr;
  PFNKSINITIALIZEALLOCATOR initialize = nullptr;
  PFNKSDELETEALLOCATOR deleteAllocator = nullptr;
};

struct PinDescriptor {
  std::string name;  // KSPROPERTY_PIN_NAME
  uint32_t dataFlow = KSPIN_DATAFLOW_OUT;
  uint32_t communication = KSPIN_COMMUNICATION_SINK;
  Guid category = kNullGuid;  // KSPROPERTY_PIN_CATEGORY
  uint32_t possibleInstances = 1;
  // Each range is a whole KSDATARANGE (FormatSize bytes, 8-byte multiple).
  std::vector<std::vector<uint8_t>> dataRanges;
  KSALLOCATOR_FRAMING framing{};  // the KSPROPERTY_CONNECTION_ALLOCATORFRAMING answer
  bool hasExternalAllocator = false;
  ExternalAllocator external;
};

struct FilterDescriptor {
  std::vector<PinDescriptor> pins;
  // Extra property handlers on the filter (diagnostics of virtual devices).
  std::vector<PropertyItem> filterProperties;
};

class VirtualFilter final : public Object {
 public:
  explicit VirtualFilter(std::shared_ptr<const FilterDescriptor> descriptor);
  uint32_t CreateChild(const Guid& objectClass, CreateRequest& request, std::shared_ptr<Object>* out) override;

  // Called by a pin when it closes, so its instance is free again.
  void ReleaseInstance(uint32_t pinId);

 private:
  uint32_t GetPinCount(Request& r);
  const PinDescriptor* PinFromRequest(Request& r, uint32_t* status);

  std::shared_ptr<const FilterDescriptor> descriptor_;
  std::vector<uint32_t> instances_;
};

}  // namespace ks::emu
