#include "virtual_pin.h"

#include "clock.h"
#include "pin_stream.h"
#include "../ks_frame_info.h"

#include <cstring>

namespace ks::emu {

namespace {

constexpr uint32_t kStateStop = 0;
constexpr uint32_t kStateRun = 3;

template <typename T>
T ReadAt(const uint8_t* p, size_t offset) {
  T value;
  std::memcpy(&value, p + offset, sizeof value);
  return value;
}

class VirtualPin final : public Object {
 public:
  VirtualPin(std::shared_ptr<VirtualFilter> filter, uint32_t pinId, const PinDescriptor& descriptor,
             std::vector<uint8_t> format)
      : Object(ObjectClass::Pin),
        filter_(std::move(filter)),
        pinId_(pinId),
        descriptor_(descriptor),
        format_(std::move(format)),
        stream_(descriptor.dataFlow == KSPIN_DATAFLOW_OUT, format_,
                descriptor.model == DriverModel::AVStream
                    ? (descriptor.streamHeaderSize != 0 ? descriptor.streamHeaderSize
                                                        : static_cast<uint32_t>(sizeof(KSSTREAM_HEADER)))
                    : 0) {
    stream_.AddProperties(properties_);
    eventItems_.push_back(EventItem{KSEVENTSETID_Connection, KSEVENT_CONNECTION_ENDOFSTREAM, sizeof(KSEVENT),
                                    sizeof(KSEVENTDATA), nullptr});
    stream_.OnEndOfStream([this] { GenerateEvents(KSEVENTSETID_Connection, KSEVENT_CONNECTION_ENDOFSTREAM); });
    stream_.OnVideoFrame(descriptor_.videoFrameEffects);
    eventItems_.insert(eventItems_.end(), descriptor_.events.begin(), descriptor_.events.end());
    AddEventListProperty();
    if (descriptor_.model != DriverModel::AVStream) {
      // portcls WaveCyclic answers the legacy framing; AVStream does not (its
      // pins answer ALLOCATORFRAMING_EX only, below).
      properties_.push_back(PropertyItem{KSPROPSETID_Connection, KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
                                         sizeof(KSPROPERTY), sizeof(KSALLOCATOR_FRAMING),
                                         [this](Request& r) {
                                           return ReturnValue(r, &descriptor_.framing, sizeof descriptor_.framing);
                                         },
                                         nullptr});
    }
    if (descriptor_.model == DriverModel::AVStream && descriptor_.answersHeaderSize) {
      // KSPROPERTY_STREAMINTERFACE_HEADERSIZE: KSPIN.StreamHeaderSize (GET only, a ULONG).
      properties_.push_back(PropertyItem{KSPROPSETID_StreamInterface, KSPROPERTY_STREAMINTERFACE_HEADERSIZE,
                                         sizeof(KSPROPERTY), sizeof(uint32_t),
                                         [this](Request& r) {
                                           uint32_t size = descriptor_.streamHeaderSize != 0
                                                               ? descriptor_.streamHeaderSize
                                                               : static_cast<uint32_t>(sizeof(KSSTREAM_HEADER));
                                           return ReturnValue(r, &size, sizeof size);
                                         },
                                         nullptr});
    }
    properties_.push_back(PropertyItem{
        KSPROPSETID_Connection, KSPROPERTY_CONNECTION_DATAFORMAT, sizeof(KSPROPERTY), sizeof(KSDATAFORMAT),
        [this](Request& r) { return ReturnValue(r, format_.data(), static_cast<uint32_t>(format_.size())); },
        nullptr});
    properties_.push_back(PropertyItem{KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, sizeof(KSPROPERTY),
                                       sizeof(uint32_t), [this](Request& r) { return GetState(r); },
                                       [this](Request& r) { return SetState(r); }});
    properties_.push_back(PropertyItem{KSPROPSETID_Stream, KSPROPERTY_STREAM_ALLOCATOR, sizeof(KSPROPERTY),
                                       sizeof(uint64_t), [this](Request& r) { return GetReference(r, allocator_); },
                                       [this](Request& r) { return SetReference(r, allocator_, ObjectClass::Allocator); }});
    properties_.push_back(PropertyItem{KSPROPSETID_Stream, KSPROPERTY_STREAM_MASTERCLOCK, sizeof(KSPROPERTY),
                                       sizeof(uint64_t), [this](Request& r) { return GetReference(r, masterClock_); },
                                       [this](Request& r) { return SetReference(r, masterClock_, ObjectClass::Clock); }});
    if (!descriptor_.framingEx.empty()) {
      properties_.push_back(PropertyItem{
          KSPROPSETID_Connection, KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX, sizeof(KSPROPERTY),
          sizeof(KSALLOCATOR_FRAMING_EX) - sizeof(KS_FRAMING_ITEM), [this](Request& r) {
            return ReturnValue(r, descriptor_.framingEx.data(), static_cast<uint32_t>(descriptor_.framingEx.size()));
          },
          nullptr});
    }
    properties_.insert(properties_.begin(), descriptor_.properties.begin(), descriptor_.properties.end());
  }

  ~VirtualPin() override { filter_->ReleaseInstance(pinId_); }

  uint32_t CreateChild(const Guid& objectClass, CreateRequest& request, std::shared_ptr<Object>* out) override {
    if (objectClass == KSNAME_Clock) return KsCreateDefaultClock(request, clock_, out);
    if (objectClass != KSNAME_Allocator) return STATUS_INVALID_DEVICE_REQUEST;
    if (descriptor_.hasExternalAllocator) {
      const ExternalAllocator& x = descriptor_.external;
      return KsCreateDefaultAllocatorEx(request, x.initializeContext, x.allocate, x.free, x.initialize,
                                        x.deleteAllocator, out);
    }
    return KsCreateDefaultAllocator(request, out);
  }

  uint32_t DeviceControl(Irp& irp) override {
    if (irp.code == IOCTL_KS_READ_STREAM || irp.code == IOCTL_KS_WRITE_STREAM) return stream_.Queue(irp);
    return Object::DeviceControl(irp);
  }

  void CancelIo() override { stream_.Cancel(); }

  void Close() override {
    // Closing the pin's handle stops it, completes its queued buffers and drops its allocator reference.
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state_ = kStateStop;
      allocator_ = HandleReference{};
      masterClock_ = HandleReference{};
    }
    stream_.StateChanged(kStateStop);
    KsSetDefaultClockState(*clock_, kStateStop);
  }

 private:
  uint32_t GetState(Request& r) {
    uint32_t state;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state = state_;
    }
    return ReturnValue(r, &state, sizeof state);
  }

  uint32_t SetState(Request& r) {
    uint32_t next = ReadAt<uint32_t>(r.data, 0);
    if (next > kStateRun) return STATUS_INVALID_PARAMETER;
    std::lock_guard<std::mutex> lock(mutex_);
    // KS pins move one state at a time: STOP, ACQUIRE, PAUSE, RUN and back.
    uint32_t distance = next > state_ ? next - state_ : state_ - next;
    if (distance > 1) return STATUS_INVALID_DEVICE_STATE;
    state_ = next;
    stream_.StateChanged(next);
    KsSetDefaultClockState(*clock_, next);
    return STATUS_SUCCESS;
  }

  // KSPROPERTY_STREAM_ALLOCATOR and KSPROPERTY_STREAM_MASTERCLOCK: a handle to
  // another object, which the pin references (as ObReferenceObjectByHandle
  // would) so it outlives the caller's handle. 0 detaches. Set only in STOP
  // (for the clock, the emulator's rule).
  struct HandleReference {
    std::shared_ptr<Object> object;
    uint64_t handle = 0;
  };

  uint32_t GetReference(Request& r, const HandleReference& reference) {
    uint64_t handle;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      handle = reference.handle;
    }
    return ReturnValue(r, &handle, sizeof handle);
  }

  uint32_t SetReference(Request& r, HandleReference& reference, ObjectClass cls) {
    uint64_t handle = ReadAt<uint64_t>(r.data, 0);
    std::shared_ptr<Object> object;
    if (handle != 0) {
      if (r.irp.resolve == nullptr) return STATUS_INVALID_HANDLE;
      object = (*r.irp.resolve)(handle);
      if (!object || object->objectClass() != cls) return STATUS_INVALID_HANDLE;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ != kStateStop) return STATUS_INVALID_DEVICE_STATE;
    reference = HandleReference{std::move(object), handle};
    return STATUS_SUCCESS;
  }

  std::shared_ptr<VirtualFilter> filter_;
  uint32_t pinId_;
  const PinDescriptor& descriptor_;  // lives as long as filter_'s descriptor
  std::vector<uint8_t> format_;
  uint32_t state_ = kStateStop;
  HandleReference allocator_;
  std::shared_ptr<KSDEFAULTCLOCK> clock_ = KsAllocateDefaultClock();  // what the pin's clocks read
  HandleReference masterClock_;
  PinStream stream_;  // last: its worker stops before the rest goes
};

}  // namespace

std::shared_ptr<Object> CreateVirtualPin(std::shared_ptr<VirtualFilter> filter, uint32_t pinId,
                                         const PinDescriptor& descriptor, std::vector<uint8_t> format) {
  return std::make_shared<VirtualPin>(std::move(filter), pinId, descriptor, std::move(format));
}

}  // namespace ks::emu
