// WaveRtEngine's setup and teardown: the KSPROPSETID_RtAudio sequence
// PortAudio uses (pa_win_wdmks.c), with the rules of Microsoft's pages —
// the buffer and the register are asked for in STOP, events are registered
// after BUFFER_WITH_NOTIFICATION and unregistered after STOP.
#include <cstring>

#include "wavert_engine.h"

namespace ks {

IoResult WaveRtEngine::Property(const Guid& set, uint32_t id, uint32_t flags, std::vector<uint8_t> instance, void* out,
                                uint32_t outSize) {
  if (instance.size() < sizeof(KSPROPERTY)) instance.resize(sizeof(KSPROPERTY), 0);
  KSPROPERTY property{set, id, flags};
  std::memcpy(instance.data(), &property, sizeof property);
  IoctlRequest request{IOCTL_KS_PROPERTY, instance.data(), static_cast<uint32_t>(instance.size()),
                       static_cast<uint8_t*>(out), outSize};
  return backend_->Ioctl(pin_, request);
}

Status WaveRtEngine::SetState(uint32_t state) {
  IoResult r = Property(KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_SET, {}, &state, sizeof state);
  return r.status;
}

// BUFFER_WITH_NOTIFICATION for event and packet modes (NotificationCount 1
// or 2), BUFFER for polled mode; event mode falls back to BUFFER.
Status WaveRtEngine::Allocate() {
  KSRTAUDIO_BUFFER reply{};
  IoResult r{};
  if (config_.mode != WaveRtMode::Polled) {
    KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION request{};
    request.RequestedBufferSize = config_.bufferBytes;
    request.NotificationCount = config_.notificationCount;
    std::vector<uint8_t> bytes(sizeof request);
    std::memcpy(bytes.data(), &request, sizeof request);
    r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION, KSPROPERTY_TYPE_GET, bytes, &reply,
                 sizeof reply);
    if (!r.status.ok()) {
      if (config_.mode != WaveRtMode::Event || !config_.fallbackToPolled) return r.status;
      config_.mode = WaveRtMode::Polled;
    }
  }
  if (config_.mode == WaveRtMode::Polled) {
    KSRTAUDIO_BUFFER_PROPERTY request{};
    request.RequestedBufferSize = config_.bufferBytes;
    std::vector<uint8_t> bytes(sizeof request);
    std::memcpy(bytes.data(), &request, sizeof request);
    // A polled stream may already hold a buffer with notifications (the
    // fallback above only runs when that failed): ask anew either way.
    r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_BUFFER, KSPROPERTY_TYPE_GET, bytes, &reply, sizeof reply);
    if (!r.status.ok()) return r.status;
    config_.notificationCount = 0;
  }
  // Never trust a driver's sizes: a buffer must hold whole frames, and at
  // least two of them per packet.
  const uint32_t packets = config_.notificationCount != 0 ? config_.notificationCount : 2;
  if (reply.BufferAddress == 0 || reply.ActualBufferSize < 2 * packets * config_.blockAlign ||
      reply.ActualBufferSize % (packets * config_.blockAlign) != 0) {
    return Status::Nt(STATUS_INVALID_DEVICE_STATE);
  }
  buffer_ = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(reply.BufferAddress));
  size_ = reply.ActualBufferSize;
  packetBytes_ = size_ / packets;
  if (config_.capture) staging_.assign(size_, 0);
  std::lock_guard<std::mutex> lock(mutex_);
  info_.mode = config_.mode;
  info_.bufferBytes = size_;
  info_.notificationCount = config_.notificationCount;
  info_.memoryBarrier = reply.CallMemoryBarrier != 0;
  return Status::Nt(STATUS_SUCCESS);
}

// The notification event: registered in event and packet modes; polled mode
// sleeps on it only as a timer the engine can cut short. Event mode falls
// back to polled when the driver refuses it.
void WaveRtEngine::RegisterEvent() {
  if (config_.mode == WaveRtMode::Polled) return;
  KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY request{};
  request.NotificationEvent = event_->handle();
  std::vector<uint8_t> bytes(sizeof request);
  std::memcpy(bytes.data(), &request, sizeof request);
  IoResult r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT, KSPROPERTY_TYPE_SET,
                        bytes, nullptr, 0);
  eventRegistered_ = r.status.ok();
  if (!eventRegistered_ && config_.mode == WaveRtMode::Event && config_.fallbackToPolled) {
    config_.mode = WaveRtMode::Polled;
    std::lock_guard<std::mutex> lock(mutex_);
    info_.mode = config_.mode;
  }
}

// POSITIONREGISTER as a GET (Microsoft's usage table; PortAudio sends a SET),
// else KSPROPERTY_AUDIO_POSITION on every pass.
void WaveRtEngine::MapPositionRegister() {
  WaveRtPositionSource source = WaveRtPositionSource::Property;
  if (config_.mode == WaveRtMode::Packet) {
    source = WaveRtPositionSource::Packets;
  } else {
    KSRTAUDIO_HWREGISTER reply{};
    IoResult r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_POSITIONREGISTER, KSPROPERTY_TYPE_GET,
                          std::vector<uint8_t>(sizeof(KSRTAUDIO_HWREGISTER_PROPERTY), 0), &reply, sizeof reply);
    if (r.status.ok() && reply.Register != 0 && reply.Width == 32) {
      positionRegister_ = reinterpret_cast<const std::atomic<uint32_t>*>(static_cast<uintptr_t>(reply.Register));
      source = WaveRtPositionSource::Register;
      // The wall clock, where the pin has one (HD Audio does; optional in
      // the WaveRT interface): elapsed time on the device's own clock.
      KSRTAUDIO_HWREGISTER clock{};
      r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_CLOCKREGISTER, KSPROPERTY_TYPE_GET,
                   std::vector<uint8_t>(sizeof(KSRTAUDIO_HWREGISTER_PROPERTY), 0), &clock, sizeof clock);
      if (r.status.ok() && clock.Register != 0 && clock.Width == 32 && clock.Numerator != 0 && clock.Denominator != 0) {
        clockRegister_ = reinterpret_cast<const std::atomic<uint32_t>*>(static_cast<uintptr_t>(clock.Register));
        clockHz_ = static_cast<double>(clock.Numerator) / static_cast<double>(clock.Denominator);
      }
    }
  }
  KSRTAUDIO_HWLATENCY latency{};
  IoResult r = Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_HWLATENCY, KSPROPERTY_TYPE_GET, {}, &latency, sizeof latency);
  std::lock_guard<std::mutex> lock(mutex_);
  info_.position = source;
  // FifoSize bounds what the render DMA has fetched beyond the position.
  info_.fifoBytes = r.status.ok() && latency.FifoSize < size_ / 2 ? latency.FifoSize / config_.blockAlign * config_.blockAlign : 0;
}

// Render: the whole buffer is filled before RUN (from the ring, then
// silence); in packet mode each packet is announced with SETWRITEPACKET.
void WaveRtEngine::Prime() {
  if (config_.capture) return;
  if (config_.mode == WaveRtMode::Packet) {
    for (uint32_t n = 0; n < config_.notificationCount; ++n) {
      FillFromRing(buffer_ + n * packetBytes_, packetBytes_);
      KSRTAUDIO_SETWRITEPACKET_INFO packet{n, 0, 0};
      Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_SETWRITEPACKET, KSPROPERTY_TYPE_SET, {}, &packet, sizeof packet);
      lastPacket_ = n;
    }
  } else {
    FillFromRing(buffer_, size_);
  }
  written_ = size_;
}

Status WaveRtEngine::Start() {
  Status status = Allocate();
  if (!status.ok()) return status;
  status = backend_->CreateWaitableEvent(&event_);
  if (!status.ok()) return status;
  RegisterEvent();
  if (config_.mode == WaveRtMode::Packet && !eventRegistered_) {
    TearDown();
    return Status::Nt(STATUS_NOT_SUPPORTED);
  }
  MapPositionRegister();
  for (uint32_t state : {KSSTATE_ACQUIRE, KSSTATE_PAUSE}) {
    status = SetState(state);
    if (!status.ok()) {
      TearDown();
      return status;
    }
  }
  Prime();
  positionReadAt_ = std::chrono::steady_clock::now();
  clockValid_ = false;
  running_ = true;
  started_ = true;
  status = SetState(KSSTATE_RUN);
  if (!status.ok()) {
    running_ = false;
    TearDown();
    return status;
  }
  // The device's wall clock at RUN (HD Audio's counts whatever the state):
  // the first pass times the position from it, as every later pass does
  // from the one before. Timed on the host's clock from before RUN, a first
  // pass that came late while the DMA had not yet moved (its thread, or a
  // device slow to start) took the time for a wrap; the Wine lane saw one
  // count a quarter of a 100 ms buffer lost whose audio was all there.
  if (clockRegister_ != nullptr && positionRegister_ != nullptr) {
    positionRead_ = static_cast<uint32_t>(positionRegister_->load(std::memory_order_acquire));
    positionClock_ = clockRegister_->load(std::memory_order_acquire);
    clockValid_ = true;
  }
  // Capture: JavaScript sees a packet "in flight" while the engine runs, so
  // it never calls in to restart an idle device (the device never idles).
  if (config_.capture) Word(stream_control::kInFlight).store(1);
  thread_ = std::thread([this] { Thread(); });
  return Status::Nt(STATUS_SUCCESS);
}

// Down to STOP one state at a time, then the event goes (unregistered after
// STOP, before the pin closes). Failures here are ignored: the pin may be
// closing or gone.
void WaveRtEngine::TearDown() {
  uint32_t state = KSSTATE_STOP;
  Property(KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_GET, {}, &state, sizeof state);
  while (state > KSSTATE_STOP && state <= KSSTATE_RUN) {
    if (!SetState(--state).ok()) break;
  }
  if (eventRegistered_) {
    KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY request{};
    request.NotificationEvent = event_->handle();
    std::vector<uint8_t> bytes(sizeof request);
    std::memcpy(bytes.data(), &request, sizeof request);
    Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT, KSPROPERTY_TYPE_SET, bytes, nullptr, 0);
    eventRegistered_ = false;
  }
  event_.reset();
}

void WaveRtEngine::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) return;
    started_ = false;
  }
  stop_ = true;
  if (event_) event_->Set();
  if (thread_.joinable()) thread_.join();
  running_ = false;
  if (config_.capture) Word(stream_control::kInFlight).store(0);
  TearDown();
}

}  // namespace ks
