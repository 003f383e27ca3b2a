// The emulator's default clock, with ks.h's names: a pin allocates a
// KSDEFAULTCLOCK, drives its state with KsSetDefaultClockState as the pin
// moves between states, and KsCreateDefaultClock serves a clock create
// request (KSCLOCK_CREATE) on the pin with a clock object that answers
// KSPROPSETID_Clock from it.
//
// Time is in 100 ns units from a steady clock. The presentation time
// (KSPROPERTY_CLOCK_TIME) advances only in KSSTATE_RUN, holds in ACQUIRE and
// PAUSE, and goes back to 0 in STOP (the emulator's rule, as a DirectShow
// stream time behaves); the physical time always advances.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "emu_object.h"

namespace ks::emu {

struct KSDEFAULTCLOCK {
  std::mutex mutex;
  uint32_t state = KSSTATE_STOP;
  int64_t base = 0;         // presentation time when RUN was last entered or left
  int64_t runningSince = 0;  // physical time RUN was entered
  int64_t epoch = 0;         // steady-clock time of the allocation (physical time 0)
};

std::shared_ptr<KSDEFAULTCLOCK> KsAllocateDefaultClock();
void KsSetDefaultClockState(KSDEFAULTCLOCK& clock, uint32_t state);
uint32_t KsGetDefaultClockState(KSDEFAULTCLOCK& clock);
int64_t KsGetDefaultClockTime(KSDEFAULTCLOCK& clock);

// Payload shorter than KSCLOCK_CREATE or CreateFlags other than 0 →
// STATUS_INVALID_PARAMETER.
uint32_t KsValidateClockCreateRequest(const CreateRequest& request, KSCLOCK_CREATE* create);
uint32_t KsCreateDefaultClock(CreateRequest& request, std::shared_ptr<KSDEFAULTCLOCK> clock,
                              std::shared_ptr<Object>* out);

}  // namespace ks::emu
