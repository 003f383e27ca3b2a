// KSPROPSETID_RtAudio through the bridge. A WaveRT pin's answers carry
// addresses and take an event handle, all of them meaningful only in the
// process that asked:
// - BUFFER / BUFFER_WITH_NOTIFICATION answer KSRTAUDIO_BUFFER.BufferAddress and
//   POSITIONREGISTER / CLOCKREGISTER KSRTAUDIO_HWREGISTER.Register: the
//   emulator's addresses are turned into the client's, its device memory
//   mapped into the client (shared_device_memory.h), as portcls maps the DMA
//   buffer and the registers into the caller;
// - REGISTER_ / UNREGISTER_NOTIFICATION_EVENT name a client event: the server
//   registers an emulator event in its place and, each time the modelled DMA
//   signals it, sets the client's (DuplicateHandle + SetEvent), as portcls
//   signals the event a client registered.
#pragma once

#include "ks_backend.h"
#include "shared_device_memory.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ks::bridge {

enum class RtAudioRequest { None, Buffer, Register, RegisterEvent, UnregisterEvent };

// What a KSPROPERTY request is, for this translation.
RtAudioRequest ClassifyRtAudio(const uint8_t* in, uint32_t inLength, uint32_t outLength);

// One pin file's WaveRT state in the bridge: its client views and the
// notification events registered through it. Thread-safe.
class WaveRtTranslation {
 public:
  WaveRtTranslation(Backend& emulator, HANDLE clientProcess);
  ~WaveRtTranslation();  // stops the event relays and unmaps the client's views

  // Before the emulator sees an event request: the client's event handle in
  // `input` becomes the emulator event standing in for it (a new one for
  // REGISTER, the one already standing in for UNREGISTER). Returns a failure
  // status to answer with instead, or STATUS_SUCCESS.
  uint32_t BeforeRequest(RtAudioRequest kind, std::vector<uint8_t>& input);

  // After the emulator answered: rewrites the addresses in `output`, starts or
  // stops an event relay. Returns the status to answer with (the emulator's,
  // or STATUS_INSUFFICIENT_RESOURCES when an address cannot be mapped).
  uint32_t AfterRequest(RtAudioRequest kind, uint32_t status, const std::vector<uint8_t>& input,
                        std::vector<uint8_t>& output, uint32_t information);

 private:
  struct Relay;
  Backend& emulator_;
  HANDLE process_;
  ClientViews views_;
  std::mutex mutex_;
  // By the client's event handle value; a relay waiting for REGISTER's answer is `pending`.
  std::map<uint64_t, std::shared_ptr<Relay>> relays_;
};

}  // namespace ks::bridge
