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
};

struct MethodItem {
  Guid set;
  uint32_t id;
  uint32_t minMethod;
  uint32_t minData;
  Handler invoke;  // may return STATUS_PENDING after keeping irp.complete
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

 protected:
  std::vector<PropertyItem> properties_;
  std::vector<MethodItem> methods_;
  // Guards state touched from both the JS thread and streaming threads.
  std::mutex mutex_;

 private:
  uint32_t DispatchProperty(Irp& irp);
  uint32_t DispatchMethod(Irp& irp);
  ObjectClass class_;
};

// Writes a value into a GET's output the way every fixed-size KS property
// does: a zero-length buffer asks for the size (STATUS_BUFFER_OVERFLOW), a
// short one gets STATUS_BUFFER_TOO_SMALL with the size needed.
uint32_t ReturnValue(Request& request, const void* value, uint32_t size);

}  // namespace ks::emu
