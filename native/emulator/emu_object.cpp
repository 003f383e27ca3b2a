#include "emu_object.h"

#include <cstring>

namespace ks::emu {

namespace {

constexpr uint32_t kPropertyTypeMask =
    KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_SETSUPPORT | KSPROPERTY_TYPE_BASICSUPPORT;

// KSPROPERTY_TYPE_BASICSUPPORT answered with just the access flags (a ULONG),
// which KS accepts as the short form of KSPROPERTY_DESCRIPTION.
constexpr uint32_t KSPROPERTY_TYPE_GET_ACCESS = KSPROPERTY_TYPE_GET;
constexpr uint32_t KSPROPERTY_TYPE_SET_ACCESS = KSPROPERTY_TYPE_SET;

}  // namespace

uint32_t ReturnValue(Request& request, const void* value, uint32_t size) {
  request.irp.information = size;
  if (request.dataLength == 0) return STATUS_BUFFER_OVERFLOW;
  if (request.dataLength < size) return STATUS_BUFFER_TOO_SMALL;
  std::memcpy(request.data, value, size);
  return STATUS_SUCCESS;
}

uint32_t Object::DeviceControl(Irp& irp) {
  switch (irp.code) {
    case IOCTL_KS_PROPERTY: return DispatchProperty(irp);
    case IOCTL_KS_METHOD: return DispatchMethod(irp);
    default: return STATUS_INVALID_DEVICE_REQUEST;
  }
}

uint32_t Object::CreateChild(const Guid&, CreateRequest&, std::shared_ptr<Object>*) {
  return STATUS_INVALID_DEVICE_REQUEST;
}

uint32_t Object::DispatchProperty(Irp& irp) {
  irp.information = 0;
  if (irp.inputLength < sizeof(KSPROPERTY) || irp.input == nullptr) return STATUS_INVALID_DEVICE_REQUEST;
  KSPROPERTY property;
  std::memcpy(&property, irp.input, sizeof property);

  const PropertyItem* item = nullptr;
  bool setKnown = false;
  for (const auto& candidate : properties_) {
    if (candidate.set != property.Set) continue;
    setKnown = true;
    if (candidate.id == property.Id) {
      item = &candidate;
      break;
    }
  }
  if (!setKnown) return STATUS_NOT_SUPPORTED;
  // SETSUPPORT asks only whether the set is supported here.
  if ((property.Flags & kPropertyTypeMask) == KSPROPERTY_TYPE_SETSUPPORT) return STATUS_SUCCESS;
  if (item == nullptr) return STATUS_NOT_SUPPORTED;
  if (irp.inputLength < item->minProperty) return STATUS_INVALID_PARAMETER;

  Request request{*this, irp, property, irp.input, irp.output, irp.outputLength};
  switch (property.Flags & kPropertyTypeMask) {
    case KSPROPERTY_TYPE_GET:
      if (!item->get) return STATUS_INVALID_DEVICE_REQUEST;
      return item->get(request);
    case KSPROPERTY_TYPE_SET:
      if (!item->set_) return STATUS_INVALID_DEVICE_REQUEST;
      if (irp.outputLength < item->minData) {
        irp.information = item->minData;
        return STATUS_BUFFER_TOO_SMALL;
      }
      return item->set_(request);
    case KSPROPERTY_TYPE_BASICSUPPORT: {
      uint32_t access = (item->get ? KSPROPERTY_TYPE_GET_ACCESS : 0) | (item->set_ ? KSPROPERTY_TYPE_SET_ACCESS : 0);
      return ReturnValue(request, &access, sizeof access);
    }
    default:
      return STATUS_INVALID_PARAMETER;
  }
}

uint32_t Object::DispatchMethod(Irp& irp) {
  irp.information = 0;
  if (irp.inputLength < sizeof(KSMETHOD) || irp.input == nullptr) return STATUS_INVALID_DEVICE_REQUEST;
  KSMETHOD method;
  std::memcpy(&method, irp.input, sizeof method);

  const MethodItem* item = nullptr;
  bool setKnown = false;
  for (const auto& candidate : methods_) {
    if (candidate.set != method.Set) continue;
    setKnown = true;
    if (candidate.id == method.Id) {
      item = &candidate;
      break;
    }
  }
  if (!setKnown || item == nullptr) return STATUS_NOT_SUPPORTED;
  if (irp.inputLength < item->minMethod) return STATUS_INVALID_PARAMETER;
  if (irp.outputLength < item->minData) {
    irp.information = item->minData;
    return irp.outputLength == 0 ? STATUS_BUFFER_OVERFLOW : STATUS_BUFFER_TOO_SMALL;
  }
  Request request{*this, irp, method, irp.input, irp.output, irp.outputLength};
  return item->invoke(request);
}

}  // namespace ks::emu
