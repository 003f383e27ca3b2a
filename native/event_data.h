// The KSEVENTDATA a backend hands the driver when it enables an event, with
// the event's own data after it (KSEVENT_TIME_MARK's MarkTime, ...). KS
// finds the event to disable by this block's address, so it stays where it
// is, 8-byte aligned, until the event is disabled.
#pragma once

#include <cstring>
#include <vector>

#include "ks_backend.h"

namespace ks {

class EventDataBlock {
 public:
  // `handle`: the event (a Win32 event HANDLE, or the emulator's event object) the driver signals.
  EventDataBlock(uint64_t handle, const std::vector<uint8_t>& eventData)
      : words_((sizeof(KSEVENTDATA) + eventData.size() + 7) / 8),
        length_(static_cast<uint32_t>(sizeof(KSEVENTDATA) + eventData.size())) {
    KSEVENTDATA head{KSEVENTF_EVENT_HANDLE, 0, handle, {0, 0}};
    std::memcpy(bytes(), &head, sizeof head);
    if (!eventData.empty()) std::memcpy(bytes() + sizeof head, eventData.data(), eventData.size());
  }
  EventDataBlock(const EventDataBlock&) = delete;
  EventDataBlock& operator=(const EventDataBlock&) = delete;

  // IOCTL_KS_ENABLE_EVENT: the KSEVENT request in, this block as the output buffer.
  IoctlRequest Enable(const std::vector<uint8_t>& request) {
    IoctlRequest r;
    r.code = IOCTL_KS_ENABLE_EVENT;
    r.input = request.data();
    r.inputLength = static_cast<uint32_t>(request.size());
    r.output = bytes();
    r.outputLength = length_;
    return r;
  }

  // IOCTL_KS_DISABLE_EVENT: this block's KSEVENTDATA, at the address it was enabled with.
  IoctlRequest Disable() {
    IoctlRequest r;
    r.code = IOCTL_KS_DISABLE_EVENT;
    r.input = bytes();
    r.inputLength = sizeof(KSEVENTDATA);
    return r;
  }

 private:
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(words_.data()); }
  std::vector<uint64_t> words_;
  uint32_t length_;
};

}  // namespace ks
