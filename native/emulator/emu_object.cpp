#include "emu_object.h"

#include "../ks_camera_controls.h"

#include <algorithm>
#include <cstring>

#include "../plant_faults.h"

namespace ks::emu {

namespace {

constexpr uint32_t kPropertyTypeMask = KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_SETSUPPORT |
                                       KSPROPERTY_TYPE_BASICSUPPORT | KSPROPERTY_TYPE_DEFAULTVALUES;

// KSPROPERTY_TYPE_BASICSUPPORT answered with just the access flags (a ULONG),
// which KS accepts as the short form of KSPROPERTY_DESCRIPTION.
constexpr uint32_t KSPROPERTY_TYPE_GET_ACCESS = KSPROPERTY_TYPE_GET;
constexpr uint32_t KSPROPERTY_TYPE_SET_ACCESS = KSPROPERTY_TYPE_SET;

// The table entry for (set, id), as KS's handlers search their set tables;
// `setKnown` tells an unknown id in a known set from an unknown set.
template <typename Item>
const Item* FindItem(const std::vector<Item>& items, const KSIDENTIFIER& id, bool* setKnown) {
  *setKnown = false;
  for (const auto& candidate : items) {
    if (candidate.set != id.Set) continue;
    *setKnown = true;
    if (candidate.id == id.Id) return &candidate;
  }
  return nullptr;
}

}  // namespace

PropertyItem ChoiceProperty(const Guid& set, uint32_t id, uint32_t max, std::function<uint32_t()> read,
                            std::function<void(uint32_t)> write) {
  return PropertyItem{
      set, id, sizeof(KSPROPERTY), sizeof(uint32_t),
      [read = std::move(read)](Request& r) {
        const uint32_t value = read();
        return ReturnValue(r, &value, sizeof value);
      },
      [max, write = std::move(write)](Request& r) {
        uint32_t value;
        std::memcpy(&value, r.data, sizeof value);
        if (value > max) return STATUS_INVALID_PARAMETER;
        write(value);
        return STATUS_SUCCESS;
      }};
}

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
    case IOCTL_KS_ENABLE_EVENT: return EnableEvent(irp);
    case IOCTL_KS_DISABLE_EVENT: return DisableEvent(irp);
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

  bool setKnown;
  const PropertyItem* item = FindItem(properties_, property, &setKnown);
  if (!setKnown) return NotFoundStatus(false);
  // SETSUPPORT asks only whether the set is supported here.
  if ((property.Flags & kPropertyTypeMask) == KSPROPERTY_TYPE_SETSUPPORT) return STATUS_SUCCESS;
  if (item == nullptr) return NotFoundStatus(true);
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
      if (item->support) return item->support(request);
      // The whole KSPROPERTY_DESCRIPTION when the buffer takes it, else the
      // access flags alone (the short form KS accepts); no value ranges.
      uint32_t access = KSPROPERTY_TYPE_BASICSUPPORT | (item->get ? KSPROPERTY_TYPE_GET_ACCESS : 0) |
                        (item->set_ ? KSPROPERTY_TYPE_SET_ACCESS : 0);
      if (request.dataLength >= sizeof(KSPROPERTY_DESCRIPTION)) {
        KSPROPERTY_DESCRIPTION description{access, sizeof(KSPROPERTY_DESCRIPTION),
                                           KSIDENTIFIER{KSPROPTYPESETID_General, VT_ILLEGAL, 0}, 0, 0};
        return ReturnValue(request, &description, sizeof description);
      }
      if (request.dataLength == 0) {
        irp.information = sizeof(KSPROPERTY_DESCRIPTION);
        return STATUS_BUFFER_OVERFLOW;
      }
      return ReturnValue(request, &access, sizeof access);
    }
    case KSPROPERTY_TYPE_DEFAULTVALUES:
      if (!item->defaultValues) return STATUS_INVALID_PARAMETER;
      return item->defaultValues(request);
    default:
      return STATUS_INVALID_PARAMETER;
  }
}

uint32_t Object::DispatchMethod(Irp& irp) {
  irp.information = 0;
  if (irp.inputLength < sizeof(KSMETHOD) || irp.input == nullptr) return STATUS_INVALID_DEVICE_REQUEST;
  KSMETHOD method;
  std::memcpy(&method, irp.input, sizeof method);

  bool setKnown;
  const MethodItem* item = FindItem(methods_, method, &setKnown);
  if (item == nullptr) return NotFoundStatus(setKnown);
  if (irp.inputLength < item->minMethod) return STATUS_INVALID_PARAMETER;
  if (irp.outputLength < item->minData) {
    irp.information = item->minData;
    return irp.outputLength == 0 ? STATUS_BUFFER_OVERFLOW : STATUS_BUFFER_TOO_SMALL;
  }
  Request request{*this, irp, method, irp.input, irp.output, irp.outputLength};
  return item->invoke(request);
}

uint32_t Object::EnableEvent(Irp& irp) {
  irp.information = 0;
  if (irp.inputLength < sizeof(KSEVENT) || irp.input == nullptr) return STATUS_INVALID_DEVICE_REQUEST;
  KSEVENT event;
  std::memcpy(&event, irp.input, sizeof event);
  bool setKnown;
  const EventItem* item = FindItem(eventItems_, event, &setKnown);
  if (!setKnown) return NotFoundStatus(false);
  uint32_t type = event.Flags & ~KSEVENT_TYPE_TOPOLOGY;
  if (type == KSEVENT_TYPE_SETSUPPORT) return STATUS_SUCCESS;
  if (item == nullptr) return NotFoundStatus(true);
  if (type == KSEVENT_TYPE_BASICSUPPORT) return STATUS_SUCCESS;
  if (type != KSEVENT_TYPE_ENABLE && type != KSEVENT_TYPE_ONESHOT) return STATUS_INVALID_PARAMETER;
  if (irp.inputLength < item->minEvent) return STATUS_INVALID_PARAMETER;
  uint32_t needed = item->minData > sizeof(KSEVENTDATA) ? item->minData : uint32_t{sizeof(KSEVENTDATA)};
  if (irp.outputLength < needed || irp.output == nullptr) {
    irp.information = needed;
    return STATUS_BUFFER_TOO_SMALL;
  }
  KSEVENTDATA data;
  std::memcpy(&data, irp.output, sizeof data);
  // Only an event handle is modelled; a semaphore handle is refused as an
  // unknown notification type would be.
  if (data.NotificationType != KSEVENTF_EVENT_HANDLE) return STATUS_INVALID_PARAMETER;
  std::shared_ptr<Object> target = irp.resolve ? (*irp.resolve)(data.Handle) : nullptr;
  if (!target || target->objectClass() != ObjectClass::Event) return STATUS_INVALID_HANDLE;

  auto entry = std::make_shared<EventEntry>();
  entry->set = event.Set;
  entry->id = event.Id;
  entry->flags = type;
  entry->eventData = reinterpret_cast<uintptr_t>(irp.output);
  entry->sink = std::static_pointer_cast<EventSink>(target);
  entry->data.assign(irp.output, irp.output + needed);
  if (item->added) {
    uint32_t status = item->added(*entry);
    if (status != STATUS_SUCCESS) return status;
  }
  {
    std::lock_guard<std::mutex> lock(eventsMutex_);
    events_.push_back(std::move(entry));
  }
  EventsChanged();
  return STATUS_SUCCESS;
}

uint32_t Object::DisableEvent(Irp& irp) {
  irp.information = 0;
  // No input disables every event of the handle.
  if (irp.inputLength == 0) {
    FreeEvents();
    return STATUS_SUCCESS;
  }
  if (irp.inputLength < sizeof(KSEVENTDATA) || irp.input == nullptr) return STATUS_INVALID_PARAMETER;
  // The entry is found by the address of the caller's KSEVENTDATA, as KS does.
  uint64_t address = reinterpret_cast<uintptr_t>(irp.input);
  {
    std::lock_guard<std::mutex> lock(eventsMutex_);
    auto it = std::find_if(events_.begin(), events_.end(), [&](const auto& e) { return e->eventData == address; });
    if (it == events_.end()) return STATUS_UNSUCCESSFUL;
    if (!KS_FAULT(DISABLE_KEEPS_ENTRY)) events_.erase(it);
  }
  EventsChanged();
  return STATUS_SUCCESS;
}

void Object::GenerateEvents(const Guid& set, uint32_t id) {
  std::vector<std::shared_ptr<EventEntry>> fire;
  {
    std::lock_guard<std::mutex> lock(eventsMutex_);
    for (auto it = events_.begin(); it != events_.end();) {
      if ((*it)->set == set && (*it)->id == id) {
        fire.push_back(*it);
        if ((*it)->flags == KSEVENT_TYPE_ONESHOT && !KS_FAULT(ONESHOT_STAYS)) {
          it = events_.erase(it);
          continue;
        }
      }
      ++it;
    }
  }
  for (const auto& entry : fire) entry->sink->Signal();
}

void Object::Signal(const std::shared_ptr<EventEntry>& entry) {
  if (entry->flags == KSEVENT_TYPE_ONESHOT && !KS_FAULT(ONESHOT_STAYS)) {
    std::lock_guard<std::mutex> lock(eventsMutex_);
    events_.erase(std::remove(events_.begin(), events_.end(), entry), events_.end());
  }
  entry->sink->Signal();
}

void Object::FreeEvents() {
  {
    std::lock_guard<std::mutex> lock(eventsMutex_);
    if (events_.empty()) return;
    events_.clear();
  }
  EventsChanged();
}

void Object::AddEventListProperty() {
  properties_.push_back(PropertyItem{KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_ENABLED_EVENTS,
                                     sizeof(KSPROPERTY), sizeof(uint32_t),
                                     [this](Request& r) {
                                       uint32_t count;
                                       {
                                         std::lock_guard<std::mutex> lock(eventsMutex_);
                                         count = static_cast<uint32_t>(events_.size());
                                       }
                                       return ReturnValue(r, &count, sizeof count);
                                     },
                                     nullptr});
}

std::vector<std::shared_ptr<EventEntry>> Object::EnabledEvents(const Guid& set, uint32_t id) {
  std::vector<std::shared_ptr<EventEntry>> found;
  std::lock_guard<std::mutex> lock(eventsMutex_);
  for (const auto& entry : events_) {
    if (entry->set == set && entry->id == id) found.push_back(entry);
  }
  return found;
}

}  // namespace ks::emu
