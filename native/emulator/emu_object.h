// The emulator's model of a kernel KS object (a file object with a dispatch
// table): IOCTLs arrive as IRPs, children are created through create items
// keyed by object-class GUID, and property/method requests are dispatched
// through tables the way KsPropertyHandler/KsMethodHandler do.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "../ks_backend.h"

namespace ks::emu {

class Object;

// The property set with which virtual devices report their own bookkeeping
// (not a Microsoft set): {1C5B1F8E-6E7A-4B4B-9A53-4B53454D5500}.
constexpr Guid KSPROPSETID_EmulatorDiagnostics{0x1C5B1F8E, 0x6E7A, 0x4B4B,
                                               {0x9A, 0x53, 0x4B, 0x53, 0x45, 0x4D, 0x55, 0x00}};
// GET ULONG: how many entries the object's event list holds (what
// ENABLE_EVENT added and DISABLE_EVENT, a one-shot signal or cleanup has not
// removed), so a test sees the driver's side of a disable, below the
// library's and the backend's own gating.
constexpr uint32_t KSPROPERTY_EMULATOR_ENABLED_EVENTS = 4;

// Resolves a user-mode handle value carried inside a request (the HANDLE of
// KSPROPERTY_STREAM_ALLOCATOR, KSPIN_CONNECT.PinToHandle) to its object, as
// ObReferenceObjectByHandle does in the kernel.
using HandleResolver = std::function<std::shared_ptr<Object>(uint64_t handle)>;

struct Irp {
  uint32_t code = 0;
  const uint8_t* input = nullptr;
  uint32_t inputLength = 0;
  uint8_t* output = nullptr;
  uint32_t outputLength = 0;
  uint32_t information = 0;
  // Set only for requests that may pend; runs once when a pended IRP completes.
  IoCompletion complete;
  const HandleResolver* resolve = nullptr;
};

struct CreateRequest {
  std::vector<uint8_t> payload;  // the create name's bytes after "{class}\"
  uint32_t desiredAccess = 0;
  const HandleResolver* resolve = nullptr;
};

// A property or method request after the standard checks, handed to a handler.
struct Request {
  Object& object;
  Irp& irp;
  const KSIDENTIFIER& id;       // the KSPROPERTY / KSMETHOD header
  const uint8_t* instance;      // the whole request (KSP_PIN etc.), irp.inputLength bytes
  uint8_t* data;                // property value / method data
  uint32_t dataLength;
};

using Handler = std::function<uint32_t(Request&)>;

struct PropertyItem {
  Guid set;
  uint32_t id;
  uint32_t minProperty;  // smallest request (sizeof(KSPROPERTY) or more)
  uint32_t minData;      // smallest value; a GET with less gets the size back
  Handler get;           // empty: GET not supported
  Handler set_;          // empty: SET not supported
  // Optional: answers KSPROPERTY_TYPE_BASICSUPPORT itself (value ranges,
  // a driver's own form); empty: the standard answer from get and set_.
  Handler support = nullptr;
  // Optional: answers KSPROPERTY_TYPE_DEFAULTVALUES (a KSPROPERTY_DESCRIPTION
  // and the default-value member lists); empty: the request is refused as an
  // unknown type.
  Handler defaultValues = nullptr;
};

struct MethodItem {
  Guid set;
  uint32_t id;
  uint32_t minMethod;
  uint32_t minData;
  Handler invoke;  // may return STATUS_PENDING after keeping irp.complete
};

// An emulated Win32 event object, what KSEVENTDATA's event handle names:
// signalling it runs the waiter's callback (the backend's EventSignal).
class EventSink;

// One enabled event (KSEVENT_ENTRY): who enabled it and how to signal them.
struct EventEntry {
  Guid set;
  uint32_t id = 0;
  uint32_t flags = 0;       // KSEVENT_TYPE_ENABLE or _ONESHOT
  uint64_t eventData = 0;   // the caller's KSEVENTDATA address: what DISABLE_EVENT names
  std::shared_ptr<EventSink> sink;
  std::vector<uint8_t> data;  // KSEVENTDATA and what follows it (KSEVENT_TIME_MARK, ...)
  int64_t next = 0;           // the owner's scratch: the next interval mark
};

struct EventItem {
  Guid set;
  uint32_t id;
  uint32_t minEvent;  // smallest request (sizeof(KSEVENT) or more)
  uint32_t minData;   // KSEVENTDATA and the event's own data
  // Optional: checks and prepares a new entry; a failure refuses the enable.
  std::function<uint32_t(EventEntry&)> added;
};

class Object : public std::enable_shared_from_this<Object> {
 public:
  explicit Object(ObjectClass cls) : class_(cls) {}
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  ObjectClass objectClass() const { return class_; }

  // IRP_MJ_DEVICE_CONTROL. Returns the status; STATUS_PENDING means the object
  // kept the IRP and will call irp.complete later.
  virtual uint32_t DeviceControl(Irp& irp);

  // IRP_MJ_CREATE on a child name. The base object has no create items.
  virtual uint32_t CreateChild(const Guid& objectClass, CreateRequest& request, std::shared_ptr<Object>* out);

  // Completes every IRP this object keeps pending with STATUS_CANCELLED.
  virtual void CancelIo() {}

  // IRP_MJ_CLEANUP for the user's handle: cancel what is pending. The object
  // itself goes when its last reference does (IRP_MJ_CLOSE).
  virtual void Close() { CancelIo(); }

  // Signals every entry enabled for (set, id), as KsGenerateEvents does; a
  // one-shot entry goes after its signal.
  void GenerateEvents(const Guid& set, uint32_t id);
  // Disables every event of this handle (KsFreeEventList at cleanup).
  void FreeEvents();

 protected:
  // The entries enabled for (set, id), for owners that decide when they fire.
  std::vector<std::shared_ptr<EventEntry>> EnabledEvents(const Guid& set, uint32_t id);
  // Signals one entry (removing it if it was one-shot).
  void Signal(const std::shared_ptr<EventEntry>& entry);
  // The status for a property, method or event request this object has no
  // handler for. ks.sys's KsPropertyHandler / KsMethodHandler / KsEnableEvent
  // answer a set the object does not have with STATUS_PROPSET_NOT_FOUND and an
  // unknown id within a set it has with STATUS_NOT_FOUND (ReactOS
  // drivers/ksfilter/ks/property.c FindPropertyHandler and event.c
  // KspEnableEvent do the same); DeviceIoControl reports them as
  // ERROR_SET_NOT_FOUND (1170) and ERROR_NOT_FOUND (1168).
  virtual uint32_t NotFoundStatus(bool setKnown) const { return setKnown ? STATUS_NOT_FOUND : STATUS_PROPSET_NOT_FOUND; }
  // Runs after an entry was added or removed (a clock re-arms its timer).
  virtual void EventsChanged() {}
  // Adds KSPROPERTY_EMULATOR_ENABLED_EVENTS (for objects that have events).
  void AddEventListProperty();

  std::vector<PropertyItem> properties_;
  std::vector<MethodItem> methods_;
  std::vector<EventItem> eventItems_;
  // Guards state touched from both the JS thread and streaming threads.
  std::mutex mutex_;

 private:
  uint32_t DispatchProperty(Irp& irp);
  uint32_t DispatchMethod(Irp& irp);
  uint32_t EnableEvent(Irp& irp);
  uint32_t DisableEvent(Irp& irp);
  ObjectClass class_;
  std::mutex eventsMutex_;
  std::vector<std::shared_ptr<EventEntry>> events_;
};

class EventSink final : public Object {
 public:
  explicit EventSink(std::function<void()> onSignal) : Object(ObjectClass::Event), onSignal_(std::move(onSignal)) {}
  void Signal() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (onSignal_) onSignal_();
  }
  // After this returns no signal reaches the waiter.
  void Close() override {
    std::lock_guard<std::mutex> lock(mutex_);
    onSignal_ = nullptr;
  }

 private:
  std::function<void()> onSignal_;
};

// Writes a value into a GET's output the way every fixed-size KS property
// does: a zero-length buffer asks for the size (STATUS_BUFFER_OVERFLOW), a
// short one gets STATUS_BUFFER_TOO_SMALL with the size needed.
uint32_t ReturnValue(Request& request, const void* value, uint32_t size);

// An emulator control that is a ULONG choice 0..max (pacing, ignore-cancel, the capture signal): a GET answers
// `read()`, a SET above `max` is refused with STATUS_INVALID_PARAMETER, else `write(value)` takes it.
PropertyItem ChoiceProperty(const Guid& set, uint32_t id, uint32_t max, std::function<uint32_t()> read,
                            std::function<void(uint32_t)> write);

}  // namespace ks::emu
