#include "wavert_translation.h"

#include "ks_defs.h"
#include "ks_rtaudio.h"
#include "ks_status.h"

#include <cstring>

namespace ks::bridge {
namespace {

constexpr size_t kEventHandleAt = offsetof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY, NotificationEvent);
// A handle value no emulator object has (its handles step by 4 from 0x1000),
// for an UNREGISTER naming an event never registered: the emulator then
// answers as it does for any unknown handle.
constexpr uint64_t kUnknownEvent = 0x2;

template <typename T>
T Read(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

RtAudioRequest ClassifyRtAudio(const uint8_t* in, uint32_t inLength, uint32_t outLength) {
  if (inLength < sizeof(KSPROPERTY)) return RtAudioRequest::None;
  if (Read<Guid>(in) != KSPROPSETID_RtAudio) return RtAudioRequest::None;
  const uint32_t id = Read<uint32_t>(in + 16), flags = Read<uint32_t>(in + 20);
  if ((flags & (KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET)) == 0) return RtAudioRequest::None;  // support queries
  switch (id) {
    case KSPROPERTY_RTAUDIO_BUFFER:
    case KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION:
      return outLength >= sizeof(KSRTAUDIO_BUFFER) ? RtAudioRequest::Buffer : RtAudioRequest::None;
    case KSPROPERTY_RTAUDIO_POSITIONREGISTER:
    case KSPROPERTY_RTAUDIO_CLOCKREGISTER:
      return outLength >= sizeof(KSRTAUDIO_HWREGISTER) ? RtAudioRequest::Register : RtAudioRequest::None;
    case KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT:
      return inLength >= sizeof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY) ? RtAudioRequest::RegisterEvent : RtAudioRequest::None;
    case KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT:
      return inLength >= sizeof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY) ? RtAudioRequest::UnregisterEvent : RtAudioRequest::None;
    default:
      return RtAudioRequest::None;
  }
}

// An emulator event standing in for a client's, and the thread that sets the
// client's each time the emulator's is signalled.
struct WaveRtTranslation::Relay {
  std::unique_ptr<WaitableEvent> standIn;
  HANDLE clientEvent = nullptr;  // duplicated into the server
  bool registered = false;
  std::atomic<bool> quit{false};
  std::thread thread;

  void Start() {
    thread = std::thread([this] {
      // Waits in short slices so a stop is seen promptly; each wake-up is one
      // signal of the modelled DMA (an auto-reset event coalesces as Windows' does).
      while (!quit.load()) {
        if (standIn->Wait(20)) SetEvent(clientEvent);
      }
    });
  }
  ~Relay() {
    quit.store(true);
    if (thread.joinable()) thread.join();
    if (clientEvent != nullptr) CloseHandle(clientEvent);
  }
};

WaveRtTranslation::WaveRtTranslation(Backend& emulator, HANDLE clientProcess)
    : emulator_(emulator), process_(clientProcess), views_(clientProcess) {}

WaveRtTranslation::~WaveRtTranslation() {
  std::map<uint64_t, std::shared_ptr<Relay>> relays;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    relays.swap(relays_);
  }
  relays.clear();  // joins the threads
}

uint32_t WaveRtTranslation::BeforeRequest(RtAudioRequest kind, std::vector<uint8_t>& input) {
  if (kind != RtAudioRequest::RegisterEvent && kind != RtAudioRequest::UnregisterEvent) return STATUS_SUCCESS;
  const uint64_t client = Read<uint64_t>(input.data() + kEventHandleAt);
  std::lock_guard<std::mutex> lock(mutex_);
  auto known = relays_.find(client);
  uint64_t standIn = kUnknownEvent;
  if (known != relays_.end()) {
    // Registered already (the emulator refuses a second registration of the
    // same event), or being unregistered: the same stand-in.
    standIn = known->second->standIn->handle();
  } else if (kind == RtAudioRequest::RegisterEvent) {
    // A handle that names no event of the client's stays one the emulator
    // knows nothing of, so it answers in its own order of checks (no
    // notification buffer: STATUS_NOT_SUPPORTED; else STATUS_INVALID_HANDLE,
    // as ObReferenceObjectByHandle fails).
    HANDLE duplicate = nullptr;
    if (client == 0 || process_ == nullptr ||
        !DuplicateHandle(process_, reinterpret_cast<HANDLE>(static_cast<uintptr_t>(client)), GetCurrentProcess(),
                         &duplicate, EVENT_MODIFY_STATE, FALSE, 0)) {
      std::memcpy(input.data() + kEventHandleAt, &kUnknownEvent, sizeof kUnknownEvent);
      return STATUS_SUCCESS;
    }
    auto relay = std::make_shared<Relay>();
    relay->clientEvent = duplicate;
    if (!emulator_.CreateWaitableEvent(&relay->standIn).ok()) return STATUS_INSUFFICIENT_RESOURCES;
    standIn = relay->standIn->handle();
    relays_[client] = relay;
  }
  std::memcpy(input.data() + kEventHandleAt, &standIn, sizeof standIn);
  return STATUS_SUCCESS;
}

uint32_t WaveRtTranslation::AfterRequest(RtAudioRequest kind, uint32_t status, const std::vector<uint8_t>& input,
                                         std::vector<uint8_t>& output, uint32_t information) {
  const bool ok = static_cast<int32_t>(status) >= 0;
  switch (kind) {
    case RtAudioRequest::Buffer:
    case RtAudioRequest::Register: {
      // Both structs begin with the address (KSRTAUDIO_BUFFER.BufferAddress, KSRTAUDIO_HWREGISTER.Register).
      if (!ok || information < sizeof(uint64_t) || output.size() < sizeof(uint64_t)) return status;
      const uint64_t address = Read<uint64_t>(output.data());
      if (address == 0) return status;
      const uint64_t mapped = views_.ClientAddress(address);
      if (mapped == 0) return STATUS_INSUFFICIENT_RESOURCES;
      std::memcpy(output.data(), &mapped, sizeof mapped);
      return status;
    }
    case RtAudioRequest::RegisterEvent:
    case RtAudioRequest::UnregisterEvent: {
      // `input` holds the stand-in now; the client's handle is the relay's key.
      const uint64_t standIn = Read<uint64_t>(input.data() + kEventHandleAt);
      std::shared_ptr<Relay> stopped;
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = relays_.begin(); it != relays_.end(); ++it) {
        if (it->second->standIn->handle() != standIn) continue;
        Relay& relay = *it->second;
        if (kind == RtAudioRequest::RegisterEvent) {
          if (ok && !relay.registered) {
            relay.registered = true;
            relay.Start();
          } else if (!ok && !relay.registered) {
            stopped = it->second;  // refused: forget the stand-in
            relays_.erase(it);
          }
        } else if (ok) {
          stopped = it->second;
          relays_.erase(it);
        }
        break;
      }
      return status;  // `stopped` joins its thread after the lock goes
    }
    default:
      return status;
  }
}

}  // namespace ks::bridge
