#include "wavert_pin.h"

#include <cstring>

#include "device_catalog.h"
#include "pin_stream.h"  // KSPROPERTY_EMULATOR_CAPTURE_SIGNAL, shared with the standard pins

namespace ks::emu {

namespace {

constexpr uint16_t kWaveFormatExtensible = 0xFFFE;
constexpr size_t kWaveFormatExtensibleSize = 40;

template <typename T>
T ReadAt(const uint8_t* p, size_t offset) {
  T value;
  std::memcpy(&value, p + offset, sizeof value);
  return value;
}

// The rules below, by property; where Microsoft's pages give no status for
// a case, the one chosen is marked "(emulator)".
class WaveRtPin final : public Object {
 public:
  WaveRtPin(std::shared_ptr<VirtualFilter> filter, uint32_t pinId, const PinDescriptor& descriptor,
            std::vector<uint8_t> format, const WaveRtFormat& wave)
      : Object(ObjectClass::Pin),
        filter_(std::move(filter)),
        pinId_(pinId),
        format_(std::move(format)),
        wave_(wave),
        stream_(descriptor.dataFlow == KSPIN_DATAFLOW_OUT, wave, descriptor.waveRtHardware) {
    AddConnectionProperties();
    AddBufferProperties();
    AddPositionProperties();
    AddPacketProperties();
    properties_.insert(properties_.begin(), descriptor.properties.begin(), descriptor.properties.end());
    eventItems_ = descriptor.events;
  }

  ~WaveRtPin() override { filter_->ReleaseInstance(pinId_); }

  void Close() override {
    // Closing the pin stops the DMA, drops the notification events and (when
    // the object goes) frees the buffer ("closing the pin automatically frees
    // the buffer", KSPROPERTY_RTAUDIO_BUFFER).
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state_ = KSSTATE_STOP;
    }
    stream_.SetState(KSSTATE_STOP);
    stream_.DropEvents();
  }

 private:
  uint32_t State() {
    std::lock_guard<std::mutex> lock(mutex_);
    return state_;
  }

  void Add(const Guid& set, uint32_t id, uint32_t minProperty, uint32_t minData, Handler get, Handler set_) {
    properties_.push_back(PropertyItem{set, id, minProperty, minData, std::move(get), std::move(set_)});
  }

  void AddConnectionProperties() {
    Add(KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, sizeof(KSPROPERTY), sizeof(uint32_t),
        [this](Request& r) {
          uint32_t state = State();
          return ReturnValue(r, &state, sizeof state);
        },
        [this](Request& r) -> uint32_t {
          uint32_t next = ReadAt<uint32_t>(r.data, 0);
          if (next > KSSTATE_RUN) return STATUS_INVALID_PARAMETER;
          std::lock_guard<std::mutex> lock(mutex_);
          // One state at a time: STOP, ACQUIRE, PAUSE, RUN and back.
          uint32_t distance = next > state_ ? next - state_ : state_ - next;
          if (distance > 1) return STATUS_INVALID_DEVICE_STATE;
          state_ = next;
          stream_.SetState(next);
          return STATUS_SUCCESS;
        });
    Add(KSPROPSETID_Connection, KSPROPERTY_CONNECTION_DATAFORMAT, sizeof(KSPROPERTY), sizeof(KSDATAFORMAT),
        [this](Request& r) { return ReturnValue(r, format_.data(), static_cast<uint32_t>(format_.size())); }, nullptr);
    Add(KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_WAVERT_STATS, sizeof(KSPROPERTY),
        sizeof(EmulatorWaveRtStats),
        [this](Request& r) {
          if (r.dataLength < sizeof(EmulatorWaveRtStats)) return ReturnValue(r, nullptr, sizeof(EmulatorWaveRtStats));
          EmulatorWaveRtStats stats = stream_.Stats();
          return ReturnValue(r, &stats, sizeof stats);
        },
        nullptr);
    properties_.push_back(ChoiceProperty(
        KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD, 1000, [this] { return stream_.dmaHoldMs(); },
        [this](uint32_t ms) { stream_.HoldDma(ms); }));
    if (stream_.capture()) {
      // 0 index, 1 tone; from the DMA's next step.
      properties_.push_back(ChoiceProperty(
          KSPROPSETID_EmulatorDiagnostics, KSPROPERTY_EMULATOR_CAPTURE_SIGNAL, 1,
          [this] { return stream_.captureSignal(); }, [this](uint32_t value) { stream_.SetCaptureSignal(value); }));
    }
  }

  // BUFFER and BUFFER_WITH_NOTIFICATION: only in STOP; RequestedBufferSize 0
  // is refused (PortAudio #761: "RequestedBufferSize must be >0, otherwise
  // the Ioctl will fail"; STATUS_INVALID_PARAMETER (emulator)); the size is
  // rounded up to whole frames and 128 bytes; NotificationCount 1 or 2.
  uint32_t Allocate(Request& r, bool notification) {
    const uint32_t requested = ReadAt<uint32_t>(r.instance, offsetof(KSRTAUDIO_BUFFER_PROPERTY, RequestedBufferSize));
    uint32_t count = 0;
    if (notification) {
      count = ReadAt<uint32_t>(r.instance, offsetof(KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION, NotificationCount));
      if (count != 1 && count != 2) return STATUS_INVALID_PARAMETER;
    }
    if (requested == 0) return STATUS_INVALID_PARAMETER;
    if (r.dataLength < sizeof(KSRTAUDIO_BUFFER)) return ReturnValue(r, nullptr, sizeof(KSRTAUDIO_BUFFER));
    if (State() != KSSTATE_STOP) return STATUS_INVALID_DEVICE_STATE;
    KSRTAUDIO_BUFFER buffer{};
    uint32_t status = stream_.AllocateBuffer(requested, count, &buffer);
    if (status != STATUS_SUCCESS) return status;
    return ReturnValue(r, &buffer, sizeof buffer);
  }

  // A register is mapped in STOP, once per pin lifetime (Microsoft's
  // KSPROPERTY_RTAUDIO_POSITIONREGISTER page); a second mapping fails with
  // STATUS_INVALID_DEVICE_REQUEST (emulator). Answered for GET and SET alike:
  // PortAudio sends POSITIONREGISTER as a SET and works on real drivers.
  uint32_t MapRegister(Request& r, bool position) {
    if (r.dataLength < sizeof(KSRTAUDIO_HWREGISTER)) return ReturnValue(r, nullptr, sizeof(KSRTAUDIO_HWREGISTER));
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ != KSSTATE_STOP) return STATUS_INVALID_DEVICE_STATE;
    bool& mapped = position ? positionMapped_ : clockMapped_;
    if (mapped) return STATUS_INVALID_DEVICE_REQUEST;
    mapped = true;
    KSRTAUDIO_HWREGISTER reg{};
    reg.Width = 32;
    if (position) {
      // A byte offset into the buffer, advancing at the format's byte rate
      // in 1 ms steps.
      reg.Register = stream_.PositionRegister();
      reg.Numerator = uint64_t{wave_.sampleRate} * wave_.blockAlign;
      reg.Denominator = 1;
      reg.Accuracy = wave_.sampleRate * wave_.blockAlign / 1000;
    } else {
      // HD Audio's wall clock: 24 MHz.
      reg.Register = stream_.ClockRegister();
      reg.Numerator = 24'000'000;
      reg.Denominator = 1;
      reg.Accuracy = 24'000;
    }
    return ReturnValue(r, &reg, sizeof reg);
  }

  void AddBufferProperties() {
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_BUFFER, sizeof(KSRTAUDIO_BUFFER_PROPERTY), sizeof(KSRTAUDIO_BUFFER),
        [this](Request& r) { return Allocate(r, false); }, nullptr);
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION,
        sizeof(KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION), sizeof(KSRTAUDIO_BUFFER),
        [this](Request& r) { return Allocate(r, true); }, nullptr);
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_HWLATENCY, sizeof(KSPROPERTY), sizeof(KSRTAUDIO_HWLATENCY),
        [this](Request& r) {
          const WaveRtHardware& hw = stream_.hardware();
          KSRTAUDIO_HWLATENCY latency{hw.fifoSize, hw.chipsetDelay, hw.codecDelay};
          return ReturnValue(r, &latency, sizeof latency);
        },
        nullptr);
    for (bool position : {true, false}) {
      Handler map = [this, position](Request& r) { return MapRegister(r, position); };
      Add(KSPROPSETID_RtAudio, position ? KSPROPERTY_RTAUDIO_POSITIONREGISTER : KSPROPERTY_RTAUDIO_CLOCKREGISTER,
          sizeof(KSRTAUDIO_HWREGISTER_PROPERTY), sizeof(KSRTAUDIO_HWREGISTER), map, map);
    }
    // Notification events: registered only after BUFFER_WITH_NOTIFICATION
    // (else STATUS_NOT_SUPPORTED, "event notifications are not supported"),
    // unregistered only in STOP (else STATUS_INVALID_DEVICE_STATE
    // (emulator)). The handle must name an event (STATUS_INVALID_HANDLE, as
    // ObReferenceObjectByHandle fails); one already registered:
    // STATUS_INVALID_PARAMETER, one not registered: STATUS_NOT_FOUND
    // (emulator). Microsoft's pages list GET and SET for both.
    Handler registerEvent = [this](Request& r) -> uint32_t {
      if (stream_.notificationCount() == 0) return STATUS_NOT_SUPPORTED;
      uint64_t handle = ReadAt<uint64_t>(r.instance, offsetof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY, NotificationEvent));
      std::shared_ptr<Object> object = r.irp.resolve && handle != 0 ? (*r.irp.resolve)(handle) : nullptr;
      if (!object || object->objectClass() != ObjectClass::Event) return STATUS_INVALID_HANDLE;
      return stream_.RegisterEvent(handle, std::static_pointer_cast<EventSink>(object));
    };
    Handler unregisterEvent = [this](Request& r) -> uint32_t {
      if (State() != KSSTATE_STOP) return STATUS_INVALID_DEVICE_STATE;
      uint64_t handle = ReadAt<uint64_t>(r.instance, offsetof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY, NotificationEvent));
      return stream_.UnregisterEvent(handle);
    };
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT,
        sizeof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY), 0, registerEvent, registerEvent);
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT,
        sizeof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY), 0, unregisterEvent, unregisterEvent);
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT, sizeof(KSPROPERTY), sizeof(int32_t),
        [](Request& r) {
          int32_t supported = 1;
          return ReturnValue(r, &supported, sizeof supported);
        },
        nullptr);
  }

  void AddPositionProperties() {
    // KSPROPSETID_Audio's position, the fallback without a register: byte
    // offsets into the buffer; WriteOffset is where the DMA has fetched to
    // (render: FifoSize ahead of the play position).
    Add(KSPROPSETID_Audio, KSPROPERTY_AUDIO_POSITION, sizeof(KSPROPERTY), sizeof(KSAUDIO_POSITION),
        [this](Request& r) {
          if (r.dataLength < sizeof(KSAUDIO_POSITION)) return ReturnValue(r, nullptr, sizeof(KSAUDIO_POSITION));
          KSAUDIO_POSITION position = stream_.Position();
          return ReturnValue(r, &position, sizeof position);
        },
        nullptr);
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PRESENTATION_POSITION, sizeof(KSPROPERTY),
        sizeof(KSAUDIO_PRESENTATION_POSITION), [this](Request& r) {
          if (r.dataLength < sizeof(KSAUDIO_PRESENTATION_POSITION)) {
            return ReturnValue(r, nullptr, sizeof(KSAUDIO_PRESENTATION_POSITION));
          }
          KSAUDIO_PRESENTATION_POSITION position = stream_.PresentationPosition();
          return ReturnValue(r, &position, sizeof position);
        },
        nullptr);
  }

  // Packet mode (Windows 10): needs a buffer from BUFFER_WITH_NOTIFICATION,
  // else STATUS_INVALID_DEVICE_STATE (emulator); GETREADPACKET is a capture
  // stream's and SETWRITEPACKET a render stream's (the other direction:
  // STATUS_NOT_SUPPORTED, as portcls has no IMiniportWaveRTInputStream /
  // OutputStream to ask).
  void AddPacketProperties() {
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETCOUNT, sizeof(KSPROPERTY), sizeof(uint32_t),
        [this](Request& r) -> uint32_t {
          if (stream_.notificationCount() == 0) return STATUS_INVALID_DEVICE_STATE;
          if (r.dataLength < sizeof(uint32_t)) return ReturnValue(r, nullptr, sizeof(uint32_t));
          uint32_t count = stream_.PacketCount();
          return ReturnValue(r, &count, sizeof count);
        },
        nullptr);
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_GETREADPACKET, sizeof(KSPROPERTY),
        sizeof(KSRTAUDIO_GETREADPACKET_INFO), [this](Request& r) -> uint32_t {
          if (!stream_.capture()) return STATUS_NOT_SUPPORTED;
          if (stream_.notificationCount() == 0) return STATUS_INVALID_DEVICE_STATE;
          if (r.dataLength < sizeof(KSRTAUDIO_GETREADPACKET_INFO)) {
            return ReturnValue(r, nullptr, sizeof(KSRTAUDIO_GETREADPACKET_INFO));
          }
          KSRTAUDIO_GETREADPACKET_INFO info{};
          uint32_t status = stream_.GetReadPacket(&info);
          if (status != STATUS_SUCCESS) return status;
          return ReturnValue(r, &info, sizeof info);
        },
        nullptr);
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_SETWRITEPACKET, sizeof(KSPROPERTY),
        sizeof(KSRTAUDIO_SETWRITEPACKET_INFO), nullptr, [this](Request& r) -> uint32_t {
          if (stream_.capture()) return STATUS_NOT_SUPPORTED;
          if (stream_.notificationCount() == 0) return STATUS_INVALID_DEVICE_STATE;
          KSRTAUDIO_SETWRITEPACKET_INFO info;
          std::memcpy(&info, r.data, sizeof info);
          return stream_.SetWritePacket(info);
        });
    // Optional per Microsoft; this endpoint has no packet registers.
    Add(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETVREGISTER, sizeof(KSPROPERTY), 0,
        [](Request&) -> uint32_t { return STATUS_NOT_SUPPORTED; }, nullptr);
  }

  std::shared_ptr<VirtualFilter> filter_;
  uint32_t pinId_;
  std::vector<uint8_t> format_;
  WaveRtFormat wave_;
  uint32_t state_ = KSSTATE_STOP;
  bool positionMapped_ = false;
  bool clockMapped_ = false;
  WaveRtStream stream_;  // last: its DMA thread stops before the rest goes
};

}  // namespace

uint32_t ParseWaveRtFormat(const uint8_t* format, uint32_t size, WaveRtFormat* out) {
  if (size < sizeof(KSDATAFORMAT) + kWaveFormatExtensibleSize) return STATUS_NO_MATCH;
  KSDATAFORMAT head;
  std::memcpy(&head, format, sizeof head);
  if (head.MajorFormat != KSDATAFORMAT_TYPE_AUDIO || head.SubFormat != KSDATAFORMAT_SUBTYPE_PCM ||
      head.Specifier != KSDATAFORMAT_SPECIFIER_WAVEFORMATEX) {
    return STATUS_NO_MATCH;
  }
  const uint8_t* wave = format + sizeof(KSDATAFORMAT);
  const uint16_t tag = ReadAt<uint16_t>(wave, 0);
  const uint16_t channels = ReadAt<uint16_t>(wave, 2);
  const uint32_t rate = ReadAt<uint32_t>(wave, 4);
  const uint32_t avgBytes = ReadAt<uint32_t>(wave, 8);
  const uint16_t blockAlign = ReadAt<uint16_t>(wave, 12);
  const uint16_t bits = ReadAt<uint16_t>(wave, 14);
  const uint16_t cbSize = ReadAt<uint16_t>(wave, 16);
  const uint16_t validBits = ReadAt<uint16_t>(wave, 18);
  Guid subFormat;
  std::memcpy(&subFormat, wave + 24, sizeof subFormat);
  if (tag != kWaveFormatExtensible || cbSize < 22 || subFormat != KSDATAFORMAT_SUBTYPE_PCM) return STATUS_NO_MATCH;
  const bool sixteen = bits == 16 && validBits == 16;
  const bool twentyFourInThirtyTwo = bits == 32 && validBits == 24;
  if (!sixteen && !twentyFourInThirtyTwo) return STATUS_NO_MATCH;
  if (channels == 0 || rate == 0 || blockAlign != channels * (bits / 8) || avgBytes != rate * blockAlign) {
    return STATUS_NO_MATCH;
  }
  *out = WaveRtFormat{rate, channels, blockAlign, bits, validBits};
  return STATUS_SUCCESS;
}

std::shared_ptr<Object> CreateWaveRtPin(std::shared_ptr<VirtualFilter> filter, uint32_t pinId,
                                        const PinDescriptor& descriptor, std::vector<uint8_t> format,
                                        const WaveRtFormat& wave) {
  return std::make_shared<WaveRtPin>(std::move(filter), pinId, descriptor, std::move(format), wave);
}

}  // namespace ks::emu
