#include "clock.h"

#include <chrono>
#include <cstring>

namespace ks::emu {

namespace {

// The steady clock in 100 ns units: the emulator's "performance counter".
int64_t SystemTime100ns() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::duration<int64_t, std::ratio<1, 10000000>>>(now).count();
}

int64_t PhysicalTime(const KSDEFAULTCLOCK& clock, int64_t system) { return system - clock.epoch; }

// Presentation time at `system`; the caller holds the clock's mutex.
int64_t TimeAt(const KSDEFAULTCLOCK& clock, int64_t system) {
  if (clock.state != KSSTATE_RUN) return clock.base;
  return clock.base + (PhysicalTime(clock, system) - clock.runningSince);
}

class DefaultClock final : public Object {
 public:
  explicit DefaultClock(std::shared_ptr<KSDEFAULTCLOCK> clock) : Object(ObjectClass::Clock), clock_(std::move(clock)) {
    auto get = [this](uint32_t id, uint32_t size, auto answer) {
      properties_.push_back(PropertyItem{KSPROPSETID_Clock, id, sizeof(KSPROPERTY), size, answer, nullptr});
    };
    get(KSPROPERTY_CLOCK_TIME, sizeof(int64_t), [this](Request& r) {
      int64_t time = KsGetDefaultClockTime(*clock_);
      return ReturnValue(r, &time, sizeof time);
    });
    get(KSPROPERTY_CLOCK_PHYSICALTIME, sizeof(int64_t), [this](Request& r) {
      int64_t time = PhysicalTime(*clock_, SystemTime100ns());
      return ReturnValue(r, &time, sizeof time);
    });
    // Both correlated forms read the time and the system time at one instant.
    get(KSPROPERTY_CLOCK_CORRELATEDTIME, sizeof(KSCORRELATED_TIME), [this](Request& r) {
      KSCORRELATED_TIME value;
      {
        std::lock_guard<std::mutex> lock(clock_->mutex);
        value.SystemTime = SystemTime100ns();
        value.Time = TimeAt(*clock_, value.SystemTime);
      }
      return ReturnValue(r, &value, sizeof value);
    });
    get(KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME, sizeof(KSCORRELATED_TIME), [this](Request& r) {
      KSCORRELATED_TIME value;
      value.SystemTime = SystemTime100ns();
      value.Time = PhysicalTime(*clock_, value.SystemTime);
      return ReturnValue(r, &value, sizeof value);
    });
    get(KSPROPERTY_CLOCK_RESOLUTION, sizeof(KSRESOLUTION), [](Request& r) {
      // Granularity: one tick of the steady clock in 100 ns units (at least
      // one); Error: the emulator claims no more than one tick.
      using Period = std::chrono::steady_clock::period;
      int64_t granularity = static_cast<int64_t>(Period::num * 10000000LL / Period::den);
      if (granularity < 1) granularity = 1;
      KSRESOLUTION value{granularity, granularity};
      return ReturnValue(r, &value, sizeof value);
    });
    get(KSPROPERTY_CLOCK_STATE, sizeof(uint32_t), [this](Request& r) {
      uint32_t state = KsGetDefaultClockState(*clock_);
      return ReturnValue(r, &state, sizeof state);
    });
  }

 private:
  std::shared_ptr<KSDEFAULTCLOCK> clock_;
};

}  // namespace

std::shared_ptr<KSDEFAULTCLOCK> KsAllocateDefaultClock() {
  auto clock = std::make_shared<KSDEFAULTCLOCK>();
  clock->epoch = SystemTime100ns();
  return clock;
}

void KsSetDefaultClockState(KSDEFAULTCLOCK& clock, uint32_t state) {
  std::lock_guard<std::mutex> lock(clock.mutex);
  if (state == clock.state) return;
  int64_t physical = PhysicalTime(clock, SystemTime100ns());
  if (clock.state == KSSTATE_RUN) clock.base += physical - clock.runningSince;  // leaving RUN: keep the time
  if (state == KSSTATE_RUN) clock.runningSince = physical;
  if (state == KSSTATE_STOP) clock.base = 0;
  clock.state = state;
}

uint32_t KsGetDefaultClockState(KSDEFAULTCLOCK& clock) {
  std::lock_guard<std::mutex> lock(clock.mutex);
  return clock.state;
}

int64_t KsGetDefaultClockTime(KSDEFAULTCLOCK& clock) {
  std::lock_guard<std::mutex> lock(clock.mutex);
  return TimeAt(clock, SystemTime100ns());
}

uint32_t KsValidateClockCreateRequest(const CreateRequest& request, KSCLOCK_CREATE* create) {
  if (request.payload.size() < sizeof(KSCLOCK_CREATE)) return STATUS_INVALID_PARAMETER;
  std::memcpy(create, request.payload.data(), sizeof *create);
  if (create->CreateFlags != 0) return STATUS_INVALID_PARAMETER;
  return STATUS_SUCCESS;
}

uint32_t KsCreateDefaultClock(CreateRequest& request, std::shared_ptr<KSDEFAULTCLOCK> clock,
                              std::shared_ptr<Object>* out) {
  KSCLOCK_CREATE create;
  uint32_t status = KsValidateClockCreateRequest(request, &create);
  if (status != STATUS_SUCCESS) return status;
  *out = std::make_shared<DefaultClock>(std::move(clock));
  return STATUS_SUCCESS;
}

}  // namespace ks::emu
